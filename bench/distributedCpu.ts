/**
 * CPU milliseconds per 10,000 tiny jobs through Redis, for the submitting process and for the
 * worker processes: QueueExecutor with `asyncio-ts worker` processes against raw BullMQ
 * (Queue.add + Worker + QueueEvents). Wall-clock figures are noisy on a shared machine; CPU time
 * is what the per-job overhead costs. `node build/bench/distributedCpu.js queue|raw WORKERS
 * [REDIS_URL]` prints one JSON line: the submitter's and the workers' CPU ms per batch (median
 * of 3 batches after 1 warm-up). Without REDIS_URL, BENCH_REDIS_URL or redis://127.0.0.1:6379.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { median } from "./harness.js";

const JOBS = 10_000;
const CONCURRENCY = 16;
const RUNS = 3;
const MAIN = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
const RAW_WORKER = fileURLToPath(new URL("./distributedRawWorker.js", import.meta.url));
const JOB_MODULE = new URL("./distributedJobs.js", import.meta.url);
const TOTAL = (JOBS * (JOBS - 1)) / 2 + JOBS;
const [kind = "queue", workersArg = "2", urlArg] = process.argv.slice(2);
const workers = Number(workersArg);
const url = urlArg ?? process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const queue = `cpu-${process.pid}`;

function checkTotal(results: readonly number[]): void {
  let sum = 0;
  for (const result of results) sum += result;
  if (results.length !== JOBS || sum !== TOTAL) throw new Error("wrong results");
}

/** CPU milliseconds (user + system) a child has used, from /proc. */
function childCpuMs(child: ChildProcess): number {
  const stat = readFileSync(`/proc/${child.pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

async function startWorkers(): Promise<ChildProcess[]> {
  const args =
    kind === "queue"
      ? [MAIN, "worker", "--redis", url, "--queue", queue, "--concurrency", String(CONCURRENCY)]
      : [RAW_WORKER, url, queue, String(CONCURRENCY)];
  return await Promise.all(
    Array.from({ length: workers }, async () => {
      const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
      await new Promise<void>((resolve, reject) => {
        let output = "";
        child.on("exit", (code) => reject(new Error(`worker exited with ${code}`)));
        child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
          output += chunk;
          if (/ready/.test(output)) resolve();
        });
      });
      return child;
    }),
  );
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

const children = await startWorkers();
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
    const { Queue, QueueEvents } = await import("bullmq");
    const connection = { url, maxRetriesPerRequest: null };
    const producer = new Queue(queue, { connection, streams: { events: { maxLen: 100_000 } } });
    const events = new QueueEvents(queue, { connection, lastEventId: "0-0" });
    await Promise.all([producer.waitUntilReady(), events.waitUntilReady()]);
    const waiting = new Map<string, (value: number) => void>();
    events.on("completed", ({ jobId, returnvalue }) => {
      waiting.get(jobId)?.(returnvalue as unknown as number);
      waiting.delete(jobId);
    });
    let next = 0;
    result = await measure(async () => {
      const results: Promise<number>[] = [];
      for (let i = 0; i < JOBS; i++) {
        const jobId = `j${++next}`;
        results.push(new Promise((resolve) => waiting.set(jobId, resolve)));
        void producer.add("add", { a: i, b: 1 }, { jobId, removeOnComplete: { age: 60 } });
      }
      checkTotal(await Promise.all(results));
    }, children);
    await events.close();
    await producer.close();
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  for (const child of children) child.kill("SIGKILL");
}
