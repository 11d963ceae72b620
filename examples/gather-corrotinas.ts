/**
 * `gather` runs three coroutines at once: they start 1, 2, 3 and finish 3, 1, 2.
 *
 * Python: `await asyncio.gather(corrotina("1", 2), corrotina("2", 3), corrotina("3", 1))`
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

async function corrotina(nome: string, tempo: number): Promise<void> {
  console.log(`Tarefa ${nome} iniciada.`);
  await asyncio.sleep(tempo);
  console.log(`Tarefa ${nome} concluída.`);
}

export async function main(): Promise<void> {
  await asyncio.gather(
    () => corrotina("1", 2),
    () => corrotina("2", 3),
    () => corrotina("3", 1),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
