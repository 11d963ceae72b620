/**
 * The state of two tasks before and after `gather(..., { returnExceptions: true })`: the
 * first returns "A", the second fails with a ValueError that `result()` raises again.
 *
 * Python: `print(task1.done())`, `print(task1._state)`, `await asyncio.gather(task1, task2,
 * return_exceptions=True)`, `print(task1.result())`, `print(task2.result())` inside
 * `try: ... except ValueError as e: print(f"Erro: {e}")`
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";
import { pythonRepr } from "./python-repr.js";

class ValueError extends Error {}

async function corotina1(nome: string): Promise<string> {
  await asyncio.sleep(3);
  return nome;
}

async function corotina2(_nome: string): Promise<string> {
  // A coroutine that raises an error
  await asyncio.sleep(5);
  throw new ValueError("Erro na corotina");
}

/** What Python's private `task._state` prints: PENDING, CANCELLED or FINISHED. */
function state(task: asyncio.Task<unknown>): string {
  if (!task.done()) return "PENDING";
  return task.cancelled() ? "CANCELLED" : "FINISHED";
}

export async function main(): Promise<void> {
  try {
    const task1 = asyncio.createTask(() => corotina1("A"));
    const task2 = asyncio.createTask(() => corotina2("B"));

    await asyncio.sleep(1);

    // Are the tasks done?
    console.log(pythonRepr(task1.done()));
    console.log(pythonRepr(task2.done()));

    // Their current state
    console.log(state(task1));
    console.log(state(task2));

    await asyncio.gather([task1, task2], { returnExceptions: true });

    console.log(pythonRepr(task1.done()));
    console.log(pythonRepr(task2.done()));

    // Their results: the second raises its error again
    console.log(task1.result());
    console.log(task2.result());
  } catch (error) {
    if (!(error instanceof ValueError)) throw error;
    console.log(`Erro: ${error.message}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
