/**
 * Tasks created with `createTask` run concurrently; coroutines awaited directly run one after
 * the other. The loop's clock shows it.
 *
 * Python: `corotina1 = asyncio.create_task(corotina("A", 1))` ... `await corotina3` where
 * `corotina3 = corotina("C", 3)`.
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

async function corotina(nome: string, delay: number): Promise<void> {
  const loop = asyncio.getRunningLoop();
  console.log(`Corotina ${nome} iniciada - ${loop.time()}`);
  await asyncio.sleep(delay);
  console.log(`Corotina ${nome} finalizada - ${loop.time()}`);
}

export async function main(): Promise<void> {
  // Tasks: A and B sleep at the same time.
  const corotina1 = asyncio.createTask(() => corotina("A", 1));
  const corotina2 = asyncio.createTask(() => corotina("B", 2));
  await corotina1;
  await corotina2;

  // Plain awaits: C, then D.
  await corotina("C", 3);
  await corotina("D", 4);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
