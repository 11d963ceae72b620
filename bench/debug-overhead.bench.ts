/**
 * The overhead of debug mode on spawn-and-join (bench/spawn-join.bench.ts's scenario, with
 * 20,000 tasks instead of 200,000: debug mode takes tens of microseconds per task, and the
 * ratio does not depend on the count): tasks that each `await sleep(0)`, with debug mode off
 * and on. In debug mode every Future, Task and Handle records its creation stack (V8 walks and
 * formats the stack each time) and every callback and task step is timed for the
 * slow-callback report; each variant in 3 processes.
 */
import * as asyncio from "asyncio-ts";
import type { Report } from "./harness.js";
import { measureInChild, runVariantIfAsked, timeRuns } from "./harness.js";

const TASKS = 20_000;
const PROCESSES = 3;

async function yieldOnce(): Promise<void> {
  await asyncio.sleep(0);
}

function spawnJoin(debug: boolean): Promise<void> {
  return asyncio.run(
    async () => {
      const tasks = [];
      for (let i = 0; i < TASKS; i++) tasks.push(asyncio.createTask(yieldOnce));
      for (const task of tasks) await task;
    },
    { debug },
  );
}

await runVariantIfAsked(import.meta.url, {
  async off() {
    return { ms: await timeRuns(() => spawnJoin(false)) };
  },
  async on() {
    return { ms: await timeRuns(() => spawnJoin(true)) };
  },
});

export function collect(): Report {
  return {
    title: "Debug mode on spawn and join, 20,000 tasks",
    description:
      "bench/spawn-join's scenario with `run(main, { debug: false })` and `{ debug: true }` " +
      `(creation stacks and slow-callback timing; ${PROCESSES} processes each).`,
    subject: "debug mode on",
    ratioHeading: "debug mode's speed relative to it",
    rows: [
      {
        label: "debug mode on",
        measurement: measureInChild(import.meta.url, "on", [], PROCESSES),
      },
      {
        label: "debug mode off",
        measurement: measureInChild(import.meta.url, "off", [], PROCESSES),
      },
    ],
    targets: ["(reported)"],
  };
}
