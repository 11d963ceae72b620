/**
 * What the distributed benchmarks share (bench/distributed.bench.ts for wall-clock time,
 * bench/distributedCpu.ts for CPU time): the batch of tiny jobs and its check, the worker
 * processes (`asyncio-ts worker` or a raw BullMQ Worker), and the raw BullMQ submitter that
 * QueueExecutor is compared with.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Jobs per batch. */
export const JOBS = 10_000;
/** Jobs each worker runs at once in the throughput batches (tiny jobs wait on Redis). */
export const CONCURRENCY = 16;
/** The module of the job functions (`add`, `countPrimes`). */
export const JOB_MODULE = new URL("./distributedJobs.js", import.meta.url);
const MAIN = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
const RAW_WORKER = fileURLToPath(new URL("./distributedRawWorker.js", import.meta.url));
const TOTAL = (JOBS * (JOBS - 1)) / 2 + JOBS;

/** Throws unless `results` are those of a batch: `add(i, 1)` for i below JOBS. */
export function checkTotal(results: readonly number[]): void {
  let sum = 0;
  for (const result of results) sum += result;
  if (results.length !== JOBS || sum !== TOTAL) throw new Error("wrong results");
}

/** Starts `args` with node and waits for its ready line. */
async function startProcess(args: string[], ready: RegExp): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    let output = "";
    child.on("exit", (code) => reject(new Error(`${args.join(" ")} exited with ${code}`)));
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
      if (ready.test(output)) resolve();
    });
  });
  return child;
}

/** `count` worker processes of `queue` on the Redis at `url`, once each is ready. */
export async function startWorkers(
  kind: "asyncio" | "raw",
  url: string,
  queue: string,
  count: number,
  concurrency: number,
): Promise<ChildProcess[]> {
  const args =
    kind === "asyncio"
      ? [MAIN, "worker", "--redis", url, "--queue", queue, "--concurrency", String(concurrency)]
      : [RAW_WORKER, url, queue, String(concurrency)];
  return await Promise.all(
    Array.from({ length: count }, () =>
      startProcess(args, kind === "asyncio" ? /: ready/ : /ready/),
    ),
  );
}

export function stopWorkers(children: ChildProcess[]): void {
  for (const child of children) child.kill("SIGKILL");
}

/** Raw BullMQ's side of the comparison: Queue.add for each job, QueueEvents "completed" for each result. */
export interface RawSubmitter {
  /** Submits a batch of JOBS jobs and checks their results. */
  batch(): Promise<void>;
  close(): Promise<void>;
}

export async function openRawSubmitter(url: string, queue: string): Promise<RawSubmitter> {
  const { Queue, QueueEvents } = await import("bullmq");
  const connection = { url, maxRetriesPerRequest: null };
  // As QueueExecutor does: a stream long enough that no event is trimmed before it is read.
  const producer = new Queue(queue, { connection, streams: { events: { maxLen: 100_000 } } });
  // From the start of the (fresh) stream: "$", the default, may miss the first events.
  const events = new QueueEvents(queue, { connection, lastEventId: "0-0" });
  await Promise.all([producer.waitUntilReady(), events.waitUntilReady()]);
  const waiting = new Map<string, (value: number) => void>();
  events.on("completed", ({ jobId, returnvalue }) => {
    waiting.get(jobId)?.(returnvalue as unknown as number);
    waiting.delete(jobId);
  });
  let next = 0;
  return {
    async batch() {
      const results: Promise<number>[] = [];
      for (let i = 0; i < JOBS; i++) {
        const jobId = `j${++next}`;
        results.push(new Promise((resolve) => waiting.set(jobId, resolve)));
        void producer.add("add", { a: i, b: 1 }, { jobId, removeOnComplete: { age: 60 } });
      }
      checkTotal(await Promise.all(results));
    },
    async close() {
      await events.close();
      await producer.close();
    },
  };
}
