/**
 * asyncio-ts/distributed: 10,000 tiny jobs (`a + b`) through Redis with 1, 2 and 4 worker
 * processes — QueueExecutor (`submit` each, then `gather`) with `asyncio-ts worker` processes,
 * against raw BullMQ 6 (`Queue.add` each, raw `Worker` processes running the same function,
 * `QueueEvents` "completed" for each) and against the local ProcessPoolExecutor with as many
 * processes; the latency of one job at a time (p50, p99); and CPU-bound jobs on 1 vs 2
 * workers. Both queue variants run their workers with concurrency 16 (tiny jobs wait on Redis
 * round trips, not on the CPU) and use the same Redis, started here on a free port with
 * `--save '' --appendonly no`; each run uses a fresh queue.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as asyncio from "asyncio-ts";
import { REDIS_BINARY, redisServerArgs } from "../examples/shared/redisServer.js";
import {
  CONCURRENCY,
  checkTotal,
  JOB_MODULE,
  JOBS,
  openRawSubmitter,
  startWorkers,
  stopWorkers,
} from "./distributedSetup.js";
import type { Measurement, Report, Row } from "./harness.js";
import { measureInChild, median, runVariantIfAsked, timeRuns } from "./harness.js";

const LATENCY_JOBS = 500;
const CPU_JOBS = 8;
const CPU_N = 1_500_000;
/** Runs of the CPU-bound case: on 2 cores shared with Redis and the submitter, 3 vary by ±10%. */
const CPU_RUNS = 5;
const url = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
let queues = 0;
const freshQueue = () => `bench-${process.pid}-${++queues}`;

/** QueueExecutor: `runs` batches of JOBS jobs through `workers` asyncio-ts workers. */
function queueThroughput(workers: number): Promise<Measurement> {
  return asyncio.run(async () => {
    const { QueueExecutor } = await import("asyncio-ts/distributed");
    const queue = freshQueue();
    const children = await asyncio.wrap(startWorkers("asyncio", url, queue, workers, CONCURRENCY));
    const executor = new QueueExecutor({
      connection: url,
      queue,
      jobOptions: { keepFinished: 60 },
    });
    try {
      const job = { module: JOB_MODULE, export: "add" };
      const ms = await timeRuns(
        async () => {
          const futures = [];
          for (let i = 0; i < JOBS; i++) futures.push(executor.submit<number>(job, i, 1));
          checkTotal(await asyncio.gather(futures));
        },
        3,
        1,
      );
      return { ms };
    } finally {
      await executor.shutdown();
      stopWorkers(children);
    }
  });
}

/** Raw BullMQ: Queue.add for each job, QueueEvents "completed" for each result. */
async function rawThroughput(workers: number): Promise<Measurement> {
  const queue = freshQueue();
  const children = await startWorkers("raw", url, queue, workers, CONCURRENCY);
  const submitter = await openRawSubmitter(url, queue);
  try {
    return { ms: await timeRuns(() => submitter.batch(), 3, 1) };
  } finally {
    await submitter.close();
    stopWorkers(children);
  }
}

