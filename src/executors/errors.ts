/** The errors the executors raise. */
import { named, RuntimeError } from "../core/errors.js";

/**
 * The executor cannot run jobs any more (CPython's `concurrent.futures.BrokenExecutor`): an
 * initializer failed, or a worker died before it was ready. Every job waiting fails with it,
 * and `submit()` throws it.
 */
export class BrokenExecutor extends RuntimeError {}
named(BrokenExecutor, "BrokenExecutor");

/** A `ThreadPoolExecutor` is broken (CPython's `BrokenThreadPool`). */
export class BrokenThreadPool extends BrokenExecutor {}
named(BrokenThreadPool, "BrokenThreadPool");

/** A `ProcessPoolExecutor` is broken (CPython's `BrokenProcessPool`). */
export class BrokenProcessPool extends BrokenExecutor {}
named(BrokenProcessPool, "BrokenProcessPool");

/** How a worker ended. */
export interface WorkerExit {
  /** The exit code, or `null` when a signal ended a process. */
  readonly exitCode: number | null;
  /** The signal that ended a process (`"SIGKILL"`), or `null`. */
  readonly signal: NodeJS.Signals | null;
}

/**
 * The worker running a job died (`process.exit()`, an uncaught error, running out of memory
 * under `resourceLimits`, a signal from outside): that job fails with this error, naming the
 * exit code or signal; the error that killed the worker, if known, is the `cause`. The pool
 * replaces the worker and goes on — unlike CPython, whose process pool becomes broken.
 */
export class WorkerCrashedError extends Error implements WorkerExit {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;

  /** @internal Created by the pools. */
  constructor(job: string, worker: string, exit: WorkerExit, cause: unknown) {
    const how =
      exit.signal !== null
        ? `was killed by ${exit.signal}`
        : (cause as { code?: unknown } | undefined)?.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? "ran out of memory (resourceLimits)"
          : cause !== undefined
            ? `exited with code ${exit.exitCode} after an uncaught error: ${String(cause)}`
            : `exited with code ${exit.exitCode}`;
    super(`the ${worker} running job ${job} ${how}`, cause === undefined ? undefined : { cause });
    this.exitCode = exit.exitCode;
    this.signal = exit.signal;
  }
}
named(WorkerCrashedError, "WorkerCrashedError");
