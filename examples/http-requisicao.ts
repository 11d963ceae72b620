/**
 * One HTTP request with a session, as the notes' first aiohttp example: the page's text is
 * printed. Offline by default (a local server serves the page); give a URL as an argument to
 * fetch that one instead.
 *
 * Python:
 * ```python
 * async def fetch(url):
 *     async with aiohttp.ClientSession() as session:
 *         async with session.get(url) as response:
 *             return await response.text()
 *
 * async def main():
 *     url = 'https://www.uol.com.br'
 *     html = await fetch(url)
 *     print(html)
 * ```
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";
import { ClientSession } from "asyncio-ts/http";
import { servirPaginas } from "./shared/paginas.js";

// Makes the request and returns the text of the response
export async function fetchPage(url: string): Promise<string> {
  // A session: the connections to the server (closed when the block ends)
  await using session = new ClientSession();
  // The request (the response is released when the block ends)
  await using response = await session.get(url);
  // The content of the response, as text
  return await response.text();
}

export async function main(url?: string): Promise<void> {
  if (url !== undefined) {
    console.log(await fetchPage(url));
    return;
  }
  await using servidor = await servirPaginas();
  const html = await fetchPage(`${servidor.url}/uol`);
  console.log(html);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await asyncio.run(() => main(process.argv[2]));
}
