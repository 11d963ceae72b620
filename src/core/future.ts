/**
 * `Future`: a result that will exist later, as asyncio's `Future`, and the one thing every
 * wait of the library parks on (how awaiting code resumes is `wakeup.ts`). Done callbacks run
 * through the loop, never synchronously.
 *
 * Invariants: `_state` only leaves PENDING once; while PENDING `_result` is undefined; when
 * CANCELLED it holds the cancel message; when RESOLVED the value; when REJECTED the error.
 * `_callbacks` holds the Runnables (done-callback Handles and wake-ups of awaiting code) to
 * schedule at completion, in registration order, and is null once they were scheduled.
 */
import { inspect } from "node:util";
import type { SourceTraceback } from "../debug/sourceTraceback.js";
import { captureSourceTraceback } from "../debug/sourceTraceback.js";
import { Context, currentVars } from "./context.js";
import { inspectAsToString } from "./display.js";
import {
  type CancelledError,
  InvalidStateError,
  loopCancelledError,
  RuntimeError,
} from "./errors.js";
import { Handle } from "./handle.js";
import type { EventLoop } from "./loop.js";
import type { OnFulfilled, OnRejected } from "./resolvers.js";
import {
  capturedReject,
  capturedResolve,
  captureResolvers,
  releaseResolvers,
} from "./resolvers.js";
import type { Runnable } from "./runnable.js";
import { getRunningLoop, scopeStorage } from "./scope.js";
import { forgetUnretrieved, trackUnretrieved } from "./unretrieved.js";
import { describeValue, requireCancelMessage, requireFunction } from "./validate.js";
import { Reaction } from "./wakeup.js";

/** @internal */
export const PENDING = 0;
/** @internal */
export const CANCELLED = 1;
/** @internal */
export const RESOLVED = 2;
/** @internal */
export const REJECTED = 3;

/** Options of the Future constructor. */
export interface FutureOptions {
  /** The loop the Future belongs to; the running loop by default. */
  loop?: EventLoop;
}

/** Options of `addDoneCallback`. */
export interface DoneCallbackOptions {
  /** The contextvars Context the callback runs in; a copy of the current one by default. */
  context?: Context;
}

/**
 * A pending result, settled once with `setResult`, `setException` or `cancel`.
 *
 * @example
 * await asyncio.run(async () => {
 *   const config = new asyncio.Future<string>();
 *   asyncio.getRunningLoop().callLater(0.1, () => config.setResult("ready"));
 *   console.log(await config); // "ready"
 * });
 */
export class Future<T = unknown> implements PromiseLike<T> {
  /** @internal */
  _loop: EventLoop;
  /** @internal */
  _state: number = PENDING;
  /** @internal */
  _result: unknown = undefined;
  /** @internal */
  _callbacks: Runnable | Runnable[] | null = null;
  /**
   * @internal True while an exception is set and nobody looked at it. False on the prototype,
   * an own field only once an exception is set: one field less on every Future and Task that
   * never fails, for the memory of sleeping tasks (bench/sleeping-memory.bench.ts).
   */
  declare _logTraceback: boolean;
  /**
   * @internal Where the program created this Future, recorded in debug mode only (asyncio's
   * `_source_traceback`); null on the prototype, as `_logTraceback`.
   */
  declare _sourceTraceback: SourceTraceback | null;
  /**
   * @internal Who awaits this Future besides the task parked on it (see `callGraph.ts`): the
   * waiter, or a Set once there are several, or null. Null on the prototype, an own field only
   * once `futureAddToAwaitedBy` was called: no cost on the Futures nobody registers.
   */
  declare _awaitedBy: Future<unknown> | Set<Future<unknown>> | null;

  static {
    Future.prototype._logTraceback = false;
    Future.prototype._sourceTraceback = null;
    Future.prototype._awaitedBy = null;
  }

  constructor(options?: FutureOptions) {
    if (options === undefined) {
      this._loop = getRunningLoop();
      if (this._loop.getDebug()) this._sourceTraceback = captureSourceTraceback();
      return;
    }
    if (options === null || typeof options !== "object") {
      throw new TypeError(`Future options must be an object, got ${describeValue(options)}`);
    }
    const loop = options.loop;
    if (loop !== undefined && (loop === null || typeof loop !== "object" || loop._loop !== loop)) {
      throw new TypeError(`Future loop must be an EventLoop, got ${describeValue(loop)}`);
    }
    this._loop = loop ?? getRunningLoop();
    if (this._loop.getDebug()) this._sourceTraceback = captureSourceTraceback();
  }

