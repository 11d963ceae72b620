/**
 * The call graph of tasks (Python 3.14's `asyncio.graph`): `captureCallGraph`,
 * `formatCallGraph`, `printCallGraph`.
 *
 * A graph starts at one Future (the current task by default) and goes up through what awaits
 * it. Two things say who awaits a Future: a task parked on it (`Task._futWaiter`, read back
 * by scanning the loop's pending tasks once per capture, so awaiting costs nothing extra), and
 * the waiters registered with `futureAddToAwaitedBy` by the combinators that wait through a
 * done callback instead of an await (`gather`, `shield`, `wait`, `TaskGroup`).
 *
 * JavaScript cannot walk the frames of a suspended async function, so a task's call stack is
 * what it can give: for the task that captures, its live stack (V8's async stack trace, from
 * the caller down to the task's own function); for any other task, one entry naming the
 * function it runs and, in debug mode, where the task was created (a stack taken in the Task
 * constructor only when `loop.getDebug()` is on).
 */
import { fileURLToPath } from "node:url";
import { RuntimeError } from "../core/errors.js";
import { Future } from "../core/future.js";
import { scopeStorage } from "../core/scope.js";
import { Task } from "../core/task.js";
import { describeValue, requireOptions } from "../core/validate.js";

/**
 * One entry of a call stack (asyncio's `FrameCallGraphEntry`, which holds a frame): a
 * function, and where it is when JavaScript says so.
 */
export interface FrameCallGraphEntry {
  /** The function's name as the stack shows it (`<anonymous>` when it has none). */
  readonly functionName: string;
  /** An async function suspended at an `await` (V8 marks the callers of the running one). */
  readonly isAsync: boolean;
  /**
   * `"frame"`: a frame of the live stack of the task that captured the graph, located where it
   * runs. `"task"`: the function a suspended task runs; the location, if any, is where the task
   * was created (known in debug mode only).
   */
  readonly kind: "frame" | "task";
  /** A file path (or URL, for modules not loaded from files), or null when unknown. */
  readonly fileName: string | null;
  /** 1-based, or null. */
  readonly lineNumber: number | null;
  /** 1-based, or null. */
  readonly columnNumber: number | null;
}

/** The call graph of one Future (asyncio's `FutureCallGraph`). */
export interface FutureCallGraph {
  /** The Future or Task this level describes. */
  readonly future: Future<unknown>;
  /** Its call stack, innermost entry first (empty for a plain Future). */
  readonly callStack: readonly FrameCallGraphEntry[];
  /** The graphs of what awaits it. */
  readonly awaitedBy: readonly FutureCallGraph[];
}

/** Options of `captureCallGraph`, `formatCallGraph` and `printCallGraph`. */
export interface CallGraphOptions {
  /**
   * For the current task: how many frames to skip from the top of the live stack; 1 (the
   * default) starts at the function that called `captureCallGraph`.
   */
  depth?: number;
  /**
   * Keep at most `|limit|` entries of each call stack: the outermost ones when positive, the
   * innermost ones when negative; 0 keeps no call stack, only the awaited-by chain. `null` or
   * absent: every entry.
   */
  limit?: number | null;
}

/** Options of `printCallGraph`: those of `formatCallGraph` and where to write. */
export interface PrintCallGraphOptions extends CallGraphOptions {
  /** Receives the text (without a trailing newline); `console.log` by default. */
  write?: (text: string) => void;
}

/**
 * Captures the call graph of `future`, or of the current task when it is omitted: its call
 * stack and, level by level, what awaits it. Returns null when no future is given and no task
 * is running (inside a plain loop callback).
 *
 * @throws RuntimeError when no future is given outside a running loop.
 * @example
 * const graph = asyncio.captureCallGraph();
 * for (const waiter of graph?.awaitedBy ?? []) console.log(String(waiter.future));
 */
export function captureCallGraph(
  future?: Future<unknown> | null,
  options?: CallGraphOptions,
): FutureCallGraph | null {
  const { depth, limit } = readOptions(options, "captureCallGraph()");
  return capture(future, depth, limit, captureCallGraph);
}

