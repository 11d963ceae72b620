/**
 * `taskGroup(body)` and `TaskGroup`: structured concurrency, as asyncio's
 * `async with TaskGroup() as tg:`.
 *
 * `body(tg)` runs in the current task (the parent); tasks it starts with `tg.createTask()`
 * are the group's children. The group ends only when every child is done, whatever happens:
 * `taskGroup()` waits for them after the body returns and after it throws, so a child can
 * never outlive the call. The first child that fails cancels the other children and the body;
 * the group then throws an `ExceptionGroup` of the failures (cancellations are not failures).
 * A cancellation of the parent from outside cancels the children and is passed on, never
 * swallowed; the parent's `cancelling()` count is kept exactly as CPython keeps it.
 *
 * Design: a TaskGroup exists only inside `taskGroup()` (its constructor is not public), so it
 * cannot be used before it started, entered twice, or left open: the only misuse left is to
 * keep it and call `createTask()` after the group finished, which throws a `RuntimeError`.
 *
 * Invariants: `#tasks` holds the children whose done callback has not run yet (an eager child
 * may be done already); `#exiting` is set once the body ended; the group is finished when it
 * is exiting and `#tasks` is empty; `#aborting` is set once the children were cancelled, and
 * no child can be added after that.
 */
import { CancelledError, KeyboardInterrupt, RuntimeError } from "../core/errors.js";
import { ExceptionGroup } from "../core/exceptionGroup.js";
import type { Future } from "../core/future.js";
import {
  futureAddToAwaitedBy,
  futureDiscardFromAwaitedBy,
  setResultUnlessDone,
} from "../core/future.js";
import type { EventLoop } from "../core/loop.js";
import { getRunningLoop } from "../core/scope.js";
import type { CoroutineFunction, Task, TaskOptions } from "../core/task.js";
import { currentTask, requireCoroutineFunction } from "../core/task.js";
import { describeValue } from "../core/validate.js";
import { parkOn } from "../core/wakeup.js";
import { watchChild } from "./internal.js";

/** Only `taskGroup()` holds it: a TaskGroup is never made outside it. */
const CREATE_TOKEN: unique symbol = Symbol("TaskGroup");

/**
 * The group `taskGroup()` hands to its body: start children with `createTask()`.
 *
 * @example
 * await asyncio.taskGroup(async (tg) => {
 *   tg.createTask(() => download("a"));
 *   tg.createTask(() => download("b"), { name: "download b" });
 * }); // both downloads are done here
 */
export class TaskGroup {
  readonly #loop: EventLoop;
  readonly #parent: Task<unknown>;
  readonly #tasks = new Set<Task<unknown>>();
  readonly #errors: unknown[] = [];
  #exiting = false;
  #aborting = false;
  #parentCancelRequested = false;
  /** An error that ends the group as it is instead of in an ExceptionGroup. */
  #baseError: unknown = null;
  /** Completed when the last child is done, while the parent waits for that. */
  #allDone: Future<void> | null = null;

  /** @internal Made by `taskGroup()` only, in the parent task. */
  constructor(token: typeof CREATE_TOKEN) {
    if (token !== CREATE_TOKEN) {
      throw new TypeError(
        "TaskGroup cannot be constructed directly: use asyncio.taskGroup(async (tg) => ...)",
      );
    }
    this.#loop = getRunningLoop();
    const parent = currentTask();
    if (parent === null) throw new RuntimeError("TaskGroup cannot determine the parent task");
    this.#parent = parent;
  }

