/**
 * gather of 100,000 coroutine functions (each awaits `sleep(0)` once, then returns), against
 * `Promise.all` of the same async functions called directly (no tasks, run inside the same
 * kind of loop) and CPython's `asyncio.gather` (bench/gather.py).
 */
import * as asyncio from "asyncio-ts";
import type { Report } from "./harness.js";
import { measureInChild, measurePython, runVariantIfAsked, timeRuns } from "./harness.js";

const COROUTINES = 100_000;

async function work(): Promise<number> {
  await asyncio.sleep(0);
  return 1;
}

await runVariantIfAsked(import.meta.url, {
  async asyncio() {
    const ms = await timeRuns(() =>
      asyncio.run(async () => {
        const results = await asyncio.gather(
          new Array<() => Promise<number>>(COROUTINES).fill(work),
        );
        if (results.length !== COROUTINES) throw new Error("lost results");
      }),
    );
    return { ms };
  },
  async promiseAll() {
    const ms = await timeRuns(() =>
      asyncio.run(async () => {
        const functions = new Array<() => Promise<number>>(COROUTINES).fill(work);
        const results = await Promise.all(functions.map((fn) => fn()));
        if (results.length !== COROUTINES) throw new Error("lost results");
      }),
    );
    return { ms };
  },
});

export function collect(): Report {
  return {
    title: "gather of 100,000 coroutine functions",
    description:
      "Each function awaits `sleep(0)` once and returns; asyncio-ts starts each as a Task under " +
      "`gather`, `Promise.all` calls the same functions directly in the main task.",
    subject: "asyncio-ts",
    rows: [
      { label: "asyncio-ts", measurement: measureInChild(import.meta.url, "asyncio") },
      {
        label: "Promise.all of the same async functions",
        measurement: measureInChild(import.meta.url, "promiseAll"),
      },
      {
        label: "CPython asyncio.gather",
        measurement: measurePython(new URL("../../bench/gather.py", import.meta.url).pathname, [
          String(COROUTINES),
        ]),
      },
    ],
    targets: [">= 0.5× Promise.all on Node 24", ">= 3× CPython"],
  };
}
