/**
 * A TaskGroup spawning 100,000 children (each awaits `sleep(0)` once) and waiting for them,
 * against CPython's `asyncio.TaskGroup` (bench/task_group.py).
 */
import * as asyncio from "asyncio-ts";
import type { Report } from "./harness.js";
import { measureInChild, measurePython, runVariantIfAsked, timeRuns } from "./harness.js";

const CHILDREN = 100_000;

async function child(): Promise<void> {
  await asyncio.sleep(0);
}

await runVariantIfAsked(import.meta.url, {
  async asyncio() {
    const ms = await timeRuns(() =>
      asyncio.run(() =>
        asyncio.taskGroup(async (tg) => {
          for (let i = 0; i < CHILDREN; i++) tg.createTask(child);
        }),
      ),
    );
    return { ms };
  },
});

export function collect(): Report {
  return {
    title: "TaskGroup with 100,000 children",
    description: "The body creates every child; each awaits `sleep(0)` once; the group waits.",
    subject: "asyncio-ts",
    rows: [
      { label: "asyncio-ts", measurement: measureInChild(import.meta.url, "asyncio") },
      {
        label: "CPython asyncio.TaskGroup",
        measurement: measurePython(new URL("../../bench/task_group.py", import.meta.url).pathname, [
          String(CHILDREN),
        ]),
      },
    ],
    targets: [">= 3× CPython"],
  };
}
