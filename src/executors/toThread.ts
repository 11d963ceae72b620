/** `toThread()`: asyncio's `to_thread`. */
import type { Future } from "../core/future.js";
import { getRunningLoop } from "../core/scope.js";
import type { JobFunction, ModuleJob } from "./jobs.js";

/**
 * Runs `fn(...args)` on the running loop's default executor (a pool of worker threads) and
 * returns a Future of its result, as `asyncio.to_thread`. `fn` must be self-contained, or
 * `{ module, export }`. Unlike Python, cancelling the awaiting task stops the job: its thread is
 * terminated and replaced. The job does not see the caller's `ContextVar`s (another thread has
 * its own memory).
 *
 * @example
 * const sum = await asyncio.toThread((n: number) => { let s = 0; for (let i = 0; i < n; i++) s += i * i; return s; }, 1e7);
 */
export function toThread<A extends unknown[], R>(
  fn: JobFunction<A, R>,
  ...args: A
): Future<Awaited<R>>;
export function toThread<R = unknown>(job: ModuleJob, ...args: unknown[]): Future<R>;
export function toThread(job: JobFunction | ModuleJob, ...args: unknown[]): Future<unknown> {
  return getRunningLoop().runInExecutor(null, job as ModuleJob, ...args);
}
