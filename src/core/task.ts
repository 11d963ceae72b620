/**
 * `Task`: a coroutine function running concurrently on the loop, as asyncio's `Task`.
 *
 * The task calls its function in its own scope (so `currentTask()` and context variables see
 * it) and completes with the returned promise. Cancellation follows asyncio exactly:
 * `cancel()` cancels the Future the task is parked on (`_futWaiter`), or, when the task is not
 * parked on one, marks it (`_mustCancel`) so that its next library await raises
 * `CancelledError`. `cancelling()` counts the requests and `uncancel()` withdraws one, the
 * bookkeeping `TaskGroup` and `timeout` rely on.
 *
 * Invariants: `_futWaiter` is the Future the task awaits, or null, or (as in asyncio) a
 * Future it awaited and cancelled, kept until the task wakes up; `_mustCancel` is never true
 * once the task is done; a task is in its loop's `_tasks` exactly while it is pending.
 */
import type { VarMap } from "./context.js";
import { Context, currentVars } from "./context.js";
import { CancelledError, loopCancelledError, RuntimeError } from "./errors.js";
import { CANCELLED, Future, PENDING, REJECTED, RESOLVED } from "./future.js";
import type { EventLoop } from "./loop.js";
import type { Settle } from "./resolvers.js";
import { getRunningLoop, scopeStorage } from "./scope.js";
import type { Linkable } from "./taskList.js";
import { describeValue, isPromiseLike, requireCancelMessage, requireOptions } from "./validate.js";
import { wakeFrom, wakeOutcome } from "./wakeup.js";

/** A coroutine function: what a Task runs. Usually an `async` function or an arrow calling one. */
export type CoroutineFunction<T> = () => PromiseLike<T>;

/** Options of `createTask`. */
export interface TaskOptions {
  /** The task's name (`Task-N` by default). */
  name?: string;
  /** The contextvars Context the task runs in (a copy of the current one by default). */
  context?: Context;
}

/** Options of the Task constructor: those of `createTask` plus the loop and eager start. */
export interface TaskConstructorOptions extends TaskOptions {
  /** The loop to run on; the running loop by default. */
  loop?: EventLoop;
  /** Run the first step at once when the loop is running (see `eagerTaskFactory`). */
  eagerStart?: boolean;
}

const NO_OPTIONS: TaskConstructorOptions = Object.freeze({});

let tasksCreated = 0;

/**
 * What a task knows about cancellation besides `_mustCancel`; most tasks are never
 * cancelled, so it lives apart and is created when first needed.
 */
class Cancellation {
  /** `cancelling()`: requests made minus those withdrawn with `uncancel()`. */
  requests = 0;
  /** The message of the latest cancel(): what `_mustCancel` delivers, and a late signal's reason. */
  message: string | undefined = undefined;
  /** A cancellation was requested and not yet delivered nor withdrawn. */
  undelivered = false;
  /** Backs `Task._mustCancel`. */
  mustCancel = false;
  /** Backs `Task.signal`. */
  abort: AbortController | null = null;
}

/** The task `startTask` starts: set right before entering its scope, read at once. */
let starting: Task<unknown> | null = null;

/**
 * A coroutine function scheduled to run concurrently. Create it with `createTask`; await it
 * for its result.
 *
 * @example
 * await asyncio.run(async () => {
 *   const task = asyncio.createTask(async () => {
 *     await asyncio.sleep(1);
 *     return "done";
 *   }, { name: "worker" });
 *   console.log(task.getName(), await task); // "worker" "done"
 * });
 */
