/**
 * `StreamReader`, as asyncio's: the buffer a transport feeds (`feedData`, `feedEof`) and the
 * tasks read from (`read`, `readline`, `readexactly`, `readuntil`).
 *
 * Invariants (CPython's `Lib/asyncio/streams.py`): at most one task waits for data at a time
 * (its `DataWaiter` is `#waiter`; a second reader gets a `RuntimeError`); a wait ends when data or
 * the end of the stream is fed, or when an exception is set (the waiter then fails with it); a
 * cancelled wait leaves the buffer as it was. The waiter is a bare Future the task parks on (no
 * waiting line, no closure: an idle connection's handler waits in `readline()` for as long as
 * the connection lives). With a transport set, reading is paused once the buffer holds more
 * than twice the limit and resumed once it is back to the limit or below, or when a task waits
 * for data.
 *
 * Buffer: the bytes buffered are `#storage[#start, #end)` followed by the chunks of `#queue`.
 * A chunk a transport hands over (`_feedOwned`, a Buffer nobody else holds) becomes the storage
 * itself when the buffer is empty, and waits in the queue otherwise, without a copy; it is
 * copied into the storage only when a read needs bytes of several chunks side by side (a
 * line, `readexactly`). Data fed by a program are copied. Reads return a view of the storage
 * when it takes at least half of it (the bulk and one-line-per-packet cases: no copy), a copy
 * otherwise (so a short line kept by the program does not keep a large chunk alive). Once a
 * view was handed out (`#lent`), the bytes before `#end` are never written again: new data go
 * after `#end` or into a new storage.
 */

import { Deque } from "../core/deque.js";
import { inspectAsToString } from "../core/display.js";
import { RuntimeError } from "../core/errors.js";
import { Future } from "../core/future.js";
import type { EventLoop } from "../core/loop.js";
import { getRunningLoop } from "../core/scope.js";
import { requireOptions } from "../core/validate.js";
import { parkOn } from "../core/wakeup.js";
import { IncompleteReadError, LimitOverrunError } from "./errors.js";
import type { Data } from "./transport.js";

/** The default buffer limit (asyncio's `_DEFAULT_LIMIT`, 64 KiB). */
const DEFAULT_LIMIT = 2 ** 16;

/** What `new StreamReader(options)` accepts. */
export interface StreamReaderOptions {
  /**
   * The longest line (or chunk before a separator) `readline()`/`readuntil()` return, in
   * bytes; also half the size at which a transport is asked to pause. An integer > 0
   * (default 65536).
   */
  readonly limit?: number;
}

/**
 * @internal What a reader asks of its transport for flow control (asyncio's
 * `transport.pause_reading()`/`resume_reading()`). `pauseReading()` returns `false` when the
 * transport cannot pause (CPython's `NotImplementedError`): the reader then forgets it.
 */
export interface ReadFlowControl {
  pauseReading(): unknown;
  resumeReading(): void;
}

/** The separators of `readline()`. */
const NEWLINE: readonly Uint8Array[] = [Buffer.from("\n")];
/** The storage of an empty reader (never written: it has no room). */
const EMPTY = Buffer.alloc(0);

/** Bytes fed as a string are UTF-8. */
function toBytes(data: Data): Uint8Array {
  return typeof data === "string" ? Buffer.from(data, "utf8") : data;
}

/** The Future a task waiting for data parks on; its text names the read and the reader. */
class DataWaiter extends Future<void> {
  readonly #reader: StreamReader;
  readonly #operation: string;

  constructor(loop: EventLoop, reader: StreamReader, operation: string) {
    super(loop._futureOptions);
    this.#reader = reader;
    this.#operation = operation;
  }

  override toString(): string {
    return `<Future ${this._describeState()}: StreamReader.${this.#operation}() on ${String(this.#reader)}>`;
  }
}

/**
 * The reading half of a stream: a buffer fed by a transport, read by tasks. Returned data are
 * `Buffer`s; strings given to it are UTF-8.
 *
 * @example
 * const reader = new asyncio.StreamReader();
 * reader.feedData("hello\nworld");
 * reader.feedEof();
 * for await (const line of reader) console.log(line.toString());
 */
