/**
 * `npm run demo`: a short tour of asyncio-ts in real time (about five seconds).
 */
import * as asyncio from "asyncio-ts";

async function worker(name: string, seconds: number): Promise<string> {
  console.log(`  ${name} starts, sleeps ${seconds} s`);
  await asyncio.sleep(seconds);
  console.log(`  ${name} done`);
  return name;
}

async function main(): Promise<void> {
  const loop = asyncio.getRunningLoop();
  const start = loop.time();
  const elapsed = () => `${(loop.time() - start).toFixed(1)} s`;

  console.log("1. Three tasks sleep at the same time:");
  const tasks = [
    asyncio.createTask(() => worker("A", 1)),
    asyncio.createTask(() => worker("B", 1.5)),
    asyncio.createTask(() => worker("C", 0.5)),
  ];
  for (const task of tasks) await task;
  console.log(`   all done after ${elapsed()}\n`);

  console.log("2. A Future shared by two tasks:");
  const config = new asyncio.Future<string>();
  const reader = asyncio.createTask(async () => {
    console.log("  reader waits for the configuration");
    console.log(`  reader got ${await config}`);
  });
  await asyncio.sleep(0.5);
  config.setResult("{ timeout: 5 }");
  await reader;
  console.log("");

  console.log("3. Cancelling a task delivers CancelledError at its await:");
  const sleeper = asyncio.createTask(async () => {
    try {
      await asyncio.sleep(3600);
    } finally {
      console.log("  sleeper cleans up in finally");
    }
  });
  await asyncio.sleep(0.5);
  sleeper.cancel("no longer needed");
  try {
    await sleeper;
  } catch (error) {
    if (!(error instanceof asyncio.CancelledError)) throw error;
    console.log(`  ${error.name}: ${error.message}; cancelled() = ${sleeper.cancelled()}`);
  }
  console.log("");

  console.log("4. A TaskGroup under a timeout: the group is cancelled as a whole:");
  try {
    await asyncio.timeout(1, () =>
      asyncio.taskGroup(async (tg) => {
        tg.createTask(() => worker("fast", 0.2));
        tg.createTask(() => worker("slow", 10));
      }),
    );
  } catch (error) {
    if (!(error instanceof asyncio.TimeoutError)) throw error;
    console.log(`  ${error.name} after ${elapsed()}: the slow child was cancelled`);
  }
  console.log("");

  console.log("5. A producer and two consumers share a Queue(2):");
  const queue = new asyncio.Queue<number>(2);
  const consumers = ["X", "Y"].map((name) =>
    asyncio.createTask(async () => {
      for await (const item of queue) {
        await asyncio.sleep(0.1);
        console.log(`  ${name} handled item ${item}`);
        queue.taskDone();
      }
    }),
  );
  for (let item = 1; item <= 4; item++) await queue.put(item);
  await queue.join();
  queue.shutdown();
  for (const consumer of consumers) await consumer;
  console.log(`\nTour finished after ${elapsed()}.`);
}

await asyncio.run(main);
