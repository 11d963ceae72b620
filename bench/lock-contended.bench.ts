/**
 * A contended Lock: 10 tasks × 10,000 increments, each holding the lock across
 * `await sleep(0)`, so that every acquisition waits for the lock to be handed over. Against
 * the npm package `async-mutex` (its `sleep(0)` is a `setImmediate` turn) and CPython's
 * asyncio (bench/lock_counter.py).
 */

import { Mutex } from "async-mutex";
import * as asyncio from "asyncio-ts";
import type { Report } from "./harness.js";
import { measureInChild, measurePython, runVariantIfAsked } from "./harness.js";
import { asyncioCounter, mutexCounter, pythonScript, state, TASKS } from "./lockCounter.js";

const INCREMENTS = 10_000;

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

await runVariantIfAsked(import.meta.url, {
  asyncio: () =>
    asyncioCounter(INCREMENTS, (lock) =>
      lock.with(async () => {
        await asyncio.sleep(0);
        state.counter++;
      }),
    ),
  mutex: () =>
    mutexCounter(Mutex, INCREMENTS, (mutex) =>
      mutex.runExclusive(async () => {
        await turn();
        state.counter++;
      }),
    ),
});

export function collect(): Report {
  return {
    title: "Contended lock, 10 tasks × 10,000 increments",
    description:
      "Each increment holds the lock across `await sleep(0)`: every acquisition waits its turn.",
    subject: "asyncio-ts",
    rows: [
      { label: "asyncio-ts", measurement: measureInChild(import.meta.url, "asyncio") },
      {
        label: "async-mutex runExclusive (setImmediate turn)",
        measurement: measureInChild(import.meta.url, "mutex"),
      },
      {
        label: "CPython asyncio.Lock",
        measurement: measurePython(pythonScript, [String(TASKS), String(INCREMENTS), "contended"]),
      },
    ],
    targets: [">= 4× CPython"],
  };
}
