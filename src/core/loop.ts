/**
 * The event loop: asyncio's loop as a facade over Node's.
 *
 * Node runs the I/O; this loop keeps its own ready queue (`callSoon`, FIFO) and one timer heap
 * (`callLater`/`callAt`) whose earliest deadline is handed to the Clock as a single alarm.
 *
 * An iteration, as in asyncio's `_run_once`: the timers that are due join the ready queue,
 * then the callbacks present at that moment run, in order; callbacks they schedule wait for
 * the next iteration. Between two callbacks the microtasks the first one caused run first: a
 * task woken (or started) by a callback runs its whole step — until it parks on its next wait
 * or finishes — before the next callback, so tasks interleave exactly as asyncio's steps do.
 * Iterations follow one another through `setImmediate`, which lets Node poll for I/O in
 * between, or, while there is work left, a few of them back to back (see
 * MAX_CHAINED_ITERATIONS).
 *
 * Invariants: at most one iteration is scheduled or running at a time; when the loop is
 * running and none is, either the ready queue is empty and the Clock holds an alarm for the
 * earliest timer (or none, without timers), or an iteration is scheduled.
 */
import { logger } from "../debug/logger.js";
import { logExceptionContext } from "../debug/report.js";
import type { ResourceWatch } from "../debug/resourceWarnings.js";
import { debugFromEnvironment, resourceClosed, watchUnclosed } from "../debug/resourceWarnings.js";
import { createdAt } from "../debug/sourceTraceback.js";
import { wrapOn } from "./awaitable.js";
import type { AlarmHost, Clock } from "./clock.js";
import { MonotonicClock } from "./clock.js";
import type { VarMap } from "./context.js";
import { Context, currentVars } from "./context.js";
import { runOrDeadlock } from "./deadlock.js";
import { Deque } from "./deque.js";
import { inspectAsToString } from "./display.js";
import { toLoopTime, toSeconds } from "./durations.js";
import { RuntimeError } from "./errors.js";
import { createLoopFuture, Future, PENDING } from "./future.js";
import type { Callback } from "./handle.js";
import { Handle, TimerHandle } from "./handle.js";
import type {
  DescribedHolder,
  InFlight,
  InFlightKind,
  InFlightOptions,
  InFlightRecord,
} from "./inFlight.js";
import { InFlightHolds } from "./inFlight.js";
import { registerLoop, unregisterLoop } from "./liveLoops.js";
import type { Runnable } from "./runnable.js";
import { scopeStorage } from "./scope.js";

export { getRunningLoop } from "./scope.js";

import type { Executor } from "../executors/executor.js";
import type { JobFunction, ModuleJob } from "../executors/jobs.js";
import { ThreadPoolExecutor } from "../executors/threadPoolExecutor.js";
import { WorkerPoolExecutor } from "../executors/workerPool.js";
import {
  type CreateConnectionOptions,
  type CreateUnixConnectionOptions,
  createConnection,
  createUnixConnection,
} from "../net/createConnection.js";
import {
  type CreateServerOptions,
  type CreateUnixServerOptions,
  createServer,
  createUnixServer,
} from "../net/createServer.js";
import type { DatagramEndpointOptions } from "../net/datagram.js";
import { createDatagramEndpoint } from "../net/datagram.js";
import type { AddrInfo, GetaddrinfoOptions } from "../net/dns.js";
import { getaddrinfo, getnameinfo } from "../net/dns.js";
import type { DatagramProtocol, StreamProtocol } from "../net/protocols.js";
import type { Server } from "../net/server.js";
import type { SignalLike } from "../net/signals.js";
import { addSignalHandler, removeSignalHandler } from "../net/signals.js";
import { type LoopStartTlsOptions, startTls } from "../net/startTls.js";
import type { SSLOption, SSLServerOption } from "../net/tls.js";
import type { DatagramTransport, Transport } from "../net/transport.js";
import { subprocessExec, subprocessShell } from "../subprocess/createSubprocess.js";
import type { SubprocessOptions } from "../subprocess/spawn.js";
import type { SubprocessProtocolLike } from "../subprocess/subprocessProtocol.js";
import type { SubprocessTransport } from "../subprocess/subprocessTransport.js";
import type { TaskOptions } from "./task.js";
import { newTask, requireCoroutineFunction, Task } from "./task.js";
import { TaskList } from "./taskList.js";
import type { TimerEntry } from "./timerHeap.js";
import { TimerHeap } from "./timerHeap.js";
import { reportUnretrieved, watchDestroyedPending } from "./unretrieved.js";
import { describeValue, isPromiseLike, requireFunction } from "./validate.js";

/** What `callExceptionHandler()` receives, as asyncio's exception context dict. */
export interface ExceptionContext {
  /** What happened. */
  message: string;
  /** The error, when there is one. */
  exception?: unknown;
  /** The Future involved, if any. */
  future?: Future<unknown>;
  /** The Task involved, if any. */
  task?: Task<unknown>;
  /** The Handle whose callback failed, if any. */
  handle?: Handle;
  /** Anything else worth reporting. */
  [key: string]: unknown;
}

/** A function that receives errors nobody else could handle (see `setExceptionHandler`). */
export type ExceptionHandler = (loop: EventLoop, context: ExceptionContext) => void;

/** Makes the Task for `loop.createTask()` (see `setTaskFactory` and `eagerTaskFactory`). */
export type TaskFactory = <T>(
  loop: EventLoop,
  fn: () => PromiseLike<T>,
  options?: TaskOptions,
) => Task<T>;

/** What `loop.statistics()` returns. */
export interface LoopStatistics {
  /** Callbacks (and task steps) ready to run in the next iteration. */
  readonly ready: number;
  /** Timers pending (`callLater`, `callAt`, sleeps, timeouts). */
  readonly timers: number;
  /** Tasks of the loop that are not done. */
  readonly tasks: number;
  /** The in-flight holds open, oldest first (see `inFlight()`). */
  readonly inFlight: readonly InFlightRecord[];
}