export class StreamReader {
  readonly #limit: number;
  /** The bytes buffered are `#storage[#start, #end)` (see the file comment). */
  #storage: Buffer = EMPTY;
  #start = 0;
  #end = 0;
  /** Chunks received after the storage's bytes, not copied yet (null: none). */
  #queue: Deque<Buffer> | null = null;
  /** How many bytes `#queue` holds. */
  #queued = 0;
  /** A view of `#storage` was handed out: its bytes before `#end` must stay as they are. */
  #lent = false;
  #eof = false;
  #exception: unknown = null;
  /** The loop of the first wait: the reader is bound to it (asyncio's `_LoopBoundMixin`). */
  #loop: EventLoop | null = null;
  /**
   * What the one task waiting for data parks on (CPython's `_waiter`), or null. A cancelled
   * waiter left here stands for no wait (CPython clears it as the cancelled task resumes).
   */
  #waiter: DataWaiter | null = null;
  #transport: ReadFlowControl | null = null;
  #paused = false;
  /** A `read()` to the end of the stream is waiting: chunks do not wake it, nor pause reading. */
  #readingAll = false;

  /**
   * @throws TypeError if `limit` is not an integer; RangeError (Python's `ValueError`) if it
   *   is not > 0.
   */
  constructor(options: StreamReaderOptions = {}) {
    requireOptions(options, "StreamReader options");
    const limit = options.limit ?? DEFAULT_LIMIT;
    if (typeof limit !== "number" || !Number.isInteger(limit)) {
      throw new TypeError(`StreamReader limit must be an integer, got ${String(limit)}`);
    }
    if (limit <= 0) throw new RangeError("Limit cannot be <= 0");
    this.#limit = limit;
  }