/**
 * The call graph of `future` (the current task by default) as text, in asyncio's layout:
 * `* Task(name='main', id=0x1)`, its `+ Call stack:` and `+ Awaited by:` levels indented
 * below it. An empty string when there is nothing to show (see `captureCallGraph`).
 *
 * @example
 * console.log(asyncio.formatCallGraph(task));
 */
export function formatCallGraph(
  future?: Future<unknown> | null,
  options?: CallGraphOptions,
): string {
  const { depth, limit } = readOptions(options, "formatCallGraph()");
  const graph = capture(future, depth, limit, formatCallGraph);
  return graph === null ? "" : renderGraph(graph);
}

/**
 * Prints `formatCallGraph(future, options)` with `console.log`, or `options.write`.
 *
 * @example
 * asyncio.printCallGraph(); // from inside a task: who awaits it, level by level
 * asyncio.printCallGraph(task, { write: (text) => process.stderr.write(`${text}\n`) });
 */
export function printCallGraph(
  future?: Future<unknown> | null,
  options?: PrintCallGraphOptions,
): void {
  const { depth, limit } = readOptions(options, "printCallGraph()");
  const write = options?.write;
  if (write !== undefined && typeof write !== "function") {
    throw new TypeError(`printCallGraph() write must be a function, got ${describeValue(write)}`);
  }
  const graph = capture(future, depth, limit, printCallGraph);
  const text = graph === null ? "" : renderGraph(graph);
  if (write === undefined) console.log(text);
  else write(text);
}

// ---- capture ----

function readOptions(
  options: CallGraphOptions | undefined,
  where: string,
): { depth: number; limit: number | null } {
  requireOptions(options, `${where} options`);
  const depth = options?.depth ?? 1;
  const limit = options?.limit ?? null;
  if (!Number.isInteger(depth) || depth < 1) {
    throw new TypeError(`${where} depth must be a positive integer, got ${describeValue(depth)}`);
  }
  if (limit !== null && !Number.isInteger(limit)) {
    throw new TypeError(`${where} limit must be an integer or null, got ${describeValue(limit)}`);
  }
  return { depth, limit };
}

/** `captureCallGraph` for the public function `entry`, whose caller is depth 1. */
function capture(
  future: Future<unknown> | null | undefined,
  depth: number,
  limit: number | null,
  entry: (...args: never[]) => unknown,
): FutureCallGraph | null {
  if (future !== undefined && future !== null && !(future instanceof Future)) {
    throw new TypeError(`expected a Future or a Task, got ${describeValue(future)}`);
  }
  const scope = scopeStorage.getStore();
  const running = scope?._loop.isRunning() === true;
  const current = running ? (scope?._currentTask() ?? null) : null;
  const capturing = new Capture(limit);
  if (future !== undefined && future !== null && future !== current) {
    return capturing.build(future, null);
  }
  if (!running) {
    throw new RuntimeError(
      "captureCallGraph() is called outside of a running event loop and no future to introspect was provided",
    );
  }
  if (current === null) return null;
  const stack = limit === 0 ? [] : liveStack(current, depth, entry);
  return capturing.build(current, stack);
}

/** A level of the graph being built: its waiters, and the graphs of those done so far. */
interface Level {
  readonly future: Future<unknown>;
  readonly callStack: FrameCallGraphEntry[];
  readonly waiters: readonly Future<unknown>[];
  next: number;
  readonly awaitedBy: FutureCallGraph[];
}

/** One capture, and the index of parked tasks it builds once. */
class Capture {
  readonly #limit: number | null;
  /** For each Future some pending task is parked on, those tasks; built on first need. */
  #parked: Map<Future<unknown>, Task<unknown>[]> | null = null;

  constructor(limit: number | null) {
    this.#limit = limit;
  }

