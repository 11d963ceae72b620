/**
 * The deadlock report: when the main task can never finish (every task waits and Node has
 * nothing left that could wake one: no timer, no I/O, no worker), `run()` rejects with a
 * `DeadlockError` naming each blocked task and what it waits on, instead of Node exiting
 * silently with the main promise unsettled.
 *
 * The trigger is Node's own 'beforeExit': Node has nothing left to do. Work in flight whose
 * completion Node is waiting for (a socket, a worker running a job) keeps Node alive, so an
 * open in-flight hold for it postpones the report by itself; a hold still open when Node runs
 * out of work can no longer complete, and the report lists it among what the tasks wait for.
 */
import { formatSourceTraceback } from "../debug/sourceTraceback.js";
import type { Future } from "./future.js";
import type { InFlightRecord } from "./inFlight.js";
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
  /** The in-flight holds still open, which nothing left in Node can complete. */
  readonly inFlight: readonly InFlightRecord[];

  /**
   * @param blocked the blocked tasks, the main task first.
   * @param what what can never happen ("the main task can never finish" by default).
   * @param inFlight the in-flight holds still open (see `EventLoop.inFlight`).
   */
  constructor(
    blocked: readonly BlockedTask[],
    what = "the main task can never finish",
    inFlight: readonly InFlightRecord[] = [],
  ) {
    const lines: string[] = [];
    for (const { task, waitsOn } of blocked) {
      lines.push(
        waitsOn === null
          ? `  ${task} waits on a promise outside the library (wrap() it to make it visible)`
          : `  ${task} waits on ${waitsOn}`,
      );
      // Debug mode: where the task (and the Future it waits on) were created.
      if (task._sourceTraceback !== null) {
        lines.push(indent(formatSourceTraceback(task._sourceTraceback, "    task")));
      }
      // A blocked task waited on has its own entry, with its own creation stack.
      const listed = blocked.some((other) => other.task === waitsOn);
      if (waitsOn?._sourceTraceback && !listed) {
        lines.push(indent(formatSourceTraceback(waitsOn._sourceTraceback, "    awaited Future")));
      }
    }
    for (const { kind, description } of inFlight) {
      lines.push(
        `  still in flight (${kind}), with nothing left in Node to complete it: ${description}`,
      );
    }
    super(
      lines.length === 0
        ? `deadlock: ${what}; no task is left and nothing (timer, I/O, worker) is pending`
        : `deadlock: ${what}; every task waits and nothing ` +
            `(timer, I/O, worker) is pending:\n${lines.join("\n")}`,
    );
    this.blocked = blocked;
    this.inFlight = inFlight;
  }
}
Object.defineProperty(DeadlockError.prototype, "name", {
  value: "DeadlockError",
  writable: true,
  configurable: true,
});

function indent(text: string): string {
  return text
    .split("\n")
    .map((line, i) => (i === 0 ? line : `    ${line}`))
    .join("\n");
}

/** The blocked tasks of `loop`, `first` (the main task, if there is one) first. */
export function blockedTasks(loop: EventLoop, first: Task<unknown> | null): BlockedTask[] {
  const others = [...loop._tasks].filter((task) => task !== first);
  const tasks = first === null ? others : [first, ...others];
  return tasks.filter((task) => !task.done()).map((task) => ({ task, waitsOn: task._futWaiter }));
}

/**
 * Runs `loop` until `future` is done, like `loop._runUntilComplete`, but if Node runs out of
 * work first (its 'beforeExit'), stops the loop and throws a DeadlockError about `main`.
 */
export function runUntilCompleteOrDeadlock(
  loop: EventLoop,
  future: Future<unknown>,
  main: Task<unknown>,
): Promise<void> {
  return runOrDeadlock(loop, () => loop._runUntilComplete(future), future, main);
}

/**
 * Awaits `running`, which runs `loop` until `future` is done (`null`: until `loop.stop()`),
 * but if Node runs out of work first (its 'beforeExit'), stops the loop and throws a
 * DeadlockError about `main` (`null`: no main task, every blocked task is listed) saying
 * `what` can never happen.
 */
export async function runOrDeadlock(
  loop: EventLoop,
  running: () => Promise<void>,
  future: Future<unknown> | null,
  main: Task<unknown> | null,
  what?: string,
): Promise<void> {
  let deadlock: DeadlockError | null = null;
  const onBeforeExit = (): void => {
    if (future?.done() || deadlock !== null) return;
    deadlock = new DeadlockError(blockedTasks(loop, main), what, loop.statistics().inFlight);
    loop.stop();
  };
  process.on("beforeExit", onBeforeExit);
  try {
    await running();
  } catch (error) {
    throw deadlock ?? error;
  } finally {
    process.off("beforeExit", onBeforeExit);
  }
  // runForever() resolves when stopped: the deadlock stopped it.
  if (deadlock !== null) throw deadlock;
}
