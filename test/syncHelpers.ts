/**
 * Helpers shared by the tests of the synchronisation primitives and queues: small stand-ins
 * for the combinators CPython's tests use (`gather`, `wait_for`, `timeout`), written on the
 * core alone so these tests do not depend on the combinators' own implementation.
 */
import * as asyncio from "asyncio-ts";

/** What a task ended with: its value, or the error it failed or was cancelled with. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Python's `gather(*tasks, return_exceptions=True)`: the outcome of each task, in order. */
export async function settleAll<T>(tasks: readonly asyncio.Task<T>[]): Promise<Outcome<T>[]> {
  const outcomes: Outcome<T>[] = [];
  for (const task of tasks) {
    try {
      outcomes.push({ ok: true, value: await task });
    } catch (error) {
      outcomes.push({ ok: false, error });
    }
  }
  return outcomes;
}

/** Python's `gather(*tasks)` for tasks expected to succeed: their results, in order. */
export async function joinAll<T>(tasks: readonly asyncio.Task<T>[]): Promise<T[]> {
  const results: T[] = [];
  for (const task of tasks) results.push(await task);
  return results;
}

/** Starts `n` tasks running `fn` (Python's `[create_task(coro()) for _ in range(n)]`). */
export function startTasks<T>(n: number, fn: () => Promise<T>): asyncio.Task<T>[] {
  return Array.from({ length: n }, () => asyncio.createTask(fn));
}

/**
 * Python's `async with asyncio.timeout(delay)` around `fn`, in the current task: after
 * `delay` seconds the task is cancelled, and that cancellation surfaces as a TimeoutError.
 */
export async function withinTimeout<T>(delay: number, fn: () => Promise<T>): Promise<T> {
  const task = asyncio.currentTask();
  if (task === null) throw new Error("withinTimeout() must run in a task");
  let expired = false;
  const timer = asyncio.getRunningLoop().callLater(delay, () => {
    expired = true;
    task.cancel();
  });
  try {
    return await fn();
  } catch (error) {
    if (expired && error instanceof asyncio.CancelledError && task.uncancel() === 0) {
      throw new asyncio.TimeoutError();
    }
    throw error;
  } finally {
    timer.cancel();
  }
}

/** Python's `wait_for(aw, timeout)` for a coroutine function: runs it as a task, with a deadline. */
export async function waitForTimeout<T>(fn: () => Promise<T>, delay: number): Promise<T> {
  const task = asyncio.createTask(fn);
  return withinTimeout(delay, async () => {
    try {
      return await task;
    } finally {
      if (!task.done()) {
        task.cancel();
        await settleAll([task]);
      }
    }
  });
}

/** Gives every ready task `n` turns (`n` times `await sleep(0)`). */
export async function yieldTurns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await asyncio.sleep(0);
}