/** Options of the loop constructor. */
export interface EventLoopOptions {
  /** Where time comes from; `VirtualClock` from `asyncio-ts/testing` makes it virtual. */
  clock?: Clock;
  /** Debug mode (slow callbacks are reported). */
  debug?: boolean;
}

/** What the timer heap holds: a TimerHandle, or a Future that is its own timer (sleep). */
type Timer = TimerEntry & Runnable;

const IDLE = 0;
const RUNNING = 1;
const CLOSED = 2;

const SETTLED = Promise.resolve();

/**
 * How many microtask turns the loop waits for a woken task to finish its step before it waits
 * for the whole microtask queue to drain instead.
 */
const MAX_STEP_HOPS = 8;

/**
 * Iterations with work left run back to back, up to this many and for up to MAX_CHAIN_MS,
 * before Node gets a turn to poll for I/O: asyncio polls between every two iterations, but a
 * turn of Node's loop costs microseconds, and I/O waits at most a couple of milliseconds more
 * (`Date.now()` is the cheap clock for that budget).
 */
const MAX_CHAINED_ITERATIONS = 64;
const MAX_CHAIN_MS = 2;

/** Timers due within this many seconds of now fire in the current iteration. */
const CLOCK_RESOLUTION = 1e-6;

function runIterationOf(loop: EventLoop): void {
  loop._runIteration();
}

function scheduleIterationOf(loop: EventLoop): void {
  setImmediate(runIterationOf, loop);
}

function stopLoopWhenDone(future: Future<unknown>): void {
  future.getLoop().stop();
}

/**
 * The event loop. `asyncio.run()` creates one; inside it, `getRunningLoop()` returns it.
 *
 * @example
 * await asyncio.run(async () => {
 *   const loop = asyncio.getRunningLoop();
 *   loop.callLater(0.1, () => console.log("later"));
 *   loop.callSoon(() => console.log("soon"));
 *   await asyncio.sleep(0.2); // prints "soon", then "later"
 * });
 */
export class EventLoop implements AlarmHost {
  /** @internal The scope's loop: the loop itself. */
  readonly _loop: EventLoop = this;
  /** @internal The contextvars Context of the callback running now. */
  _context: Context;
  /** @internal The task the item running now woke up (or started), if any. */
  _wokenTask: Task<unknown> | null = null;
  /** @internal Tasks created on this loop and not done yet. */
  readonly _tasks: TaskList<Task<unknown>> = new TaskList();
  /** @internal The options object every Future of this loop is created with. */
  readonly _futureOptions: { readonly loop: EventLoop } = { loop: this };

  /** Callbacks that run longer than this many seconds are reported in debug mode. */
  #slowCallbackDuration = 0.1;
  readonly #baseContext: Context;
  readonly #ready = new Deque<Runnable>(1024);
  readonly #timers = new TimerHeap<Timer>();
  readonly #clock: Clock;
  #state = IDLE;
  #iterationScheduled = false;
  #inIteration = false;
  #batchLeft = 0;
  #stepHops = 0;
  #chained = 0;
  #turnStart = 0;
  #stopping = false;
  #onStopped: (() => void) | null = null;
  #debug: boolean;
  #defaultExecutor: ThreadPoolExecutor | null = null;
  #executorShutdownCalled = false;
  readonly #closeHooks: (() => void)[] = [];
  #exceptionHandler: ExceptionHandler | null = null;
  #taskFactory: TaskFactory | null = null;
  readonly #inFlight = new InFlightHolds(() => this.#holdReleased());
  #timedItem: Runnable | null = null;
  #timedStart = 0;
  /** What a ResourceWarning says if the loop is collected unclosed ("unclosed event loop"). */
  readonly #watch: ResourceWatch;
  /** This loop in the registry of live loops the introspection snapshot reads. */
  readonly #liveRef: WeakRef<EventLoop> = registerLoop(this);

  constructor(options: EventLoopOptions = {}) {
    if (options === null || typeof options !== "object") {
      throw new TypeError(`EventLoop options must be an object, got ${describeValue(options)}`);
    }
    const clock = options.clock ?? new MonotonicClock();
    if (typeof clock.now !== "function" || typeof clock.setAlarm !== "function") {
      throw new TypeError("clock must implement now() and setAlarm()");
    }
    this.#clock = clock;
    this.#debug = options.debug ?? debugFromEnvironment();
    this.#baseContext = new Context();
    this._context = this.#baseContext;
    this.#watch = {
      message: "unclosed event loop <EventLoop idle debug=true>",
      debug: this.#debug,
    };
    watchUnclosed(this, this.#watch);
  }

  /** The loop's time: monotonic seconds from its Clock. */
  time(): number {
    return this.#clock.now();
  }

