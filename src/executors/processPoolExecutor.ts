/** `ProcessPoolExecutor`: a pool of child processes. */
import { availableParallelism } from "node:os";
import { describeValue, requireInteger, requireOptions } from "../core/validate.js";
import { BrokenProcessPool } from "./errors.js";
import { processLauncher } from "./processChannel.js";
import type { PoolOptions } from "./workerPool.js";
import { initializerOf, WorkerPoolExecutor } from "./workerPool.js";

/** Options of `new ProcessPoolExecutor()`. */
export interface ProcessPoolOptions extends PoolOptions {
  /** Processes at most; default the number of CPUs, as CPython. */
  maxWorkers?: number;
  /** Jobs a process runs before it is replaced by a fresh one; default no limit. */
  maxTasksPerChild?: number | null;
  /** Seconds a terminated process has to exit after SIGTERM before SIGKILL; default 2. */
  killGracePeriod?: number;
}

/**
 * Runs jobs in child processes (`child_process.fork`), as
 * `concurrent.futures.ProcessPoolExecutor`: each job gets a whole process, with its own memory
 * and its own crash. Jobs take the same forms as in `ThreadPoolExecutor`; arguments and results
 * travel by structured clone. Cancelling a running job sends its process SIGTERM (SIGKILL after
 * `killGracePeriod`) and starts a replacement; a process that dies fails only its job, where
 * CPython's pool would be broken.
 *
 * @example
 * await using pool = new asyncio.ProcessPoolExecutor({ maxWorkers: 2 });
 * const pid = await pool.submit(() => process.pid);
 */
export class ProcessPoolExecutor extends WorkerPoolExecutor {
  /**
   * @throws TypeError or RangeError for a bad option.
   */
  constructor(options?: ProcessPoolOptions) {
    requireOptions(options, "ProcessPoolExecutor options");
    const maxWorkers = options?.maxWorkers ?? availableParallelism();
    requireInteger(maxWorkers, "ProcessPoolExecutor maxWorkers", 1);
    const perChild = options?.maxTasksPerChild ?? null;
    if (perChild !== null) requireInteger(perChild, "ProcessPoolExecutor maxTasksPerChild", 1);
    const grace = options?.killGracePeriod ?? 2;
    if (typeof grace !== "number" || !(grace >= 0) || !Number.isFinite(grace)) {
      throw new TypeError(
        `ProcessPoolExecutor killGracePeriod must be a number of seconds >= 0, got ${describeValue(grace)}`,
      );
    }
    super({
      kind: "process",
      className: "ProcessPoolExecutor",
      maxWorkers,
      launcher: processLauncher(grace),
      ...initializerOf(options, "ProcessPoolExecutor"),
      jobsPerWorker: perChild,
      broken: (message, cause) =>
        new BrokenProcessPool(message, cause === undefined ? undefined : { cause }),
    });
  }
}
