/**
 * @internal What every primitive shares with asyncio's `_LoopBoundMixin`: it can be created
 * anywhere (even at module level, outside any loop) and binds to the running loop the first
 * time it has to wait; using it from another loop afterwards is a `RuntimeError`.
 *
 * The waiter Futures it creates describe what they wait for, so a `DeadlockError` names the
 * primitive and the operation a blocked task is stuck in.
 *
 * How a waiting method resumes its task: it returns `waiter.then(onWoken, onFailed)`, whose
 * handlers run inside the waiter's wake-up (the loop callback that resumes the task, as
 * CPython's `Task.__wakeup`), doing the method's bookkeeping there, so the caller's code
 * resumes one microtask later, as after a plain `await future`. Those handlers run in the
 * loop's scope, not the task's: one that must wait again starts that wait through
 * `runInScope` with the scope captured when the method was called, so the task is parked on
 * it (and can be cancelled there).
 */

import type { Deque } from "../core/deque.js";
import { RuntimeError } from "../core/errors.js";
import { Future } from "../core/future.js";
import type { EventLoop } from "../core/loop.js";
import type { Scope } from "../core/scope.js";
import { getRunningLoop, scopeStorage } from "../core/scope.js";

/** @internal A Future a task parks on inside a primitive's waiting method. */
export class Waiter<T> extends Future<T> {
  readonly #owner: object;
  readonly #operation: string;

  constructor(loop: EventLoop, owner: object, operation: string) {
    super(loop._futureOptions);
    this.#owner = owner;
    this.#operation = operation;
  }

  override toString(): string {
    return `<Future ${this._describeState()}: ${this.#operation} on ${String(this.#owner)}>`;
  }
}

/** @internal Whether every waiter in `waiters` is cancelled (true when there is none). */
export function allCancelled(waiters: Deque<Future<unknown>>): boolean {
  for (let i = 0; i < waiters.length; i++) {
    if (!waiters.at(i).cancelled()) return false;
  }
  return true;
}

/** @internal Base class of the primitives: lazy binding to the running loop. */
export abstract class LoopBound {
  #loop: EventLoop | null = null;

  /**
   * The running loop, to which this primitive is bound from the first call on.
   *
   * @throws RuntimeError outside a running loop, or when bound to another loop.
   */
  _getLoop(): EventLoop {
    const loop = getRunningLoop();
    if (this.#loop === null) {
      this.#loop = loop;
    } else if (this.#loop !== loop) {
      throw new RuntimeError(`${this} is bound to a different event loop`);
    }
    return loop;
  }

  /** @internal A pending waiter Future on the bound loop, for `operation` (e.g. "Lock.acquire()"). */
  _newWaiter<T>(operation: string): Waiter<T> {
    return new Waiter<T>(this._getLoop(), this, operation);
  }
}

/** @internal What a fast path returns: settled promises shared by every call. */
export const RESOLVED_TRUE: Promise<true> = Promise.resolve(true);
/** @internal See `RESOLVED_TRUE`. */
export const RESOLVED_VOID: Promise<void> = Promise.resolve();

/** @internal The scope (task, or loop callback) running now; see `runInScope`. */
export function currentScope(): Scope | undefined {
  return scopeStorage.getStore();
}

/**
 * @internal Runs `fn` in `scope`: a wake-up handler uses it to start a new wait on behalf of
 * the task that called the waiting method.
 */
export function runInScope<T>(scope: Scope | undefined, fn: () => T): T {
  return scope === undefined ? fn() : scopeStorage.run(scope, fn);
}
