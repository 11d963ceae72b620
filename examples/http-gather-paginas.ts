/**
 * Three HTTP requests at once, one task each, gathered in order, as the notes' second aiohttp
 * example: the list of the three pages is printed as Python prints a list of strings. Offline
 * by default (a local server serves the pages); give URLs as arguments to fetch those.
 *
 * Python:
 * ```python
 * async def main():
 *     urls = ['https://www.uol.com.br', 'https://www.globo.com', 'https://www.terra.com.br']
 *     tasks = [asyncio.create_task(fetch(url)) for url in urls]
 *     html = await asyncio.gather(*tasks)
 *     print(html)
 * ```
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";
import { ClientSession } from "asyncio-ts/http";
import { pythonRepr } from "./python-repr.js";
import { servirPaginas } from "./shared/paginas.js";

// Makes the request and returns the text of the response
async function fetchPage(url: string): Promise<string> {
  // A session: the connections to the server
  await using session = new ClientSession();
  await using response = await session.get(url);
  return await response.text();
}

export async function main(urls?: string[]): Promise<void> {
  await using servidor = urls === undefined ? await servirPaginas() : null;
  const lista = urls ?? ["/uol", "/globo", "/terra"].map((path) => `${servidor?.url}${path}`);
  // One task per URL
  const tasks = lista.map((url) => asyncio.createTask(() => fetchPage(url)));
  const html = await asyncio.gather(tasks);
  console.log(pythonRepr(html));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const urls = process.argv.slice(2);
  await asyncio.run(() => main(urls.length > 0 ? urls : undefined));
}
