/**
 * "exception was never retrieved": a Future (or Task) that completes with an exception nobody
 * looks at is reported to its loop's exception handler once it is garbage-collected, as
 * asyncio reports it from `Future.__del__`. Looking at the exception (`result()`,
 * `exception()`, awaiting it) withdraws the report.
 */
import type { Future } from "./future.js";
import type { EventLoop } from "./loop.js";

interface Report {
  readonly loop: EventLoop;
  readonly message: string;
  readonly exception: unknown;
  readonly source: string;
}

const registry = new FinalizationRegistry<Report>((report) => {
  report.loop.callExceptionHandler({
    message: report.message,
    exception: report.exception,
    source: report.source,
  });
});

/** Reports `future`'s exception when `future` is collected, unless `forgetUnretrieved` runs first. */
export function trackUnretrieved(future: Future<unknown>): void {
  const exception = future._result;
  // V8 keeps an error's stack unformatted until it is read, holding each frame's receiver,
  // such as the Task whose function threw. Held by the report below, that would keep the
  // future alive, so it would never be collected, nor reported: format the stack now.
  if (exception instanceof Error) void exception.stack;
  registry.register(
    future,
    {
      loop: future._loop,
      message: `${future.constructor.name} exception was never retrieved`,
      exception,
      source: String(future),
    },
    future,
  );
}

/** The exception of `future` was looked at: no report. */
export function forgetUnretrieved(future: Future<unknown>): void {
  registry.unregister(future);
}
