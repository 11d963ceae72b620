/**
 * `Queue`, as asyncio's: a FIFO queue for producer and consumer tasks, optionally bounded,
 * with `join()`/`taskDone()` accounting and `shutdown()`.
 *
 * Invariants (CPython's): the `#getters` lot holds the tasks blocked in `get()` while the
 * queue was empty, `#putters` those blocked in `put()` while it was full; each leaves its line
 * when it wakes up. Every item added wakes one getter, every item taken wakes one putter; a
 * woken waiter that is cancelled before it can act passes its wake-up on, so no item and no
 * free slot is left unclaimed while a task waits for it. `#unfinishedTasks` counts the items
 * put and not yet marked done with `taskDone()`; `#finished` is set exactly when it is zero.
 */
import { inspect } from "node:util";
import { Deque } from "../core/deque.js";
import { inspectAsToString } from "../core/display.js";
import { ParkingLot } from "../core/parkingLot.js";
import { RESOLVED_VOID } from "../core/resolvers.js";
import { currentScope, runInScope } from "../core/scope.js";
import { describeValue, requireInteger, requireOptions } from "../core/validate.js";
import { Event } from "../sync/event.js";
import { QueueEmpty, QueueFull, QueueShutDown } from "./errors.js";

/** Options of the queue constructors. */
export interface QueueOptions {
  /** The most items the queue holds before `put()` waits; 0 (the default) means no limit. */
  maxsize?: number;
}

/** What `Queue.statistics()` returns. */
export interface QueueStatistics {
  /** The items in the queue (`qsize()`). */
  readonly size: number;
  /** The most items the queue holds; 0 means no limit. */
  readonly maxsize: number;
  /** Items put and not yet marked done with `taskDone()`; `join()` waits for 0. */
  readonly unfinishedTasks: number;
  /** The tasks blocked in `get()` (or woken and not yet resumed). */
  readonly gettersWaiting: number;
  /** The tasks blocked in `put()` (or woken and not yet resumed). */
  readonly puttersWaiting: number;
  /** Whether `shutdown()` was called. */
  readonly isShutdown: boolean;
}

/** Options of `shutdown()`. */
export interface ShutdownOptions {
  /** Drop the items still queued, so that `get()` fails at once (default false). */
  immediate?: boolean;
}

/** @internal Where a queue keeps its items: the order of `get()` is the store's. */
export interface ItemStore<T> {
  readonly length: number;
  /** Adds an item. */
  put(item: T): void;
  /** Removes and returns the next item; the store must not be empty. */
  get(): T;
  /** Removes every item. */
  clear(): void;
  /** The items, as a new array (for display). */
  toArray(): T[];
}

/** The items of a FIFO queue. */
class FifoStore<T> extends Deque<T> implements ItemStore<T> {
  put(item: T): void {
    this.push(item);
  }

  get(): T {
    return this.shift();
  }
}

const ITERATION_DONE: IteratorReturnResult<undefined> = Object.freeze({
  done: true,
  value: undefined,
});

/**
 * A first-in, first-out queue. `put()` waits while the queue is full (when `maxsize` > 0),
 * `get()` while it is empty; both wake waiting tasks in FIFO order. Iterate it with
 * `for await` until it is shut down and drained.
 *
 * @example
 * const queue = new asyncio.Queue<string>(10);
 * const consumer = asyncio.createTask(async () => {
 *   for await (const job of queue) {
 *     console.log("processing", job);
 *     queue.taskDone();
 *   }
 * });
 * await queue.put("a");
 * await queue.put("b");
 * await queue.join(); // both processed
 * queue.shutdown(); // ends the consumer's loop
 * await consumer;
 */
export class Queue<T = unknown> implements AsyncIterable<T> {
  /** @internal The items. */
  readonly _queue: ItemStore<T>;
  /** The tasks blocked in `get()`. */
  readonly #getters = new ParkingLot(this);
  /** The tasks blocked in `put()`; a queue binds to one loop, as asyncio's. */
  readonly #putters = new ParkingLot(this, this.#getters);
  /** Items put and not yet marked done. */
  #unfinishedTasks = 0;
  /** Set exactly when `#unfinishedTasks` is zero. */
  readonly #finished = new Event();
  #isShutdown = false;
  readonly #maxsize: number;

  /**
   * `maxsize` (a number, or `{ maxsize }`) bounds the queue; 0, the default, means no limit.
   *
   * @throws TypeError if `maxsize` is not an integer; RangeError if it is negative.
   */
  constructor(maxsize?: number | QueueOptions) {
    const options = queueOptions(maxsize, new.target.name);
    this.#maxsize = options.maxsize ?? 0;
    this.#finished.set();
    this._queue = this._init(options);
  }

