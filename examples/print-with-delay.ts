/**
 * The first program of the notes: two awaited calls in sequence, with the loop's clock printed
 * before and after (one second, then two: three seconds in all).
 *
 * Python: `await print_com_delay(1, "Olá")`, `await print_com_delay(2, "Mundo")`, printing
 * `asyncio.get_event_loop().time()` at the start and the end.
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

async function printComDelay(tempo: number, mensagem: string): Promise<void> {
  // sleep suspends this coroutine for the given time without blocking the loop.
  await asyncio.sleep(tempo);
  console.log(mensagem);
}

export async function main(): Promise<void> {
  const loop = asyncio.getRunningLoop();
  console.log("Início da execução:", loop.time());
  await printComDelay(1, "Olá");
  await printComDelay(2, "Mundo");
  console.log("Fim da execução:", loop.time());
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
