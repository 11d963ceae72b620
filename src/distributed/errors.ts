/** The errors of `asyncio-ts/distributed`. */
import { named } from "../core/errors.js";

/**
 * The job is no longer in the queue before it finished: removed from Redis by someone else
 * (`Queue.remove`, `obliterate`, a clean-up), or Redis lost its data (restarted without
 * persistence). The awaiting task gets it instead of waiting forever.
 */
export class JobRemovedError extends Error {
  /** The BullMQ id of the job. */
  readonly jobId: string;

  /** @internal */
  constructor(message: string, jobId: string) {
    super(message);
    this.jobId = jobId;
  }
}
named(JobRemovedError, "JobRemovedError");

/**
 * Every attempt of the job was lost with its worker (killed, crashed, or cut off from Redis
 * longer than its lock): the queue gave it back to another worker up to its `attempts`, then gave
 * up. Under `jobOptions.attempts`.
 */
export class WorkerLostError extends Error {}
named(WorkerLostError, "WorkerLostError");

/**
 * The queue failed the job for a reason of its own, not an error of the job's function: a
 * BullMQ limit (a job stalled more often than the workers' `maxStalledCount`), or a worker that
 * is not an `asyncio-ts worker`. `failedReason` is what BullMQ recorded.
 */
export class JobFailedError extends Error {
  /** The BullMQ id of the job. */
  readonly jobId: string;
  /** BullMQ's `failedReason`. */
  readonly failedReason: string;

  /** @internal */
  constructor(message: string, jobId: string, failedReason: string) {
    super(message);
    this.jobId = jobId;
    this.failedReason = failedReason;
  }
}
named(JobFailedError, "JobFailedError");
