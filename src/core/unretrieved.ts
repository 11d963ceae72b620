/**
 * "exception was never retrieved": a Future (or Task) that completes with an exception nobody
 * looks at is reported to its loop's exception handler, as asyncio reports it from
 * `Future.__del__`: when the Future is garbage-collected, or at the latest when its loop's
 * runner closes (a short program may never collect it, and nothing may be lost). Looking at
 * the exception (`result()`, `exception()`, awaiting it) withdraws the report.
 *
 * Only weak references are kept, so a program that drops failed futures does not grow.
 */
import { logExceptionContext } from "../debug/report.js";
import type { SourceTraceback } from "../debug/sourceTraceback.js";
import type { Future } from "./future.js";
import type { EventLoop, ExceptionContext } from "./loop.js";
import type { Task } from "./task.js";

interface Report {
  readonly loop: EventLoop;
  readonly message: string;
  readonly exception: unknown;
  readonly source: string;
  /** Where the future was created, in debug mode (asyncio's `source_traceback`). */
  readonly sourceTraceback: SourceTraceback | null;
  readonly ref: WeakRef<Future<unknown>>;
}

/** Per loop, the futures whose exception is still unretrieved. */
const pending = new WeakMap<EventLoop, Set<WeakRef<Future<unknown>>>>();
const refs = new WeakMap<Future<unknown>, WeakRef<Future<unknown>>>();

function send(report: Report): void {
  const context: ExceptionContext = {
    message: report.message,
    exception: report.exception,
    source: report.source,
  };
  if (report.sourceTraceback !== null) context.sourceTraceback = report.sourceTraceback;
  report.loop.callExceptionHandler(context);
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
      sourceTraceback: future._sourceTraceback,
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

interface DestroyedReport {
  readonly loop: WeakRef<EventLoop>;
  readonly source: string;
  readonly sourceTraceback: SourceTraceback | null;
}

const destroyedRegistry = new FinalizationRegistry<DestroyedReport>((report) => {
  const context: ExceptionContext = {
    message: "Task was destroyed but it is pending!",
    source: report.source,
  };
  if (report.sourceTraceback !== null) context.sourceTraceback = report.sourceTraceback;
  const loop = report.loop.deref();
  if (loop !== undefined) loop.callExceptionHandler(context);
  else logExceptionContext(context);
});

/**
 * `task` is still pending as its loop closes: it can never run again. When it is collected,
 * "Task was destroyed but it is pending!" is reported, as asyncio's `Task.__del__` does.
 */
export function watchDestroyedPending(loop: EventLoop, task: Task<unknown>): void {
  destroyedRegistry.register(task, {
    loop: new WeakRef(loop),
    source: String(task),
    sourceTraceback: task._sourceTraceback,
  });
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
      sourceTraceback: future._sourceTraceback,
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
