/**
 * The notes' Lock counter: 10 tasks × 100,000 increments, each under `async with lock` with
 * no await inside; against the npm package `async-mutex` and CPython's asyncio
 * (bench/lock_counter.py). The body is written three ways with asyncio-ts.
 */
import { Mutex } from "async-mutex";
import type { Report } from "./harness.js";
import { measureInChild, measurePython, runVariantIfAsked } from "./harness.js";
import { asyncioCounter, mutexCounter, pythonScript, state, TASKS } from "./lockCounter.js";

const INCREMENTS = 100_000;

await runVariantIfAsked(import.meta.url, {
  // A body with no await is a callback with no await: taken, run and released in one step.
  syncBody: () =>
    asyncioCounter(INCREMENTS, (lock) =>
      lock.with(() => {
        state.counter++;
      }),
    ),
  asyncBody: () =>
    asyncioCounter(INCREMENTS, (lock) =>
      lock.with(async () => {
        state.counter++;
      }),
    ),
  acquireRelease: () =>
    asyncioCounter(INCREMENTS, async (lock) => {
      await lock.acquire();
      try {
        state.counter++;
      } finally {
        lock.release();
      }
    }),
  mutex: () =>
    mutexCounter(Mutex, INCREMENTS, (mutex) =>
      mutex.runExclusive(() => {
        state.counter++;
      }),
    ),
});

export function collect(): Report {
  return {
    title: "Lock counter, 10 tasks × 100,000 increments",
    description:
      "The notes' example: every increment under `async with lock` (here `lock.with(fn)`), " +
      "with no await inside the block.",
    subject: "asyncio-ts, lock.with(() => …)",
    rows: [
      {
        label: "asyncio-ts, lock.with(() => …)",
        measurement: measureInChild(import.meta.url, "syncBody"),
      },
      {
        label: "asyncio-ts, lock.with(async () => …)",
        measurement: measureInChild(import.meta.url, "asyncBody"),
      },
      {
        label: "asyncio-ts, await acquire() … release()",
        measurement: measureInChild(import.meta.url, "acquireRelease"),
      },
      { label: "async-mutex runExclusive", measurement: measureInChild(import.meta.url, "mutex") },
      {
        label: "CPython asyncio.Lock",
        measurement: measurePython(pythonScript, [String(TASKS), String(INCREMENTS)]),
      },
    ],
    targets: [">= 3× CPython"],
  };
}