  /**
   * Schedules `callback(...args)` for the next iteration, after the callbacks already
   * scheduled (FIFO). Returns a Handle that can cancel it.
   */
  callSoon<A extends unknown[]>(callback: Callback<A>, ...args: A): Handle {
    this.#checkCallback(callback, "callSoon");
    this.#checkClosed();
    const handle = new Handle(callback as Callback<unknown[]>, args, this, this.#callbackContext());
    this._schedule(handle);
    return handle;
  }

  /**
   * Schedules `callback(...args)` to run once `delay` seconds (or a duration string) have
   * passed. Timers with the same deadline run in the order they were scheduled.
   */
  callLater<A extends unknown[]>(
    delay: number | string,
    callback: Callback<A>,
    ...args: A
  ): TimerHandle {
    // A negative delay is a deadline already past, not zero: such timers still fire in
    // deadline order, as asyncio's call_later.
    const seconds =
      typeof delay === "number" && delay < 0 ? delay : toSeconds(delay, "callLater() delay");
    this.#checkCallback(callback, "callLater");
    return this.#callAt(this.time() + seconds, callback as Callback<unknown[]>, args);
  }

  /** Schedules `callback(...args)` at loop time `when` (seconds, as `time()` returns). */
  callAt<A extends unknown[]>(when: number, callback: Callback<A>, ...args: A): TimerHandle {
    const at = toLoopTime(when, "callAt() when");
    this.#checkCallback(callback, "callAt");
    return this.#callAt(at, callback as Callback<unknown[]>, args);
  }

  /** A new pending Future bound to this loop. */
  createFuture<T = unknown>(): Future<T> {
    this.#checkClosed();
    return createLoopFuture<T>(this);
  }

  /**
   * Wraps the coroutine function `fn` in a Task scheduled on this loop (see `createTask`).
   */
  createTask<T>(fn: () => PromiseLike<T>, options?: TaskOptions): Task<T> {
    this.#checkClosed();
    if (this.#taskFactory !== null) {
      requireCoroutineFunction(fn, "createTask()");
      const task = this.#taskFactory(this, fn, options);
      // As asyncio's create_task: the name is given even by a factory that ignores it.
      if (options?.name !== undefined) task.setName(options.name);
      return task;
    }
    return newTask(fn, options, this, false);
  }

  /**
   * Sets the factory `createTask()` uses (`null` restores the default). Pass
   * `eagerTaskFactory` to start tasks at once.
   */
  setTaskFactory(factory: TaskFactory | null): void {
    if (factory !== null && typeof factory !== "function") {
      throw new TypeError(`task factory must be a function or null, got ${describeValue(factory)}`);
    }
    this.#taskFactory = factory;
  }

  /** The factory set with `setTaskFactory()`, or `null`. */
  getTaskFactory(): TaskFactory | null {
    return this.#taskFactory;
  }

  /** Sets the handler of errors nobody else could handle (`null` restores the default). */
  setExceptionHandler(handler: ExceptionHandler | null): void {
    if (handler !== null && typeof handler !== "function") {
      throw new TypeError(
        `exception handler must be a function or null, got ${describeValue(handler)}`,
      );
    }
    this.#exceptionHandler = handler;
  }

  /** The handler set with `setExceptionHandler()`, or `null`. */
  getExceptionHandler(): ExceptionHandler | null {
    return this.#exceptionHandler;
  }

  /**
   * Reports an error nobody else could handle: to the handler set with
   * `setExceptionHandler()`, or else to `defaultExceptionHandler()`.
   */
  callExceptionHandler(context: ExceptionContext): void {
    if (context === null || typeof context !== "object" || typeof context.message !== "string") {
      throw new TypeError("callExceptionHandler() expects an object with a string message");
    }
    const handler = this.#exceptionHandler;
    if (handler === null) {
      this.#callDefaultHandler(context, "Exception in default exception handler");
      return;
    }
    try {
      handler(this, context);
    } catch (error) {
      this.#callDefaultHandler(
        { message: "Unhandled error in exception handler", exception: error, context },
        "Exception in default exception handler while handling an unexpected error in " +
          "custom exception handler",
      );
    }
  }

