/**
 * The leak check of the test helpers: what a test body left behind on its loop when it
 * returned — tasks still pending, task (or future) exceptions nobody retrieved, in-flight holds
 * still open (a socket, a server, a subprocess, an executor job, a wrapped promise) — and the
 * `LeakError` that names them.
 *
 * A `LeakWatch` compares what is open on a loop (its pending tasks and in-flight holds) with what
 * was open before the test body ran; in debug mode the loop records where each task, Future and
 * hold was created, and the report shows it.
 *
 * Exceptions never retrieved are read from the core's list of them (`unretrievedFutures`, the
 * list `Runner.close()` reports from): the watch retrieves each one it names, so the runner does
 * not report it again.
 */

import type { InFlight, InFlightKind } from "../core/inFlight.js";
import type { EventLoop } from "../core/loop.js";
import type { Task } from "../core/task.js";
import { unretrievedFutures } from "../core/unretrieved.js";
import { sourceTracebackOf } from "../debug/sourceTraceback.js";

/** A hold still open when the body returned, as `LeakError.holds` lists it. */
export interface LeakedHold {
  /** What is in flight, e.g. `"server 127.0.0.1:41234"` or `"subprocess 4242 exec node"`. */
  readonly description: string;
  /** `"operation"` or `"outside"`. */
  readonly kind: InFlightKind;
  /** The loop time at which it was taken. */
  readonly since: number;
  /** Where it was taken, in debug mode (`null` otherwise). */
  readonly createdAt: string | null;
}

/** A task still pending when the body returned, as `LeakError.tasks` lists it. */
export interface LeakedTask {
  /** The task's name, e.g. `"Task-2"`. */
  readonly name: string;
  /** Its text when the body returned, e.g. `<Task pending name="Task-2" fn=poll>`. */
  readonly description: string;
  /** Where it was created, in debug mode (`null` otherwise). */
  readonly createdAt: string | null;
}

/** A Future or Task whose exception nobody retrieved, as `LeakError.unretrieved` lists it. */
export interface UnretrievedException {
  /** The text of the Future or Task, e.g. `<Task finished name="Task-3" fn=boom ...>`. */
  readonly source: string;
  /** The exception nobody looked at. */
  readonly exception: unknown;
  /** Where the task was created, in debug mode (`null` otherwise, and for plain futures). */
  readonly createdAt: string | null;
}

/** What a test left behind. */
export interface Leaks {
  /** Tasks still pending. */
  readonly tasks: readonly LeakedTask[];
  /** Futures and Tasks whose exception nobody retrieved. */
  readonly unretrieved: readonly UnretrievedException[];
  /** In-flight holds still open: sockets, servers, processes, operations. */
  readonly holds: readonly LeakedHold[];
}

/**
 * A test left something behind on its loop: tasks still pending when its body returned (they
 * were cancelled, as `asyncio.run()` cancels them), exceptions of tasks or futures nobody
 * retrieved, or in-flight holds still open (sockets, servers, subprocesses, executor jobs,
 * wrapped promises). The message names each; with `debug: true`, also where it was created.
 */
export class LeakError extends Error {
  // Plain data only (no Task objects): test runners that copy an error into another process
  // (node:test does) serialize its fields, and lose the whole error when one cannot be.
  /** The tasks still pending, cancelled since. */
  readonly tasks: readonly LeakedTask[];
  /** The exceptions nobody retrieved. */
  readonly unretrieved: readonly UnretrievedException[];
  /** The holds still open. */
  readonly holds: readonly LeakedHold[];

  constructor(what: string, leaks: Leaks, debug: boolean) {
    super(describeLeaks(what, leaks, debug));
    this.tasks = leaks.tasks;
    this.unretrieved = leaks.unretrieved;
    this.holds = leaks.holds;
  }
}
Object.defineProperty(LeakError.prototype, "name", {
  value: "LeakError",
  writable: true,
  configurable: true,
});

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((line) => prefix + line)
    .join("\n");
}

function describeException(exception: unknown): string {
  if (exception instanceof Error) return `${exception.name}: ${exception.message}`;
  return String(exception);
}

