/**
 * The notes' two `say_after` programs as they print: the wall-clock time at the start and at
 * the end. Awaited in turn, "hello" and "world" take three seconds; as two tasks, two.
 *
 * Python, first program:
 *   import asyncio
 *   import time
 *
 *   async def say_after(delay, what):
 *       await asyncio.sleep(delay)
 *       print(what)
 *
 *   async def main():
 *       print(f"started at {time.strftime('%X')}")
 *
 *       await say_after(1, 'hello')
 *       await say_after(2, 'world')
 *
 *       print(f"finished at {time.strftime('%X')}")
 *
 *   asyncio.run(main())
 *
 * Second program, the same `say_after` with this `main`:
 *   async def main():
 *       task1 = asyncio.create_task(
 *           say_after(1, 'hello'))
 *
 *       task2 = asyncio.create_task(
 *           say_after(2, 'world'))
 *
 *       print(f"started at {time.strftime('%X')}")
 *
 *       # Wait until both tasks are completed (should take
 *       # around 2 seconds.)
 *       await task1
 *       await task2
 *
 *       print(f"finished at {time.strftime('%X')}")
 *
 * `node build/examples/say-after.js` runs the first, then the second.
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

async function sayAfter(delay: number, what: string): Promise<void> {
  await asyncio.sleep(delay);
  console.log(what);
}

/** `time.strftime('%X')`: the local time as HH:MM:SS. */
function horario(): string {
  return new Date().toTimeString().slice(0, 8);
}

/** The first program: one await after the other (three seconds). */
export async function emSequencia(): Promise<void> {
  console.log(`started at ${horario()}`);

  await sayAfter(1, "hello");
  await sayAfter(2, "world");

  console.log(`finished at ${horario()}`);
}

/** The second program: both as tasks, which wait at the same time (two seconds). */
export async function comTarefas(): Promise<void> {
  const task1 = asyncio.createTask(() => sayAfter(1, "hello"));

  const task2 = asyncio.createTask(() => sayAfter(2, "world"));

  console.log(`started at ${horario()}`);

  // Wait until both tasks are completed (should take
  // around 2 seconds.)
  await task1;
  await task2;

  console.log(`finished at ${horario()}`);
}

export async function main(): Promise<void> {
  await emSequencia();
  await comTarefas();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
