/**
 * The function of the notes' pytest-asyncio example: it waits two seconds, then returns
 * `"data"`. Its test, the twin of `teste-exemplo-teste-assincrono.py`, is
 * `test/examples/teste-exemplo-teste-assincrono.test.ts`: with `asyncioTest` and virtual time
 * it runs in milliseconds.
 *
 * Python (`exemplo_teste_assincrono.py`):
 * `async def fetch_data(): await asyncio.sleep(2); return 'data'`
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

export async function fetchData(): Promise<string> {
  await asyncio.sleep(2);
  return "data";
}

export async function main(): Promise<void> {
  console.log(await fetchData());
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
