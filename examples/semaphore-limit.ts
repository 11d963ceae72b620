/**
 * Ten tasks, at most three at a time inside the Semaphore: each prints, sleeps two seconds,
 * prints again. The notes' example; the output is what CPython 3.13 prints.
 *
 * Python:
 *   semaphore = asyncio.Semaphore(3)
 *   async def tarefa(id):
 *       async with semaphore:
 *           print(f"Corrotina {id} adquirida")
 *           await asyncio.sleep(2)
 *           print(f"Corrotina {id} liberada")
 *   async def main():
 *       tarefas = [tarefa(i) for i in range(10)]
 *       await asyncio.gather(*tarefas)
 *   asyncio.run(main())
 *
 * Python's `asyncio.gather(*tarefas)` runs the coroutines as tasks and awaits them all; here
 * each one is started with `createTask` and awaited in turn, which prints the same.
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

const semaphore = new asyncio.Semaphore(3);

async function tarefa(id: number): Promise<void> {
  await semaphore.with(async () => {
    console.log(`Corrotina ${id} adquirida`);
    await asyncio.sleep(2);
    console.log(`Corrotina ${id} liberada`);
  });
}

export async function main(): Promise<void> {
  const tarefas = [];
  for (let i = 0; i < 10; i++) tarefas.push(asyncio.createTask(() => tarefa(i)));
  for (const t of tarefas) await t;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
