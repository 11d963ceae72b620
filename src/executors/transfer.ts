/**
 * Moving instead of copying: `transfer(buffer)` marks an `ArrayBuffer` (or the buffer under a
 * typed array or `DataView`, or a `MessagePort`) so that a thread pool moves it to the worker
 * instead of cloning it. The value is returned as is, so types line up: `submit(fn,
 * transfer(bytes))`.
 */
import type { Transferable } from "node:worker_threads";

const marked = new WeakSet<object>();
let markedCount = 0;

/**
 * Marks `value` to be moved, not copied, to the worker of the next job it is an argument of
 * (at the top level, or inside a plain object or array argument). After the job is sent the
 * buffer is detached here, as with `postMessage`. Process pools copy it all the same: a child
 * process shares no memory.
 *
 * @example
 * const pixels = new Uint8Array(1 << 24);
 * const sum = await pool.submit((p: Uint8Array) => p.reduce((a, b) => a + b, 0), asyncio.transfer(pixels));
 */
export function transfer<T extends ArrayBuffer | ArrayBufferView | MessagePortLike>(value: T): T {
  if (!(value instanceof ArrayBuffer) && !ArrayBuffer.isView(value) && !isMessagePort(value)) {
    throw new TypeError(
      "transfer() takes an ArrayBuffer, a typed array, a DataView or a MessagePort",
    );
  }
  if (!marked.has(value)) {
    marked.add(value);
    markedCount++;
  }
  return value;
}

/** Anything shaped as a `MessagePort` (`postMessage` and `close`). */
export interface MessagePortLike {
  /** Sends a message through the port. */
  postMessage(value: unknown): void;
  /** Closes the port. */
  close(): void;
}

function isMessagePort(value: unknown): value is MessagePortLike {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as MessagePortLike).postMessage === "function" &&
    typeof (value as MessagePortLike).close === "function"
  );
}

const MAX_DEPTH = 4;

/** The transfer list for `args` (and forgets the marks found); empty when nothing is marked. */
export function takeTransferList(args: readonly unknown[]): Transferable[] {
  if (markedCount === 0) return [];
  const list: Transferable[] = [];
  collect(args, list, 0);
  return list;
}

function collect(value: unknown, list: Transferable[], depth: number): void {
  if (typeof value !== "object" || value === null) return;
  if (marked.has(value)) {
    marked.delete(value);
    markedCount--;
    const movable = ArrayBuffer.isView(value) ? value.buffer : value;
    if (!list.includes(movable as Transferable)) list.push(movable as Transferable);
    return;
  }
  if (depth >= MAX_DEPTH) return;
  if (Array.isArray(value)) {
    for (const item of value) collect(item, list, depth + 1);
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const item of Object.values(value)) collect(item, list, depth + 1);
  }
}
