/**
 * CPU-bound speed-up of a pool of two workers over a pool of one: 8 jobs, each a loop of pure
 * CPU (about 200 ms), submitted at once and gathered. asyncio-ts's ThreadPoolExecutor and
 * ProcessPoolExecutor with 1 and 2 workers, beside the 8 jobs run one after another on the main
 * thread; CPython's ProcessPoolExecutor with 1 and 2 processes as a reference
 * (bench/executor_speedup.py; its loop is shorter, as a Python loop is slower).
 */
import * as asyncio from "asyncio-ts";
import type { Report, Row } from "./harness.js";
import { measureInChild, measurePython, runVariantIfAsked, timeRuns } from "./harness.js";

const JOBS = 8;
/** Iterations of a job's loop: about 200 ms of CPU in Node on the reference machine. */
const ITERATIONS = 100_000_000;
/** The same for CPython's loop (bench/executor_speedup.py). */
const PYTHON_ITERATIONS = 600_000;
const RUNS = 3;

/** A job of pure CPU: `n` rounds of a xorshift generator. */
const burn = (n: number): number => {
  let x = 2463534242;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  return x | 0;
};

function checkResults(results: readonly number[]): void {
  if (results.length !== JOBS || new Set(results).size !== 1) throw new Error("wrong results");
}

/** Times batches of JOBS jobs through `pool` (one unmeasured batch starts and warms it). */
function timePool(pool: asyncio.ThreadPoolExecutor | asyncio.ProcessPoolExecutor) {
  return asyncio.run(async () => {
    try {
      const ms = await timeRuns(
        async () => {
          const futures = [];
          for (let i = 0; i < JOBS; i++) futures.push(pool.submit(burn, ITERATIONS));
          checkResults(await asyncio.gather(futures));
        },
        RUNS,
        1,
      );
      return { ms };
    } finally {
      // Not waited for: the variant's process exits once it printed its figures.
      void pool.shutdown({ wait: false });
    }
  });
}

await runVariantIfAsked(import.meta.url, {
  threads1: () => timePool(new asyncio.ThreadPoolExecutor({ maxWorkers: 1 })),
  threads2: () => timePool(new asyncio.ThreadPoolExecutor({ maxWorkers: 2 })),
  processes1: () => timePool(new asyncio.ProcessPoolExecutor({ maxWorkers: 1 })),
  processes2: () => timePool(new asyncio.ProcessPoolExecutor({ maxWorkers: 2 })),
  async inline() {
    const ms = await timeRuns(
      async () => {
        const results = [];
        for (let i = 0; i < JOBS; i++) results.push(burn(ITERATIONS));
        checkResults(results);
      },
      RUNS,
      1,
    );
    return { ms };
  },
});

export function collect(): Report[] {
  const row = (label: string, variant: string): Row => ({
    label,
    measurement: measureInChild(import.meta.url, variant),
  });
  const python = (workers: number): Row => ({
    label: `CPython run_in_executor, ProcessPoolExecutor(${workers})`,
    measurement: measurePython(
      new URL("../../bench/executor_speedup.py", import.meta.url).pathname,
      [String(workers), String(JOBS), String(PYTHON_ITERATIONS)],
    ),
  });
  const inline = row("the 8 jobs one after another on the main thread, no pool", "inline");
  const threads2 = row("asyncio-ts ThreadPoolExecutor(2)", "threads2");
  const processes2 = row("asyncio-ts ProcessPoolExecutor(2)", "processes2");
  const python2 = python(2);
  const description = (what: string) =>
    `8 jobs of pure CPU (a loop, about 200 ms each) submitted at once to a warm pool and ` +
    `gathered, ${what}; ${RUNS} runs after an unmeasured one. The ratio of the pool of one ` +
    "is the speed-up of two workers.";
  return [
    {
      title: "CPU-bound speed-up, ThreadPoolExecutor(2) over ThreadPoolExecutor(1)",
      description: description("through worker threads"),
      subject: threads2.label,
      rows: [threads2, row("asyncio-ts ThreadPoolExecutor(1)", "threads1"), inline],
      targets: [">= 1.8× ThreadPoolExecutor(1) on 2 cores"],
      ratioHeading: "ThreadPoolExecutor(2) speed relative to it",
    },
    {
      title: "CPU-bound speed-up, ProcessPoolExecutor(2) over ProcessPoolExecutor(1)",
      description: description("through child processes"),
      subject: processes2.label,
      rows: [processes2, row("asyncio-ts ProcessPoolExecutor(1)", "processes1"), inline],
      targets: [">= 1.8× ProcessPoolExecutor(1) on 2 cores"],
      ratioHeading: "ProcessPoolExecutor(2) speed relative to it",
    },
    {
      title: "CPU-bound speed-up, CPython's ProcessPoolExecutor(2) over (1), for reference",
      description: description(
        `through CPython's processes (a loop of ${PYTHON_ITERATIONS.toLocaleString("en")} ` +
          "rounds: its times are not comparable with the Node rows above)",
      ),
      subject: python2.label,
      rows: [python2, python(1)],
      targets: [],
      ratioHeading: "CPython ProcessPoolExecutor(2) speed relative to it",
    },
  ];
}
