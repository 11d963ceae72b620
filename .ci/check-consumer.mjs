// Type-checks a small consumer of the published package, as a user's project would compile it
// (see consumerProject.mjs: strict, NodeNext, every shipped .d.ts checked). Build first.
//
// Usage: node .ci/check-consumer.mjs [--keep]   (--keep leaves the temp project for a look)
import { typeCheckAsConsumer } from "./consumerProject.mjs";

const keep = process.argv.includes("--keep");

const CONSUMER = `import * as asyncio from "asyncio-ts";
import { VirtualClock } from "asyncio-ts/testing";
import { ClientError, ClientSession, ClientTimeout, TCPConnector } from "asyncio-ts/http";
import type { ClientResponse } from "asyncio-ts/http";
import { QueueExecutor, QueueWorker, JobRemovedError, WorkerLostError } from "asyncio-ts/distributed";
import type { QueueExecutorOptions, QueueWorkerOptions } from "asyncio-ts/distributed";
import * as sqlite from "asyncio-ts/sqlite";

async function fetchValue(n: number): Promise<number> {
  await asyncio.sleep(0.1);
  return n * 2;
}

const total: number = await asyncio.run(
  async () => {
    const task: asyncio.Task<number> = asyncio.createTask(() => fetchValue(1), { name: "one" });
    const [a, b]: [number, string] = await asyncio.gather(task, async () => "two");

    const lock = new asyncio.Lock();
    await lock.with(async () => {
      await asyncio.sleep("150ms");
    });

    const queue = new asyncio.Queue<number>({ maxsize: 2 });
    await queue.put(a);
    const item: number = await queue.get();
    queue.taskDone();

    const doubled: number[] = [];
    await asyncio.taskGroup(async (tg: asyncio.TaskGroup) => {
      for (const n of [1, 2, 3]) tg.createTask(async () => doubled.push(await fetchValue(n)));
    });

    const late: string = await asyncio.timeout(5, async (cm: asyncio.Timeout) => {
      cm.reschedule(null);
      return b;
    });

    try {
      await asyncio.timeout(1, () => asyncio.sleep(3600));
    } catch (err) {
      if (!(err instanceof asyncio.TimeoutError)) throw err;
    }
    return item + doubled.length + late.length;
  },
  { clock: new VirtualClock({ autojump: true }) },
);
console.log(total);

async function fetchText(url: string): Promise<string | null> {
  const connector = new TCPConnector({ limit: 10, limitPerHost: 2 });
  await using session = new ClientSession({ connector, timeout: new ClientTimeout({ total: 5 }) });
  try {
    await using response: ClientResponse = await session.get(url, { params: { q: "x" } });
    response.raiseForStatus();
    return await response.text();
  } catch (err) {
    if (err instanceof ClientError) return null;
    throw err;
  }
}
void fetchText;
// asyncio-ts/distributed: its declarations need none of bullmq's or ioredis' types.
async function distributed(options: QueueExecutorOptions, workerOptions: QueueWorkerOptions): Promise<number> {
  await using executor = new QueueExecutor(options);
  const job = { module: new URL("./jobs.js", import.meta.url), export: "fib" };
  const n: number = await executor.submit<number>(job, 30);
  const viaLoop = await asyncio.getRunningLoop().runInExecutor(executor, job, 31);
  for await (const value of executor.map<number>(job, [1, 2], { timeout: 5 })) console.log(value);
  await using worker = new QueueWorker(workerOptions);
  await worker.start();
  const lost: boolean = new Error() instanceof WorkerLostError || new Error() instanceof JobRemovedError;
  return n + Number(viaLoop) + Number(lost);
}
void distributed;
await asyncio.run(async () => {
  await using db: sqlite.Connection = await sqlite.connect(":memory:", { isolationLevel: null });
  await using cursor: sqlite.Cursor = await db.execute("SELECT ? AS n", [1]);
  const row: sqlite.Row | null = await cursor.fetchone();
  const objects: { n: number }[] = await db.executeFetchall<{ n: number }>("SELECT 1 AS n");
  if (!(row !== null && objects.length === 1) || !(new sqlite.IntegrityError("x") instanceof sqlite.Error)) throw new Error();
});
`;

const result = typeCheckAsConsumer({ "consumer.ts": CONSUMER }, { label: "check-consumer", keep });
if (result.ok) {
  console.log("check-consumer: consumer.ts type-checks against the published declarations");
  if (keep) console.log(`check-consumer: kept ${result.dir}`);
} else {
  process.stdout.write(result.output);
  console.error(
    `check-consumer: a consumer of asyncio-ts does not type-check (kept ${result.dir})`,
  );
}
process.exitCode = result.ok ? 0 : 1;
