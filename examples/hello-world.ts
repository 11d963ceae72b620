/**
 * The coroutine of the asyncio documentation: print, sleep one second, print.
 *
 * Python: `async def main(): print('hello'); await asyncio.sleep(1); print('world')`
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

export async function main(): Promise<void> {
  console.log("hello");
  await asyncio.sleep(1);
  console.log("world");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
