/**
 * Creation stacks (CPython's `_source_traceback`): in debug mode every Future, Task and Handle
 * records where the program created it, and the reports about it show that place.
 *
 * The stack is formatted at once: V8 keeps an unformatted stack's frames, receivers included,
 * which would keep the objects of the creating code alive. Frames inside the library are left
 * out, so the first line is the program's own call (`createTask(...)`, `new Future()`…).
 */
import { fileURLToPath } from "node:url";

/**
 * The library's own directory (`dist/`), and `src/` beside it (where stacks point when a runner
 * maps them through the source maps, as vitest does): frames under them are not the program's.
 */
const LIBRARY_PATHS = [
  new URL("../", import.meta.url),
  new URL("../../src/", import.meta.url),
].flatMap((url) => [url.href, fileURLToPath(url)]);

/** How many frames a creation stack keeps at most (Python's `extract_stack` keeps all). */
const MAX_FRAMES = 20;

/** Frames, most recent call first, as V8 prints them without the leading `at `. */
export type SourceTraceback = readonly string[];

/** The program's stack where it is called, without the library's frames. */
export function captureSourceTraceback(): SourceTraceback {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = MAX_FRAMES + 16;
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, captureSourceTraceback);
  Error.stackTraceLimit = limit;
  const frames: string[] = [];
  for (const line of (holder.stack ?? "").split("\n").slice(1)) {
    const frame = line.trim().replace(/^at /, "");
    if (LIBRARY_PATHS.some((path) => frame.includes(path))) continue;
    frames.push(frame);
    if (frames.length === MAX_FRAMES) break;
  }
  return frames;
}

/** The creation stack of `object` (a Future, Task or Handle made in debug mode), or null. */
export function sourceTracebackOf(object: object): SourceTraceback | null {
  return (object as { _sourceTraceback?: SourceTraceback | null })._sourceTraceback ?? null;
}

/** `"created at <frame>"` for one-line descriptions, or `""` without a creation stack. */
export function createdAt(object: object): string {
  const frame = sourceTracebackOf(object)?.[0];
  return frame === undefined ? "" : ` created at ${frame}`;
}

/** The creation stack as report lines (`Object created at (most recent call first):` …). */
export function formatSourceTraceback(frames: SourceTraceback, what = "Object"): string {
  return [`${what} created at (most recent call first):`, ...frames.map((f) => `    at ${f}`)].join(
    "\n",
  );
}