  get #length(): number {
    return this.#end - this.#start + this.#queued;
  }

  /** The error set with `setException()`, or `null`. */
  exception(): unknown {
    return this.#exception;
  }

  /** Makes every read fail with `error`; a task waiting for data fails with it at once. */
  setException(error: unknown): void {
    this.#exception = error;
    const waiter = this.#waiter;
    if (waiter !== null) {
      this.#waiter = null;
      if (!waiter.done()) waiter._reject(error);
    }
  }

  /** @internal Sets the transport to pause and resume (asyncio's `set_transport`). */
  _setTransport(transport: ReadFlowControl): void {
    if (this.#transport !== null) throw new RuntimeError("Transport already set");
    this.#transport = transport;
  }

  /** Adds `data` to the buffer (a copy) and wakes the task waiting for data. */
  feedData(data: Data): void {
    if (this.#eof) throw new RuntimeError("feedData() after feedEof()");
    const bytes = toBytes(data);
    if (bytes.length === 0) return;
    if (this.#queued > 0) this.#enqueue(Buffer.from(bytes));
    else this.#append(bytes);
    this.#fed();
  }

  /**
   * @internal Adds a chunk nobody else holds (what a transport received): it becomes the
   * storage when the buffer is empty, without a copy.
   */
  _feedOwned(chunk: Buffer): void {
    if (this.#eof) throw new RuntimeError("feedData() after feedEof()");
    if (chunk.length === 0) return;
    if (this.#start === this.#end && this.#queued === 0) {
      this.#storage = chunk;
      this.#start = 0;
      this.#end = chunk.length;
      this.#lent = false;
    } else {
      this.#enqueue(chunk);
    }
    this.#fed();
  }

  /** Wakes the waiting task, and pauses the transport once the buffer is over twice the limit. */
  #fed(): void {
    if (this.#readingAll) return;
    this.#wakeupWaiter();
    const transport = this.#transport;
    if (transport !== null && !this.#paused && this.#length > 2 * this.#limit) {
      if (transport.pauseReading() === false) {
        // The transport cannot pause: buffer everything, and stop asking.
        this.#transport = null;
      } else {
        this.#paused = true;
      }
    }
  }

  /** Marks the end of the stream and wakes the task waiting for data. */
  feedEof(): void {
    this.#eof = true;
    this.#wakeupWaiter();
  }

  /** Whether the end of the stream was fed and the buffer is empty. */
  atEof(): boolean {
    return this.#eof && this.#length === 0;
  }

  /**
   * Up to `n` bytes: with `n < 0` (the default), everything until the end of the stream; with
   * `n > 0`, what is buffered (at most `n` bytes) as soon as there is something, or an empty
   * buffer at the end of the stream.
   */
  async read(n = -1): Promise<Buffer> {
    if (typeof n !== "number" || !Number.isInteger(n)) {
      throw new TypeError(`read() size must be an integer, got ${String(n)}`);
    }
    if (this.#exception !== null) throw this.#exception;
    if (n === 0) return Buffer.alloc(0);
    if (n < 0) return this.#readAll();
    if (this.#length === 0 && !this.#eof) await this.#waitForData("read");
    const size = Math.min(n, this.#length);
    if (size > this.#end - this.#start) this.#coalesce();
    const data = this.#take(size);
    this.#maybeResumeTransport();
    return data;
  }

  /**
   * One line, ending with `"\n"`; at the end of the stream, what is left (without `"\n"`), and
   * an empty buffer once nothing is.
   *
   * @throws RangeError (Python's `ValueError`) when the line is longer than the limit; the line
   *   is then dropped from the buffer (or the whole buffer when no `"\n"` is in it).
   */
  async readline(): Promise<Buffer> {
    if (this.#exception !== null) throw this.#exception;
    // The common case: a whole line (within the limit) is buffered. The search may run past
    // `#end` into unused room; a match there means none before it.
    const at = this.#storage.indexOf(0x0a, this.#start);
    if (at !== -1 && at < this.#end && at - this.#start <= this.#limit) {
      const line = this.#take(at + 1 - this.#start);
      this.#maybeResumeTransport();
      return line;
    }
    const scan = { offset: 0 };
    for (;;) {
      let line: Buffer | null;
      try {
        line = this.#scan(NEWLINE, scan);
      } catch (error) {
        if (error instanceof IncompleteReadError) return Buffer.from(error.partial);
        if (error instanceof LimitOverrunError) {
          const at = this.#start + error.consumed;
          if (at < this.#end && this.#storage[at] === 0x0a) {
            this.#drop(error.consumed + 1);
          } else {
            this.#drop(this.#length);
          }
          this.#maybeResumeTransport();
          throw new RangeError(error.message);
        }
        throw error;
      }
      if (line !== null) return line;
      // CPython's readline() waits inside readuntil(), and names that.
      await this.#waitForData("readuntil");
    }
  }

  /**
   * The data up to and including the first separator found; with several separators, the
   * match that ends first wins (Python 3.13).
   *
   * @throws IncompleteReadError at the end of the stream without a separator (the buffer is
   *   emptied into `partial`).
   * @throws LimitOverrunError when more than `limit` bytes come before a separator (the data
   *   stay in the buffer).
   * @throws RangeError (Python's `ValueError`) for an empty separator or list.
   */
  async readuntil(separator: Data | readonly Data[] = "\n"): Promise<Buffer> {
    const separators =
      separator === "\n"
        ? NEWLINE
        : (Array.isArray(separator) ? separator : [separator as Data])
            .map(toBytes)
            .sort((a, b) => a.length - b.length);
    if (separators.length === 0) {
      throw new RangeError("Separator should contain at least one element");
    }
    const minLength = separators[0]?.length ?? 0;
    if (minLength === 0) throw new RangeError("Separator should be at least one-byte string");
    if (this.#exception !== null) throw this.#exception;
    const scan = { offset: 0 };
    for (;;) {
      const chunk = this.#scan(separators, scan);
      if (chunk !== null) return chunk;
      await this.#waitForData("readuntil");
    }
  }

  /**
   * One look for the separators (sorted by length) in the buffer: the chunk up to the first
   * match that ends, or null to wait for more data. `scan.offset` (how many bytes at the
   * start hold no separator) carries over between looks.
   *
   * @throws IncompleteReadError at the end of the stream without a separator (the buffer is
   *   emptied into `partial`); LimitOverrunError past the limit.
   */
  #scan(separators: readonly Uint8Array[], scan: { offset: number }): Buffer | null {
    this.#coalesce();
    const minLength = separators[0]?.length ?? 1;
    const maxLength = separators[separators.length - 1]?.length ?? 1;
    const length = this.#length;
    if (length - scan.offset >= minLength) {
      const [matchStart, matchEnd] = this.#find(separators, scan.offset);
      if (matchEnd !== -1) {
        if (matchStart > this.#limit) {
          throw new LimitOverrunError(
            "Separator is found, but chunk is longer than limit",
            matchStart,
          );
        }
        const chunk = this.#take(matchEnd);
        this.#maybeResumeTransport();
        return chunk;
      }
      scan.offset = Math.max(0, length + 1 - maxLength);
      if (scan.offset > this.#limit) {
        throw new LimitOverrunError(
          "Separator is not found, and chunk exceed the limit",
          scan.offset,
        );
      }
    }
    // A complete separator may have come with the last chunk: look before giving up.
    if (this.#eof) throw new IncompleteReadError(this.#take(this.#length), null);
    return null;
  }

  /**
   * Where the separator that ends first lies in the buffer, searching from `offset`: its
   * `[start, end)` from the start of the buffer, or `[-1, -1]`.
   */
  #find(separators: readonly Uint8Array[], offset: number): [number, number] {
    if (separators === NEWLINE) {
      // One byte: search the storage itself; a match past `#end` (in unused room) is none.
      const at = this.#storage.indexOf(0x0a, this.#start + offset) - this.#start;
      return at >= 0 && at < this.#length ? [at, at + 1] : [-1, -1];
    }
    const view = this.#storage.subarray(this.#start, this.#end);
    let matchStart = -1;
    let matchEnd = -1;
    for (const sep of separators) {
      const at = view.indexOf(sep, offset);
      if (at !== -1 && (matchEnd === -1 || at + sep.length < matchEnd)) {
        matchStart = at;
        matchEnd = at + sep.length;
      }
    }
    return [matchStart, matchEnd];
  }

  /**
   * Exactly `n` bytes (not bounded by the limit).
   *
   * @throws IncompleteReadError when the stream ends first (the buffer is emptied into
   *   `partial`).
   * @throws RangeError (Python's `ValueError`) if `n` is negative.
   */
  async readexactly(n: number): Promise<Buffer> {
    if (typeof n !== "number" || !Number.isInteger(n)) {
      throw new TypeError(`readexactly() size must be an integer, got ${String(n)}`);
    }
    if (n < 0) throw new RangeError("readexactly size can not be less than zero");
    if (this.#exception !== null) throw this.#exception;
    if (n === 0) return Buffer.alloc(0);
    while (this.#length < n) {
      if (this.#eof) {
        this.#coalesce();
        throw new IncompleteReadError(this.#take(this.#length), n);
      }
      await this.#waitForData("readexactly");
    }
    if (n > this.#end - this.#start) this.#coalesce();
    const data = this.#take(n);
    this.#maybeResumeTransport();
    return data;
  }

  /** The lines of the stream, as `readline()` returns them, until an empty one. */
  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return { next: () => this.readline().then(toLineResult) };
  }

  /** A description for logs and the REPL, as Python's `repr()`. */
  toString(): string {
    const info = ["StreamReader"];
    if (this.#length > 0) info.push(`${this.#length} bytes`);
    if (this.#eof) info.push("eof");
    if (this.#limit !== DEFAULT_LIMIT) info.push(`limit=${this.#limit}`);
    if (this.#waiting) info.push("waiter");
    if (this.#exception !== null) info.push(`exception=${String(this.#exception)}`);
    if (this.#transport !== null) info.push("transport");
    if (this.#paused) info.push("paused");
    return `<${info.join(" ")}>`;
  }

  /**
   * `read(-1)`: everything until the end of the stream. Every byte is kept until then anyway, so
   * while it waits, the transport is not paused and chunks do not wake the task: it wakes once,
   * at the end (or an error), and joins the chunks once. (CPython reads `limit` bytes at a time,
   * which pauses and resumes the transport every `limit` bytes for the same result.)
   */
  async #readAll(): Promise<Buffer> {
    while (!this.#eof) {
      const waiting = this.#waitForData("read");
      this.#readingAll = true;
      try {
        await waiting;
      } finally {
        this.#readingAll = false;
      }
    }
    const length = this.#length;
    if (this.#queue === null) return this.#take(length);
    const queue = this.#queue;
    const parts = [this.#storage.subarray(this.#start, this.#end)];
    while (queue.length > 0) parts.push(queue.shift());
    const all = Buffer.concat(parts, length);
    this.#queue = null;
    this.#queued = 0;
    this.#drop(this.#end - this.#start);
    return all;
  }

  /** CPython's `_wait_for_data`: wait until data, the end of the stream or an error is fed. */
  #waitForData(funcName: string): Promise<void> {
    if (this.#waiting) {
      return Promise.reject(
        new RuntimeError(
          `${funcName}() called while another coroutine is already waiting for incoming data`,
        ),
      );
    }
    // Waiting while paused would never end: resume first (readexactly(n) with n > limit).
    if (this.#paused) {
      this.#paused = false;
      this.#transport?.resumeReading();
    }
    let loop: EventLoop;
    try {
      loop = this.#bind();
    } catch (error) {
      return Promise.reject(error);
    }
    const waiter = new DataWaiter(loop, this, funcName);
    this.#waiter = waiter;
    return parkOn(waiter);
  }

  /** A task waits for data (CPython's `_waiter is not None`). */
  get #waiting(): boolean {
    return this.#waiter !== null && !this.#waiter.cancelled();
  }

  /**
   * The running loop, to which the reader is bound from its first wait on.
   *
   * @throws RuntimeError outside a running loop, or when bound to another loop.
   */
  #bind(): EventLoop {
    const loop = getRunningLoop();
    if (this.#loop === null) this.#loop = loop;
    else if (this.#loop !== loop) {
      throw new RuntimeError(`${String(this)} is bound to a different event loop`);
    }
    return loop;
  }

  #wakeupWaiter(): void {
    const waiter = this.#waiter;
    if (waiter !== null) {
      this.#waiter = null;
      if (!waiter.done()) waiter._resolve(undefined);
    }
  }

  #maybeResumeTransport(): void {
    if (this.#paused && this.#length <= this.#limit) {
      this.#paused = false;
      this.#transport?.resumeReading();
    }
  }

  /** Puts a chunk behind the buffered bytes, without a copy. */
  #enqueue(chunk: Buffer): void {
    this.#queue ??= new Deque();
    this.#queue.push(chunk);
    this.#queued += chunk.length;
  }

  /** Copies the queued chunks into the storage, so that all buffered bytes are side by side. */
  #coalesce(): void {
    const queue = this.#queue;
    if (queue === null) return;
    this.#queue = null;
    this.#queued = 0;
    while (queue.length > 0) this.#append(queue.shift());
  }

  /** Copies `bytes` into the storage, after its bytes (the queue must be empty). */
  #append(bytes: Uint8Array): void {
    const length = this.#end - this.#start;
    if (this.#end + bytes.length > this.#storage.length) {
      if (!this.#lent && length + bytes.length <= this.#storage.length / 2) {
        // Room enough once the consumed bytes are dropped: compact in place.
        this.#storage.copy(this.#storage, 0, this.#start, this.#end);
      } else {
        const grown = Buffer.allocUnsafe(Math.max(2 * (length + bytes.length), 256));
        this.#storage.copy(grown, 0, this.#start, this.#end);
        this.#storage = grown;
        this.#lent = false;
      }
      this.#start = 0;
      this.#end = length;
    }
    this.#storage.set(bytes, this.#end);
    this.#end += bytes.length;
  }

  /**
   * Removes the first `n` bytes of the buffer and returns them: a view when they are at least
   * half of the storage, a copy otherwise (see the file comment).
   */
  #take(n: number): Buffer {
    const storage = this.#storage;
    const data =
      2 * n >= storage.length
        ? storage.subarray(this.#start, this.#start + n)
        : Buffer.from(storage.subarray(this.#start, this.#start + n));
    if (data.buffer === storage.buffer) this.#lent = true;
    this.#drop(n);
    return data;
  }

  #drop(n: number): void {
    this.#start += n;
    if (this.#start === this.#end && this.#queue !== null) {
      // The next chunk received becomes the storage.
      const next = this.#queue.shift();
      if (this.#queue.length === 0) this.#queue = null;
      this.#queued -= next.length;
      this.#storage = next;
      this.#start = 0;
      this.#end = next.length;
      this.#lent = false;
    } else if (this.#start === this.#end) {
      if (this.#lent || this.#storage.length > 4 * DEFAULT_LIMIT) {
        // A view may still see these bytes, or a burst of data took this room: start afresh.
        this.#storage = EMPTY;
        this.#lent = false;
      }
      this.#start = 0;
      this.#end = 0;
    }
  }
}
inspectAsToString(StreamReader);

function toLineResult(line: Buffer): IteratorResult<Buffer> {
  return line.length === 0 ? { done: true, value: undefined } : { done: false, value: line };
}
