/**
 * Where a child process's standard streams go, as asyncio's `subprocess.PIPE`, `STDOUT` and
 * `DEVNULL` (with Python's values), `null` for the parent's own stream, or a file descriptor.
 */
import { describeValue } from "../core/validate.js";

/** A new pipe to the child: its end on this side is `Process.stdin`/`stdout`/`stderr`. */
export const PIPE = -1;
/** For `stderr` only: the child's standard error goes where its standard output goes. */
export const STDOUT = -2;
/** The stream is `/dev/null`. */
export const DEVNULL = -3;

/**
 * Where `stdin`, `stdout` or `stderr` goes: `PIPE`, `DEVNULL`, `null` (the parent's own, as
 * Python's `None`), an open file descriptor, or an object with one (`fs.promises.open()`'s
 * `FileHandle`).
 */
export type StdioTarget =
  | typeof PIPE
  | typeof DEVNULL
  | null
  | number
  | {
      /** The open file descriptor the stream goes to. */
      readonly fd: number;
    };
/** Where `stderr` goes: a `StdioTarget`, or `STDOUT`. */
export type StderrTarget = StdioTarget | typeof STDOUT;

/** @internal How Node's `spawn()` is told about one stream. */
export type NodeStdio = "pipe" | "ignore" | "inherit" | number;

/**
 * @internal Node's `stdio` entry for `target` (the child's descriptor `fd`). `STDOUT` is `"ignore"` here:
 * the child is started through `/bin/sh`, which points descriptor 2 at descriptor 1 (see
 * `spawnChild`).
 *
 * @throws TypeError for anything that is not a `StdioTarget` (or `STDOUT` outside `stderr`).
 */
export function toNodeStdio(target: unknown, fd: 0 | 1 | 2): NodeStdio {
  const what = ["stdin", "stdout", "stderr"][fd];
  if (target === undefined || target === null) return "inherit";
  if (target === PIPE) return "pipe";
  if (target === DEVNULL) return "ignore";
  if (target === STDOUT) {
    if (fd === 2) return "ignore";
    throw new TypeError(`STDOUT can only be given to stderr, not to ${what}`);
  }
  const descriptor =
    typeof target === "object" ? (target as { readonly fd?: unknown }).fd : (target as unknown);
  if (typeof descriptor === "number" && Number.isInteger(descriptor) && descriptor >= 0) {
    return descriptor;
  }
  throw new TypeError(
    `${what} must be PIPE, DEVNULL, null, a file descriptor or an object with one, got ${describeValue(target)}`,
  );
}
