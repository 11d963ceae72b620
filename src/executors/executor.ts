/**
 * The interface every executor implements — the two local pools and the distributed queue
 * executor — so `loop.runInExecutor(executor, job, ...args)` takes any of them.
 */
import type { Future } from "../core/future.js";
import type { JobFunction, ModuleJob } from "./jobs.js";

/** Options of `Executor.map()`. */
export interface MapOptions {
  /**
   * Seconds, from the call to `map()`, within which every result must arrive; a result not in
   * by then makes the iterator throw `TimeoutError` and cancels the jobs left. `null` (the
   * default): no limit.
   */
  timeout?: number | null;
}

/** Options of `Executor.shutdown()`. */
export interface ExecutorShutdownOptions {
  /** Whether the promise waits for the jobs running and queued, and for the workers to exit. Default true. */
  wait?: boolean;
  /** Whether the jobs not yet started are cancelled instead of run. Default false. */
  cancelFutures?: boolean;
}

/**
 * Runs jobs away from the event loop, as `concurrent.futures.Executor`.
 *
 * @example
 * await using pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 2 });
 * const total = await pool.submit((n: number) => { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }, 1e8);
 */
export interface Executor {
  /** Schedules `fn(...args)` and returns a Future of its result; cancelling it stops the job. */
  submit<A extends unknown[], R>(fn: JobFunction<A, R>, ...args: A): Future<Awaited<R>>;
  /** Schedules a module's exported function with `args`. */
  submit<R = unknown>(job: ModuleJob, ...args: unknown[]): Future<R>;
  /**
   * Runs `fn(item)` for every item (all submitted at once, as CPython's `Executor.map`) and
   * yields the results in the order of the items. Leaving the loop early, or an error, cancels
   * the jobs left.
   */
  map<T, R>(
    fn: JobFunction<[T], R>,
    items: Iterable<T>,
    options?: MapOptions,
  ): AsyncIterableIterator<Awaited<R>>;
  /** `map()` over a module's exported function. */
  map<R = unknown>(
    job: ModuleJob,
    items: Iterable<unknown>,
    options?: MapOptions,
  ): AsyncIterableIterator<R>;
  /** Takes no new jobs; frees the workers once the jobs left are done (see `ExecutorShutdownOptions`). */
  shutdown(options?: ExecutorShutdownOptions): Promise<void>;
  /** `await using`: `shutdown({ wait: true })`. */
  [Symbol.asyncDispose](): Promise<void>;
}