export class Task<T = unknown> extends Future<T> {
  /** @internal */
  readonly _fn: CoroutineFunction<T>;
  /** @internal The name, or the task number until a name is asked for. */
  _name: string | number;
  /**
   * @internal The task's contextvars: the variables inherited at creation, until the task
   * needs a Context of its own (it sets a variable, or `getContext()` is called).
   */
  _context: Context | VarMap;
  /** @internal The Future this task is parked on (see the file comment). */
  _futWaiter: Future<unknown> | null = null;
  /** @internal Cancellation bookkeeping, created by the first `cancel()` or `signal`. */
  _cancellation: Cancellation | null = null;
  /**
   * @internal The wait the task is its own wake-up for (see `parkOn`): the resolvers of the
   * awaiting promise, and the Future waited on (null for a `sleep(0)` yield). At most one such
   * wait at a time; others get a Reaction.
   */
  _waitResolve: Settle | null = null;
  /** @internal */
  _waitReject: Settle | null = null;
  /** @internal */
  _waitFrom: Future<unknown> | null = null;
  /**
   * @internal In debug mode, the stack where the task was created, below the constructor
   * (asyncio's `_source_traceback`); null on the prototype otherwise, so no field is spent on
   * it (bench/sleeping-memory.bench.ts).
   */
  declare _sourceTraceback: string | null;
  /** @internal Links of the loop's list of pending tasks. */
  _prev: Linkable | null = null;
  /** @internal */
  _next: Linkable | null = null;

  static {
    Task.prototype._sourceTraceback = null;
  }

  /**
   * Prefer `createTask()`. `options.loop` defaults to the running loop; `eagerStart` runs
   * the first step at once when that loop is running (see `eagerTaskFactory`).
   */
  constructor(fn: CoroutineFunction<T>, options?: TaskConstructorOptions);
  /** @internal The checked form `createTask()` uses: no options object is built. */
  constructor(fn: CoroutineFunction<T>, options: TaskOptions, loop: EventLoop, eagerStart: boolean);
  constructor(
    fn: CoroutineFunction<T>,
    options: TaskConstructorOptions = NO_OPTIONS,
    loop?: EventLoop,
    eagerStart = false,
  ) {
    if (loop === undefined) {
      requireCoroutineFunction(fn, "Task()");
      requireOptions(options, "Task options");
      loop = options.loop ?? getRunningLoop();
      eagerStart = options.eagerStart === true;
    }
    super(loop._futureOptions);
    this._fn = fn;
    this._name = options.name === undefined ? ++tasksCreated : taskName(options.name);
    this._context = taskContext(options.context);
    if (loop.getDebug()) this._sourceTraceback = creationStack();
    loop._tasks.add(this as Task<unknown>);
    if (eagerStart && loop.isRunning()) {
      this._run();
    } else {
      loop._schedule(this);
    }
  }

  /**
   * @internal A cancellation to deliver at the next library await. It lives in
   * `_cancellation` (only a cancelled task has one): one field less on every task, for the
   * memory of sleeping tasks (bench/sleeping-memory.bench.ts).
   */
  get _mustCancel(): boolean {
    return this._cancellation?.mustCancel ?? false;
  }

  /** @internal */
  set _mustCancel(value: boolean) {
    const cancellation = this._cancellation;
    if (cancellation !== null) cancellation.mustCancel = value;
    else if (value) this._cancellationState().mustCancel = true;
  }

  /** The task's name: `Task-N` unless one was given. */
  getName(): string {
    const name = this._name;
    if (typeof name === "number") {
      const formatted = `Task-${name}`;
      this._name = formatted;
      return formatted;
    }
    return name;
  }

  /** Renames the task. */
  setName(name: string): void {
    this._name = taskName(name);
  }

  /** The coroutine function the task runs (asyncio's `get_coro()`). */
  getFunction(): CoroutineFunction<T> {
    return this._fn;
  }

  /** The contextvars Context the task runs in. */
  getContext(): Context {
    return this._writableContext();
  }

  /**
   * The stack of the error the task failed with, as lines; empty otherwise (JavaScript does
   * not expose the frames of a suspended async function).
   */
  getStack(): string[] {
    if (this._state === REJECTED && this._result instanceof Error) {
      return (this._result.stack ?? "")
        .split("\n")
        .slice(1)
        .map((line) => line.trim());
    }
    return [];
  }

  /** Not supported: a Task's result comes from its function. */
  override setResult(_value: T): never {
    throw new RuntimeError("Task does not support setResult operation");
  }

  /** Not supported: a Task's exception comes from its function. */
  override setException(_error: unknown): never {
    throw new RuntimeError("Task does not support setException operation");
  }

