/**
 * The in-process snapshot `asyncio-ts ps` and `asyncio-ts pstree` read from another process:
 * a function kept at `globalThis[Symbol.for("asyncio-ts.introspection")]` from the moment the
 * package is loaded, returning a plain, JSON-able table of the pending tasks of every live
 * loop. The command evaluates it through Node's inspector (`Runtime.evaluate` with
 * `returnByValue`), so it must never throw and must return only plain data.
 *
 * What a task awaits comes from `Task._futWaiter` (the Future it is parked on) and from the
 * awaited-by records of the call graph (a task awaited through `gather`, a `TaskGroup`,
 * `shield`…); where it was created, from its creation stack (debug mode).
 */
import type { Future } from "../core/future.js";
import { liveLoops } from "../core/liveLoops.js";
import type { EventLoop } from "../core/loop.js";
import { Task } from "../core/task.js";
import { sourceTracebackOf } from "./sourceTraceback.js";

/** The global symbol the snapshot function is kept at. */
export const INTROSPECTION_SYMBOL: unique symbol = Symbol.for("asyncio-ts.introspection");

/** The version of the snapshot's shape; a reader refuses one it does not know. */
export const SNAPSHOT_VERSION = 1;

/** What a task is parked on. */
export type AwaitsRecord =
  | { readonly kind: "task"; readonly id: number; readonly name: string }
  | { readonly kind: "future"; readonly description: string };

/** One pending task. */
export interface TaskRecord {
  /** A number unique in the process, stable across snapshots. */
  readonly id: number;
  readonly name: string;
  /** The name of the task's coroutine function (`"<anonymous>"` for an unnamed one). */
  readonly function: string;
  /**
   * `"waiting"`: parked on a Future of the library (`awaits` says which); `"ready"`: not
   * parked on one — scheduled to run, running, or awaiting a promise from outside the library.
   */
  readonly state: "waiting" | "ready";
  /** Cancellation requests not withdrawn (`task.cancelling()`). */
  readonly cancelling: number;
  readonly awaits: AwaitsRecord | null;
  /** The ids of the tasks that await this one, in id order. */
  readonly awaitedBy: number[];
  /** Where the task was created (`file:line:column`), when it was recorded (debug mode). */
  readonly createdAt: string | null;
}

/** One loop that is not closed. */
export interface LoopRecord {
  /** A number unique in the process, stable across snapshots. */
  readonly id: number;
  readonly running: boolean;
  readonly debug: boolean;
  /** The loop's time (seconds of its clock). */
  readonly time: number;
  readonly tasks: TaskRecord[];
}

/** What the introspection function returns. */
export interface Snapshot {
  readonly version: number;
  readonly pid: number;
  readonly loops: LoopRecord[];
  /** Set when taking the snapshot failed; `loops` then holds what was read before. */
  readonly error?: string;
}

let nextTaskId = 1;
const taskIds = new WeakMap<Task<unknown>, number>();
let nextLoopId = 1;
const loopIds = new WeakMap<EventLoop, number>();

function taskId(task: Task<unknown>): number {
  let id = taskIds.get(task);
  if (id === undefined) {
    id = nextTaskId++;
    taskIds.set(task, id);
  }
  return id;
}

function loopId(loop: EventLoop): number {
  let id = loopIds.get(loop);
  if (id === undefined) {
    id = nextLoopId++;
    loopIds.set(loop, id);
  }
  return id;
}

function describeFuture(future: Future<unknown>): string {
  try {
    return String(future);
  } catch {
    return `<${future.constructor.name}>`;
  }
}

function functionName(task: Task<unknown>): string {
  const name = task.getFunction().name;
  return typeof name === "string" && name !== "" ? name : "<anonymous>";
}

/** The first frame of the task's creation stack (recorded in debug mode), or null. */
function createdAt(task: Task<unknown>): string | null {
  return sourceTracebackOf(task)?.[0] ?? null;
}

/** The waiters recorded on `future` (`futureAddToAwaitedBy`), besides the tasks parked on it. */
function registeredWaiters(future: Future<unknown>): Iterable<Future<unknown>> {
  const waiters = future._awaitedBy;
  if (waiters === null) return [];
  return waiters instanceof Set ? waiters : [waiters];
}

function loopRecord(loop: EventLoop): LoopRecord {
  const tasks = [...loop._tasks];
  const awaitedBy = new Map<Task<unknown>, Set<Task<unknown>>>();
  const addEdge = (awaited: Task<unknown>, waiter: Task<unknown>): void => {
    let set = awaitedBy.get(awaited);
    if (set === undefined) {
      set = new Set();
      awaitedBy.set(awaited, set);
    }
    set.add(waiter);
  };
  for (const task of tasks) {
    const waitingOn = task._futWaiter;
    if (waitingOn instanceof Task) addEdge(waitingOn, task);
    for (const waiter of registeredWaiters(task)) {
      if (waiter instanceof Task && waiter !== task) addEdge(task, waiter);
    }
  }
  // Ids in creation order the first time tasks are seen.
  for (const task of tasks) taskId(task);
  const records = tasks.map((task): TaskRecord => {
    const waitingOn = task._futWaiter;
    let awaits: AwaitsRecord | null = null;
    if (waitingOn instanceof Task) {
      awaits = { kind: "task", id: taskId(waitingOn), name: waitingOn.getName() };
    } else if (waitingOn !== null) {
      awaits = { kind: "future", description: describeFuture(waitingOn) };
    }
    const waiters = [...(awaitedBy.get(task) ?? [])].map(taskId).sort((a, b) => a - b);
    return {
      id: taskId(task),
      name: task.getName(),
      function: functionName(task),
      state: waitingOn === null ? "ready" : "waiting",
      cancelling: task.cancelling(),
      awaits,
      awaitedBy: waiters,
      createdAt: createdAt(task),
    };
  });
  return {
    id: loopId(loop),
    running: loop.isRunning(),
    debug: loop.getDebug(),
    time: loop.time(),
    tasks: records,
  };
}

/** The snapshot of this copy of the package: the pending tasks of every live loop. */
export function takeSnapshot(): Snapshot {
  const loops: LoopRecord[] = [];
  try {
    for (const loop of liveLoops()) {
      if (!loop.isClosed()) loops.push(loopRecord(loop));
    }
    return { version: SNAPSHOT_VERSION, pid: process.pid, loops };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { version: SNAPSHOT_VERSION, pid: process.pid, loops, error: message };
  }
}

type Introspection = (() => Snapshot) & { readonly asyncioTs?: true };

/**
 * Installs the global function (done when this module is loaded). When another copy of the
 * package installed one first, the new function returns the loops of both.
 */
export function installIntrospection(): void {
  const holder = globalThis as unknown as Record<symbol, Introspection | undefined>;
  const previous = holder[INTROSPECTION_SYMBOL];
  const introspect = (): Snapshot => {
    const own = takeSnapshot();
    if (typeof previous !== "function") return own;
    let other: Snapshot;
    try {
      other = previous();
    } catch {
      return own;
    }
    return { ...own, loops: [...(other.loops ?? []), ...own.loops] };
  };
  Object.defineProperty(introspect, "asyncioTs", { value: true });
  Object.defineProperty(globalThis, INTROSPECTION_SYMBOL, {
    value: introspect,
    configurable: true,
    writable: true,
    enumerable: false,
  });
}

installIntrospection();
