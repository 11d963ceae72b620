/**
 * The first coroutine of the notes: print, sleep two seconds, print.
 *
 * Python: `async def corrotina(): print("Início."); await asyncio.sleep(2); print("Fim.")`
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

export async function main(): Promise<void> {
  console.log("Início.");
  await asyncio.sleep(2);
  console.log("Fim.");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
