/**
 * The cost of `captureCallGraph` with 10,000 tasks on the loop: a Future awaited by all of
 * them (10,000 waiters on one level), its text, a chain of 10,000 tasks each awaiting the one
 * before (10,001 levels), and a capture from one task among 10,000 pending ones (the capture
 * scans every pending task once); spawning and awaiting 10,000 tasks, for scale. Each variant
 * in 3 processes. Reported, no target.
 */
import * as asyncio from "asyncio-ts";
import type { Report } from "./harness.js";
import { measureInChild, runVariantIfAsked, timeRuns } from "./harness.js";

const TASKS = 10_000;
const PROCESSES = 3;

/**
 * Runs `measure` inside a loop where TASKS tasks await one Future (the first task last
 * created is returned as `one`), then releases them.
 */
async function withWaiters(
  measure: (fut: asyncio.Future<void>, one: asyncio.Task<void>) => Promise<number[]>,
): Promise<number[]> {
  let ms: number[] = [];
  await asyncio.run(async () => {
    const fut = asyncio.getRunningLoop().createFuture<void>();
    const tasks: asyncio.Task<void>[] = [];
    for (let i = 0; i < TASKS; i++) {
      tasks.push(
        asyncio.createTask(async function waiter() {
          await fut;
        }),
      );
    }
    await asyncio.sleep(0); // every task awaits the Future
    ms = await measure(fut, tasks[0] as asyncio.Task<void>);
    fut.setResult();
    for (const task of tasks) await task;
  });
  return ms;
}

let sink = 0;

await runVariantIfAsked(import.meta.url, {
  async capture() {
    const ms = await withWaiters((fut) =>
      timeRuns(async () => {
        sink += asyncio.captureCallGraph(fut)?.awaitedBy.length ?? 0;
      }),
    );
    return { ms };
  },
  async format() {
    const ms = await withWaiters((fut) =>
      timeRuns(async () => {
        sink += asyncio.formatCallGraph(fut).length;
      }),
    );
    return { ms };
  },
  async captureCurrent() {
    const ms = await withWaiters(async () => {
      // A task among the 10,000 captures its own graph: its live stack and one scan.
      let times: number[] = [];
      await asyncio.createTask(async function capturing() {
        times = await timeRuns(async () => {
          sink += asyncio.captureCallGraph()?.callStack.length ?? 0;
        });
      });
      return times;
    });
    return { ms };
  },
  async chain() {
    let ms: number[] = [];
    await asyncio.run(async () => {
      const fut = asyncio.getRunningLoop().createFuture<void>();
      let previous: asyncio.Future<void> = fut;
      for (let i = 0; i < TASKS; i++) {
        const awaited = previous;
        previous = asyncio.createTask(async () => {
          await awaited;
        });
      }
      await asyncio.sleep(0); // every task awaits the one before it
      ms = await timeRuns(async () => {
        sink += asyncio.captureCallGraph(fut)?.awaitedBy.length ?? 0;
      });
      fut.setResult();
      await previous;
    });
    return { ms };
  },
  async spawn() {
    const ms = await timeRuns(() =>
      asyncio.run(async () => {
        const tasks = [];
        for (let i = 0; i < TASKS; i++) tasks.push(asyncio.createTask(() => asyncio.sleep(0)));
        for (const task of tasks) await task;
      }),
    );
    return { ms };
  },
});

export function collect(): Report {
  return {
    title: "Call graph with 10,000 tasks",
    description:
      "One `captureCallGraph(fut)` of a Future awaited by 10,000 tasks, the same with " +
      "`formatCallGraph(fut)`, one `captureCallGraph(fut)` of a chain of 10,000 tasks each " +
      "awaiting the one before, and one `captureCallGraph()` from a task among 10,000 pending; " +
      `spawning and awaiting 10,000 tasks for scale (${PROCESSES} processes each).`,
    subject: "captureCallGraph(fut), 10,000 waiters",
    ratioHeading: "time relative to captureCallGraph(fut)",
    rows: [
      {
        label: "captureCallGraph(fut), 10,000 waiters",
        measurement: measureInChild(import.meta.url, "capture", [], PROCESSES),
      },
      {
        label: "formatCallGraph(fut), 10,000 waiters",
        measurement: measureInChild(import.meta.url, "format", [], PROCESSES),
      },
      {
        label: "captureCallGraph(fut), a chain of 10,000 tasks awaiting one another",
        measurement: measureInChild(import.meta.url, "chain", [], PROCESSES),
      },
      {
        label: "captureCallGraph() in one task of 10,001",
        measurement: measureInChild(import.meta.url, "captureCurrent", [], PROCESSES),
      },
      {
        label: "spawn and await 10,000 tasks (for scale)",
        measurement: measureInChild(import.meta.url, "spawn", [], PROCESSES),
      },
    ],
    targets: ["reported"],
  };
}

// Keeps the captures from being optimised away.
process.on("exit", () => {
  if (sink < 0) console.log(sink);
});
