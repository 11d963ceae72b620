/**
 * The one async-local store of the library: who is running right now.
 *
 * Invariant: while a Task's function (and anything it starts without leaving the loop's
 * reach) runs, the store is that Task; while a plain loop callback runs, the store is the loop
 * itself; outside any loop it is empty. Both kinds of scope expose their loop and their
 * contextvars Context.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Context, VarMap } from "./context.js";
import { RuntimeError } from "./errors.js";
import type { EventLoop } from "./loop.js";
import type { Task } from "./task.js";

/** A Task or an EventLoop: anything the store may hold. */
export interface Scope {
  /** @internal The loop this scope runs on (the loop itself for a loop scope). */
  readonly _loop: EventLoop;
  /** @internal The context variables code in this scope reads. */
  _contextVars(): VarMap;
  /** @internal The contextvars Context `ContextVar.set()` writes to in this scope. */
  _writableContext(): Context;
  /** @internal The Task of this scope, or null for a loop scope. */
  _currentTask(): Task<unknown> | null;
}

/** The store. Only the loop (for callbacks) and Task (for its function) enter it. */
export const scopeStorage: AsyncLocalStorage<Scope> = new AsyncLocalStorage<Scope>();

/**
 * The loop running the current task or callback.
 *
 * @throws RuntimeError when called outside a running loop.
 * @example
 * const loop = asyncio.getRunningLoop();
 * console.log(loop.time());
 */
export function getRunningLoop(): EventLoop {
  const loop = scopeStorage.getStore()?._loop;
  if (loop === undefined || !loop.isRunning()) {
    throw new RuntimeError("no running event loop");
  }
  return loop;
}

/** @internal The scope (task, or loop callback) running now; see `runInScope`. */
export function currentScope(): Scope | undefined {
  return scopeStorage.getStore();
}

/**
 * @internal Runs `fn` in `scope`. A wake-up handler runs in the loop's scope, not the waiting
 * task's: one that must wait again (a `Queue.get` woken for an item another task took first, a
 * `Condition.wait` re-acquiring a taken lock) starts that wait through this, with the scope
 * captured when the waiting method was called, so the task is parked on it.
 */
export function runInScope<T>(scope: Scope | undefined, fn: () => T): T {
  return scope === undefined ? fn() : scopeStorage.run(scope, fn);
}
