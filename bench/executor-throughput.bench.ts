/**
 * Executor throughput: 10,000 tiny jobs (`a + b`) through a pool of two workers, submitted at
 * once and gathered, as a user hands a batch to a pool. asyncio-ts's ThreadPoolExecutor and
 * ProcessPoolExecutor (`pool.submit(add, i, 1)` for each, then `gather`), against piscina 5
 * (two threads, `piscina.run({ a, b })` for each, then `Promise.all`) and CPython's
 * `loop.run_in_executor` with a ThreadPoolExecutor and a ProcessPoolExecutor of two workers
 * (bench/executor_throughput.py). Every pool is started and warmed before timing; a run times
 * only the 10,000 jobs.
 */
import * as asyncio from "asyncio-ts";
import { Piscina } from "piscina";
import type { Report, Row } from "./harness.js";
import { measureInChild, measurePython, runVariantIfAsked, timeRuns } from "./harness.js";

const JOBS = 10_000;
const WORKERS = 2;
const PROCESSES = 3;
/** The sum of the results of one batch: (0 + 1) + (1 + 1) + … + (JOBS - 1 + 1). */
const TOTAL = (JOBS * (JOBS - 1)) / 2 + JOBS;

const add = (a: number, b: number): number => a + b;

function checkTotal(results: readonly number[]): void {
  let sum = 0;
  for (const result of results) sum += result;
  if (results.length !== JOBS || sum !== TOTAL) throw new Error("wrong results");
}

/** Times batches of JOBS jobs through `pool` (the warm-up runs start and warm its workers). */
function timePool(pool: asyncio.ThreadPoolExecutor | asyncio.ProcessPoolExecutor) {
  return asyncio.run(async () => {
    try {
      const ms = await timeRuns(async () => {
        const futures = [];
        for (let i = 0; i < JOBS; i++) futures.push(pool.submit(add, i, 1));
        checkTotal(await asyncio.gather(futures));
      });
      return { ms };
    } finally {
      // Not waited for: the variant's process exits once it printed its figures.
      void pool.shutdown({ wait: false });
    }
  });
}

await runVariantIfAsked(import.meta.url, {
  threads: () => timePool(new asyncio.ThreadPoolExecutor({ maxWorkers: WORKERS })),
  processes: () => timePool(new asyncio.ProcessPoolExecutor({ maxWorkers: WORKERS })),
  async piscina() {
    const piscina = new Piscina<{ a: number; b: number }, number>({
      filename: new URL("./piscinaTasks.js", import.meta.url).href,
      minThreads: WORKERS,
      maxThreads: WORKERS,
    });
    const ms = await timeRuns(async () => {
      const runs = [];
      for (let i = 0; i < JOBS; i++) runs.push(piscina.run({ a: i, b: 1 }));
      checkTotal(await Promise.all(runs));
    });
    await piscina.destroy();
    return { ms };
  },
});

export function collect(): Report[] {
  const script = new URL("../../bench/executor_throughput.py", import.meta.url).pathname;
  const args = (kind: string) => [kind, String(JOBS), String(WORKERS)];
  const threads: Row = {
    label: "asyncio-ts ThreadPoolExecutor(2), submit + gather",
    measurement: measureInChild(import.meta.url, "threads", [], PROCESSES),
  };
  const processes: Row = {
    label: "asyncio-ts ProcessPoolExecutor(2), submit + gather",
    measurement: measureInChild(import.meta.url, "processes", [], PROCESSES),
  };
  const piscina: Row = {
    label: "piscina 5, 2 threads, run + Promise.all",
    measurement: measureInChild(import.meta.url, "piscina", [], PROCESSES),
  };
  const pythonThreads: Row = {
    label: "CPython run_in_executor, ThreadPoolExecutor(2)",
    measurement: measurePython(script, args("thread"), PROCESSES),
  };
  const pythonProcesses: Row = {
    label: "CPython run_in_executor, ProcessPoolExecutor(2)",
    measurement: measurePython(script, args("process")),
  };
  const description =
    "10,000 jobs `(a, b) => a + b` submitted at once to a warm pool of two workers and " +
    `gathered; each run times the 10,000 jobs (${PROCESSES} processes of 7 runs for asyncio-ts ` +
    `and piscina, ${PROCESSES} of 5 for CPython's threads, 1 of 5 for CPython's processes, ` +
    "whose runs take seconds).";
  return [
    {
      title: "Executor throughput, 10,000 tiny jobs through 2 threads",
      description,
      subject: threads.label,
      rows: [threads, piscina, pythonThreads, pythonProcesses],
      targets: [">= 1.5× piscina", ">= 3× CPython ProcessPoolExecutor"],
      ratioHeading: "ThreadPoolExecutor speed relative to it",
    },
    {
      title: "Executor throughput, 10,000 tiny jobs through 2 processes",
      description,
      subject: processes.label,
      rows: [processes, pythonProcesses, pythonThreads],
      targets: [">= 1.5× CPython ProcessPoolExecutor"],
      ratioHeading: "ProcessPoolExecutor speed relative to it",
    },
  ];
}
