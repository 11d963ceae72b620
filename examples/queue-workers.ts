/**
 * Three workers share a queue of sleep times; `queue.join()` waits until every item is
 * processed, then the workers are cancelled and gathered. The example of the Queue page of
 * the asyncio docs.
 *
 * Python: `await queue.join()`, `task.cancel()` for each worker,
 * `await asyncio.gather(*tasks, return_exceptions=True)`.
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

async function worker(name: string, queue: asyncio.Queue<number>): Promise<never> {
  while (true) {
    // Get a "work item" out of the queue.
    const sleepFor = await queue.get();

    // Sleep for the "sleepFor" seconds.
    await asyncio.sleep(sleepFor);

    // Notify the queue that the "work item" has been processed.
    queue.taskDone();

    console.log(`${name} has slept for ${sleepFor.toFixed(2)} seconds`);
  }
}

/** `random.uniform(a, b)`. */
function uniform(a: number, b: number): number {
  return a + (b - a) * Math.random();
}

export async function main(): Promise<void> {
  // Create a queue that we will use to store our "workload".
  const queue = new asyncio.Queue<number>();

  // Generate random timings and put them into the queue.
  let totalSleepTime = 0;
  for (let i = 0; i < 20; i++) {
    const sleepFor = uniform(0.05, 1.0);
    totalSleepTime += sleepFor;
    queue.putNowait(sleepFor);
  }

  // Create three worker tasks to process the queue concurrently.
  const tasks: asyncio.Task<never>[] = [];
  for (let i = 0; i < 3; i++) {
    const task = asyncio.createTask(() => worker(`worker-${i}`, queue));
    tasks.push(task);
  }

  // Wait until the queue is fully processed. The loop's clock is monotonic, as
  // time.monotonic() (and virtual under a VirtualClock).
  const loop = asyncio.getRunningLoop();
  const startedAt = loop.time();
  await queue.join();
  const totalSleptFor = loop.time() - startedAt;

  // Cancel our worker tasks.
  for (const task of tasks) {
    task.cancel();
  }
  // Wait until all worker tasks are cancelled.
  await asyncio.gather(...tasks, { returnExceptions: true });

  console.log("====");
  console.log(`3 workers slept in parallel for ${totalSleptFor.toFixed(2)} seconds`);
  console.log(`total expected sleep time: ${totalSleepTime.toFixed(2)} seconds`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