  /**
   * Requests cancellation: a `CancelledError` is raised at the task's current library await
   * (or its next one). Returns false if the task is already done. The task may catch the error
   * and go on; it is then not cancelled.
   */
  override cancel(msg?: string): boolean {
    requireCancelMessage(msg);
    this._retrieved();
    if (this._state !== PENDING) return false;
    const cancellation = this._cancellationState();
    cancellation.requests++;
    cancellation.undelivered = true;
    // Also the reason of a signal first asked for before this cancellation is delivered.
    cancellation.message = msg;
    const controller = cancellation.abort;
    if (controller !== null && !controller.signal.aborted) {
      controller.abort(new CancelledError(msg));
    }
    const waiter = this._futWaiter;
    if (waiter?.cancel(msg)) {
      // Keep _futWaiter: it may be a task that ignores the cancellation and must be
      // cancelled again later.
      return true;
    }
    this._mustCancel = true;
    return true;
  }

  /** How many cancellation requests are pending (`cancel()` calls minus `uncancel()` calls). */
  cancelling(): number {
    return this._cancellation?.requests ?? 0;
  }

  /**
   * Withdraws one cancellation request; returns how many remain. At zero, a cancellation not
   * yet delivered is dropped and `signal` becomes a fresh, unaborted signal.
   */
  uncancel(): number {
    const cancellation = this._cancellation;
    if (cancellation === null) return 0;
    if (cancellation.requests > 0) {
      cancellation.requests--;
      if (cancellation.requests === 0) {
        this._mustCancel = false;
        this._cancellationSettled();
      }
    }
    return cancellation.requests;
  }

  /**
   * An `AbortSignal` that aborts when cancellation of the task is requested: pass it to
   * `fetch`, `fs/promises`, `timers/promises`. Once the cancellation was delivered (or
   * withdrawn with `uncancel()`), the task gets a fresh signal.
   *
   * @example
   * const response = await fetch(url, { signal: asyncio.currentTask()!.signal });
   */
  get signal(): AbortSignal {
    const cancellation = this._cancellationState();
    let controller = cancellation.abort;
    if (controller === null) {
      controller = new AbortController();
      cancellation.abort = controller;
      if (cancellation.undelivered) controller.abort(new CancelledError(cancellation.message));
    }
    return controller.signal;
  }

  override toString(): string {
    const fn = this._fn.name ? ` fn=${this._fn.name}` : "";
    return `<Task ${this._describeState()} name=${JSON.stringify(this.getName())}${fn}>`;
  }

  // ---- internal surface ----

  /** @internal Scope: the variables the task reads. */
  _contextVars(): VarMap {
    const context = this._context;
    return context instanceof Context ? context._vars : context;
  }

  /** @internal Scope: the task's own Context, created from the inherited variables. */
  _writableContext(): Context {
    const context = this._context;
    if (context instanceof Context) return context;
    const own = new Context(context);
    this._context = own;
    return own;
  }

  /** @internal Scope: the task of a task scope is the task. */
  _currentTask(): Task<unknown> {
    return this as Task<unknown>;
  }

  /**
   * @internal Runnable: the first step, run by the loop (or at once for eager tasks); later,
   * the wake-up of a wait the task parked with `_park`.
   */
  _run(): void {
    const resolve = this._waitResolve;
    if (resolve !== null) {
      const reject = this._waitReject as Settle;
      const from = this._waitFrom;
      this._waitResolve = null;
      this._waitReject = null;
      this._waitFrom = null;
      if (wakeFrom(this as Task<unknown>, from)) resolve(wakeOutcome.value);
      else reject(wakeOutcome.value);
      return;
    }
    if (this._state !== PENDING) return;
    if (this._mustCancel) {
      // Cancelled before it started: the function never runs, as in asyncio.
      this._mustCancel = false;
      this._cancellationSettled();
      this._finish(CANCELLED, loopCancelledError(this._cancelMessage()));
      return;
    }
    starting = this as Task<unknown>;
    this._loop._wokenTask = this as Task<unknown>;
    scopeStorage.run(this, startBody);
  }

