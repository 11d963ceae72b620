/**
 * `StreamReader`, as asyncio's: the buffer a transport feeds (`feedData`, `feedEof`) and the
 * tasks read from (`read`, `readline`, `readexactly`, `readuntil`).
 *
 * Invariants (CPython's `Lib/asyncio/streams.py`): at most one task waits for data at a time
 * (its Waiter is the only one in the lot; a second reader gets a `RuntimeError`); a wait ends
 * when data or the end of the stream is fed, or when an exception is set (the waiter then fails
 * with it); a cancelled wait leaves the buffer as it was. With a transport set, reading is
 * paused once the buffer holds more than twice the limit and resumed once it is back to the
 * limit or below, or when a task waits for data.
 */
import { inspectAsToString } from "../core/display.js";
import { RuntimeError } from "../core/errors.js";
import { ParkingLot } from "../core/parkingLot.js";
import { requireOptions } from "../core/validate.js";
import { IncompleteReadError, LimitOverrunError } from "./errors.js";

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

/** Bytes fed as a string are UTF-8. */
type Data = Uint8Array | string;

function toBytes(data: Data): Uint8Array {
  return typeof data === "string" ? Buffer.from(data, "utf8") : data;
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
  /** The bytes buffered are `#storage[#start, #end)`. */
  #storage: Buffer = Buffer.alloc(0);
  #start = 0;
  #end = 0;
  #eof = false;
  #exception: unknown = null;
  /** The lot of the one task waiting for data (CPython's `_waiter`). */
  readonly #lot = new ParkingLot(this);
  /** A token standing for the current wait, or null (CPython's `_waiter is not None`). */
  #waiter: { error: unknown; failed: boolean } | null = null;
  #transport: ReadFlowControl | null = null;
  #paused = false;

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
    return this.#end - this.#start;
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
      waiter.error = error;
      waiter.failed = true;
      this.#lot.unparkAll();
    }
  }

  /** @internal Sets the transport to pause and resume (asyncio's `set_transport`). */
  _setTransport(transport: ReadFlowControl): void {
    if (this.#transport !== null) throw new RuntimeError("Transport already set");
    this.#transport = transport;
  }

  /** Adds `data` to the buffer and wakes the task waiting for data. */
  feedData(data: Data): void {
    if (this.#eof) throw new RuntimeError("feedData() after feedEof()");
    const bytes = toBytes(data);
    if (bytes.length === 0) return;
    this.#append(bytes);
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
    if (n < 0) {
      // Read `limit` bytes at a time, so that a paused transport is resumed.
      const blocks: Buffer[] = [];
      for (;;) {
        const block = await this.read(this.#limit);
        if (block.length === 0) break;
        blocks.push(block);
      }
      return Buffer.concat(blocks);
    }
    if (this.#length === 0 && !this.#eof) await this.#waitForData("read");
    const data = this.#take(Math.min(n, this.#length));
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
    try {
      return await this.readuntil("\n");
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
    const maxLength = separators[separators.length - 1]?.length ?? 0;
    if (minLength === 0) throw new RangeError("Separator should be at least one-byte string");
    if (this.#exception !== null) throw this.#exception;

    // `offset`: how many bytes at the start of the buffer hold no separator.
    let offset = 0;
    let matchStart = -1;
    let matchEnd = -1;
    for (;;) {
      const length = this.#length;
      if (length - offset >= minLength) {
        const view = this.#storage.subarray(this.#start, this.#end);
        for (const sep of separators) {
          const at = view.indexOf(sep, offset);
          if (at !== -1) {
            const end = at + sep.length;
            if (matchEnd === -1 || end < matchEnd) {
              matchEnd = end;
              matchStart = at;
            }
          }
        }
        if (matchEnd !== -1) break;
        offset = Math.max(0, length + 1 - maxLength);
        if (offset > this.#limit) {
          throw new LimitOverrunError("Separator is not found, and chunk exceed the limit", offset);
        }
      }
      // A complete separator may have come with the last chunk: look before giving up.
      if (this.#eof) {
        throw new IncompleteReadError(this.#take(this.#length), null);
      }
      await this.#waitForData("readuntil");
    }
    if (matchStart > this.#limit) {
      throw new LimitOverrunError("Separator is found, but chunk is longer than limit", matchStart);
    }
    const chunk = this.#take(matchEnd);
    this.#maybeResumeTransport();
    return chunk;
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
      if (this.#eof) throw new IncompleteReadError(this.#take(this.#length), n);
      await this.#waitForData("readexactly");
    }
    const data = this.#take(n);
    this.#maybeResumeTransport();
    return data;
  }

  /** The lines of the stream, as `readline()` returns them, until an empty one. */
  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return {
      next: async (): Promise<IteratorResult<Buffer>> => {
        const line = await this.readline();
        return line.length === 0 ? { done: true, value: undefined } : { done: false, value: line };
      },
    };
  }

  toString(): string {
    const info = ["StreamReader"];
    if (this.#length > 0) info.push(`${this.#length} bytes`);
    if (this.#eof) info.push("eof");
    if (this.#limit !== DEFAULT_LIMIT) info.push(`limit=${this.#limit}`);
    if (this.#waiter !== null) info.push("waiter");
    if (this.#exception !== null) info.push(`exception=${String(this.#exception)}`);
    if (this.#transport !== null) info.push("transport");
    if (this.#paused) info.push("paused");
    return `<${info.join(" ")}>`;
  }

  /** CPython's `_wait_for_data`: wait until data, the end of the stream or an error is fed. */
  #waitForData(funcName: string): Promise<void> {
    if (this.#waiter !== null) {
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
    const waiter = { error: null as unknown, failed: false };
    try {
      this.#waiter = waiter;
      return this.#lot.park(
        `StreamReader.${funcName}()`,
        () => {
          if (this.#waiter === waiter) this.#waiter = null;
          if (waiter.failed) throw waiter.error;
        },
        (error) => {
          if (this.#waiter === waiter) this.#waiter = null;
          throw error;
        },
      );
    } catch (error) {
      this.#waiter = null;
      return Promise.reject(error);
    }
  }

  #wakeupWaiter(): void {
    if (this.#waiter !== null) {
      this.#waiter = null;
      this.#lot.unparkAll();
    }
  }

  #maybeResumeTransport(): void {
    if (this.#paused && this.#length <= this.#limit) {
      this.#paused = false;
      this.#transport?.resumeReading();
    }
  }

  #append(bytes: Uint8Array): void {
    const length = this.#length;
    if (this.#end + bytes.length > this.#storage.length) {
      if (length + bytes.length <= this.#storage.length / 2) {
        // Room enough once the consumed bytes are dropped: compact in place.
        this.#storage.copy(this.#storage, 0, this.#start, this.#end);
      } else {
        const grown = Buffer.allocUnsafe(Math.max(2 * (length + bytes.length), 256));
        this.#storage.copy(grown, 0, this.#start, this.#end);
        this.#storage = grown;
      }
      this.#start = 0;
      this.#end = length;
    }
    this.#storage.set(bytes, this.#end);
    this.#end += bytes.length;
  }

  /** Removes the first `n` bytes of the buffer and returns a copy of them. */
  #take(n: number): Buffer {
    const data = Buffer.from(this.#storage.subarray(this.#start, this.#start + n));
    this.#drop(n);
    return data;
  }

  #drop(n: number): void {
    this.#start += n;
    if (this.#start === this.#end) {
      this.#start = 0;
      this.#end = 0;
      // Give back the room a burst of data took.
      if (this.#storage.length > 4 * DEFAULT_LIMIT) this.#storage = Buffer.alloc(0);
    }
  }
}
inspectAsToString(StreamReader);
