/** `ThreadPoolExecutor`: a pool of worker threads. */
import { availableParallelism } from "node:os";
import type { ResourceLimits } from "node:worker_threads";
import { describeValue, requireInteger, requireOptions } from "../core/validate.js";
import { BrokenThreadPool } from "./errors.js";
import { threadLauncher } from "./threadChannel.js";
import type { PoolOptions } from "./workerPool.js";
import { initializerOf, WorkerPoolExecutor } from "./workerPool.js";

/** Options of `new ThreadPoolExecutor()`. */
export interface ThreadPoolOptions extends PoolOptions {
  /** Threads at most; default `min(32, cpus + 4)`, as CPython. */
  maxWorkers?: number;
  /** The threads' name prefix: threads are `${name}_0`, `${name}_1`, … Default `ThreadPoolExecutor-N`. */
  name?: string;
  /** Memory limits of each thread (Node's `Worker` `resourceLimits`); a thread over them dies, failing its job. */
  resourceLimits?: ResourceLimits;
}

let poolCount = 0;

/**
 * Runs jobs on `worker_threads`, as `concurrent.futures.ThreadPoolExecutor` runs them on
 * threads: for CPU-bound work and blocking calls that must not stall the event loop. A job is
 * a self-contained function (sent as source) or `{ module, export }`; arguments and results
 * are structured-cloned (`transfer()` moves buffers). Threads start when jobs need them and are
 * kept, unref'd, while idle. Unlike CPython, cancelling a running job stops it: its thread is
 * terminated and replaced.
 *
 * @example
 * await using pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 2 });
 * // A function declaration can call itself in the worker; an arrow assigned to an outer
 * // `const` could not (that name does not exist there).
 * function fib(n: number): number {
 *   return n < 2 ? n : fib(n - 1) + fib(n - 2);
 * }
 * console.log(await pool.submit(fib, 30)); // 832040
 */
export class ThreadPoolExecutor extends WorkerPoolExecutor {
  /**
   * @throws TypeError or RangeError for a bad option (e.g. `maxWorkers` not an integer >= 1).
   */
  constructor(options?: ThreadPoolOptions) {
    requireOptions(options, "ThreadPoolExecutor options");
    const maxWorkers = options?.maxWorkers ?? Math.min(32, availableParallelism() + 4);
    requireInteger(maxWorkers, "ThreadPoolExecutor maxWorkers", 1);
    const name = options?.name ?? `ThreadPoolExecutor-${poolCount++}`;
    if (typeof name !== "string") {
      throw new TypeError(`ThreadPoolExecutor name must be a string, got ${describeValue(name)}`);
    }
    const limits = options?.resourceLimits;
    if (limits !== undefined && (typeof limits !== "object" || limits === null)) {
      throw new TypeError(
        `ThreadPoolExecutor resourceLimits must be an object, got ${describeValue(limits)}`,
      );
    }
    super({
      kind: "thread",
      className: "ThreadPoolExecutor",
      maxWorkers,
      launcher: threadLauncher(name, limits),
      ...initializerOf(options, "ThreadPoolExecutor"),
      jobsPerWorker: null,
      broken: (message, cause) =>
        new BrokenThreadPool(message, cause === undefined ? undefined : { cause }),
    });
  }
}
