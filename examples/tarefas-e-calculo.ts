/**
 * While two tasks wait on their sleeps, the main coroutine computes something. The tasks have
 * not even started when the computation runs: `createTask` schedules them, and they run once
 * `main` reaches its first `await`. So the result comes first, then "hello" and "world".
 *
 * Python (the notes' fragment, completed with `say_after` from the example before it and an
 * `execute_math_operation` that sums squares):
 *   import asyncio
 *
 *   async def say_after(delay, what):
 *       await asyncio.sleep(delay)
 *       print(what)
 *
 *   def execute_math_operation():
 *       resultado = sum(i * i for i in range(1000))
 *       print(f"Resultado do cálculo: {resultado}")
 *
 *   async def main():
 *       task1 = asyncio.create_task(
 *               say_after(1, 'hello'))
 *
 *       task2 = asyncio.create_task(
 *           say_after(2, 'world'))
 *
 *       execute_math_operation()
 *
 *       await task1
 *       await task2
 *
 *   asyncio.run(main())
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

async function sayAfter(delay: number, what: string): Promise<void> {
  await asyncio.sleep(delay);
  console.log(what);
}

/** Plain (synchronous) work: it runs to its end before any task gets a turn. */
function executeMathOperation(): void {
  let resultado = 0;
  for (let i = 0; i < 1000; i++) resultado += i * i;
  console.log(`Resultado do cálculo: ${resultado}`);
}

export async function main(): Promise<void> {
  const task1 = asyncio.createTask(() => sayAfter(1, "hello"));
  const task2 = asyncio.createTask(() => sayAfter(2, "world"));

  executeMathOperation();

  await task1;
  await task2;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
