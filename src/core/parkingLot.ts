/**
 * @internal `ParkingLot`: the one waiting line of the library, after Trio's `ParkingLot`.
 *
 * Every primitive and queue *holds* one (or two: a queue's getters and putters) instead of
 * keeping its own line of Futures; so does `StreamWriter.drain()` (a stream reader, which one
 * task at most waits on, parks it on a bare Future instead: see `net/streamReader.ts`). A task
 * parks with `park()`, which puts a `Waiter` (a Future of the lot's loop) in line and resumes
 * the task from the Waiter's wake-up — the loop callback that resumes the task, as asyncio's
 * `Task.__wakeup` — so the owner's bookkeeping (taking the lock, handing a permit on) is done
 * before any other callback can look at it. Cancelling the parked task cancels its Waiter,
 * through the same mechanism as every other wait.
 *
 * Invariants: the line holds one Waiter per parked task that has not left yet, in arrival
 * order. A Waiter leaves the line only by itself, in its wake-up, whatever woke it (`unpark`,
 * a cancellation): a woken Waiter (done, not cancelled) stays in line until its task runs, so
 * the owner still sees it there (a Lock is not free for a newcomer while a woken waiter has not
 * taken it yet, as CPython's `Lock.acquire` fast path requires). The lot binds to the running
 * loop when it first parks a task; parking from another loop later is a `RuntimeError`
 * (asyncio's `_LoopBoundMixin`).
 *
 * Not a Trio `repark`: a notified `Condition` waiter goes back into the lock's line only when
 * it runs, as in CPython (see `sync/condition.ts`).
 */
import { Deque } from "./deque.js";
import { RuntimeError } from "./errors.js";
import { Future, PENDING } from "./future.js";
import type { EventLoop } from "./loop.js";
import { getRunningLoop } from "./scope.js";

/** @internal The Future a task parks on in a lot; its text names the operation and the owner. */
export class Waiter extends Future<void> {
  readonly lot: ParkingLot;
  readonly operation: string;

  constructor(loop: EventLoop, lot: ParkingLot, operation: string) {
    super(loop._futureOptions);
    this.lot = lot;
    this.operation = operation;
  }

  override toString(): string {
    return `<Future ${this._describeState()}: ${this.operation} on ${String(this.lot.owner)}>`;
  }
}

/**
 * @internal Called right after a Waiter is woken, in the same step, when set: the stress tests
 * use it to cancel a task between its wake-up and its resumption, the race every owner must
 * survive by passing the wake-up on.
 */
export const wakeHook: { afterWake: ((waiter: Waiter) => void) | null } = { afterWake: null };

/** @internal A FIFO line of parked tasks (see the file comment). */
export class ParkingLot {
  /** The primitive this lot belongs to, named in the Waiters' text and in errors. */
  readonly owner: object;
  /** A lot whose loop binding this one shares (a queue's putters share the getters'). */
  readonly #boundWith: ParkingLot | null;
  #loop: EventLoop | null = null;
  /** Created on first contention: most primitives never have a task wait on them. */
  #line: Deque<Waiter> | null = null;

  constructor(owner: object, boundWith: ParkingLot | null = null) {
    this.owner = owner;
    this.#boundWith = boundWith;
  }

  /**
   * The running loop, to which the lot is bound from its first call on.
   *
   * @throws RuntimeError outside a running loop, or when bound to another loop.
   */
  bind(): EventLoop {
    if (this.#boundWith !== null) return this.#boundWith.bind();
    const loop = getRunningLoop();
    if (this.#loop === null) {
      this.#loop = loop;
    } else if (this.#loop !== loop) {
      throw new RuntimeError(`${String(this.owner)} is bound to a different event loop`);
    }
    return loop;
  }

  /**
   * The number of Waiters in line, the cancelled ones that have not left yet included (what
   * asyncio's reprs count: `len(self._waiters)`).
   */
  get size(): number {
    return this.#line?.length ?? 0;
  }

  /**
   * The tasks waiting: the Waiters in line that are not cancelled (parked, or woken and not
   * resumed yet). What the owners' `statistics()` report as `tasksWaiting`.
   */
  tasksWaiting(): number {
    const line = this.#line;
    if (line === null) return 0;
    let waiting = 0;
    for (let i = 0; i < line.length; i++) {
      if (!line.at(i).cancelled()) waiting++;
    }
    return waiting;
  }

  /** Whether a Waiter that is not cancelled is in line (parked, or woken and not resumed). */
  hasLiveWaiter(): boolean {
    const line = this.#line;
    if (line === null) return false;
    for (let i = 0; i < line.length; i++) {
      if (!line.at(i).cancelled()) return true;
    }
    return false;
  }

  /**
   * Parks the current task at the end of the line and returns the promise it awaits. From the
   * wake-up, once the Waiter has left the line: `onWoken()` when it was woken, or, when the wait
   * failed (the task was cancelled while parked, or after it was woken and before it resumed),
   * `onFailed(error, woken)`, where `woken` says whether a wake-up had been handed to this
   * Waiter — one the owner must pass on, since this task is not taking it. What the handler
   * returns or throws settles the promise.
   *
   * @throws RuntimeError (synchronously) outside a running loop or when bound to another one.
   */
  park<R>(
    operation: string,
    onWoken: () => R | PromiseLike<R>,
    onFailed: (error: unknown, woken: boolean) => R | PromiseLike<R>,
  ): Promise<R> {
    const waiter = new Waiter(this.bind(), this, operation);
    if (this.#line === null) this.#line = new Deque();
    this.#line.push(waiter);
    return waiter.then(
      () => {
        this.#line?.remove(waiter);
        return onWoken();
      },
      (error: unknown) => {
        const woken = waiter.done() && !waiter.cancelled();
        // A wait can fail while its Waiter is pending (the task refused to await it): make
        // sure nobody wakes it any more.
        waiter.cancel();
        this.#line?.remove(waiter);
        return onFailed(error, woken);
      },
    );
  }

  /**
   * Wakes the first Waiter in line, unless it was already woken or is cancelled (CPython's
   * `Lock._wake_up_first`: the lock is handed to the first in line, and to nobody else while
   * that one has not taken it or passed it on). Returns whether it woke one.
   */
  unparkFirst(): boolean {
    const first = this.#line?.peek();
    if (first === undefined || first._state !== PENDING) return false;
    this.#wake(first);
    return true;
  }

  /** Wakes the first `n` Waiters not woken yet; returns how many it woke. */
  unpark(n: number): number {
    const line = this.#line;
    if (line === null) return 0;
    let woken = 0;
    for (let i = 0; i < line.length && woken < n; i++) {
      const waiter = line.at(i);
      if (waiter._state === PENDING) {
        this.#wake(waiter);
        woken++;
      }
    }
    return woken;
  }

  /** Wakes every Waiter not woken yet; returns how many it woke. */
  unparkAll(): number {
    return this.unpark(Number.POSITIVE_INFINITY);
  }

  /**
   * The text of a primitive holding this lot, as asyncio's reprs: `<Lock [locked, waiters:2]>`.
   */
  describe(name: string, state: string): string {
    const size = this.size;
    return `<${name} [${size > 0 ? `${state}, waiters:${size}` : state}]>`;
  }

  #wake(waiter: Waiter): void {
    waiter._resolve(undefined);
    const hook = wakeHook.afterWake;
    if (hook !== null) hook(waiter);
  }
}
