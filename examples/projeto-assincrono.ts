/**
 * The same three two-second tasks, one after the other and then with `gather`.
 *
 * Python's synchronous version calls `time.sleep(2)` in a plain function; blocking the
 * thread for six seconds teaches nothing more, so here the sequential version awaits each
 * task in turn, which prints the same lines in the same order (and also takes six seconds).
 *
 * Python: `tarefa(1); tarefa(2); tarefa(3)` and then
 * `await asyncio.gather(tarefa(1), tarefa(2), tarefa(3))`
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

async function tarefa(numero: number): Promise<void> {
  console.log(`Iniciando tarefa ${numero}.`);
  await asyncio.sleep(2);
  console.log(`Tarefa ${numero} concluída!`);
}

/** PROJETO SÍNCRONO: each task waits for the previous one (six seconds). */
export async function sequencial(): Promise<void> {
  await tarefa(1);
  await tarefa(2);
  await tarefa(3);
}

/** PROJETO ASSÍNCRONO: the three tasks wait at the same time (two seconds). */
export async function assincrono(): Promise<void> {
  await asyncio.gather(
    () => tarefa(1),
    () => tarefa(2),
    () => tarefa(3),
  );
}

export async function main(): Promise<void> {
  await sequencial();
  await assincrono();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
