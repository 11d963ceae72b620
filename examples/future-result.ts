/**
 * A task sets the result of a Future that `main` awaits.
 *
 * Python: `asyncio.create_task(corrotina(futuro)); resultado = await futuro; print(resultado)`
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

async function corrotina(futuro: asyncio.Future<string>): Promise<void> {
  console.log("Início.");
  await asyncio.sleep(2);
  futuro.setResult("Fim.");
}

export async function main(): Promise<void> {
  const futuro = new asyncio.Future<string>();
  asyncio.createTask(() => corrotina(futuro));
  const resultado = await futuro;
  console.log(resultado);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
