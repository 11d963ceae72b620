/**
 * Helpers shared by the test files.
 */
import { format } from "node:util";
import * as asyncio from "asyncio-ts";
import { VirtualClock } from "asyncio-ts/testing";

/** Runs `main` under a fresh loop whose clock jumps to the next timer whenever it is idle. */
export function runVirtual<T>(main: () => Promise<T>): Promise<T> {
  return asyncio.run(main, { clock: new VirtualClock({ autojump: true }) });
}

/**
 * Runs `main` under virtual time and collects what reaches the loop's exception handler
 * instead of printing it.
 */
export async function runCollectingErrors<T>(
  main: () => Promise<T>,
): Promise<{ result: T; reported: asyncio.ExceptionContext[] }> {
  const reported: asyncio.ExceptionContext[] = [];
  const result = await runVirtual(async () => {
    asyncio.getRunningLoop().setExceptionHandler((_loop, context) => {
      reported.push(context);
    });
    return main();
  });
  return { result, reported };
}

/** Captures what `console.log` prints while `fn` runs, one string per call. */
export async function captureLog(fn: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => {
    lines.push(format(...args));
  };
  try {
    await fn();
  } finally {
    console.log = original;
  }
  return lines;
}

/** Awaits `promise` and returns what it rejected with; fails if it fulfilled. */
export async function rejection(promise: PromiseLike<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection, but the promise fulfilled");
}
