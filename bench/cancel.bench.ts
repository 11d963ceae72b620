/**
 * Cancelling 100,000 sleeping tasks: every task sleeps (an hour); then all are cancelled and
 * awaited. Only the cancel phase is timed (from the first `cancel()` until every task is
 * done). Baselines: Effect 4 (100,000 forked fibers in `Effect.sleep`, `Fiber.interruptAll`,
 * which returns once every fiber has ended) and CPython's asyncio (bench/cancel_sleeping.py:
 * `task.cancel()` for each, then `gather(*tasks, return_exceptions=True)`).
 */
import * as asyncio from "asyncio-ts";
import { Effect, Fiber } from "effect";
import type { Report } from "./harness.js";
import { measureInChild, measurePython, runVariantIfAsked } from "./harness.js";

const TASKS = 100_000;
const RUNS = 7;
const WARMUP = 2;
const PROCESSES = 5;

async function sleeper(): Promise<void> {
  await asyncio.sleep(3600);
}

/** Runs `phase` RUNS + WARMUP times; returns the milliseconds each measured run reported. */
async function timeCancelPhases(phase: () => Promise<number>): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const elapsed = await phase();
    if (i >= WARMUP) ms.push(elapsed);
  }
  return ms;
}

await runVariantIfAsked(import.meta.url, {
  async asyncio() {
    const ms = await timeCancelPhases(() =>
      asyncio.run(async () => {
        const tasks = [];
        for (let i = 0; i < TASKS; i++) tasks.push(asyncio.createTask(sleeper));
        await asyncio.sleep(0); // every task has started and sleeps
        await asyncio.sleep(0);
        const start = performance.now();
        for (const task of tasks) task.cancel();
        const outcomes = await asyncio.gather(tasks, { returnExceptions: true });
        const elapsed = performance.now() - start;
        if (!outcomes.every((outcome) => outcome instanceof asyncio.CancelledError)) {
          throw new Error("a task was not cancelled");
        }
        return elapsed;
      }),
    );
    return { ms };
  },
  async effect() {
    const ms = await timeCancelPhases(() =>
      Effect.runPromise(
        Effect.gen(function* () {
          const fibers = [];
          for (let i = 0; i < TASKS; i++) {
            fibers.push(yield* Effect.forkChild(Effect.sleep("1 hour")));
          }
          yield* Effect.yieldNow; // every fiber has started and sleeps
          yield* Effect.yieldNow;
          const start = performance.now();
          yield* Fiber.interruptAll(fibers);
          return performance.now() - start;
        }),
      ),
    );
    return { ms };
  },
});

export function collect(): Report {
  return {
    title: "Cancel 100,000 sleeping tasks",
    description:
      "Every task sleeps; timed from the first cancellation until every task has ended: " +
      "asyncio-ts `cancel()` on each, then `gather(tasks, { returnExceptions: true })` " +
      `(${PROCESSES} processes of ${RUNS} runs each).`,
    subject: "asyncio-ts",
    rows: [
      {
        label: "asyncio-ts",
        measurement: measureInChild(import.meta.url, "asyncio", [], PROCESSES),
      },
      {
        label: "Effect 4, Fiber.interruptAll",
        measurement: measureInChild(import.meta.url, "effect", [], PROCESSES),
      },
      {
        label: "CPython asyncio, cancel() each + gather(return_exceptions=True)",
        measurement: measurePython(
          new URL("../../bench/cancel_sleeping.py", import.meta.url).pathname,
          [String(TASKS)],
          PROCESSES,
        ),
      },
    ],
    targets: [">= 1× Effect 4 on Node 24 and 26"],
  };
}