  /**
   * @internal Parks the task, as its own wake-up, on `future` (null: yield one iteration);
   * `resolve`/`reject` settle the awaiting promise. The caller checked `_waitResolve === null`.
   */
  _park(future: Future<unknown> | null, resolve: Settle, reject: Settle): void {
    this._waitResolve = resolve;
    this._waitReject = reject;
    this._waitFrom = future;
    if (future === null) {
      this._loop._schedule(this);
      return;
    }
    future._addCallback(this);
    this._beginWait(future);
  }

  /** @internal The task parks on `future` (called by `Future._await`). */
  _beginWait(future: Future<unknown>): void {
    this._futWaiter = future;
    if (this._mustCancel && future.cancel(this._cancelMessage())) {
      this._mustCancel = false;
    }
  }

  /**
   * @internal The task wakes up from `future` (null: from `sleep(0)`). Returns true when a pending cancellation must
   * be delivered instead of `future`'s outcome.
   */
  _endWait(future: Future<unknown> | null, outcomeIsCancel: boolean): boolean {
    if (this._futWaiter === future) this._futWaiter = null;
    const mustCancel = this._mustCancel;
    if (mustCancel) this._mustCancel = false;
    if (mustCancel || outcomeIsCancel) this._cancellationSettled();
    return mustCancel;
  }

  /**
   * @internal The CancelledError to raise: while pending, the one a requested cancellation
   * delivers; once cancelled, the error the function ended with (once), then fresh ones.
   */
  override _makeCancelledError(): CancelledError {
    if (this._state === PENDING) return loopCancelledError(this._cancelMessage());
    const stored = this._result;
    if (stored instanceof CancelledError) {
      this._result = undefined;
      return stored;
    }
    return loopCancelledError(stored as string | undefined);
  }

  /** @internal The function's promise fulfilled. */
  _bodyReturned(value: unknown): void {
    if (this._state !== PENDING) return;
    if (this._mustCancel) {
      // Cancelled right before the function returned: the task ends cancelled.
      this._mustCancel = false;
      this._finish(CANCELLED, this._cancelMessage());
      return;
    }
    this._finish(RESOLVED, value);
  }

  /** @internal The function threw or its promise rejected. */
  _bodyFailed(error: unknown): void {
    if (this._state !== PENDING) return;
    this._mustCancel = false;
    this._finish(error instanceof CancelledError ? CANCELLED : REJECTED, error);
  }

  // The helpers below are `_` methods, not `#` ones: a class with private methods gives each
  // instance a brand field, one more word per task (bench/sleeping-memory.bench.ts).

  /**
   * @internal Completes the task in `state`: CANCELLED with a message or the CancelledError it ended
   * with, RESOLVED with a value, REJECTED with an error.
   */
  _finish(state: number, outcome: unknown): void {
    this._loop._tasks.delete(this as Task<unknown>);
    this._futWaiter = null;
    if (state === RESOLVED) {
      this._resolve(outcome);
    } else if (state === REJECTED) {
      this._reject(outcome);
    } else {
      this._result = outcome;
      this._state = CANCELLED;
      this._scheduleCallbacks();
    }
  }

  /** @internal The requested cancellation was delivered or withdrawn: the next `signal` is fresh. */
  _cancellationSettled(): void {
    const cancellation = this._cancellation;
    if (cancellation === null || !cancellation.undelivered) return;
    cancellation.undelivered = false;
    if (cancellation.abort?.signal.aborted) cancellation.abort = null;
  }

  /** @internal The cancellation bookkeeping, created on first use. */
  _cancellationState(): Cancellation {
    let cancellation = this._cancellation;
    if (cancellation === null) {
      cancellation = new Cancellation();
      this._cancellation = cancellation;
    }
    return cancellation;
  }

  /** @internal The message of the cancellation `_mustCancel` stands for. */
  _cancelMessage(): string | undefined {
    return this._cancellation?.message;
  }
}

/** The stack below the Task constructor, without the header line. */
function creationStack(): string {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, Task);
  const text = typeof holder.stack === "string" ? holder.stack : "";
  const start = text.indexOf("\n");
  return start === -1 ? "" : text.slice(start + 1);
}