  /** The loop this Future belongs to. */
  getLoop(): EventLoop {
    return this._loop;
  }

  /** Whether the Future is done: it has a result or an exception, or was cancelled. */
  done(): boolean {
    return this._state !== PENDING;
  }

  /** Whether the Future was cancelled. */
  cancelled(): boolean {
    return this._state === CANCELLED;
  }

  /**
   * The result. Throws the exception if one was set, a `CancelledError` if the Future was
   * cancelled, an `InvalidStateError` if it is not done yet.
   */
  result(): T {
    switch (this._state) {
      case RESOLVED:
        return this._result as T;
      case REJECTED:
        this._retrieved();
        throw this._result;
      case CANCELLED:
        throw this._makeCancelledError();
      default:
        throw new InvalidStateError("Result is not ready.");
    }
  }

  /**
   * The exception set on the Future, or `null` if it completed with a result. Throws a
   * `CancelledError` if it was cancelled, an `InvalidStateError` if it is not done yet.
   */
  exception(): unknown {
    switch (this._state) {
      case RESOLVED:
        return null;
      case REJECTED:
        this._retrieved();
        return this._result;
      case CANCELLED:
        throw this._makeCancelledError();
      default:
        throw new InvalidStateError("Exception is not set.");
    }
  }

  /** Completes the Future with `value`; an `InvalidStateError` if it is already done. */
  setResult(value: T): void {
    if (this._state !== PENDING) {
      throw new InvalidStateError(`invalid state: ${this} is already done`);
    }
    this._resolve(value);
  }

  /**
   * Completes the Future with `error` (an error class is instantiated); an
   * `InvalidStateError` if it is already done.
   */
  setException(error: unknown): void {
    if (this._state !== PENDING) {
      throw new InvalidStateError(`invalid state: ${this} is already done`);
    }
    if (error === null || error === undefined) {
      throw new TypeError(`setException() expects an error, got ${describeValue(error)}`);
    }
    if (
      typeof error === "function" &&
      (error as { prototype?: unknown }).prototype instanceof Error
    ) {
      error = new (error as new () => Error)();
    }
    this._reject(error);
  }

  /**
   * Cancels the Future: it becomes done and cancelled and its callbacks are scheduled.
   * Returns false (and does nothing) if it was already done.
   */
  cancel(msg?: string): boolean {
    requireCancelMessage(msg);
    return this._cancel(msg);
  }

  /**
   * Calls `fn(future)` through the loop once the Future is done (soon, if it already is).
   * The callback runs in a copy of the current contextvars Context unless one is given.
   */
  addDoneCallback(fn: (future: this) => unknown, options?: DoneCallbackOptions): void {
    requireFunction(fn, "addDoneCallback() callback");
    const context = options?.context ?? new Context(currentVars());
    const handle = new Handle(fn as (...args: unknown[]) => unknown, [this], this._loop, context);
    if (this._state !== PENDING) {
      this._loop._schedule(handle);
    } else {
      this._addCallback(handle);
    }
  }

  /** Removes every registration of `fn`; returns how many were removed. */
  removeDoneCallback(fn: (future: this) => unknown): number {
    const callbacks = this._callbacks;
    if (callbacks === null) return 0;
    const matches = (item: Runnable) => item instanceof Handle && item._callback === fn;
    if (!Array.isArray(callbacks)) {
      if (!matches(callbacks)) return 0;
      this._callbacks = null;
      return 1;
    }
    const kept = callbacks.filter((item) => !matches(item));
    const removed = callbacks.length - kept.length;
    this._callbacks = kept.length === 0 ? null : kept;
    return removed;
  }