/** ProcessPoolExecutor(workers) with the same job module, for reference. */
function poolThroughput(workers: number): Promise<Measurement> {
  return asyncio.run(async () => {
    await using pool = new asyncio.ProcessPoolExecutor({ maxWorkers: workers });
    const job = { module: JOB_MODULE, export: "add" };
    const ms = await timeRuns(
      async () => {
        const futures = [];
        for (let i = 0; i < JOBS; i++) futures.push(pool.submit<number>(job, i, 1));
        checkTotal(await asyncio.gather(futures));
      },
      3,
      1,
    );
    return { ms };
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] as number;
}

/** One job at a time, LATENCY_JOBS times, through one worker: p50 and p99 milliseconds. */
async function latency(kind: "asyncio" | "raw"): Promise<Measurement & { p99: number[] }> {
  const queue = freshQueue();
  const children = await startWorkers(kind, url, queue, 1, 1);
  const samples: number[] = [];
  try {
    if (kind === "asyncio") {
      await asyncio.run(async () => {
        const { QueueExecutor } = await import("asyncio-ts/distributed");
        await using executor = new QueueExecutor({
          connection: url,
          queue,
          jobOptions: { keepFinished: 60 },
        });
        const job = { module: JOB_MODULE, export: "add" };
        for (let i = 0; i < LATENCY_JOBS + 50; i++) {
          const start = performance.now();
          await executor.submit(job, i, 1);
          if (i >= 50) samples.push(performance.now() - start);
        }
      });
    } else {
      const { Queue, QueueEvents } = await import("bullmq");
      const connection = { url, maxRetriesPerRequest: null };
      const producer = new Queue(queue, { connection });
      // From the start of the (fresh) stream: "$", the default, may miss the first events.
      const events = new QueueEvents(queue, { connection, lastEventId: "0-0" });
      await Promise.all([producer.waitUntilReady(), events.waitUntilReady()]);
      for (let i = 0; i < LATENCY_JOBS + 50; i++) {
        const start = performance.now();
        const done = new Promise((resolve) =>
          (events as unknown as NodeJS.EventEmitter).once(`completed:l${i}`, resolve),
        );
        await producer.add(
          "add",
          { a: i, b: 1 },
          { jobId: `l${i}`, removeOnComplete: { age: 60 } },
        );
        await done;
        if (i >= 50) samples.push(performance.now() - start);
      }
      await events.close();
      await producer.close();
    }
  } finally {
    stopWorkers(children);
  }
  return { ms: [percentile(samples, 50)], p99: [percentile(samples, 99)] };
}

/** CPU_JOBS CPU-bound jobs through `workers` asyncio-ts workers of concurrency 1. */
function cpu(workers: number): Promise<Measurement> {
  return asyncio.run(async () => {
    const { QueueExecutor } = await import("asyncio-ts/distributed");
    const queue = freshQueue();
    const children = await asyncio.wrap(startWorkers("asyncio", url, queue, workers, 1));
    try {
      await using executor = new QueueExecutor({
        connection: url,
        queue,
        jobOptions: { keepFinished: 60 },
      });
      const job = { module: JOB_MODULE, export: "countPrimes" };
      const ms = await timeRuns(
        async () => {
          await asyncio.gather(Array.from({ length: CPU_JOBS }, () => executor.submit(job, CPU_N)));
        },
        CPU_RUNS,
        1,
      );
      return { ms };
    } finally {
      stopWorkers(children);
    }
  });
}

await runVariantIfAsked(import.meta.url, {
  "queue-1": () => queueThroughput(1),
  "queue-2": () => queueThroughput(2),
  "queue-4": () => queueThroughput(4),
  "raw-1": () => rawThroughput(1),
  "raw-2": () => rawThroughput(2),
  "raw-4": () => rawThroughput(4),
  // Raw BullMQ in a process that runs an asyncio loop: what Node 20's AsyncLocalStorage costs it.
  "raw-in-loop-2": () => asyncio.run(() => asyncio.wrap(rawThroughput(2))),
  "pool-1": () => poolThroughput(1),
  "pool-2": () => poolThroughput(2),
  "pool-4": () => poolThroughput(4),
  "latency-asyncio": () => latency("asyncio"),
  "latency-raw": () => latency("raw"),
  "cpu-1": () => cpu(1),
  "cpu-2": () => cpu(2),
});

/** Starts a redis-server for the variants (on a free port in a temp dir), or null without one. */
function startRedis(): { url: string; stop(): void } | null {
  if (spawnSync(REDIS_BINARY, ["--version"], { stdio: "ignore" }).status !== 0) return null;
  const port = 20_000 + (process.pid % 20_000);
  const dir = mkdtempSync(join(tmpdir(), "asyncio-ts-bench-redis-"));
  const child = spawn(REDIS_BINARY, redisServerArgs(port, dir), { stdio: "ignore" });
  const ping = `import("ioredis").then(async ({ Redis }) => { const r = new Redis(${port}, "127.0.0.1", { maxRetriesPerRequest: 0, retryStrategy: () => null }); try { await r.ping(); process.exit(0); } catch { process.exit(1); } })`;
  for (let i = 0; i < 100; i++) {
    try {
      execFileSync(process.execPath, ["--input-type=module", "-e", ping], { stdio: "ignore" });
      break;
    } catch {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop() {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function collect(): Report[] {
  const redis = startRedis();
  const measure = (name: string): Measurement | null => {
    if (redis === null) return null;
    process.env.BENCH_REDIS_URL = redis.url;
    return measureInChild(import.meta.url, name);
  };
  try {
    const reports: Report[] = [];
    for (const workers of [1, 2, 4]) {
      const subject = `QueueExecutor, ${workers} asyncio-ts worker${workers > 1 ? "s" : ""}`;
      const rows: Row[] = [
        { label: subject, measurement: measure(`queue-${workers}`) },
        {
          label: `raw BullMQ, ${workers} Worker process${workers > 1 ? "es" : ""}`,
          measurement: measure(`raw-${workers}`),
        },
        {
          label: `ProcessPoolExecutor(${workers}), local`,
          measurement: measure(`pool-${workers}`),
        },
      ];
      const ours = rows[0]?.measurement?.ms;
      const jobsPerSecond =
        ours === undefined ? "n/a" : Math.round((JOBS * 1000) / median(ours)).toLocaleString("en");
      reports.push({
        title: `Distributed throughput, 10,000 tiny jobs through Redis, ${workers} worker process${workers > 1 ? "es" : ""}`,
        description: `10,000 jobs \`a + b\` submitted at once and gathered; workers with concurrency ${CONCURRENCY}. QueueExecutor: ${jobsPerSecond} jobs/s.`,
        subject,
        rows,
        targets: ["≤ 15% overhead over raw BullMQ (≥ 0.87×)"],
      });
    }
    const latencyAsyncio = measure("latency-asyncio") as (Measurement & { p99?: number[] }) | null;
    const latencyRaw = measure("latency-raw") as (Measurement & { p99?: number[] }) | null;
    for (const [which, pick] of [
      ["p50", (m: (Measurement & { p99?: number[] }) | null) => m],
      [
        "p99",
        (m: (Measurement & { p99?: number[] }) | null) =>
          m?.p99 === undefined ? null : { ms: m.p99 },
      ],
    ] as const) {
      reports.push({
        title: `Distributed latency, one job at a time, ${which}`,
        description: `${LATENCY_JOBS} jobs \`a + b\` one after the other through one worker (concurrency 1): the ${which} of submit-to-result milliseconds.`,
        subject: "QueueExecutor + asyncio-ts worker",
        rows: [
          { label: "QueueExecutor + asyncio-ts worker", measurement: pick(latencyAsyncio) },
          { label: "raw BullMQ Queue.add + Worker + QueueEvents", measurement: pick(latencyRaw) },
        ],
        targets: [],
      });
    }
    reports.push({
      title: "Distributed CPU-bound speed-up, 2 asyncio-ts workers over 1",
      description: `${CPU_JOBS} jobs counting the primes below ${CPU_N.toLocaleString("en")} through 1 and 2 worker processes (concurrency 1).`,
      subject: "2 asyncio-ts workers",
      rows: [
        { label: "2 asyncio-ts workers", measurement: measure("cpu-2") },
        { label: "1 asyncio-ts worker", measurement: measure("cpu-1") },
      ],
      targets: ["2 workers ≥ 1.7× one"],
      ratioHeading: "speed-up of 2 workers over it",
    });
    return reports;
  } finally {
    redis?.stop();
  }
}
