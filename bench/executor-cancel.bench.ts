/**
 * Cancelling a running job: a job that never returns (an endless loop) runs on a pool of one
 * worker; once it runs, a second job is queued behind it and the task awaiting the first is
 * cancelled.
 * Measured, 20 times each: the milliseconds from `task.cancel()` until the awaiting task has
 * its CancelledError, and until the queued job has its result, from the replacement worker.
 * asyncio-ts's ThreadPoolExecutor and ProcessPoolExecutor against piscina 5 (one thread,
 * `run(…, { signal })`, `abort()`). CPython has no such row: it cannot stop a running thread or
 * process job (cancelling the awaiting task leaves the job running, and its worker taken).
 */
import * as asyncio from "asyncio-ts";
import { Piscina } from "piscina";
import type { Measurement, Report, Row } from "./harness.js";
import { measureInChild, runVariantIfAsked } from "./harness.js";

const REPETITIONS = 20;
const WARMUP = 2;

/** Which latency a variant reports: until the CancelledError, or until the next job's result. */
type Until = "cancelled" | "next";

/** Says it started (`flag[0] = 1`, when given a flag), then never returns. */
const spin = (flag?: Int32Array): never => {
  if (flag !== undefined) Atomics.store(flag, 0, 1);
  for (;;) {
    // until the worker is stopped
  }
};

const add = (a: number, b: number): number => a + b;

/**
 * Cancels a running `spin` job WARMUP + REPETITIONS times and returns the measured latencies.
 * A thread job says when it runs through a shared flag; a process job (no shared memory) is
 * given 50 ms to start. Then a second job is queued behind it, and the awaiting task cancelled.
 */
function cancelRunning(
  pool: asyncio.ThreadPoolExecutor | asyncio.ProcessPoolExecutor,
  until: Until,
): Promise<Measurement> {
  const shared = pool instanceof asyncio.ThreadPoolExecutor;
  return asyncio.run(async () => {
    const ms: number[] = [];
    try {
      await pool.submit(add, 1, 2); // the worker is up
      for (let i = 0; i < WARMUP + REPETITIONS; i++) {
        const flag = new Int32Array(new SharedArrayBuffer(4));
        const task = asyncio.createTask(() => pool.submit(spin, shared ? flag : undefined));
        if (shared) {
          while (Atomics.load(flag, 0) === 0) await asyncio.sleep(0.001);
        } else {
          await asyncio.sleep(0.05);
        }
        const next = pool.submit(add, i, 1);
        const start = performance.now();
        task.cancel();
        try {
          await task;
          throw new Error("the job was not cancelled");
        } catch (error) {
          if (!(error instanceof asyncio.CancelledError)) throw error;
        }
        const cancelled = performance.now();
        if ((await next) !== i + 1) throw new Error("wrong result");
        const done = performance.now();
        if (i >= WARMUP) ms.push((until === "cancelled" ? cancelled : done) - start);
      }
      return { ms };
    } finally {
      // Not waited for: the variant's process exits once it printed its figures.
      void pool.shutdown({ wait: false });
    }
  });
}

async function piscinaCancel(until: Until): Promise<Measurement> {
  const piscina = new Piscina({
    filename: new URL("./piscinaTasks.js", import.meta.url).href,
    minThreads: 1,
    maxThreads: 1,
  });
  const ms: number[] = [];
  await piscina.run({ a: 1, b: 2 }); // the worker is up
  for (let i = 0; i < WARMUP + REPETITIONS; i++) {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const controller = new AbortController();
    const running = piscina.run(flag, { name: "spin", signal: controller.signal });
    while (Atomics.load(flag, 0) === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    const next = piscina.run({ a: i, b: 1 });
    const start = performance.now();
    controller.abort();
    try {
      await running;
      throw new Error("the task was not aborted");
    } catch (error) {
      if ((error as Error).name !== "AbortError") throw error;
    }
    const aborted = performance.now();
    if ((await next) !== i + 1) throw new Error("wrong result");
    const done = performance.now();
    if (i >= WARMUP) ms.push((until === "cancelled" ? aborted : done) - start);
  }
  await piscina.destroy();
  return { ms };
}

const threads = (until: Until) => () =>
  cancelRunning(new asyncio.ThreadPoolExecutor({ maxWorkers: 1 }), until);
const processes = (until: Until) => () =>
  cancelRunning(new asyncio.ProcessPoolExecutor({ maxWorkers: 1 }), until);

await runVariantIfAsked(import.meta.url, {
  threadsCancelled: threads("cancelled"),
  threadsNext: threads("next"),
  processesCancelled: processes("cancelled"),
  processesNext: processes("next"),
  piscinaCancelled: () => piscinaCancel("cancelled"),
  piscinaNext: () => piscinaCancel("next"),
});

export function collect(): Report[] {
  const row = (label: string, variant: string): Row => ({
    label,
    measurement: measureInChild(import.meta.url, variant),
  });
  const description =
    "A job that never returns runs on a pool of one worker; once it runs, a second job is " +
    "queued behind it; " +
    `${REPETITIONS} cancellations (after ${WARMUP} unmeasured ones), each timed from ` +
    "`task.cancel()` (piscina: `abort()`)";
  const threadsCancelled = row("asyncio-ts ThreadPoolExecutor(1)", "threadsCancelled");
  const threadsNext = row("asyncio-ts ThreadPoolExecutor(1)", "threadsNext");
  return [
    {
      title: "Cancel a running job: until the awaiting task has its CancelledError",
      description: `${description} until the awaiting task has caught its CancelledError.`,
      subject: threadsCancelled.label,
      rows: [
        threadsCancelled,
        row("asyncio-ts ProcessPoolExecutor(1)", "processesCancelled"),
        row("piscina 5, 1 thread, AbortController (until the AbortError)", "piscinaCancelled"),
      ],
      targets: ["< 50 ms"],
      ratioHeading: "ThreadPoolExecutor speed relative to it",
      showMax: true,
    },
    {
      title: "Cancel a running job: until the job queued behind it ran on a replacement worker",
      description: `${description} until the job queued behind it has its result from the worker that replaced the stopped one.`,
      subject: threadsNext.label,
      rows: [
        threadsNext,
        row("asyncio-ts ProcessPoolExecutor(1)", "processesNext"),
        row("piscina 5, 1 thread, AbortController", "piscinaNext"),
      ],
      targets: [],
      ratioHeading: "ThreadPoolExecutor speed relative to it",
      showMax: true,
    },
  ];
}
