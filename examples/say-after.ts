/**
 * The `say_after` example of the asyncio documentation: awaited in turn it takes three
 * seconds, as two tasks it takes two.
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

async function sayAfter(delay: number, what: string): Promise<void> {
  await asyncio.sleep(delay);
  console.log(what);
}

function elapsed(start: number): string {
  return `${(asyncio.getRunningLoop().time() - start).toFixed(0)} s`;
}

/** "hello" after 1 s, "world" 2 s later: 3 s. */
export async function inTurn(): Promise<void> {
  const start = asyncio.getRunningLoop().time();
  console.log("started");
  await sayAfter(1, "hello");
  await sayAfter(2, "world");
  console.log(`finished after ${elapsed(start)}`);
}

/** Both as tasks: "hello" after 1 s, "world" after 2 s: 2 s. */
export async function asTasks(): Promise<void> {
  const start = asyncio.getRunningLoop().time();
  const task1 = asyncio.createTask(() => sayAfter(1, "hello"));
  const task2 = asyncio.createTask(() => sayAfter(2, "world"));
  console.log("started");
  await task1;
  await task2;
  console.log(`finished after ${elapsed(start)}`);
}

export async function main(): Promise<void> {
  await inTurn();
  await asTasks();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
