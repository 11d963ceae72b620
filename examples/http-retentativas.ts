/**
 * The notes' aiohttp example with retries: each URL is fetched by its own task, a failed
 * request (a `ClientError`) is tried again after a pause, and the result of each is reported.
 * Offline by default: a local server serves two pages, and the second URL points at a port
 * where nothing listens (the notes' mistyped `https://ww.globo.com`); give URLs as arguments
 * to fetch those.
 *
 * As in the notes, `return None` sits inside the `while` loop, so a failed request is tried
 * only once before `None`; the twin keeps that. The session's own retries (on by default in
 * asyncio-ts, which aiohttp has not) are turned off with `retry: false`, so the notes' loop is
 * the only one.
 *
 * Python:
 * ```python
 * async def fetch(url, max_tries=3):
 *     tentativa = 0
 *     while tentativa < max_tries:
 *         try:
 *             async with aiohttp.ClientSession() as session:
 *                 async with session.get(url) as response:
 *                     return await response.text()
 *         except aiohttp.ClientError as e:
 *             tentativa += 1
 *             await asyncio.sleep(1)
 *         return None
 * ```
 */
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";
import { ClientError, ClientSession } from "asyncio-ts/http";
import { servirPaginas } from "./shared/paginas.js";

// Makes the request, trying up to maxTries times
async function fetchPage(url: string, maxTries = 3): Promise<string | null> {
  let tentativa = 0;
  while (tentativa < maxTries) {
    try {
      // A session without retries of its own: this loop is the one that retries
      await using session = new ClientSession({ retry: false });
      await using response = await session.get(url);
      return await response.text();
    } catch (error) {
      if (!(error instanceof ClientError)) throw error;
      tentativa += 1;
      // Waits 1 second before trying again
      await asyncio.sleep(1);
    }
    return null;
  }
  return null;
}

/** A port of 127.0.0.1 where nothing listens. */
async function portaFechada(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, "close");
  return port;
}

export async function main(urls?: string[]): Promise<void> {
  await using servidor = urls === undefined ? await servirPaginas() : null;
  const lista = urls ?? [
    `${servidor?.url}/uol`,
    `http://127.0.0.1:${await portaFechada()}/globo`,
    `${servidor?.url}/terra`,
  ];
  // One task per URL
  const tasks = lista.map((url) => asyncio.createTask(() => fetchPage(url)));
  const htmls = await asyncio.gather(tasks);
  // Checks what came back
  for (const html of htmls) {
    if (html) console.log("Resultado obtido com sucesso");
    else console.log("Erro ao acessar a URL");
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const urls = process.argv.slice(2);
  await asyncio.run(() => main(urls.length > 0 ? urls : undefined));
}