  /**
   * Starts `fn` as a child Task of the group and returns it (see `asyncio.createTask`). A
   * `RuntimeError` once the group is shutting down (a child failed) or finished.
   */
  createTask<T>(fn: CoroutineFunction<T>, options?: TaskOptions): Task<T> {
    requireCoroutineFunction(fn, "TaskGroup.createTask()");
    if (this.#exiting && this.#tasks.size === 0) {
      throw new RuntimeError(`TaskGroup ${this} is finished`);
    }
    if (this.#aborting) throw new RuntimeError(`TaskGroup ${this} is shutting down`);
    const task = this.#loop.createTask(fn, options);
    // gh-128550: a child that is already done (eager, it failed in its first step) still
    // reports through the loop, never from here. Scenario: eager child B creates C, which
    // fails at once; handled now, the group would abort while B is not yet among its
    // children, and B would run on uncancelled. Reported later, B is there and is cancelled.
    this.#tasks.add(task as Task<unknown>);
    // The parent awaits its children (the call graph), as in asyncio 3.14.
    futureAddToAwaitedBy(task, this.#parent);
    watchChild(task, this);
    return task;
  }

  /** A description for logs and the REPL, as Python's `repr()`. */
  toString(): string {
    const info = [];
    if (this.#tasks.size > 0) info.push(`tasks=${this.#tasks.size}`);
    if (this.#errors.length > 0) info.push(`errors=${this.#errors.length}`);
    info.push(this.#aborting ? "cancelling" : "entered");
    return `<TaskGroup ${info.join(" ")}>`;
  }

  /**
   * @internal The body ended (with `error` if `failed`): waits for every child, then throws
   * what the group ends with, or returns when the body's own outcome stands.
   */
  async _exit(failed: boolean, error: unknown): Promise<void> {
    this.#exiting = true;
    if (failed && isBaseError(error) && this.#baseError === null) this.#baseError = error;
    let propagateCancellation: CancelledError | null =
      failed && error instanceof CancelledError ? error : null;
    // The parent is being cancelled, or the body failed: stop the children.
    if (failed && !this.#aborting) this.#abort();
    // A loop: the wait can be cancelled several times if the parent is cancelled repeatedly.
    while (this.#tasks.size > 0) {
      this.#allDone ??= this.#loop.createFuture<void>();
      try {
        await parkOn(this.#allDone);
      } catch (cancelled) {
        if (!this.#aborting) {
          // The parent was cancelled from outside while the children ran on.
          propagateCancellation = cancelled as CancelledError;
          this.#abort();
        }
      }
      this.#allDone = null;
    }
    if (this.#baseError !== null) throw this.#baseError;
    // The group cancelled its parent itself: withdraw that request. If it was the only one,
    // the CancelledError it caused is the group's own business, not the caller's.
    if (this.#parentCancelRequested && this.#parent.uncancel() === 0) {
      propagateCancellation = null;
    }
    // A cancellation goes on, unless failures take precedence.
    if (propagateCancellation !== null && this.#errors.length === 0) throw propagateCancellation;
    if (failed && !(error instanceof CancelledError)) this.#errors.push(error);
    if (this.#errors.length > 0) {
      // Cancelled from outside too: withdraw and renew the request so the count stays stable
      // and the parent still sees the cancellation at its next await.
      if (this.#parent.cancelling() > 0) {
        this.#parent.uncancel();
        this.#parent.cancel();
      }
      throw new ExceptionGroup("unhandled errors in a TaskGroup", this.#errors);
    }
  }

  #abort(): void {
    this.#aborting = true;
    for (const task of this.#tasks) {
      if (!task.done()) task.cancel();
    }
  }

  /** @internal A child completed (its done callback). */
  _childDone(child: Future<unknown>): void {
    const task = child as Task<unknown>;
    this.#tasks.delete(task);
    futureDiscardFromAwaitedBy(task, this.#parent);
    if (this.#allDone !== null && this.#tasks.size === 0) {
      setResultUnlessDone(this.#allDone, undefined);
    }
    if (task.cancelled()) return;
    const error = task.exception();
    if (error === null) return;
    this.#errors.push(error);
    if (isBaseError(error) && this.#baseError === null) this.#baseError = error;
    if (this.#parent.done()) {
      this.#loop.callExceptionHandler({
        message: `Task ${task} has errored out but its parent task ${this.#parent} is already completed`,
        exception: error,
        task,
      });
      return;
    }
    if (!this.#aborting && !this.#parentCancelRequested) {
      // Interrupt whatever the body (or the exit) awaits; `_exit` withdraws this request.
      this.#abort();
      this.#parentCancelRequested = true;
      this.#parent.cancel();
    }
  }
}

/**
 * Errors that end a group as they are rather than inside an ExceptionGroup: Python's
 * `KeyboardInterrupt` (and `SystemExit`, which JavaScript has no counterpart of).
 */
function isBaseError(error: unknown): boolean {
  return error instanceof KeyboardInterrupt;
}

/**
 * Runs `body(tg)` in the current task with a new `TaskGroup`, then waits for every child the
 * group started, and resolves with the body's value. If a child fails, the other children and
 * the body are cancelled and the call rejects with an `ExceptionGroup` of the failures (the
 * body's own error included). A cancellation of the current task from outside cancels the
 * children and then rejects with the `CancelledError`.
 *
 * @example
 * const tasks = await asyncio.taskGroup(async (tg) => {
 *   return [1, 2].map((id) => tg.createTask(() => fetchUser(id)));
 * });
 * console.log(tasks.map((task) => task.result())); // every child is done here
 */
export async function taskGroup<T>(body: (tg: TaskGroup) => T | PromiseLike<T>): Promise<T> {
  if (typeof body !== "function") {
    throw new TypeError(
      `taskGroup() expects a function such as async (tg) => { ... }, got ${describeValue(body)}`,
    );
  }
  const group = new TaskGroup(CREATE_TOKEN);
  let result: T;
  try {
    result = await body(group);
  } catch (error) {
    await group._exit(true, error);
    throw error;
  }
  await group._exit(false, undefined);
  return result;
}
