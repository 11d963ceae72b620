/**
 * `gather(...)`: run awaitables concurrently and collect their results in order, as asyncio's
 * `gather`.
 *
 * The result is a `GatheringFuture` (asyncio's `_GatheringFuture`): cancelling it cancels
 * every child that is not done; like `Task.cancel()` it does not mark itself cancelled, it
 * completes once the children report back. Without `returnExceptions`, the first child that
 * fails (or is cancelled) completes it at once with that error while the others run on.
 *
 * Invariants: `_finished` counts the completions seen of the `_distinct` different children;
 * once the GatheringFuture is done, later completions only mark the children's errors as
 * retrieved.
 */
import type { AwaitableLike, AwaitedResult } from "../core/awaitable.js";
import { ensureFuture } from "../core/awaitable.js";
import { CancelledError } from "../core/errors.js";
import {
  Future,
  futureAddToAwaitedBy,
  futureDiscardFromAwaitedBy,
  PENDING,
  REJECTED,
} from "../core/future.js";
import type { EventLoop } from "../core/loop.js";
import { getRunningLoop, scopeStorage } from "../core/scope.js";
import type { CoroutineFunction, Task } from "../core/task.js";
import {
  describeValue,
  isPlainObject,
  isPromiseLike,
  requireCancelMessage,
} from "../core/validate.js";
import { isAwaitableLike, notAwaitableError, watchChild } from "./internal.js";

/** Options of `gather`, given last: `gather(a, b, options)` or `gather([a, b], options)`. */
export interface GatherOptions {
  /**
   * Put errors (and a `CancelledError` for each cancelled child) in the results instead of
   * rejecting with the first one.
   */
  returnExceptions?: boolean;
}

/** The results of `gather(...aws)`: each awaitable's value, in the same position. */
export type GatherResults<A extends readonly unknown[]> = {
  -readonly [K in keyof A]: AwaitedResult<A[K]>;
};

/**
 * The results of `gather(aws, { returnExceptions: true })`: each awaitable's value or the
 * error it failed with (a thrown value that is not an `Error` is returned as it is).
 */
export type GatherOutcomes<A extends readonly unknown[]> = {
  -readonly [K in keyof A]: AwaitedResult<A[K]> | Error;
};

/**
 * The Future `gather` returns. `cancel()` cancels the children rather than the Future itself;
 * the Future then rejects with a `CancelledError` once they are done.
 *
 * @example
 * const downloads = asyncio.gather(() => download("a"), () => download("b"));
 * asyncio.getRunningLoop().callLater(5, () => downloads.cancel()); // too slow: stop both
 * const [a, b] = await downloads;
 */
export class GatheringFuture<T> extends Future<T> {
  /** @internal The children in argument order (a repeated Future or promise appears twice). */
  readonly _children: Future<unknown>[] = [];
  /** @internal */
  readonly _returnExceptions: boolean;
  /** @internal How many different children there are. */
  _distinct = 0;
  /** @internal How many of them completed. */
  _finished = 0;
  /** @internal `cancel()` cancelled at least one child. */
  _cancelRequested = false;
  /** @internal The task that called `gather()`: it awaits the children (the call graph). */
  readonly _caller: Task<unknown> | null;

  /** @internal Use `gather()`. */
  constructor(loop: EventLoop, returnExceptions: boolean, caller: Task<unknown> | null = null) {
    super(loop._futureOptions);
    this._returnExceptions = returnExceptions;
    this._caller = caller;
  }

  /**
   * Cancels every child that is not done and returns whether one was; the GatheringFuture
   * rejects with a `CancelledError` once the children are done.
   */
  override cancel(msg?: string): boolean {
    requireCancelMessage(msg);
    if (this._state !== PENDING) return false;
    let cancelled = false;
    for (const child of this._children) {
      if (child.cancel(msg)) cancelled = true;
    }
    // A child was really cancelled: the gather must end cancelled even with returnExceptions.
    if (cancelled) this._cancelRequested = true;
    return cancelled;
  }