  /**
   * Awaiting a Future parks the current Task on it: `task.cancel()` then cancels the Future.
   * Awaiting a done Future does not suspend the task (as in asyncio).
   */
  // biome-ignore lint/suspicious/noThenProperty: a Future is awaitable by design, as in asyncio.
  then<R1 = T, R2 = never>(
    onFulfilled?: OnFulfilled<T, R1>,
    onRejected?: OnRejected<R2>,
  ): Promise<R1 | R2> {
    if (this._state !== PENDING) {
      return (this._settledPromise() as Promise<T>).then(onFulfilled, onRejected);
    }
    const promise = new Promise<R1 | R2>(captureResolvers<R1 | R2>);
    const reaction = new Reaction(
      this,
      null,
      capturedResolve,
      capturedReject,
      onFulfilled,
      onRejected,
    );
    releaseResolvers();
    this._await(reaction);
    return promise;
  }

  /**
   * As a promise's `catch`: `then(undefined, onRejected)`, so awaiting it still parks the task
   * on this Future, and cancelling the task cancels the Future (`onRejected` then receives the
   * task's `CancelledError`, as a `catch` around `await future` would).
   *
   * @example
   * const value = await asyncio.createTask(work).catch((error) => fallback(error));
   */
  catch<R = never>(onRejected?: OnRejected<R>): Promise<T | R> {
    checkHandler(onRejected, "catch");
    return this.then(undefined, onRejected);
  }

  /**
   * As a promise's `finally`: runs `onFinally` once the Future is done, then passes its outcome
   * on (a value, an error or a cancellation) unless `onFinally` throws or returns a rejected
   * promise. Goes through `then`, so awaiting it parks the task on this Future.
   *
   * @example
   * const page = await asyncio.createTask(fetchPage).finally(() => spinner.stop());
   */
  finally(onFinally?: (() => unknown) | null): Promise<T> {
    checkHandler(onFinally, "finally");
    if (typeof onFinally !== "function") return this.then();
    return this.then(
      (value) => Promise.resolve(onFinally()).then(() => value),
      (error: unknown) =>
        Promise.resolve(onFinally()).then(() => {
          throw error;
        }),
    );
  }

  /**
   * `Object.prototype.toString` names the class (`[object Task]`); with `then`, `catch` and
   * `finally`, it makes a Future assignable to `Promise<T>` in TypeScript.
   */
  get [Symbol.toStringTag](): string {
    return this.constructor.name;
  }

  toString(): string {
    return `<${this.constructor.name} ${this._describeState()}>`;
  }

  // ---- internal surface ----

  /** @internal */
  _describeState(): string {
    switch (this._state) {
      case PENDING:
        return "pending";
      case CANCELLED:
        return "cancelled";
      case RESOLVED:
        return `finished result=${inspect(this._result, { depth: 0, breakLength: Infinity })}`;
      default:
        return `finished exception=${describeError(this._result)}`;
    }
  }

  /** @internal Completes with a value; the caller checked that the Future is pending. */
  _resolve(value: unknown): void {
    this._result = value;
    this._state = RESOLVED;
    this._scheduleCallbacks();
  }

  /** @internal Completes with an error; the caller checked that the Future is pending. */
  _reject(error: unknown): void {
    this._result = error;
    this._state = REJECTED;
    this._scheduleCallbacks();
    this._logTraceback = true;
    trackUnretrieved(this);
  }

  /** @internal Future.cancel without argument checks (Task overrides cancel()). */
  _cancel(msg: string | undefined): boolean {
    this._retrieved();
    if (this._state !== PENDING) return false;
    this._result = msg;
    this._state = CANCELLED;
    this._scheduleCallbacks();
    return true;
  }

  /** @internal The CancelledError to throw for this cancelled Future. */
  _makeCancelledError(): CancelledError {
    return loopCancelledError(this._result as string | undefined);
  }

  /** @internal Somebody looked at the exception: do not report it as never retrieved. */
  _retrieved(): void {
    if (this._logTraceback) {
      this._logTraceback = false;
      forgetUnretrieved(this);
    }
  }

  /** @internal A settled promise with the outcome of this done Future. */
  _settledPromise(): Promise<unknown> {
    switch (this._state) {
      case RESOLVED:
        return Promise.resolve(this._result);
      case REJECTED:
        this._retrieved();
        return Promise.reject(this._result);
      default:
        return Promise.reject(this._makeCancelledError());
    }
  }

