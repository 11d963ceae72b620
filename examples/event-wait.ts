/**
 * A task waits for an Event that the main task sets a second later. The notes' example (from
 * the asyncio documentation).
 *
 * Python:
 *   async def waiter(event):
 *       print('waiting for it ...')
 *       await event.wait()
 *       print('... got it!')
 *   async def main():
 *       event = asyncio.Event()
 *       waiter_task = asyncio.create_task(waiter(event))
 *       await asyncio.sleep(1)
 *       event.set()
 *       await waiter_task
 *   asyncio.run(main())
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

async function waiter(event: asyncio.Event): Promise<void> {
  console.log("waiting for it ...");
  await event.wait();
  console.log("... got it!");
}

export async function main(): Promise<void> {
  // Create an Event object.
  const event = new asyncio.Event();
  // Spawn a Task to wait until 'event' is set.
  const waiterTask = asyncio.createTask(() => waiter(event));
  // Sleep for 1 second and set the event.
  await asyncio.sleep(1);
  event.set();
  // Wait until the waiter task is finished.
  await waiterTask;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
