/**
 * The messages between a pool and its workers, the same for threads (`postMessage`) and child
 * processes (`process.send` with the "advanced", structured-clone serialization).
 *
 * The pool knows at every moment which of the jobs it sent a worker is running, without one
 * message more per job: a job sent to an idle worker starts at once (the pool assumes it
 * running); a job sent behind others is reported when it starts, in the same message as the
 * result of the job before it. A worker runs its jobs one at a time, in the order sent, and
 * looks at the cancellations it received before starting each; so a cancelled job is either
 * skipped (and reported skipped) or reported started — then the pool terminates the worker.
 */
import type { SerializedError } from "./remoteError.js";

/** How a job names its function: a key the worker already knows, or its definition. */
export type FunctionRef = number | FunctionDefinition;

/** A function the worker has not seen yet: JavaScript source, or a module's export. */
export type FunctionDefinition =
  | { readonly key: number; readonly source: string; readonly name: string }
  | { readonly key: number; readonly module: string; readonly export: string };

/** One job: its id, its function, its arguments, whether the worker reports its start. */
export type JobMessage = [id: number, fn: FunctionRef, args: unknown[], reportStart: boolean];

/** Pool → worker. */
export type ToWorker =
  | {
      readonly type: "init";
      readonly initializer: FunctionDefinition | null;
      readonly initargs: unknown[];
    }
  | { readonly type: "jobs"; readonly jobs: JobMessage[] }
  | { readonly type: "cancel"; readonly id: number };

/** A finished job: id, whether it succeeded, its value or serialized error, its milliseconds. */
export type JobOutcome = [id: number, ok: boolean, value: unknown, ms: number];

/** Worker → pool. */
export type FromWorker =
  | { readonly type: "ready" }
  | { readonly type: "initFailed"; readonly error: SerializedError }
  | {
      readonly type: "progress";
      /** The job that just finished, if any. */
      readonly done: JobOutcome | null;
      /** The id of the job starting now, or -1. */
      readonly started: number;
      /** Ids of cancelled jobs dropped before they started. */
      readonly skipped: number[] | null;
    };
