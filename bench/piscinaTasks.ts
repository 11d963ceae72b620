/**
 * The task module of the piscina baselines (piscina runs a module's export in its worker
 * threads): the same jobs the asyncio-ts variants send as functions.
 */

/** The tiny job of the throughput benchmark. */
export default function add({ a, b }: { a: number; b: number }): number {
  return a + b;
}

/** The job of the cancel benchmark: says it started (flag[0] = 1), then never returns. */
export function spin(flag: Int32Array): never {
  Atomics.store(flag, 0, 1);
  for (;;) {
    // spin until the worker is terminated
  }
}
