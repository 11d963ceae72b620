/**
 * Awaiting coroutines one after the other runs them in sequence; wrapping them in tasks
 * first runs them concurrently.
 *
 * Python: `await corrotina(1); await corrotina(2)` versus
 * `t1 = asyncio.create_task(corrotina(1)); t2 = asyncio.create_task(corrotina(2)); await t1; await t2`
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

async function corrotina(numero: number): Promise<void> {
  console.log(`Iniciando tarefa ${numero}.`);
  await asyncio.sleep(2);
  console.log(`Tarefa ${numero} concluída!`);
}

/** Two seconds per coroutine: four seconds in all. */
export async function sequential(): Promise<void> {
  await corrotina(1);
  await corrotina(2);
}

/** Both tasks sleep at the same time: two seconds in all. */
export async function concurrent(): Promise<void> {
  const tarefa1 = asyncio.createTask(() => corrotina(1));
  const tarefa2 = asyncio.createTask(() => corrotina(2));
  await tarefa1;
  await tarefa2;
}

export async function main(): Promise<void> {
  const loop = asyncio.getRunningLoop();
  let start = loop.time();
  await sequential();
  console.log(`Em sequência: ${(loop.time() - start).toFixed(0)} s`);
  start = loop.time();
  await concurrent();
  console.log(`Com tarefas: ${(loop.time() - start).toFixed(0)} s`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