  /**
   * The default handler may be overridden: if it throws, log `failure` instead, as asyncio
   * does, so that reporting an error never stops the loop (or, from a finalizer, the process).
   */
  #callDefaultHandler(context: ExceptionContext, failure: string): void {
    try {
      this.defaultExceptionHandler(context);
    } catch (error) {
      logger.error(failure, { error });
    }
  }

  /**
   * Logs `context` the way asyncio's default handler logs it: at ERROR on `asyncio.logger`
   * (stderr unless its handler was replaced), each key on a line, the exception as the
   * record's `error`. In debug mode, where the Future, Task or Handle involved was created.
   */
  defaultExceptionHandler(context: ExceptionContext): void {
    logExceptionContext(context);
  }

  /** Whether debug mode is on. */
  getDebug(): boolean {
    return this.#debug;
  }

  /** Turns debug mode on or off. */
  setDebug(enabled: boolean): void {
    if (typeof enabled !== "boolean") {
      throw new TypeError(`setDebug() expects a boolean, got ${describeValue(enabled)}`);
    }
    this.#debug = enabled;
    this.#watch.debug = enabled;
  }

  /** In debug mode, callbacks and task steps longer than this (seconds) are reported. */
  get slowCallbackDuration(): number {
    return this.#slowCallbackDuration;
  }

  /** Sets the threshold, in seconds (or a duration string such as `"50ms"`). */
  set slowCallbackDuration(seconds: number) {
    this.#slowCallbackDuration = toSeconds(seconds, "slowCallbackDuration");
  }

  /** @internal Scope: the variables of the callback running now. */
  _contextVars(): VarMap {
    return this._context._vars;
  }

  /** @internal Scope: callbacks write to their own context. */
  _writableContext(): Context {
    return this._context;
  }

  /** @internal A loop scope has no current task. */
  _currentTask(): null {
    return null;
  }

  /** Whether the loop is running (inside `run()` or `Runner.run()`). */
  isRunning(): boolean {
    return this.#state === RUNNING;
  }

  /** Whether `close()` was called. */
  isClosed(): boolean {
    return this.#state === CLOSED;
  }

  /**
   * Asks the running loop to stop after the current iteration; `run()` uses it when the
   * main task is done.
   */
  stop(): void {
    this.#stopping = true;
    if (this.#state === RUNNING) this.#scheduleIteration();
  }

  /**
   * Runs the loop until `main` is done and resolves with its result or rejects with its error,
   * as asyncio's `run_until_complete`: `main` is a coroutine function (started as a Task on
   * this loop), a Future or Task of this loop, or a promise (wrapped as `wrap()` does). The loop
   * stops once `main` is done; call `close()` when you no longer need it. `asyncio.run(main)`
   * does all this for you; this is the low-level style of older asyncio code.
   *
   * Rejects with a `RuntimeError` if the loop is closed or already running (or another loop is
   * running here), or if `stop()` ends the run before `main` is done; with a `DeadlockError`
   * if `main` can never finish (as `run()` does).
   *
   * @example
   * const loop = asyncio.newEventLoop();
   * asyncio.setEventLoop(loop);
   * try {
   *   console.log(await loop.runUntilComplete(() => asyncio.sleep(1, "done")));
   * } finally {
   *   loop.close();
   * }
   */
  async runUntilComplete<T>(main: (() => PromiseLike<T>) | PromiseLike<T>): Promise<T> {
    this.#checkCanRun();
    let future: Future<T>;
    if (typeof main === "function") {
      requireCoroutineFunction(main, "runUntilComplete()");
      future = this.createTask(main);
    } else if (main instanceof Future) {
      if (main._loop !== this) {
        throw new RangeError(
          "runUntilComplete() got a Future that belongs to another event loop than this one",
        );
      }
      future = main;
    } else if (isPromiseLike(main)) {
      future = wrapOn(this, main);
    } else {
      throw new TypeError(
        "runUntilComplete() expects a coroutine function, a Future, a Task or a promise, " +
          `got ${describeValue(main)}`,
      );
    }
    const mainTask = future instanceof Task ? (future as Task<T>) : null;
    future.addDoneCallback(stopLoopWhenDone);
    try {
      await runOrDeadlock(
        this,
        this.#runUntilStopped,
        future,
        mainTask,
        mainTask === null
          ? "the Future runUntilComplete() waits for can never complete"
          : undefined,
      );
    } finally {
      future.removeDoneCallback(stopLoopWhenDone);
    }
    if (!future.done()) {
      throw new RuntimeError("Event loop stopped before Future completed.");
    }
    return future.result();
  }

  /**
   * Runs the loop until `stop()` is called, and resolves then (asyncio's `run_forever`); the
   * callbacks already scheduled when `stop()` is called still run. A `stop()` made before the
   * run ends it after one iteration.
   *
   * Rejects with a `RuntimeError` if the loop is closed or already running (or another loop is
   * running here); with a `DeadlockError` if Node runs out of work while nothing could still
   * call `stop()` (instead of exiting with the promise unsettled).
   *
   * @example
   * const loop = asyncio.newEventLoop();
   * loop.callLater(1, () => loop.stop());
   * await loop.runForever(); // one second later
   * loop.close();
   */
  async runForever(): Promise<void> {
    this.#checkCanRun();
    await runOrDeadlock(
      this,
      this.#runUntilStopped,
      null,
      null,
      "runForever() can never return: nothing is left that could call loop.stop()",
    );
  }

  /** Starts running; the promise resolves once an iteration ends with `stop()` requested. */
  readonly #runUntilStopped = (): Promise<void> => {
    this.#state = RUNNING;
    const stopped = new Promise<void>((resolve) => {
      this.#onStopped = resolve;
    });
    this.#scheduleIteration();
    return stopped;
  };

  /** The checks of asyncio's `_check_closed` and `_check_running`. */
  #checkCanRun(): void {
    this.#checkClosed();
    if (this.#state === RUNNING) {
      throw new RuntimeError("This event loop is already running");
    }
    if (scopeStorage.getStore()?._loop.isRunning() === true) {
      throw new RuntimeError("Cannot run the event loop while another loop is running");
    }
  }

  /** Closes the loop: pending callbacks and timers are dropped. Not allowed while running. */
  close(): void {
    if (this.#state === RUNNING) {
      throw new RuntimeError("Cannot close a running event loop");
    }
    if (this.#state === CLOSED) return;
    resourceClosed(this);
    // As at the end of run(): what nobody retrieved is reported now, not lost.
    reportUnretrieved(this);
    // A task still pending can never run again: the loop lets go of it, and it is reported
    // when it is collected ("Task was destroyed but it is pending!"), as asyncio does.
    for (const task of [...this._tasks]) {
      this._tasks.delete(task);
      if (!task.done()) watchDestroyedPending(this, task);
    }
    for (const hook of this.#closeHooks.splice(0)) hook();
    this.#state = CLOSED;
    unregisterLoop(this.#liveRef);
    const executor = this.#defaultExecutor;
    if (executor !== null) {
      this.#defaultExecutor = null;
      void executor.shutdown({ wait: false });
    }
    this.#ready.clear();
    this.#timers.clear();
    this.#clock.setAlarm(null, this);
  }

  toString(): string {
    const state = ["idle", "running", "closed"][this.#state];
    return `<EventLoop ${state} debug=${this.#debug}>`;
  }

  // ---- internal surface, used by Future, Task and the runner ----

  /** @internal Queues `item` for the next iteration. */
  _schedule(item: Runnable): void {
    this.#checkClosed();
    this.#ready.push(item);
    if (!this.#inIteration) this.#scheduleIteration();
  }

  /** @internal Runs a Handle's callback in its context; errors go to the exception handler. */
  _runCallback(handle: Handle, callback: Callback<unknown[]>, args: unknown[]): void {
    const previous = this._context;
    this._context = handle._context;
    try {
      callback(...args);
    } catch (error) {
      this.callExceptionHandler({
        message: `Exception in callback ${callback.name || "(anonymous)"}`,
        exception: error,
        handle,
      });
    } finally {
      this._context = previous;
    }
  }

  /** @internal Adds `timer` to the heap; it runs in the first iteration at or after its deadline. */
  _addTimer(timer: Timer): void {
    this.#checkClosed();
    this.#timers.push(timer);
    if (this.#timers.peek() === timer && this.#idleWithoutIteration()) this.#armAlarm();
  }

  /** @internal A timer was cancelled: take it out of the heap. */
  _timerCancelled(timer: Timer): void {
    const wasFirst = this.#timers.peek() === timer;
    this.#timers.remove(timer);
    if (wasFirst && this.#idleWithoutIteration()) this.#armAlarm();
  }

  /**
   * @internal Runs the loop until `future` is done (then stops it, as asyncio's
   * `run_until_complete`). Resolves when the loop has stopped.
   */
  async _runUntilComplete(future: Future<unknown>): Promise<void> {
    this.#checkClosed();
    if (this.#state === RUNNING) {
      throw new RuntimeError("This event loop is already running");
    }
    this.#state = RUNNING;
    this.#stopping = false;
    const stopped = new Promise<void>((resolve) => {
      this.#onStopped = resolve;
    });
    future.addDoneCallback(stopLoopWhenDone);
    if (this.#ready.length > 0) this.#scheduleIteration();
    else this.#armAlarm();
    try {
      await stopped;
    } finally {
      future.removeDoneCallback(stopLoopWhenDone);
    }
    if (!future.done()) {
      throw new RuntimeError("Event loop stopped before Future completed.");
    }
  }

  /**
   * Runs `fn(...args)` in `executor` (`null`: the loop's default executor, a
   * `ThreadPoolExecutor` created on first use with CPython's `min(32, cpus + 4)` threads) and
   * returns a Future of this loop for its result, as asyncio's `run_in_executor`. `fn` is a
   * self-contained function or `{ module, export }` (see `ThreadPoolExecutor`). Cancelling the
   * Future — or the task awaiting it — stops the job, even a running one.
   *
   * @throws RuntimeError when the loop is closed, or when `executor` is null after
   *   `shutdownDefaultExecutor()`; TypeError for an executor that is not one.
   * @example
   * const loop = asyncio.getRunningLoop();
   * const text = await loop.runInExecutor(null, (path: string) => require("node:fs").readFileSync(path, "utf8"), "/etc/hostname");
   */
  runInExecutor<A extends unknown[], R>(
    executor: Executor | null,
    fn: JobFunction<A, R>,
    ...args: A
  ): Future<Awaited<R>>;
  runInExecutor<R = unknown>(
    executor: Executor | null,
    job: ModuleJob,
    ...args: unknown[]
  ): Future<R>;
  runInExecutor(
    executor: Executor | null,
    job: JobFunction | ModuleJob,
    ...args: unknown[]
  ): Future<unknown> {
    this.#checkClosed();
    if (executor === null) {
      if (this.#executorShutdownCalled) throw new RuntimeError("Executor shutdown has been called");
      this.#defaultExecutor ??= new ThreadPoolExecutor({ name: "asyncio" });
      executor = this.#defaultExecutor;
    } else if (typeof (executor as { submit?: unknown } | undefined)?.submit !== "function") {
      throw new TypeError(
        `runInExecutor() executor must be an Executor or null, got ${describeValue(executor)}`,
      );
    }
    if (executor instanceof WorkerPoolExecutor) return executor._submitOn(this, job, args);
    const result = (executor.submit as (job: unknown, ...args: unknown[]) => PromiseLike<unknown>)(
      job,
      ...args,
    );
    return result instanceof Future && result._loop === this ? result : wrapOn(this, result);
  }

  /**
   * Makes `executor` the one `runInExecutor(null, …)` and `toThread()` use. As in asyncio it
   * must be a `ThreadPoolExecutor`; the previous default is not shut down.
   *
   * @throws TypeError for anything else.
   */
  setDefaultExecutor(executor: ThreadPoolExecutor): void {
    if (!(executor instanceof ThreadPoolExecutor)) {
      throw new TypeError(`executor must be ThreadPoolExecutor, got ${describeValue(executor)}`);
    }
    this.#defaultExecutor = executor;
  }

  /**
   * Shuts the default executor down and waits for its jobs and threads, as asyncio's
   * `shutdown_default_executor(timeout)`; `run()` and `Runner.close()` call it with 300 seconds.
   * After `timeout` seconds it warns, as asyncio does, and — beyond asyncio, which leaves them
   * running — terminates the threads still busy. Later `runInExecutor(null, …)` calls throw.
   *
   * @throws TypeError if `timeout` is neither a number of seconds nor null.
   */
  shutdownDefaultExecutor(timeout: number | null = null): Future<void> {
    if (timeout !== null && (typeof timeout !== "number" || Number.isNaN(timeout))) {
      throw new TypeError(
        `shutdownDefaultExecutor() timeout must be a number of seconds or null, got ${describeValue(timeout)}`,
      );
    }
    this.#checkClosed();
    this.#executorShutdownCalled = true;
    const done = createLoopFuture<void>(this);
    const executor = this.#defaultExecutor;
    if (executor === null) {
      done._resolve(undefined);
      return done;
    }
    const hold = this.inFlight("shutdown of the default executor");
    let timer: TimerHandle | null = null;
    const finish = (timedOut: boolean): void => {
      hold.release();
      timer?.cancel();
      if (done._state !== PENDING || this.isClosed()) return;
      if (timedOut) {
        process.emitWarning(
          `The executor did not finishing joining its threads within ${timeout} seconds.`,
          "RuntimeWarning",
        );
        executor._terminateAll();
      }
      done._resolve(undefined);
    };
    void executor.shutdown({ wait: true }).then(() => finish(false));
    if (timeout !== null) timer = this.callLater(timeout, finish, true);
    return done;
  }

  /**
   * Connects to `host:port` (TCP, or TLS with `ssl`), makes a protocol with `protocolFactory`
   * and returns `[transport, protocol]` once the protocol's `connectionMade` ran, as asyncio's
   * `create_connection`. A cancellation point: cancelling closes the socket.
   *
   * @throws ConnectionRefusedError and the other `OSError`s of a failed connect; RangeError
   *   (Python's `ValueError`) for contradictory options; TypeError for arguments of the wrong type.
   * @example
   * const [transport, protocol] = await loop.createConnection(() => new Client(), "127.0.0.1", 8888);
   */
  createConnection<P extends StreamProtocol>(
    protocolFactory: () => P,
    host: string | null,
    port: number | string | null,
    options?: CreateConnectionOptions,
  ): Promise<[Transport, P]> {
    this.#checkClosed();
    return createConnection(this, protocolFactory, host, port, options);
  }

  /**
   * Connects to the Unix socket at `path`, as `createConnection()` (asyncio's
   * `create_unix_connection`).
   *
   * @example
   * const [transport, protocol] = await loop.createUnixConnection(() => new Client(), "/tmp/app.sock");
   */
  createUnixConnection<P extends StreamProtocol>(
    protocolFactory: () => P,
    path: string | null,
    options?: CreateUnixConnectionOptions,
  ): Promise<[Transport, P]> {
    this.#checkClosed();
    return createUnixConnection(this, protocolFactory, path, options);
  }

  /**
   * Listens on `host:port` (every address the host names; every interface for `null`; port 0
   * for a free one) and makes a protocol with `protocolFactory` for each connection, as
   * asyncio's `create_server`.
   *
   * @throws OSError when an address cannot be bound (`EADDRINUSE`…); RuntimeError for
   *   `reusePort` where Node lacks it.
   * @example
   * const server = await loop.createServer(() => new Echo(), "127.0.0.1", 8888);
   * await server.serveForever();
   */
  createServer(
    protocolFactory: () => StreamProtocol,
    host: string | readonly string[] | null,
    port: number | string | null,
    options?: CreateServerOptions,
  ): Promise<Server> {
    this.#checkClosed();
    return createServer(this, protocolFactory, host, port, options);
  }

  /**
   * Listens on the Unix socket at `path` (a stale socket file is replaced), as asyncio's
   * `create_unix_server`.
   *
   * @example
   * const server = await loop.createUnixServer(() => new Echo(), "/tmp/app.sock");
   */
  createUnixServer(
    protocolFactory: () => StreamProtocol,
    path: string,
    options?: CreateUnixServerOptions,
  ): Promise<Server> {
    this.#checkClosed();
    return createUnixServer(this, protocolFactory, path, options);
  }

  /**
   * Upgrades the open connection of `transport` to TLS (STARTTLS) and returns the transport to
   * use from now on, which calls `protocol`, as asyncio's `start_tls`.
   *
   * @throws ConnectionAbortedError when the handshake times out; TLS errors when it fails (the
   *   connection is then aborted).
   * @example
   * transport = await loop.startTls(transport, protocol, { ca: [caPem] }, { serverHostname: "db" });
   */
  startTls(
    transport: Transport,
    protocol: StreamProtocol,
    ssl: SSLOption | SSLServerOption,
    options?: LoopStartTlsOptions,
  ): Promise<Transport> {
    this.#checkClosed();
    return startTls(this, transport, protocol, ssl, options);
  }

  /** @internal Runs `hook` when the loop closes, before it drops its callbacks. */
  _onClose(hook: () => void): void {
    this.#closeHooks.push(hook);
  }

  /**
   * Takes a hold for work in flight outside the loop — a connect, a DNS lookup, an executor
   * job, a query (kind `"operation"`, the default), or a wait on the outside world such as a
   * listening server (kind `"outside"`) — described for `statistics()` and the deadlock report.
   * Release it once the work ends. While an operation is in flight a `VirtualClock` does not
   * jump time; see `docs/internals.md` for the rule.
   *
   * @throws TypeError for an empty description or an unknown kind; RuntimeError when the loop
   * is closed.
   * @example
   * using _ = loop.inFlight(`connect ${host}:${port}`);
   * await asyncio.wrap(once(socket, "connect"));
   */
  inFlight(description: string, options?: InFlightOptions): InFlight {
    this.#checkClosed();
    return this.#inFlight.open(description, options, this.time(), this.#debug);
  }

  /** @internal `inFlight()` for the library's own I/O objects: checked arguments, lazy text. */
  _inFlight(description: string | DescribedHolder, kind: InFlightKind): InFlight {
    this.#checkClosed();
    return this.#inFlight._open(description, kind, this.time(), this.#debug);
  }

  /**
   * Opens a UDP endpoint, as asyncio's `create_datagram_endpoint`: resolves the addresses,
   * binds to `localAddr` and/or connects to `remoteAddr`, then calls the protocol made by
   * `protocolFactory` (`connectionMade`, `datagramReceived`, `errorReceived`,
   * `connectionLost`). Resolves with `[transport, protocol]` once `connectionMade` ran.
   *
   * @throws TypeError for arguments of the wrong type; RangeError (Python's `ValueError`) with
   *   neither address nor family, or for `reuseAddress: true`; RuntimeError for `reusePort`
   *   where Node lacks it. The Future rejects with an `OSError` (a `GaiError` for a lookup)
   *   when the socket cannot be made.
   * @example
   * class Echo extends asyncio.DatagramProtocol {
   *   transport!: asyncio.DatagramTransport;
   *   override connectionMade(t: asyncio.DatagramTransport) { this.transport = t; }
   *   override datagramReceived(data: Buffer, addr: [string, number]) { this.transport.sendto(data, addr); }
   * }
   * const [transport] = await loop.createDatagramEndpoint(() => new Echo(), { localAddr: ["127.0.0.1", 9999] });
   */
  createDatagramEndpoint<P extends DatagramProtocol>(
    protocolFactory: () => P,
    options?: DatagramEndpointOptions,
  ): Future<[DatagramTransport, P]> {
    return createDatagramEndpoint(this, protocolFactory, options);
  }

  /**
   * Runs `callback(...args)` on this loop each time the process receives `sig` (a name such as
   * `"SIGTERM"`, or a number), as asyncio's `add_signal_handler`; it replaces the handler set
   * before for `sig`. While a handler is set and the loop runs, Node stays alive. A handler for
   * `SIGINT` takes precedence over `run()`'s Ctrl-C handling until it is removed.
   *
   * @throws TypeError for an async function or a non-function; RangeError for an unknown
   *   signal; RuntimeError for `SIGKILL`/`SIGSTOP`, outside the main thread, on Windows, or
   *   when the loop is closed.
   * @example
   * const stop = new asyncio.Event();
   * loop.addSignalHandler("SIGTERM", () => stop.set());
   * await stop.wait();
   */
  addSignalHandler<A extends unknown[]>(sig: SignalLike, callback: Callback<A>, ...args: A): void {
    addSignalHandler(this, sig, callback, args);
  }

  /**
   * Removes the handler of `sig`; returns false when there was none (asyncio's
   * `remove_signal_handler`). Removing the `SIGINT` handler gives Ctrl-C back to `run()`.
   *
   * @throws RangeError for an unknown signal; TypeError for a value that is no signal.
   * @example
   * loop.removeSignalHandler("SIGTERM"); // true
   */
  removeSignalHandler(sig: SignalLike): boolean {
    return removeSignalHandler(this, sig);
  }

  /**
   * Resolves `host` and `port` as asyncio's `getaddrinfo` (the hosts file, then DNS, on
   * libuv's thread pool): records `[family, type, proto, canonname, [host, port]]` numbered
   * as Python's socket module (`AF_INET`, `SOCK_STREAM`…). Cancelling the awaiting task
   * rejects at once; the lookup itself runs on.
   *
   * @throws TypeError for arguments of the wrong type; RangeError for a port out of range. The
   *   Future rejects with a `GaiError` (`ENOTFOUND`, `EAI_AGAIN`…) when the name does not resolve.
   * @example
   * const infos = await loop.getaddrinfo("localhost", 80, { type: asyncio.SOCK_STREAM });
   * const [, , , , [host, port]] = infos[0];
   */
  getaddrinfo(
    host: string | null,
    port: number | string | null,
    options?: GetaddrinfoOptions,
  ): Future<AddrInfo[]> {
    return getaddrinfo(this, host, port, options);
  }

  /**
   * The host name and service of an address `[host, port]`, as asyncio's `getnameinfo`
   * (`NI_*` flags). The Future rejects with a `GaiError` when the lookup fails.
   *
   * @throws TypeError for a malformed address or flags; RangeError for a port out of range.
   * @example
   * const [host, service] = await loop.getnameinfo(["127.0.0.1", 80]); // ["localhost", "http"]
   */
  getnameinfo(sockaddr: readonly [string, number], flags = 0): Future<[string, string]> {
    return getnameinfo(this, sockaddr, flags);
  }

  /**
   * Starts `program` with `args` (no shell) for `protocolFactory`'s protocol, as asyncio's
   * `subprocess_exec`: stdin, stdout and stderr are pipes unless `options` say otherwise, and
   * the protocol hears of the pipes' data (`pipeDataReceived(fd, data)`), their end and the
   * child's exit. Resolves once `connectionMade` ran.
   *
   * @throws FileNotFoundError (`ENOENT`) when the program does not exist; PermissionError when
   *   it is not executable; TypeError/RangeError for bad arguments, before anything starts.
   * @example
   * const [transport, protocol] = await loop.subprocessExec(() => new Collect(), "ls", ["-l"]);
   */
  subprocessExec<P extends SubprocessProtocolLike>(
    protocolFactory: () => P,
    program: string | URL,
    args?: readonly string[],
    options?: SubprocessOptions,
  ): Promise<[SubprocessTransport, P]> {
    this.#checkClosed();
    return subprocessExec(this, protocolFactory, program, args, options);
  }

  /**
   * Runs `cmd` with `/bin/sh -c` for `protocolFactory`'s protocol, as asyncio's
   * `subprocess_shell` (pipes by default, as `subprocessExec`).
   *
   * @example
   * const [transport, protocol] = await loop.subprocessShell(() => new Collect(), "ls | wc -l");
   */
  subprocessShell<P extends SubprocessProtocolLike>(
    protocolFactory: () => P,
    cmd: string,
    options?: SubprocessOptions,
  ): Promise<[SubprocessTransport, P]> {
    this.#checkClosed();
    return subprocessShell(this, protocolFactory, cmd, options);
  }

  /**
   * A snapshot of the loop's state: callbacks ready to run, timers pending, tasks not done, and
   * the in-flight holds open (oldest first).
   */
  /** @internal The in-flight holds open, oldest first (the test helpers' leak check). */
  _openHolds(): InFlight[] {
    return this.#inFlight.holds();
  }

  /** Counters of the loop and the holds it has open (see `LoopStatistics`). */
  statistics(): LoopStatistics {
    return {
      ready: this.#ready.length,
      timers: this.#timers.size,
      tasks: this._tasks.size,
      inFlight: this.#inFlight.records(),
    };
  }

  /** AlarmHost: nothing ready, no iteration under way, no operation in flight. */
  idle(): boolean {
    return (
      this.#idleWithoutIteration() && this.#ready.length === 0 && this.#inFlight.operations === 0
    );
  }

  /** AlarmHost: a wait on the outside world (a hold of kind `"outside"`) is open. */
  waitsOnOutside(): boolean {
    return this.#inFlight.outside > 0;
  }

  /** AlarmHost: the alarm went off; run an iteration unless one is already on its way. */
  wake(): void {
    if (this.#state !== RUNNING || this.#iterationScheduled || this.#inIteration) return;
    scopeStorage.run(this, runIterationOf, this);
  }

  /**
   * @internal One iteration (see the file comment); `chained` when it follows the previous one
   * without giving Node a turn.
   */
  _runIteration(chained = false): void {
    this.#iterationScheduled = false;
    if (this.#state !== RUNNING) return;
    if (!chained) {
      this.#chained = 0;
      this.#turnStart = Date.now();
    }
    this.#inIteration = true;
    const timers = this.#timers;
    if (timers.size > 0) {
      const end = this.time() + CLOCK_RESOLUTION;
      for (
        let timer = timers.peek();
        timer !== undefined && timer._when < end;
        timer = timers.peek()
      ) {
        this.#ready.push(timers.pop());
      }
    }
    this.#batchLeft = this.#ready.length;
    this.#step();
  }

  /** Runs the next callback of the batch, then lets its microtasks run before the one after. */
  readonly #step = (): void => {
    if (this._wokenTask !== null && this.#waitForStep(this._wokenTask)) return;
    if (this.#timedItem !== null) this.#reportSlow();
    if (this.#batchLeft > 0) {
      this.#batchLeft--;
      const item = this.#ready.shift();
      if (this.#debug) {
        this.#timedItem = item;
        this.#timedStart = performance.now();
      }
      try {
        item._run();
      } catch (error) {
        this.callExceptionHandler({
          message: "Exception in event loop callback",
          exception: error,
        });
      }
      // A then() on a settled promise is the cheapest way to queue a microtask.
      SETTLED.then(this.#step);
      return;
    }
    this.#endIteration();
  };

  /**
   * If the task the last item woke (or started) is still in its step — neither parked on a new
   * wait nor finished — arranges for `#step` to run again later and returns true. asyncio runs
   * a whole step before the next callback: a step may take a few microtasks (nested async
   * functions returning, a Future awaited through its `then`), so the loop first waits a few
   * microtask turns; if the task is still busy after MAX_STEP_HOPS, it waits for the microtask
   * queue to drain (one macrotask), after which the step is over whatever the task awaits.
   */
  #waitForStep(task: Task<unknown>): boolean {
    if (task._state === PENDING && task._waitResolve === null && task._futWaiter === null) {
      if (this.#stepHops < MAX_STEP_HOPS) {
        this.#stepHops++;
        SETTLED.then(this.#step);
        return true;
      }
      this._wokenTask = null;
      this.#stepHops = 0;
      setImmediate(this.#step);
      return true;
    }
    this._wokenTask = null;
    this.#stepHops = 0;
    return false;
  }

  #endIteration(): void {
    this.#inIteration = false;
    if (this.#stopping) {
      this.#stopping = false;
      this.#state = IDLE;
      this.#clock.setAlarm(null, this);
      const onStopped = this.#onStopped;
      this.#onStopped = null;
      onStopped?.();
      return;
    }
    if (this.#ready.length === 0) {
      this.#armAlarm();
    } else if (
      this.#chained < MAX_CHAINED_ITERATIONS &&
      Date.now() - this.#turnStart < MAX_CHAIN_MS
    ) {
      this.#chained++;
      this.#iterationScheduled = true;
      SETTLED.then(this.#runChainedIteration);
    } else {
      this.#scheduleIteration();
    }
  }

  readonly #runChainedIteration = (): void => {
    this._runIteration(true);
  };

  #reportSlow(): void {
    const seconds = (performance.now() - this.#timedStart) / 1000;
    const item = this.#timedItem;
    this.#timedItem = null;
    if (seconds >= this.#slowCallbackDuration) {
      logger.warning(`Executing ${describeRunnable(item)} took ${seconds.toFixed(3)} seconds`);
    }
  }

  /** A hold was released: the clock may now be free to move on (see `idle()`). */
  #holdReleased(): void {
    if (this.#idleWithoutIteration() && this.#ready.length === 0) this.#armAlarm();
  }

  #idleWithoutIteration(): boolean {
    return this.#state === RUNNING && !this.#iterationScheduled && !this.#inIteration;
  }

  #scheduleIteration(): void {
    if (this.#iterationScheduled || this.#inIteration || this.#state !== RUNNING) return;
    this.#iterationScheduled = true;
    scopeStorage.run(this, scheduleIterationOf, this);
  }

  #armAlarm(): void {
    const first = this.#timers.peek();
    if (first === undefined) {
      this.#clock.setAlarm(null, this);
    } else if (first._when <= this.time()) {
      this.#scheduleIteration();
    } else {
      this.#clock.setAlarm(first._when, this);
    }
  }

  #callAt(when: number, callback: Callback<unknown[]>, args: unknown[]): TimerHandle {
    const timer = new TimerHandle(when, callback, args, this, this.#callbackContext());
    this._addTimer(timer);
    return timer;
  }

  /** The context a new callback captures: a copy of the current one, as asyncio does. */
  #callbackContext(): Context {
    return new Context(currentVars());
  }

  #checkClosed(): void {
    if (this.#state === CLOSED) throw new RuntimeError("Event loop is closed");
  }

  #checkCallback(callback: unknown, method: string): void {
    requireFunction(callback, `${method}() callback`);
    if ((callback as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === "AsyncFunction") {
      throw new TypeError(
        `coroutines cannot be used with ${method}(): use createTask() to run an async function`,
      );
    }
  }
}
inspectAsToString(EventLoop);

/**
 * A ready item for the slow-callback report, with where its task (or Handle) was created in
 * debug mode, as asyncio's `<Handle … created at file:line>`.
 */
function describeRunnable(item: Runnable | null): string {
  if (item === null) return "null";
  const task = item instanceof Task ? item : (item as { task?: unknown }).task;
  const where = task instanceof Task ? createdAt(task) : "";
  return `${String(item)}${where}`;
}
