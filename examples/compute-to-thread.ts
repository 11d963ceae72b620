/**
 * The notes' `compute()` sum moved to a worker thread with `toThread`: the loop stays free while
 * the thread computes, so a ticker task keeps printing until the result arrives. (In
 * `compute-timing.ts` the same sum, run on the loop, blocks it.)
 *
 * Python: `result = await asyncio.to_thread(compute)` beside a task printing `tick n` every
 * 0.1 s; `compute()` is `sum(i * i for i in range(10000000))`.
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

/** Runs in a worker thread: self-contained, it uses only its parameter. */
function compute(n: number): bigint {
  let total = 0n;
  for (let i = 0; i < n; i++) total += BigInt(i * i);
  return total;
}

async function ticker(): Promise<never> {
  for (let n = 1; ; n++) {
    await asyncio.sleep(0.1);
    console.log(`tick ${n}`);
  }
}

export async function main(n = 10_000_000): Promise<void> {
  const tiques = asyncio.createTask(ticker);
  const result = await asyncio.toThread(compute, n);
  tiques.cancel();
  console.log(`${result}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(() => main());
