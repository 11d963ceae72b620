/**
 * Tasks A, B and C run together under `gather`, which returns their results as a list.
 *
 * Python: `tasks = [task("A", 1), task("B", 5), task("C", 3)]`,
 * `results = await asyncio.gather(*tasks)`, `print(results)`
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";
import { pythonRepr } from "./python-repr.js";

async function task(nome: string, tempoDelay: number): Promise<string> {
  console.log(`Task ${nome} iniciada`);
  await asyncio.sleep(tempoDelay);
  console.log(`Task ${nome} finalizada`);
  return `Task ${nome} finalizada`;
}

export async function main(): Promise<void> {
  // A list of coroutine functions; gather starts each one as a task.
  const tasks = [() => task("A", 1), () => task("B", 5), () => task("C", 3)];
  const results = await asyncio.gather(tasks);
  console.log(pythonRepr(results));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