  /** @internal A child completed (its done callback). */
  _childDone(child: Future<unknown>): void {
    this._finished++;
    if (this._caller !== null) futureDiscardFromAwaitedBy(child, this._caller);
    if (this._state !== PENDING) {
      // The gather already failed with an earlier error; this one counts as retrieved.
      child._retrieved();
      return;
    }
    if (!this._returnExceptions) {
      if (child.cancelled()) {
        this._reject(child._makeCancelledError());
        return;
      }
      if (child._state === REJECTED) {
        child._retrieved();
        this._reject(child._result);
        return;
      }
    }
    if (this._finished < this._distinct) return;
    if (this._cancelRequested) {
      // As asyncio: the error of the last child in argument order, if it was cancelled.
      const last = this._children[this._children.length - 1] as Future<unknown>;
      this._reject(last.cancelled() ? last._makeCancelledError() : new CancelledError());
      return;
    }
    this._resolve(this._children.map(outcomeOf));
  }
}

/** A finished child's value, or (with `returnExceptions`) its error. */
function outcomeOf(child: Future<unknown>): unknown {
  if (child.cancelled()) {
    // The error the child ended with when it is a task that was not asked for it yet (one
    // error per cancellation, bench/cancel.bench.ts), else a new one with its message.
    return child._makeCancelledError();
  }
  if (child._state === REJECTED) child._retrieved();
  return child._result;
}

/**
 * Runs the awaitables concurrently and resolves with their results in argument order.
 * Coroutine functions are started as Tasks (each occurrence its own Task); Tasks, Futures and
 * promises are awaited as they are (the same one twice is one child). Without
 * `returnExceptions` the first failure rejects at once while the other awaitables run on; with
 * it, errors take their places in the results. Cancelling the returned Future cancels the
 * children.
 *
 * Two forms, both typed as a tuple: `gather(a, b, c)`, and `gather([a, b, c])` for an array;
 * each takes an options object last: `gather(a, b, { returnExceptions: true })` (Python's
 * `gather(*aws, return_exceptions=True)`) or `gather([a, b], { returnExceptions: true })`. A
 * trailing plain object is options; a thenable one (a Future, a promise) is an awaitable. Bad
 * arguments (an unknown option among them) give a Future rejected with a `TypeError`.
 *
 * @example
 * const [n, s] = await asyncio.gather(
 *   () => asyncio.sleep(1, 42),
 *   asyncio.createTask(async () => "text"),
 * ); // n: number, s: string
 * const outcomes = await asyncio.gather(...tasks, { returnExceptions: true });
 */
export function gather<const A extends readonly AwaitableLike<unknown>[]>(
  ...aws: A
): GatheringFuture<GatherResults<A>>;
export function gather<const A extends readonly AwaitableLike<unknown>[]>(
  ...args: [...aws: A, options: GatherOptions & { returnExceptions?: false }]
): GatheringFuture<GatherResults<A>>;
export function gather<const A extends readonly AwaitableLike<unknown>[]>(
  ...args: [...aws: A, options: GatherOptions & { returnExceptions: true }]
): GatheringFuture<GatherOutcomes<A>>;
export function gather<const A extends readonly AwaitableLike<unknown>[]>(
  ...args: [...aws: A, options: GatherOptions]
): GatheringFuture<GatherOutcomes<A>>;
export function gather<const A extends readonly AwaitableLike<unknown>[]>(
  aws: A,
  options?: GatherOptions & { returnExceptions?: false },
): GatheringFuture<GatherResults<A>>;
export function gather<const A extends readonly AwaitableLike<unknown>[]>(
  aws: A,
  options: GatherOptions & { returnExceptions: true },
): GatheringFuture<GatherOutcomes<A>>;
export function gather<const A extends readonly AwaitableLike<unknown>[]>(
  aws: A,
  options: GatherOptions,
): GatheringFuture<GatherOutcomes<A>>;
export function gather(...args: unknown[]): GatheringFuture<unknown[]> {
  let awaitables: readonly unknown[] = args;
  let returnExceptions = false;
  let loop: EventLoop;
  try {
    if (Array.isArray(args[0])) {
      awaitables = args[0];
      returnExceptions = readArrayFormOptions(args);
    } else {
      const last = args[args.length - 1];
      if (isOptionsObject(last)) {
        awaitables = args.slice(0, -1);
        returnExceptions = readOptions(last);
      }
    }
    loop = checkAwaitables(awaitables);
  } catch (error) {
    // Nothing was started. Without a running loop there is no Future to reject: throw.
    const failed = new GatheringFuture<unknown[]>(getRunningLoop(), false);
    failed._reject(error);
    return failed;
  }
  // The calling task awaits each child, for the call graph (asyncio 3.14 records it so too).
  const scope = scopeStorage.getStore();
  const caller = scope !== undefined && scope._loop === loop ? scope._currentTask() : null;
  const outer = new GatheringFuture<unknown[]>(loop, returnExceptions, caller);
  const children = outer._children;
  const seen = new Map<unknown, Future<unknown>>();
  const alreadyDone: Future<unknown>[] = [];
  for (const aw of awaitables) {
    let child: Future<unknown> | undefined;
    if (typeof aw === "function") {
      child = loop.createTask(aw as CoroutineFunction<unknown>);
    } else {
      child = seen.get(aw);
      if (child !== undefined) {
        children.push(child);
        continue;
      }
      child = ensureFuture(aw as AwaitableLike<unknown>);
      seen.set(aw, child);
    }
    outer._distinct++;
    if (child.done()) {
      alreadyDone.push(child);
    } else {
      if (caller !== null) futureAddToAwaitedBy(child, caller);
      watchChild(child, outer);
    }
    children.push(child);
  }
  if (children.length === 0) {
    outer._resolve([]);
    return outer;
  }
  // Children that were done already report now, so a gather of done Futures completes at once.
  for (const child of alreadyDone) outer._childDone(child);
  return outer;
}

