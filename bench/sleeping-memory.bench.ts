/**
 * Memory per task of 1,000,000 concurrently sleeping tasks, against raw Node (an async
 * function awaiting a promise resolved by `setTimeout`) and CPython's asyncio
 * (bench/sleeping_memory.py) and Effect 4 (a fiber per task in `Effect.sleep`). Heap
 * measured after a full GC, before and after spawning; each variant in 5 processes.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import * as asyncio from "asyncio-ts";
import { Effect } from "effect";
import type { Report } from "./harness.js";
import { measureInChild, measurePython, runVariantIfAsked } from "./harness.js";

const TASKS = 1_000_000;
const PROCESSES = 5;

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("run with --expose-gc");
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function sleeper(): Promise<void> {
  await asyncio.sleep(3600);
}

async function rawSleeper(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 3_600_000));
}

const storage = new AsyncLocalStorage<object>();

function measureRaw(start: () => Promise<void>): { bytesPerItem: number } {
  const before = heapAfterGc();
  const sleeping = [];
  for (let i = 0; i < TASKS; i++) sleeping.push(start());
  const bytesPerItem = (heapAfterGc() - before) / TASKS;
  return { bytesPerItem };
}

await runVariantIfAsked(import.meta.url, {
  async asyncio() {
    let bytesPerItem = 0;
    await asyncio.run(async () => {
      const before = heapAfterGc();
      const tasks = [];
      for (let i = 0; i < TASKS; i++) tasks.push(asyncio.createTask(sleeper));
      await asyncio.sleep(0); // every task has started and sleeps
      await asyncio.sleep(0);
      bytesPerItem = (heapAfterGc() - before) / TASKS;
      for (const task of tasks) task.cancel();
    });
    return { bytesPerItem };
  },
  async effect() {
    let bytesPerItem = 0;
    await Effect.runPromise(
      Effect.gen(function* () {
        const before = heapAfterGc();
        const fibers = [];
        for (let i = 0; i < TASKS; i++) {
          fibers.push(yield* Effect.forkChild(Effect.sleep("1 hour")));
        }
        yield* Effect.yieldNow; // every fiber has started and sleeps
        yield* Effect.yieldNow;
        bytesPerItem = (heapAfterGc() - before) / TASKS;
        // Ending the main fiber interrupts its children.
      }),
    );
    return { bytesPerItem };
  },
  async raw() {
    return measureRaw(rawSleeper);
  },
  async rawWithStorage() {
    return measureRaw(() => storage.run({}, rawSleeper));
  },
});

export function collect(): Report {
  return {
    title: "Memory of 1,000,000 sleeping tasks",
    description: `Heap bytes per task while every task sleeps, after a full garbage collection (median of ${PROCESSES} processes).`,
    subject: "asyncio-ts",
    rows: [
      {
        label: "asyncio-ts",
        measurement: measureInChild(import.meta.url, "asyncio", ["--expose-gc"], PROCESSES),
      },
      {
        label: "Effect 4 (a fiber in Effect.sleep)",
        measurement: measureInChild(import.meta.url, "effect", ["--expose-gc"], PROCESSES),
      },
      {
        label: "raw Node (async fn + setTimeout)",
        measurement: measureInChild(import.meta.url, "raw", ["--expose-gc"], PROCESSES),
      },
      {
        label: "raw Node + AsyncLocalStorage.run per task (the floor of the model)",
        measurement: measureInChild(import.meta.url, "rawWithStorage", ["--expose-gc"], PROCESSES),
      },
      {
        label: "CPython asyncio",
        measurement: measurePython(
          new URL("../../bench/sleeping_memory.py", import.meta.url).pathname,
          [String(TASKS)],
          PROCESSES,
        ),
      },
    ],
    targets: ["<= 1.3× raw Node's bytes per task", "<= Effect 4's bytes per task"],
  };
}