  /** The most items the queue holds; 0 means no limit. */
  get maxsize(): number {
    return this.#maxsize;
  }

  /** The number of items in the queue. */
  qsize(): number {
    return this._queue.length;
  }

  /** Whether the queue holds no item. */
  empty(): boolean {
    return this._queue.length === 0;
  }

  /** Whether the queue holds `maxsize` items (never true when `maxsize` is 0). */
  full(): boolean {
    return this.#maxsize > 0 && this._queue.length >= this.#maxsize;
  }

  /**
   * Adds `item`, first waiting for a free slot while the queue is full. With a free slot it
   * completes without yielding to the loop.
   *
   * @throws QueueShutDown (rejects) if the queue is shut down, also while waiting.
   */
  put(item: T): Promise<void> {
    if (!this.full()) {
      try {
        this.putNowait(item);
      } catch (error) {
        return Promise.reject(error);
      }
      return RESOLVED_VOID;
    }
    return this.#putSlow(item);
  }

  /**
   * Adds `item` if there is a free slot, at once.
   *
   * @throws QueueFull if the queue is full; QueueShutDown if it is shut down.
   */
  putNowait(item: T): void {
    if (this.#isShutdown) throw new QueueShutDown();
    if (this.full()) throw new QueueFull();
    this._queue.put(item);
    this.#unfinishedTasks++;
    this.#finished.clear();
    this.#getters.unpark(1);
  }

  /**
   * Removes and returns the next item, first waiting for one while the queue is empty. With
   * an item ready it completes without yielding to the loop.
   *
   * @throws QueueShutDown (rejects) if the queue is shut down and empty, or shut down with
   * `immediate`, also while waiting.
   */
  get(): Promise<T> {
    if (!this.empty()) return Promise.resolve(this.getNowait());
    return this.#getSlow();
  }

  /**
   * Removes and returns the next item if there is one, at once.
   *
   * @throws QueueEmpty if the queue is empty; QueueShutDown if it is also shut down.
   */
  getNowait(): T {
    if (this.empty()) {
      if (this.#isShutdown) throw new QueueShutDown();
      throw new QueueEmpty();
    }
    const item = this._queue.get();
    this.#putters.unpark(1);
    return item;
  }

  /**
   * Marks one item taken with `get()` as processed; when every item put so far is, `join()`
   * returns. `shutdown({ immediate: true })` marks the items it drops.
   *
   * @throws RangeError (Python's `ValueError`) if called more times than items were put; the
   * queue is left unchanged.
   */
  taskDone(): void {
    if (this.#unfinishedTasks <= 0) {
      throw new RangeError("taskDone() called too many times");
    }
    this.#unfinishedTasks--;
    if (this.#unfinishedTasks === 0) this.#finished.set();
  }

  /** Waits until every item put so far has been marked processed with `taskDone()`. */
  join(): Promise<void> {
    if (this.#unfinishedTasks === 0) return RESOLVED_VOID;
    return this.#finished.wait().then(toVoid);
  }

  /**
   * Shuts the queue down: `put()` and `putNowait()` fail with QueueShutDown from now on, and
   * so do `get()` and `getNowait()` once the queue is empty. With `immediate`, the queued
   * items are dropped (each counted as done for `join()`), so getters fail at once. Every
   * task blocked in `put()` or `get()` is woken to see it.
   *
   * @example
   * queue.shutdown(); // consumers drain what is queued, then stop
   * queue.shutdown({ immediate: true }); // consumers stop now
   */
  shutdown(options?: ShutdownOptions): void {
    requireOptions(options, "shutdown() options");
    const immediate = options?.immediate ?? false;
    if (typeof immediate !== "boolean") {
      throw new TypeError(
        `shutdown() immediate must be a boolean, got ${describeValue(immediate)}`,
      );
    }
    this.#isShutdown = true;
    if (immediate) {
      // Each dropped item counts as done (CPython calls _get() and decrements per item).
      this.#unfinishedTasks = Math.max(0, this.#unfinishedTasks - this._queue.length);
      this._queue.clear();
      if (this.#unfinishedTasks === 0) this.#finished.set();
    }
    // Every getter must check again whether the queue is empty, every putter must see the
    // shutdown.
    this.#getters.unparkAll();
    this.#putters.unparkAll();
  }

  /**
   * `for await (const item of queue)`: gets items until the queue is shut down and empty.
   * Call `taskDone()` for each item if you `join()` the queue.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return new QueueIterator(this);
  }

  /** The queue's size and bookkeeping, and how many tasks wait on it (a record). */
  statistics(): QueueStatistics {
    return {
      size: this._queue.length,
      maxsize: this.#maxsize,
      unfinishedTasks: this.#unfinishedTasks,
      gettersWaiting: this.#getters.tasksWaiting(),
      puttersWaiting: this.#putters.tasksWaiting(),
      isShutdown: this.#isShutdown,
    };
  }

  toString(): string {
    let text = `<${this.constructor.name} maxsize=${this.#maxsize}`;
    if (this._queue.length > 0) {
      text += ` items=${inspect(this._queue.toArray(), { depth: 1, breakLength: Infinity })}`;
    }
    if (this.#getters.size > 0) text += ` getters[${this.#getters.size}]`;
    if (this.#putters.size > 0) text += ` putters[${this.#putters.size}]`;
    if (this.#unfinishedTasks > 0) text += ` tasks=${this.#unfinishedTasks}`;
    if (this.#isShutdown) text += " shutdown";
    return `${text}>`;
  }

  /**
   * @internal Creates the item store (Python's overridable `_init`): FIFO here; the
   * subclasses order their items differently.
   */
  _init(_options: QueueOptions): ItemStore<T> {
    return new FifoStore<T>();
  }

  /** CPython's `Queue.put` after its fast path: wait in line for a free slot. */
  #putSlow(item: T): Promise<void> {
    return this.#waitInLine(this.#putters, "put", this.full, () => this.putNowait(item));
  }

  /** CPython's `Queue.get` after its fast path: wait in line for an item. */
  #getSlow(): Promise<T> {
    return this.#waitInLine(this.#getters, "get", this.empty, () => this.getNowait());
  }

  /**
   * One turn of CPython's `while self.full():` (put) or `while self.empty():` (get) loop:
   * wait in `line` while `blocked()`, then `take()`. From the wake-up: take, or wait again (in
   * the caller's scope); after a failure, pass on a wake-up that was ours and that we are not
   * taking.
   */
  #waitInLine<R>(
    line: ParkingLot,
    operation: "put" | "get",
    blocked: () => boolean,
    take: () => R,
  ): Promise<R> {
    if (this.#isShutdown) return Promise.reject(new QueueShutDown());
    const scope = currentScope();
    try {
      return line.park<R>(
        `${this.constructor.name}.${operation}()`,
        () => {
          if (!blocked.call(this)) return take();
          // The next turn of the loop, from the wake-up: fail now, or wait again.
          if (this.#isShutdown) throw new QueueShutDown();
          return runInScope(scope, () => this.#waitInLine(line, operation, blocked, take));
        },
        (error, woken) => {
          // We were woken for a slot (or an item) but are not taking it: wake the next in line.
          if (woken && !blocked.call(this)) line.unpark(1);
          throw error;
        },
      );
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
inspectAsToString(Queue);

function toVoid(): void {}

/** The checked options of a queue constructor. */
function queueOptions(maxsize: number | QueueOptions | undefined, className: string): QueueOptions {
  const what = `${className} maxsize`;
  if (maxsize === undefined) return {};
  if (typeof maxsize === "number") {
    requireQueueSize(maxsize, what);
    return { maxsize };
  }
  if (maxsize === null || typeof maxsize !== "object") {
    throw new TypeError(
      `${className}() takes a maxsize number or an options object, got ${describeValue(maxsize)}`,
    );
  }
  if (maxsize.maxsize !== undefined) requireQueueSize(maxsize.maxsize, what);
  return maxsize;
}

function requireQueueSize(value: unknown, what: string): void {
  if (value === Number.POSITIVE_INFINITY) {
    throw new TypeError(`${what} must be an integer, got Infinity (use 0 for no limit)`);
  }
  requireInteger(value, what, 0);
}

/** The iterator of `for await (const item of queue)`. */
class QueueIterator<T> implements AsyncIterableIterator<T> {
  #queue: Queue<T> | null;

  constructor(queue: Queue<T>) {
    this.#queue = queue;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    const queue = this.#queue;
    if (queue === null) return Promise.resolve(ITERATION_DONE);
    return queue.get().then(yieldItem, (error: unknown) => {
      if (!(error instanceof QueueShutDown)) throw error;
      this.#queue = null;
      return ITERATION_DONE;
    });
  }

  /** Leaving a `for await` loop early ends the iteration; the queue is not touched. */
  return(): Promise<IteratorResult<T, undefined>> {
    this.#queue = null;
    return Promise.resolve(ITERATION_DONE);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}

function yieldItem<T>(value: T): IteratorYieldResult<T> {
  return { done: false, value };
}