function describeLeaks(what: string, leaks: Leaks, debug: boolean): string {
  const counts: string[] = [];
  if (leaks.tasks.length > 0) counts.push(plural(leaks.tasks.length, "task", "tasks") + " pending");
  if (leaks.unretrieved.length > 0) {
    counts.push(plural(leaks.unretrieved.length, "exception", "exceptions") + " never retrieved");
  }
  if (leaks.holds.length > 0) counts.push(plural(leaks.holds.length, "hold", "holds") + " open");
  const lines = [`${what} left ${counts.join(", ")}:`];
  const where = (createdAt: string | null, verb: string): void => {
    if (createdAt !== null) lines.push(`      ${verb} at:`, indent(createdAt, "        "));
  };
  for (const { description, createdAt } of leaks.tasks) {
    lines.push(`  - task still pending (cancelled): ${description}`);
    where(createdAt, "created");
  }
  for (const { source, exception, createdAt } of leaks.unretrieved) {
    lines.push(
      `  - exception never retrieved: ${describeException(exception)}`,
      `      in ${source}`,
    );
    where(createdAt, "created");
  }
  for (const { description, kind, since, createdAt } of leaks.holds) {
    lines.push(
      `  - still open: ${description} (${kind} hold, taken at loop time ${since.toFixed(3)})`,
    );
    where(createdAt, "taken");
  }
  if (leaks.tasks.length > 0) {
    lines.push("Await every task the test starts (or use a TaskGroup), or cancel and await it.");
  }
  if (leaks.unretrieved.length > 0) {
    lines.push("Await each failing task, or read its exception(), before the test ends.");
  }
  if (leaks.holds.length > 0) {
    lines.push(
      "Close what the test opens and wait for it (writer.close() + await writer.waitClosed(), " +
        "server.close() + await server.waitClosed(), await proc.wait()).",
    );
  }
  if (!debug) lines.push("Pass { debug: true } to see where each was created.");
  return lines.join("\n");
}

/** Frames of a creation stack shown. */
const FRAMES_SHOWN = 6;

/** Where `thing` was created (debug mode): its first frames outside asyncio-ts, or null. */
function createdAt(thing: object): string | null {
  const frames = sourceTracebackOf(thing);
  if (frames === null) return null;
  if (frames.length === 0) return "(inside asyncio-ts)";
  return frames
    .slice(0, FRAMES_SHOWN)
    .map((frame) => `at ${frame}`)
    .join("\n");
}

/** @internal What was open before a test started (the suite's fixtures): not the test's leaks. */
export interface LeakBaseline {
  readonly tasks: ReadonlySet<Task<unknown>>;
  readonly holds: ReadonlySet<InFlight>;
}

/** @internal What `LeakWatch.collect()` found: the leaks, and the pending tasks themselves. */
export interface Collected {
  readonly leaks: Leaks;
  /** The tasks still pending (to cancel). */
  readonly leftovers: readonly Task<unknown>[];
}

/** @internal See the file comment. */
export class LeakWatch {
  readonly #loop: EventLoop;

  constructor(loop: EventLoop) {
    this.#loop = loop;
  }

  /** The tasks pending and holds open now, except `self` (the running test's own task). */
  baseline(self: Task<unknown> | null): LeakBaseline {
    return { tasks: this.#pendingTasks(self), holds: this.#openHolds() };
  }

  #pendingTasks(self: Task<unknown> | null): Set<Task<unknown>> {
    const pending = new Set<Task<unknown>>();
    for (const task of this.#loop._tasks) {
      if (task !== self && !task.done()) pending.add(task);
    }
    return pending;
  }

  #openHolds(): Set<InFlight> {
    return new Set(this.#loop._openHolds());
  }

  /**
   * What appeared since `baseline` and is still there: pending tasks (other than `self`), open
   * holds, and every exception nobody retrieved (those are taken over: the runner will not
   * report them again).
   */
  collect(baseline: LeakBaseline, self: Task<unknown> | null): Collected {
    const tasks: LeakedTask[] = [];
    const leftovers: Task<unknown>[] = [];
    for (const task of this.#pendingTasks(self)) {
      if (baseline.tasks.has(task)) continue;
      leftovers.push(task);
      tasks.push({
        name: task.getName(),
        description: String(task),
        createdAt: createdAt(task),
      });
    }
    const holds: LeakedHold[] = [];
    for (const hold of this.#openHolds()) {
      if (baseline.holds.has(hold)) continue;
      const { description, kind, since } = hold;
      holds.push({ description, kind, since, createdAt: createdAt(hold) });
    }
    return { leaks: { tasks, unretrieved: this.#unretrieved(), holds }, leftovers };
  }

  /** The exceptions nobody retrieved, now retrieved: the runner will not report them again. */
  #unretrieved(): UnretrievedException[] {
    return unretrievedFutures(this.#loop).map((future) => {
      const source = String(future);
      return { source, exception: future.exception(), createdAt: createdAt(future) };
    });
  }
}