/** The `returnExceptions` of the array form `gather(aws, options)`. */
function readArrayFormOptions(args: readonly unknown[]): boolean {
  if (args.length > 2) {
    throw new TypeError(
      "gather() takes either awaitables as arguments, gather(a, b, options), or one array and " +
        `options, gather([a, b], options); got an array and ${args.length - 1} more arguments`,
    );
  }
  const options = args[1];
  if (options === undefined) return false;
  if (options === null || typeof options !== "object" || isPromiseLike(options)) {
    throw new TypeError(
      `gather() options must be an options object such as { returnExceptions: true }, got ${describeValue(options)}`,
    );
  }
  return readOptions(options);
}

/**
 * A plain object (`{ ... }`, no `then`): the options of `gather(a, b, options)`. A Future, a
 * promise or any other thenable stays an awaitable.
 */
function isOptionsObject(value: unknown): value is object {
  return isPlainObject(value) && !isPromiseLike(value);
}

/** Checks an options object (unknown keys are refused, as Python refuses unknown keywords). */
function readOptions(options: object): boolean {
  for (const key of Object.keys(options)) {
    if (key !== "returnExceptions") {
      throw new TypeError(
        `gather() got an unknown option ${JSON.stringify(key)} (its one option is returnExceptions); ` +
          "a plain object is not an awaitable",
      );
    }
  }
  const { returnExceptions } = options as GatherOptions;
  if (returnExceptions !== undefined && typeof returnExceptions !== "boolean") {
    throw new TypeError(
      `gather() returnExceptions must be a boolean, got ${describeValue(returnExceptions)}`,
    );
  }
  return returnExceptions === true;
}

/**
 * Checks every awaitable before any is started, and returns the loop the gather belongs to:
 * the loop of its Futures, which must be the running loop when promises or functions are
 * given too.
 */
function checkAwaitables(awaitables: readonly unknown[]): EventLoop {
  let futureLoop: EventLoop | null = null;
  let needsRunningLoop = false;
  for (let index = 0; index < awaitables.length; index++) {
    const aw = awaitables[index];
    if (aw instanceof Future) {
      const loop = aw.getLoop();
      if (futureLoop !== null && loop !== futureLoop) {
        throw new RangeError(`gather() awaitable ${index} belongs to a different event loop`);
      }
      futureLoop = loop;
    } else if (isAwaitableLike(aw)) {
      needsRunningLoop = true;
    } else {
      throw badAwaitable(aw, index);
    }
  }
  if (futureLoop !== null && !needsRunningLoop) return futureLoop;
  const running = getRunningLoop();
  if (futureLoop !== null && futureLoop !== running) {
    throw new RangeError("gather() got Futures of an event loop that is not the running one");
  }
  return running;
}

function badAwaitable(aw: unknown, index: number): TypeError {
  if (aw !== null && typeof aw === "object" && "returnExceptions" in aw) {
    return new TypeError(
      "gather() takes options last: gather(a, b, { returnExceptions: true }) or " +
        "gather([a, b], { returnExceptions: true })",
    );
  }
  return notAwaitableError(aw, `gather() awaitable ${index}`);
}
