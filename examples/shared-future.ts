/**
 * Two tasks share one Future: the second waits for the result the first sets.
 *
 * Python: `futuro = asyncio.Future()`, `futuro.set_result("Resultado da Tarefa 1")` in one
 * task, `resultado = await futuro` in the other.
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

async function corrotina1(futuro: asyncio.Future<string>): Promise<void> {
  console.log("Tarefa 1 iniciada.");
  await asyncio.sleep(2);
  futuro.setResult("Resultado da Tarefa 1");
  console.log("Tarefa 1 finalizada.");
}

async function corrotina2(futuro: asyncio.Future<string>): Promise<void> {
  console.log("Tarefa 2 iniciada, aguardando o futuro.");
  const resultado = await futuro;
  console.log("Tarefa 2 finalizada com o resultado:", resultado);
}

export async function main(): Promise<void> {
  const futuro = new asyncio.Future<string>();
  const tarefa1 = asyncio.createTask(() => corrotina1(futuro));
  const tarefa2 = asyncio.createTask(() => corrotina2(futuro));
  await tarefa1;
  await tarefa2;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
