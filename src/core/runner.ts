/**
 * `run(main)` and `Runner`: create a loop, run a main task on it, then cancel what is left and
 * close it, as asyncio's `runners.py`.
 */
import { isMainThread } from "node:worker_threads";
import { hasSignalHandler } from "../net/signals.js";
import type { Clock } from "./clock.js";
import type { Context } from "./context.js";
import { copyContext } from "./context.js";
import { blockedTasks, DeadlockError, runUntilCompleteOrDeadlock } from "./deadlock.js";
import { CancelledError, KeyboardInterrupt, RuntimeError } from "./errors.js";
import type { Future } from "./future.js";
import { EventLoop } from "./loop.js";
import { scopeStorage } from "./scope.js";
import type { CoroutineFunction, Task } from "./task.js";
import { requireCoroutineFunction } from "./task.js";
import { reportUnretrieved } from "./unretrieved.js";
import { describeValue, requireOptions } from "./validate.js";

/** Options of `run()` and `Runner`. */
export interface RunOptions {
  /** Debug mode: slow callbacks are reported (also on with `ASYNCIO_TS_DEBUG=1`). */
  debug?: boolean;
  /** The loop's clock; `new VirtualClock()` from `asyncio-ts/testing` makes time virtual. */
  clock?: Clock;
}

/** Options of `Runner.run()`. */
export interface RunnerRunOptions {
  /** The contextvars Context the main task runs in (the runner's own by default). */
  context?: Context;
}

const CREATED = 0;
const INITIALIZED = 1;
const CLOSED = 2;

function insideRunningLoop(): boolean {
  return scopeStorage.getStore()?._loop.isRunning() === true;
}

/**
 * Runs several coroutine functions on one loop, as asyncio's `Runner`; `close()` (or
 * `await using`) cancels the tasks left and closes the loop.
 *
 * @example
 * await using runner = new asyncio.Runner();
 * await runner.run(setup);
 * await runner.run(main);
 */
export class Runner implements AsyncDisposable {
  readonly #options: RunOptions;
  #state = CREATED;
  #loop: EventLoop | null = null;
  #context: Context | null = null;
  #interrupts = 0;
  /** The one close under way (or done): concurrent `close()` calls share it. */
  #closing: Promise<void> | null = null;

  constructor(options: RunOptions = {}) {
    requireOptions(options, "Runner options");
    if (options.debug !== undefined && typeof options.debug !== "boolean") {
      throw new TypeError(`debug must be a boolean, got ${describeValue(options.debug)}`);
    }
    this.#options = options;
  }

  /** The runner's loop (created on first use). */
  getLoop(): EventLoop {
    return this.#init();
  }

