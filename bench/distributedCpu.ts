/**
 * CPU milliseconds per 10,000 tiny jobs through Redis, for the submitting process and for the
 * worker processes: QueueExecutor with `asyncio-ts worker` processes against raw BullMQ
 * (Queue.add + Worker + QueueEvents). Wall-clock figures are noisy on a shared machine; CPU time
 * is what the per-job overhead costs. `node build/bench/distributedCpu.js queue|raw WORKERS
 * [REDIS_URL]` prints one JSON line: the submitter's and the workers' CPU ms per batch (median
 * of 3 batches after 1 warm-up). Without REDIS_URL, BENCH_REDIS_URL or redis://127.0.0.1:6379.
 */
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import {
  CONCURRENCY,
  checkTotal,
  JOB_MODULE,
  JOBS,
  openRawSubmitter,
  startWorkers,
  stopWorkers,
} from "./distributedSetup.js";
import { median } from "./harness.js";

const RUNS = 3;
const [kind = "queue", workersArg = "2", urlArg] = process.argv.slice(2);
const workers = Number(workersArg);
const url = urlArg ?? process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const queue = `cpu-${process.pid}`;

/** CPU milliseconds (user + system) a child has used, from /proc. */
function childCpuMs(child: ChildProcess): number {
  const stat = readFileSync(`/proc/${child.pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

async function measure(batch: () => Promise<void>, children: ChildProcess[]) {
  await batch();
  const submitter: number[] = [];
  const worker: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const before = process.cpuUsage();
    const childBefore = children.map(childCpuMs);
    const start = performance.now();
    await batch();
    wall.push(performance.now() - start);
    const used = process.cpuUsage(before);
    submitter.push((used.user + used.system) / 1000);
    worker.push(children.reduce((sum, child, j) => sum + childCpuMs(child) - childBefore[j]!, 0));
  }
  return {
    kind,
    workers,
    submitterCpuMs: Math.round(median(submitter)),
    workersCpuMs: Math.round(median(worker)),
    wallMs: Math.round(median(wall)),
  };
}

const children = await startWorkers(
  kind === "queue" ? "asyncio" : "raw",
  url,
  queue,
  workers,
  CONCURRENCY,
);
try {
  let result: unknown;
  if (kind === "queue") {
    const asyncio = await import("asyncio-ts");
    result = await asyncio.run(async () => {
      const { QueueExecutor } = await import("asyncio-ts/distributed");
      await using executor = new QueueExecutor({
        connection: url,
        queue,
        jobOptions: { keepFinished: 60 },
      });
      const job = { module: JOB_MODULE, export: "add" };
      return await asyncio.wrap(
        measure(async () => {
          const futures = [];
          for (let i = 0; i < JOBS; i++) futures.push(executor.submit<number>(job, i, 1));
          checkTotal(await asyncio.gather(futures));
        }, children),
      );
    });
  } else {
    const submitter = await openRawSubmitter(url, queue);
    result = await measure(() => submitter.batch(), children);
    await submitter.close();
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  stopWorkers(children);
}
