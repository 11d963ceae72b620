/**
 * `Handle` and `TimerHandle`: a callback scheduled on the loop, as asyncio's `events.Handle`.
 */
import type { SourceTraceback } from "../debug/sourceTraceback.js";
import { captureSourceTraceback, createdAt } from "../debug/sourceTraceback.js";
import type { Context } from "./context.js";
import { inspectAsToString } from "./display.js";
import type { EventLoop } from "./loop.js";
import { OUT } from "./timerHeap.js";

/** A callback the loop will call with `args` (see `callSoon`). */
export type Callback<A extends unknown[]> = (...args: A) => unknown;

/**
 * A callback scheduled with `loop.callSoon()`; `cancel()` it before it runs and it never runs.
 *
 * @example
 * const handle = loop.callSoon(() => console.log("never printed"));
 * handle.cancel();
 */
export class Handle {
  /** @internal */
  _callback: Callback<unknown[]> | null;
  /** @internal */
  _args: unknown[] | null;
  /** @internal */
  readonly _loop: EventLoop;
  /** @internal */
  readonly _context: Context;
  /** @internal */
  _cancelled = false;
  /** @internal Where the program created it, in debug mode only (null on the prototype). */
  declare _sourceTraceback: SourceTraceback | null;

  static {
    Handle.prototype._sourceTraceback = null;
  }

  /** @internal */
  constructor(callback: Callback<unknown[]>, args: unknown[], loop: EventLoop, context: Context) {
    this._callback = callback;
    this._args = args;
    this._loop = loop;
    this._context = context;
    if (loop.getDebug()) this._sourceTraceback = captureSourceTraceback();
  }

  /** Stops the callback from running; a no-op when it already ran or was cancelled. */
  cancel(): void {
    if (!this._cancelled) {
      this._cancelled = true;
      this._callback = null;
      this._args = null;
    }
  }

  /** Whether `cancel()` was called. */
  cancelled(): boolean {
    return this._cancelled;
  }

  /** The contextvars Context the callback runs in. */
  getContext(): Context {
    return this._context;
  }

  /** @internal Runs the callback; an exception goes to the loop's exception handler. */
  _run(): void {
    const callback = this._callback;
    if (callback === null) return;
    this._loop._runCallback(this, callback, this._args as unknown[]);
  }

  /** A description for logs and the REPL, as Python's `repr()`. */
  toString(): string {
    const name = this._callback?.name || "anonymous";
    const state = this._cancelled ? "cancelled" : `${name}()`;
    return `<${this.constructor.name} ${state}${createdAt(this)}>`;
  }
}
inspectAsToString(Handle);

/**
 * A callback scheduled at a loop time with `callLater()`/`callAt()`.
 *
 * @example
 * const timer = loop.callLater(5, () => console.log("too late"));
 * console.log(timer.when() - loop.time()); // ~5
 * timer.cancel();
 */
export class TimerHandle extends Handle {
  /** @internal */
  readonly _when: number;
  /** @internal */
  _seq = 0;
  /** @internal */
  _heapState = OUT;

  /** @internal */
  constructor(
    when: number,
    callback: Callback<unknown[]>,
    args: unknown[],
    loop: EventLoop,
    context: Context,
  ) {
    super(callback, args, loop, context);
    this._when = when;
  }

  /** The loop time (seconds) at which the callback is due. */
  when(): number {
    return this._when;
  }

  override cancel(): void {
    if (!this._cancelled) this._loop._timerCancelled(this);
    super.cancel();
  }
}