  /**
   * The graph of `future`; `stack` is its live stack (innermost first), or null to derive it.
   * Built without recursion, so a chain of many thousands of tasks awaiting one another fits.
   */
  build(future: Future<unknown>, stack: FrameCallGraphEntry[] | null): FutureCallGraph {
    const levels: Level[] = [this.#level(future, stack)];
    const path = new Set<Future<unknown>>([future]);
    for (;;) {
      const top = levels[levels.length - 1] as Level;
      if (top.next < top.waiters.length) {
        const waiter = top.waiters[top.next++] as Future<unknown>;
        // A cycle of tasks awaiting each other (a deadlock) is shown once, not followed forever.
        if (path.has(waiter)) continue;
        path.add(waiter);
        levels.push(this.#level(waiter, null));
        continue;
      }
      levels.pop();
      path.delete(top.future);
      const graph: FutureCallGraph = Object.freeze({
        future: top.future,
        callStack: Object.freeze(top.callStack),
        awaitedBy: Object.freeze(top.awaitedBy),
      });
      const parent = levels[levels.length - 1];
      if (parent === undefined) return graph;
      parent.awaitedBy.push(graph);
    }
  }

  #level(future: Future<unknown>, stack: FrameCallGraphEntry[] | null): Level {
    return {
      future,
      callStack: trim(stack ?? this.#suspendedStack(future), this.#limit),
      waiters: this.#waitersOf(future),
      next: 0,
      awaitedBy: [],
    };
  }

  #suspendedStack(future: Future<unknown>): FrameCallGraphEntry[] {
    if (!(future instanceof Task) || this.#limit === 0) return [];
    const fn = future._fn;
    const site = creationSite(future);
    return [
      Object.freeze({
        functionName: fn.name === "" ? "<anonymous>" : fn.name,
        isAsync: true,
        kind: "task",
        fileName: site?.fileName ?? null,
        lineNumber: site?.lineNumber ?? null,
        columnNumber: site?.columnNumber ?? null,
      }),
    ];
  }

  /** The registered waiters of `future`, then the tasks parked on it. */
  #waitersOf(future: Future<unknown>): Future<unknown>[] {
    const registered = future._awaitedBy;
    const parked = this.#parkedIndex(future).get(future) ?? [];
    if (registered === null) return parked;
    if (!(registered instanceof Set)) {
      return [registered, ...parked.filter((task) => task !== registered)];
    }
    return [...registered, ...parked.filter((task) => !registered.has(task))];
  }

  #parkedIndex(future: Future<unknown>): Map<Future<unknown>, Task<unknown>[]> {
    let parked = this.#parked;
    if (parked !== null) return parked;
    parked = new Map();
    for (const task of future._loop._tasks) {
      const on = task._futWaiter;
      if (on === null) continue;
      const tasks = parked.get(on);
      if (tasks === undefined) parked.set(on, [task]);
      else tasks.push(task);
    }
    this.#parked = parked;
    return parked;
  }
}

/** The entries `limit` keeps of `stack` (innermost first); see `CallGraphOptions.limit`. */
function trim(stack: FrameCallGraphEntry[], limit: number | null): FrameCallGraphEntry[] {
  if (limit === null) return stack;
  if (limit === 0) return [];
  return limit > 0 ? stack.slice(-limit) : stack.slice(0, -limit);
}

// ---- stacks ----

/** The package's `dist/` directory (this file is `dist/debug/callGraph.js`). */
const PACKAGE_ROOT = new URL("../", import.meta.url);
/** The core's directory, where `startBody` calls a task's function. */
const CORE_ROOT = new URL("core/", PACKAGE_ROOT);

/** Whether `fileName` (a path or a URL) lies under the directory `root`. */
function isUnder(fileName: string | null, root: URL): boolean {
  if (fileName === null) return false;
  return fileName.startsWith(root.href) || fileName.startsWith(fileURLToPath(root));
}

/**
 * The live stack of the running `task`, innermost first: from the frame `depth - 1` below the
 * caller of `entry` down to the task's own function. `startBody` calls that function as
 * `task._fn()`, so V8 names its frame `Task.name [as _fn]`: it is given the function's own name
 * and ends the stack (below it, in a task's first step, are the core and whatever started the
 * task; a resumed task's async stack ends there anyway).
 */
function liveStack(
  task: Task<unknown>,
  depth: number,
  entry: (...args: never[]) => unknown,
): FrameCallGraphEntry[] {
  const text = stackText(entry, depth + 64);
  const frames: FrameCallGraphEntry[] = [];
  for (const line of text.split("\n").slice(1)) {
    const frame = parseFrame(line);
    if (frame === null) continue;
    if (frame.functionName.endsWith(" [as _fn]")) {
      const name = task._fn.name;
      frames.push({ ...frame, functionName: name === "" ? "<anonymous>" : name });
      break;
    }
    if (frame.functionName === "startBody" && isUnder(frame.fileName, CORE_ROOT)) break;
    frames.push(frame);
  }
  return frames.slice(depth - 1);
}

