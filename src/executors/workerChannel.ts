/**
 * A pool's link to one worker, thread or process: the one place where `worker_threads` and
 * `child_process` differ. The pool logic (`workerPool.ts`) sees only this.
 */
import type { Transferable } from "node:worker_threads";
import type { WorkerExit } from "./errors.js";
import type { FromWorker, ToWorker } from "./protocol.js";

/** What the pool hears from a worker. */
export interface WorkerEvents {
  message(message: FromWorker): void;
  /** The worker is gone; `error` is what killed it, when known. */
  exit(exit: WorkerExit, error: unknown): void;
}

/** One worker as the pool drives it. */
export interface WorkerChannel {
  /** `"thread asyncio_0"`, `"process 4242"`: for error messages. */
  readonly label: string;
  /** Sends `message`; throws if it cannot be serialized. */
  send(message: ToWorker, transfer: readonly Transferable[]): void;
  /** Keeps the process alive while the worker has jobs. */
  ref(): void;
  /** Lets the process exit while the worker is idle. */
  unref(): void;
  /** Stops the worker now, whatever it runs; `exit` follows. */
  terminate(): void;
}

/** Starts worker number `index` of a pool. */
export type WorkerLauncher = (index: number, events: WorkerEvents) => WorkerChannel;
