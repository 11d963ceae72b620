/**
 * A raw BullMQ worker process for bench/distributed.bench.ts: `node distributedRawWorker.js URL
 * QUEUE CONCURRENCY` runs `a + b` for each job, printing "ready" once it is.
 */
import { Worker } from "bullmq";

const [url, queue, concurrency] = process.argv.slice(2) as [string, string, string];
const worker = new Worker(queue, async (job) => job.data.a + job.data.b, {
  connection: { url, maxRetriesPerRequest: null },
  concurrency: Number(concurrency),
});
worker.on("error", () => {});
await worker.waitUntilReady();
console.log("ready");
process.on("SIGTERM", () => {
  void worker.close().then(() => process.exit(0));
});
