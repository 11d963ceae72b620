/**
 * "exception was never retrieved": a Future (or Task) that completes with an exception nobody
 * looks at is reported to its loop's exception handler, as asyncio reports it from
 * `Future.__del__`: when the Future is garbage-collected, or at the latest when its loop's
 * runner closes (a short program may never collect it, and nothing may be lost). Looking at
 * the exception (`result()`, `exception()`, awaiting it) withdraws the report.
 *
 * Only weak references are kept, so a program that drops failed futures does not grow.
 */
import type { Future } from "./future.js";
import type { EventLoop } from "./loop.js";

interface Report {
  readonly loop: EventLoop;
  readonly message: string;
  readonly exception: unknown;
  readonly source: string;
  readonly ref: WeakRef<Future<unknown>>;
}

/** Per loop, the futures whose exception is still unretrieved. */
const pending = new WeakMap<EventLoop, Set<WeakRef<Future<unknown>>>>();
const refs = new WeakMap<Future<unknown>, WeakRef<Future<unknown>>>();

function send(report: Report): void {
  report.loop.callExceptionHandler({
    message: report.message,
    exception: report.exception,
    source: report.source,
  });
}

const registry = new FinalizationRegistry<Report>((report) => {
  pending.get(report.loop)?.delete(report.ref);
  send(report);
});

/** Reports `future`'s exception later, unless `forgetUnretrieved` runs first. */
export function trackUnretrieved(future: Future<unknown>): void {
  const exception = future._result;
  // V8 keeps an error's stack unformatted until it is read, holding each frame's receiver,
  // such as the Task whose function threw. Held by the report below, that would keep the
  // future alive, so it would never be collected, nor reported: format the stack now.
  if (exception instanceof Error) void exception.stack;
  const loop = future._loop;
  const ref = new WeakRef(future);
  refs.set(future, ref);
  let set = pending.get(loop);
  if (set === undefined) {
    set = new Set();
    pending.set(loop, set);
  }
  set.add(ref);
  registry.register(
    future,
    {
      loop,
      message: `${future.constructor.name} exception was never retrieved`,
      exception,
      source: String(future),
      ref,
    },
    future,
  );
}

/** The exception of `future` was looked at: no report. */
export function forgetUnretrieved(future: Future<unknown>): void {
  registry.unregister(future);
  const ref = refs.get(future);
  if (ref !== undefined) {
    refs.delete(future);
    pending.get(future._loop)?.delete(ref);
  }
}

/** Reports now every future of `loop` whose exception is still unretrieved (the loop closes). */
export function reportUnretrieved(loop: EventLoop): void {
  const set = pending.get(loop);
  if (set === undefined) return;
  pending.delete(loop);
  for (const ref of set) {
    const future = ref.deref();
    if (future === undefined || !future._logTraceback) continue;
    future._retrieved();
    send({
      loop,
      message: `${future.constructor.name} exception was never retrieved`,
      exception: future._result,
      source: String(future),
      ref,
    });
  }
}

/**
 * @internal The futures of `loop` whose exception nobody retrieved so far, oldest first (the
 * test helpers' leak check reads them; reading one's `exception()` withdraws its report).
 */
export function unretrievedFutures(loop: EventLoop): Future<unknown>[] {
  const found: Future<unknown>[] = [];
  for (const ref of pending.get(loop) ?? []) {
    const future = ref.deref();
    if (future?._logTraceback) found.push(future);
  }
  return found;
}
