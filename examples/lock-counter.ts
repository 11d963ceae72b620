/**
 * Ten tasks increment a shared counter 100,000 times each, every increment under a Lock, so
 * none is lost.
 *
 * Python (the notes' example):
 *   contador = 0
 *   lock = asyncio.Lock()
 *   async def incrementa():
 *       global contador
 *       for _ in range(100000):
 *           async with lock:
 *               contador += 1
 *   async def main():
 *       tarefas = [incrementa() for _ in range(10)]
 *       await asyncio.gather(*tarefas)
 *   asyncio.run(main())
 *   print(f"Contador final: {contador}")
 *
 * Python's `asyncio.gather(*tarefas)` runs the coroutines as tasks and awaits them all; here
 * each one is started with `createTask` and awaited in turn, which prints the same.
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

let contador = 0;
// Created at module level, outside any loop, as in the notes: a Lock binds to a loop only
// when a task first has to wait on it.
const lock = new asyncio.Lock();

async function incrementa(vezes: number): Promise<void> {
  for (let i = 0; i < vezes; i++) {
    // `async with lock:` around a body with no await: the callback holds the lock for exactly
    // that step (an async callback works too, held until its promise settles).
    await lock.with(() => {
      contador += 1;
    });
  }
}

/** Runs the ten tasks; `vezes` is the number of increments per task (100,000 in the notes). */
export async function main(vezes = 100_000): Promise<void> {
  const tarefas = [];
  for (let i = 0; i < 10; i++) tarefas.push(asyncio.createTask(() => incrementa(vezes)));
  for (const tarefa of tarefas) await tarefa;
  console.log(`Contador final: ${contador}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(() => main());