function startBody(): void {
  const task = starting as Task<unknown>;
  starting = null;
  let body: unknown;
  try {
    body = task._fn();
  } catch (error) {
    task._bodyFailed(error);
    return;
  }
  if (!isPromiseLike(body)) {
    const name = task._fn.name || "the function";
    task._bodyFailed(
      new TypeError(
        `a Task runs a coroutine function, but ${name} returned ${describeValue(body)} ` +
          `instead of a promise: pass an async function, e.g. createTask(async () => { ... })`,
      ),
    );
    return;
  }
  // Registered inside the task's scope, so the handlers below run in it and find the task.
  Promise.resolve(body).then(onBodyFulfilled, onBodyRejected);
}

function onBodyFulfilled(value: unknown): void {
  (scopeStorage.getStore() as Task<unknown>)._bodyReturned(value);
}

function onBodyRejected(error: unknown): void {
  (scopeStorage.getStore() as Task<unknown>)._bodyFailed(error);
}

function taskName(name: unknown): string {
  if (typeof name === "string") return name;
  if (typeof name === "number" || typeof name === "bigint") return String(name);
  throw new TypeError(`task name must be a string, got ${describeValue(name)}`);
}

function taskContext(context: unknown): Context | VarMap {
  if (context === undefined) return currentVars();
  if (!(context instanceof Context)) {
    throw new TypeError(`task context must be a Context, got ${describeValue(context)}`);
  }
  return context;
}

/** @internal Throws a TypeError unless `fn` is a function (and says how when it is a promise). */
export function requireCoroutineFunction(fn: unknown, where: string): void {
  if (typeof fn === "function") return;
  const call = where.replace(/\(\)$/, "");
  if (isPromiseLike(fn)) {
    throw new TypeError(
      `${where} takes a function that starts the work, not a promise that has already ` +
        `started: write ${call}(() => work()) instead of ${call}(work())`,
    );
  }
  throw new TypeError(
    `${where} expects a coroutine function such as async () => { ... }, got ${describeValue(fn)}`,
  );
}

/** @internal A Task on `loop` (the default task factory, and the eager one). */
export function newTask<T>(
  fn: CoroutineFunction<T>,
  options: TaskOptions | undefined,
  loop: EventLoop,
  eagerStart: boolean,
): Task<T> {
  requireCoroutineFunction(fn, "createTask()");
  requireOptions(options, "createTask() options");
  return new Task(fn, options ?? NO_OPTIONS, loop, eagerStart);
}

/**
 * Runs the coroutine function `fn` as a Task on the running loop and returns the Task. The
 * task starts on the next loop iteration (or at once under `eagerTaskFactory`).
 *
 * @example
 * const t1 = asyncio.createTask(() => work(1));
 * const t2 = asyncio.createTask(() => work(2), { name: "second" });
 * await t1;
 * await t2;
 */
export function createTask<T>(fn: CoroutineFunction<T>, options?: TaskOptions): Task<T> {
  requireCoroutineFunction(fn, "createTask()");
  return getRunningLoop().createTask(fn, options);
}

/**
 * The Task running now, or `null` in a plain loop callback.
 *
 * @throws RuntimeError outside a running loop.
 */
export function currentTask(): Task<unknown> | null {
  const scope = scopeStorage.getStore();
  if (scope === undefined || !scope._loop.isRunning()) {
    throw new RuntimeError("no running event loop");
  }
  return scope._currentTask();
}

/** The tasks of the running loop that are not done yet. */
export function allTasks(): Set<Task<unknown>> {
  return new Set(getRunningLoop()._tasks);
}

/**
 * The `AbortSignal` of the current task (see `Task.signal`).
 *
 * @throws RuntimeError outside a task.
 * @example
 * await fs.promises.readFile(path, { signal: asyncio.currentSignal() });
 */
export function currentSignal(): AbortSignal {
  const task = currentTask();
  if (task === null) throw new RuntimeError("currentSignal() must be called from a task");
  return task.signal;
}

/**
 * A task factory that starts each task at once, inside `createTask()`, running its function
 * up to its first await (asyncio's `eager_task_factory`).
 *
 * @example
 * asyncio.getRunningLoop().setTaskFactory(asyncio.eagerTaskFactory);
 */
export function eagerTaskFactory<T>(
  loop: EventLoop,
  fn: CoroutineFunction<T>,
  options?: TaskOptions,
): Task<T> {
  return newTask(fn, options, loop, true);
}
