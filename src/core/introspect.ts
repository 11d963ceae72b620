/**
 * A look inside the runtime for the library's own tests and debug tools: not exported by the
 * package (only its `#internal/*` imports reach it), so nothing here is public API.
 */
import type { Future } from "./future.js";
import { wakeHook } from "./parkingLot.js";
import type { Task } from "./task.js";

/** The Future `task` is parked on (what `cancel()` would cancel), or `null`. */
export function waitedOn(task: Task<unknown>): Future<unknown> | null {
  return task._futWaiter;
}

/**
 * Sets (or, with `null`, clears) a function called right after a task parked in a primitive
 * or queue is woken, in the same step, with the Future it was parked on: the stress tests
 * cancel the task there, between its wake-up and its resumption.
 */
export function setWakeHook(hook: ((waiter: Future<unknown>) => void) | null): void {
  wakeHook.afterWake = hook;
}