  /**
   * Runs `main` as a task on the runner's loop until it completes; resolves with its result
   * or rejects with its error. On SIGINT (Ctrl-C) the main task is cancelled; if it then ends
   * cancelled, the run rejects with `KeyboardInterrupt`.
   */
  async run<T>(main: CoroutineFunction<T>, options: RunnerRunOptions = {}): Promise<T> {
    requireCoroutineFunction(main, "Runner.run()");
    requireOptions(options, "Runner.run() options");
    if (insideRunningLoop()) {
      throw new RuntimeError("Runner.run() cannot be called from a running event loop");
    }
    const loop = this.#init();
    if (loop.isRunning()) {
      // A run started from top-level code and not over yet: refuse before creating the task,
      // which would otherwise run on that other run's loop.
      throw new RuntimeError("Runner.run() cannot be called while the runner is running");
    }
    const task = loop.createTask(main, { context: options.context ?? (this.#context as Context) });
    const onSigint = this.#installSigint(task);
    this.#interrupts = 0;
    try {
      await runUntilCompleteOrDeadlock(loop, task, task);
      return task.result();
    } catch (error) {
      if (error instanceof CancelledError && this.#interrupts > 0 && task.uncancel() === 0) {
        throw new KeyboardInterrupt("interrupted (SIGINT)", { cause: error });
      }
      throw error;
    } finally {
      if (onSigint !== null) process.off("SIGINT", onSigint);
    }
  }

  /**
   * Cancels the tasks still pending, waits for them, reports those that failed — and every
   * Future or Task whose exception nobody retrieved — to the exception handler, and closes the
   * loop.
   */
  close(): Promise<void> {
    if (this.#closing === null) this.#closing = this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    if (this.#state !== INITIALIZED) return;
    const loop = this.#loop as EventLoop;
    try {
      await cancelAllTasks(loop);
      await loop._runUntilComplete(loop.shutdownDefaultExecutor(THREAD_JOIN_TIMEOUT));
    } finally {
      reportUnretrieved(loop);
      loop.close();
      this.#loop = null;
      this.#state = CLOSED;
    }
  }

  /** `await using runner = new Runner()` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #init(): EventLoop {
    if (this.#state === CLOSED) throw new RuntimeError("Runner is closed");
    if (this.#loop === null) {
      const { clock, debug } = this.#options;
      this.#loop = new EventLoop({ clock, debug });
      this.#context = copyContext();
      this.#state = INITIALIZED;
    }
    return this.#loop;
  }

  /** Ctrl-C cancels the main task once; a second one exits as Node would. */
  #installSigint(main: Task<unknown>): (() => void) | null {
    if (!isMainThread || process.listenerCount("SIGINT") > 0) return null;
    const loop = main.getLoop();
    const onSigint = (): void => {
      // A handler the program added with loop.addSignalHandler("SIGINT") takes precedence.
      if (hasSignalHandler(loop, "SIGINT")) return;
      this.#interrupts++;
      if (this.#interrupts === 1 && !main.done()) {
        main.cancel();
        return;
      }
      process.off("SIGINT", onSigint);
      process.kill(process.pid, "SIGINT");
    };
    process.on("SIGINT", onSigint);
    return onSigint;
  }
}

/** Seconds `close()` waits for the default executor's threads, as asyncio's `THREAD_JOIN_TIMEOUT`. */
const THREAD_JOIN_TIMEOUT = 300;

/** Cancels every pending task of `loop` and runs the loop until they are all done. */
async function cancelAllTasks(loop: EventLoop): Promise<void> {
  const tasks = [...loop._tasks];
  if (tasks.length === 0) return;
  for (const task of tasks) {
    try {
      task.cancel();
    } catch (error) {
      // Tasks awaiting one another in a cycle make cancel() recurse without end (as in
      // asyncio). Report it and go on: the deadlock report below names the tasks, and the
      // error that ended the run (often a DeadlockError about that cycle) is kept.
      loop.callExceptionHandler({
        message: "error while cancelling a task during asyncio.run() shutdown",
        exception: error,
        task,
      });
    }
  }
  const allDone = whenAllDone(loop, tasks);
  try {
    await runUntilCompleteOrDeadlock(loop, allDone, tasks[0] as Task<unknown>);
  } catch (error) {
    if (!(error instanceof DeadlockError)) throw error;
    loop.callExceptionHandler({
      message:
        "tasks left at asyncio.run() shutdown can never finish: they ignored cancellation or " +
        "wait on a promise outside the library",
      exception: error,
      tasks: blockedTasks(loop, tasks[0] as Task<unknown>).map(({ task }) => String(task)),
    });
    return;
  }
  for (const task of tasks) {
    if (task.cancelled()) continue;
    const exception = task.exception();
    if (exception !== null) {
      loop.callExceptionHandler({
        message: "unhandled exception during asyncio.run() shutdown",
        exception,
        task,
      });
    }
  }
}

/** A Future that completes once every one of `futures` is done. */
function whenAllDone(loop: EventLoop, futures: readonly Future<unknown>[]): Future<void> {
  const all = loop.createFuture<void>();
  let left = futures.length;
  const onDone = (): void => {
    left--;
    if (left === 0) all.setResult(undefined);
  };
  for (const future of futures) future.addDoneCallback(onDone);
  return all;
}

/**
 * Runs `main` as the main task of a new loop and resolves with its result; then cancels the
 * tasks left, waits for them and closes the loop, as `asyncio.run()`.
 *
 * @throws RuntimeError when called from inside a running loop.
 * @example
 * import * as asyncio from "asyncio-ts";
 *
 * async function main() {
 *   console.log("Início.");
 *   await asyncio.sleep(2);
 *   console.log("Fim.");
 * }
 *
 * await asyncio.run(main);
 */
export async function run<T>(main: CoroutineFunction<T>, options?: RunOptions): Promise<T> {
  if (insideRunningLoop()) {
    throw new RuntimeError("asyncio.run() cannot be called from a running event loop");
  }
  requireCoroutineFunction(main, "run()");
  const runner = new Runner(options);
  try {
    return await runner.run(main);
  } finally {
    await runner.close();
  }
}
