/**
 * Two tasks; the second is cancelled after one second, and `gather` with `returnExceptions`
 * waits for both without raising the cancellation.
 *
 * Python: `tarefa2.cancel()`, `await asyncio.gather(tarefa1, tarefa2, return_exceptions=True)`
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

async function rotina(delay: number): Promise<string> {
  const loop = asyncio.getRunningLoop();
  console.log(`Rotina iniciada - ${loop.time()}`);
  await asyncio.sleep(delay);
  console.log(`Rotina finalizada - ${loop.time()}`);
  return "Rotina finalizada";
}

export async function main(): Promise<void> {
  // Two tasks to run
  const tarefa1 = asyncio.createTask(() => rotina(1));
  const tarefa2 = asyncio.createTask(() => rotina(2));

  await asyncio.sleep(1);

  // Cancel task 2
  tarefa2.cancel();

  // Wait for both tasks
  await asyncio.gather([tarefa1, tarefa2], { returnExceptions: true });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
