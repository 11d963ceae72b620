/**
 * The deadlock report: when the main task can never finish (every task waits and Node has
 * nothing left that could wake one: no timer, no I/O, no worker), `run()` rejects with a
 * `DeadlockError` naming each blocked task and what it waits on, instead of Node exiting
 * silently with the main promise unsettled.
 */
import type { Future } from "./future.js";
import type { EventLoop } from "./loop.js";
import type { Task } from "./task.js";

/** One blocked task of a {@link DeadlockError}. */
export interface BlockedTask {
  /** The task. */
  readonly task: Task<unknown>;
  /** What it waits on: a Future, or `null` for a promise the library cannot see. */
  readonly waitsOn: Future<unknown> | null;
}

/**
 * Raised by `run()` when its main task can never finish.
 *
 * @example
 * await asyncio.run(async () => {
 *   await new asyncio.Event().wait(); // nobody will ever set it
 * }); // rejects with DeadlockError: <Task pending name="Task-1" fn=main> waits on <Future pending>
 */
export class DeadlockError extends Error {
  /** The tasks that were blocked, the main task first. */
  readonly blocked: readonly BlockedTask[];

  constructor(blocked: readonly BlockedTask[]) {
    const lines = blocked.map(({ task, waitsOn }) =>
      waitsOn === null
        ? `  ${task} waits on a promise outside the library (wrap() it to make it visible)`
        : `  ${task} waits on ${waitsOn}`,
    );
    super(
      "deadlock: the main task can never finish; every task waits and nothing " +
        `(timer, I/O, worker) is pending:\n${lines.join("\n")}`,
    );
    this.blocked = blocked;
  }
}
Object.defineProperty(DeadlockError.prototype, "name", {
  value: "DeadlockError",
  writable: true,
  configurable: true,
});

/** The blocked tasks of `loop`, `first` (the main task) first. */
export function blockedTasks(loop: EventLoop, first: Task<unknown>): BlockedTask[] {
  const tasks = [first, ...[...loop._tasks].filter((task) => task !== first)];
  return tasks.filter((task) => !task.done()).map((task) => ({ task, waitsOn: task._futWaiter }));
}

/**
 * Runs `loop` until `future` is done, like `loop._runUntilComplete`, but if Node runs out of
 * work first (its 'beforeExit'), stops the loop and throws a DeadlockError about `main`.
 */
export async function runUntilCompleteOrDeadlock(
  loop: EventLoop,
  future: Future<unknown>,
  main: Task<unknown>,
): Promise<void> {
  let deadlock: DeadlockError | null = null;
  const onBeforeExit = (): void => {
    if (future.done() || deadlock !== null) return;
    deadlock = new DeadlockError(blockedTasks(loop, main));
    loop.stop();
  };
  process.on("beforeExit", onBeforeExit);
  try {
    await loop._runUntilComplete(future);
  } catch (error) {
    throw deadlock ?? error;
  } finally {
    process.off("beforeExit", onBeforeExit);
  }
}
