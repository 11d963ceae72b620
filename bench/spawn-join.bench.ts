/**
 * Spawn-and-join: 200,000 tasks that each `await sleep(0)`, against raw Node (an async
 * function awaiting `setImmediate`), Effect 4 (a fiber per task that yields once with
 * `Effect.yieldNow`, joined one by one) and CPython's asyncio (bench/spawn_join.py); each
 * variant in 5 processes.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import * as asyncio from "asyncio-ts";
import { Effect, Fiber } from "effect";
import type { Report } from "./harness.js";
import { measureInChild, measurePython, runVariantIfAsked, timeRuns } from "./harness.js";

const TASKS = 200_000;
const PROCESSES = 5;

async function yieldOnce(): Promise<void> {
  await asyncio.sleep(0);
}

async function rawYield(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}

const storage = new AsyncLocalStorage<object>();

await runVariantIfAsked(import.meta.url, {
  async asyncio() {
    const ms = await timeRuns(() =>
      asyncio.run(async () => {
        const tasks = [];
        for (let i = 0; i < TASKS; i++) tasks.push(asyncio.createTask(yieldOnce));
        for (const task of tasks) await task;
      }),
    );
    return { ms };
  },
  async effect() {
    const ms = await timeRuns(() =>
      Effect.runPromise(
        Effect.gen(function* () {
          const fibers = [];
          for (let i = 0; i < TASKS; i++) fibers.push(yield* Effect.forkChild(Effect.yieldNow));
          for (const fiber of fibers) yield* Fiber.join(fiber);
        }),
      ),
    );
    return { ms };
  },
  async raw() {
    const ms = await timeRuns(async () => {
      const promises = [];
      for (let i = 0; i < TASKS; i++) promises.push(rawYield());
      await Promise.all(promises);
    });
    return { ms };
  },
  async rawWithStorage() {
    const ms = await timeRuns(async () => {
      const promises = [];
      for (let i = 0; i < TASKS; i++) promises.push(storage.run({}, rawYield));
      await Promise.all(promises);
    });
    return { ms };
  },
});

export function collect(): Report {
  return {
    title: "Spawn and join 200,000 tasks",
    description:
      "Each task awaits `sleep(0)` once; the main task creates all of them, then awaits each " +
      `(${PROCESSES} processes each).`,
    subject: "asyncio-ts",
    rows: [
      {
        label: "asyncio-ts",
        measurement: measureInChild(import.meta.url, "asyncio", [], PROCESSES),
      },
      {
        label: "Effect 4 (forkChild, yieldNow, Fiber.join)",
        measurement: measureInChild(import.meta.url, "effect", [], PROCESSES),
      },
      {
        label: "raw Node (async fn + setImmediate)",
        measurement: measureInChild(import.meta.url, "raw", [], PROCESSES),
      },
      {
        label: "raw Node + AsyncLocalStorage.run per task (the floor of the model)",
        measurement: measureInChild(import.meta.url, "rawWithStorage", [], PROCESSES),
      },
      {
        label: "CPython asyncio",
        measurement: measurePython(
          new URL("../../bench/spawn_join.py", import.meta.url).pathname,
          [String(TASKS)],
          PROCESSES,
        ),
      },
    ],
    targets: [
      ">= 0.5× raw Node on Node 24",
      ">= 0.4× raw Node on Node 20",
      ">= 3× CPython",
      ">= 1× Effect 4",
    ],
  };
}