  /**
   * @internal Registers `reaction` to run when this pending Future completes, parking the
   * current task (if any) on it.
   */
  _await(reaction: Reaction): void {
    const task = scopeStorage.getStore()?._currentTask() ?? null;
    if (task !== null) {
      if (task === (this as Future<unknown>)) {
        const error = new RuntimeError(`Task cannot await on itself: ${task}`);
        queueMicrotask(() => reaction._settle(false, error));
        return;
      }
      if (task._loop !== this._loop) {
        // Its wake-up would go through a loop the task does not run on: refuse, as asyncio.
        const error = new RuntimeError(
          `Task ${task} got Future ${this} attached to a different loop`,
        );
        queueMicrotask(() => reaction._settle(false, error));
        return;
      }
      reaction.task = task;
      this._addCallback(reaction);
      task._beginWait(this);
      return;
    }
    this._addCallback(reaction);
  }

  /** @internal */
  _addCallback(item: Runnable): void {
    const callbacks = this._callbacks;
    if (callbacks === null) this._callbacks = item;
    else if (Array.isArray(callbacks)) callbacks.push(item);
    else this._callbacks = [callbacks, item];
  }

  /** @internal */
  _scheduleCallbacks(): void {
    const callbacks = this._callbacks;
    if (callbacks === null) return;
    this._callbacks = null;
    const loop = this._loop;
    if (Array.isArray(callbacks)) {
      for (const item of callbacks) loop._schedule(item);
    } else {
      loop._schedule(callbacks);
    }
  }
}
inspectAsToString(Future);

/** @internal A Future of `loop`, created without allocating an options object. */
export function createLoopFuture<T>(loop: EventLoop): Future<T> {
  return new Future<T>(loop._futureOptions);
}

/** Whether `value` is a Future (a Task is one too). */
export function isFuture(value: unknown): value is Future<unknown> {
  return value instanceof Future;
}

/**
 * Records that `waiter` (a Task, usually) awaits `future` in a way the call graph cannot see
 * by itself: a combinator that waits for a child through a done callback rather than by
 * awaiting it, as `gather`, `shield`, `wait` and `TaskGroup` do (asyncio's
 * `future_add_to_awaited_by`, Python 3.14). `captureCallGraph` then shows `waiter` among those
 * that await `future`. Undo it with `futureDiscardFromAwaitedBy` once the wait is over.
 * Arguments that are not Futures are ignored, as in asyncio.
 *
 * @example
 * const task = asyncio.currentTask();
 * if (task !== null) asyncio.futureAddToAwaitedBy(child, task);
 * child.addDoneCallback(() => {
 *   if (task !== null) asyncio.futureDiscardFromAwaitedBy(child, task);
 * });
 */
export function futureAddToAwaitedBy(future: Future<unknown>, waiter: Future<unknown>): void {
  if (!(future instanceof Future) || !(waiter instanceof Future)) return;
  const current = future._awaitedBy;
  if (current === null) future._awaitedBy = waiter;
  else if (current instanceof Set) current.add(waiter);
  else if (current !== waiter) future._awaitedBy = new Set([current, waiter]);
}

/**
 * Records that `waiter` no longer awaits `future` (asyncio's `future_discard_from_awaited_by`);
 * see `futureAddToAwaitedBy`. Arguments that are not Futures are ignored.
 */
export function futureDiscardFromAwaitedBy(future: Future<unknown>, waiter: Future<unknown>): void {
  if (!(future instanceof Future) || !(waiter instanceof Future)) return;
  const current = future._awaitedBy;
  if (current === waiter) future._awaitedBy = null;
  else if (current instanceof Set) current.delete(waiter);
}

/** @internal Sets `future`'s result unless it is already done (e.g. cancelled). */
export function setResultUnlessDone<T>(future: Future<T>, value: T): void {
  if (future._state === PENDING) future._resolve(value);
}

/** `catch` and `finally` take a function, or nothing (`undefined`/`null`), as a promise's do. */
function checkHandler(handler: unknown, method: string): void {
  if (handler !== undefined && handler !== null && typeof handler !== "function") {
    throw new TypeError(`${method}() expects a function, got ${describeValue(handler)}`);
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}(${JSON.stringify(error.message)})`;
  return inspect(error, { depth: 0, breakLength: Infinity });
}
