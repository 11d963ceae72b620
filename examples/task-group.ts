/**
 * A TaskGroup waits for its three tasks; in the second group one task fails, the group
 * cancels the task still running and raises an `ExceptionGroup` with the failure.
 *
 * Python: `async with asyncio.TaskGroup() as group: task1 = group.create_task(coro1()) ...`
 * and the same inside `try: ... except ExceptionGroup as error:`
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";
import { pythonRepr } from "./python-repr.js";

class ValueError extends Error {}

async function coro(number: number, delay: number): Promise<number> {
  console.log(`Task ${number} started`);
  try {
    await asyncio.sleep(delay);
  } catch (error) {
    if (error instanceof asyncio.CancelledError) console.log(`Task ${number} cancelled`);
    throw error;
  }
  console.log(`Task ${number} finished`);
  return number * 10;
}

async function failing(number: number, delay: number): Promise<never> {
  console.log(`Task ${number} started`);
  await asyncio.sleep(delay);
  throw new ValueError(`task ${number} failed`);
}

export async function main(): Promise<void> {
  // create a taskgroup: the call returns once every task of the group is done
  const [task1, task2, task3] = await asyncio.taskGroup(async (group) => [
    group.createTask(() => coro(1, 1)),
    group.createTask(() => coro(2, 3)),
    group.createTask(() => coro(3, 2)),
  ]);
  console.log(`All done: ${task1.result()}, ${task2.result()}, ${task3.result()}`);

  let first: asyncio.Task<number> | undefined;
  let third: asyncio.Task<number> | undefined;
  try {
    await asyncio.taskGroup(async (group) => {
      first = group.createTask(() => coro(1, 1));
      group.createTask(() => failing(2, 2));
      third = group.createTask(() => coro(3, 3));
    });
  } catch (error) {
    if (!(error instanceof asyncio.ExceptionGroup)) throw error;
    // all non-done tasks are cancelled
    for (const exception of error.exceptions)
      console.log(`Failed: ${(exception as Error).message}`);
  }
  const done = pythonRepr(first?.done());
  const cancelled = pythonRepr(third?.cancelled());
  console.log(`Task 1 done: ${done}, task 3 cancelled: ${cancelled}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