/** The stack text below `entry` (its header line first), up to `frames` frames. */
function stackText(entry: (...args: never[]) => unknown, frames: number): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = frames;
  try {
    const holder: { stack?: string } = {};
    Error.captureStackTrace(holder, entry);
    return typeof holder.stack === "string" ? holder.stack : "";
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The first frame outside the package of a task's creation stack (debug mode): its creator. */
function creationSite(task: Task<unknown>): FrameCallGraphEntry | null {
  for (const line of task._sourceTraceback ?? []) {
    const frame = parseFrame(`at ${line.trim()}`);
    if (frame !== null && frame.fileName !== null && !isUnder(frame.fileName, PACKAGE_ROOT)) {
      return frame;
    }
  }
  return null;
}

const FRAME = /^\s*at (?:(async) )?(?:(.*?) \((.*)\)|(.*))$/;
const LOCATION = /^(.*?):(\d+):(\d+)$/;

/** One line of a V8 stack (`    at async name (file:///x.js:1:2)`), or null if it is not one. */
function parseFrame(line: string): FrameCallGraphEntry | null {
  const match = FRAME.exec(line);
  if (match === null) return null;
  const [, async, name, inParens, bare] = match;
  const where = inParens ?? bare ?? "";
  const location = LOCATION.exec(where);
  let fileName: string | null = location === null ? null : (location[1] as string);
  if (fileName?.startsWith("file://")) fileName = fileURLToPath(fileName);
  return {
    functionName: name === undefined || name === "" ? "<anonymous>" : name,
    isAsync: async !== undefined,
    kind: "frame",
    fileName,
    lineNumber: location === null ? null : Number(location[2]),
    columnNumber: location === null ? null : Number(location[3]),
  };
}

// ---- text ----

/** Ids for the text, as CPython prints `id()`: JavaScript has no addresses to show. */
const ids = new WeakMap<Future<unknown>, number>();
let lastId = 0;

function idOf(future: Future<unknown>): string {
  let id = ids.get(future);
  if (id === undefined) {
    id = ++lastId;
    ids.set(future, id);
  }
  return `0x${id.toString(16)}`;
}

/** The text of `graph`, level by level, without recursion (see `Capture.build`). */
function renderGraph(graph: FutureCallGraph): string {
  const lines: string[] = [];
  const pending: [FutureCallGraph, number][] = [[graph, 0]];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const [level, depth] = item;
    const indent = "    ".repeat(depth);
    const future = level.future;
    lines.push(
      future instanceof Task
        ? `${indent}* Task(name=${pythonRepr(future.getName())}, id=${idOf(future)})`
        : `${indent}* Future(id=${idOf(future)})`,
    );
    if (level.callStack.length > 0) {
      lines.push(`${indent}  + Call stack:`);
      for (const entry of level.callStack) lines.push(`${indent}  |   ${describeEntry(entry)}`);
    }
    if (level.awaitedBy.length > 0) {
      lines.push(`${indent}  + Awaited by:`);
      for (let i = level.awaitedBy.length - 1; i >= 0; i--) {
        pending.push([level.awaitedBy[i] as FutureCallGraph, depth + 1]);
      }
    }
  }
  return lines.join("\n");
}

function describeEntry(entry: FrameCallGraphEntry): string {
  const fn = `${entry.isAsync ? "async " : ""}${entry.functionName}()`;
  const where =
    entry.fileName === null
      ? null
      : `File ${pythonRepr(entry.fileName)}${entry.lineNumber === null ? "" : `, line ${entry.lineNumber}`}`;
  if (entry.kind === "task") return where === null ? fn : `${fn}, created at ${where}`;
  return where === null ? fn : `${where}, in ${fn}`;
}

/** A string as Python's `repr()` writes it: `'name'`, or `"it's"`. */
function pythonRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    if (char === quote || char === "\\") out += `\\${char}`;
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else out += char;
  }
  return out + quote;
}
