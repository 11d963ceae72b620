/**
 * A blocking-style HTTP request run on the loop's default executor (a worker thread), so the
 * event loop stays free while it waits. The example serves the page itself, from 127.0.0.1.
 *
 * Python:
 * `return await loop.run_in_executor(None, requests.get, url)`, then
 * `data = (await fetch_url(url)).text` and `print(data)`
 */
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

const PAGINA =
  "<!doctype html>\n<title>Servidor local</title>\n<p>Olá! Esta página veio de um servidor em 127.0.0.1.</p>";

/**
 * The twin of `requests.get`: runs in the worker thread and returns what the caller reads of
 * the response (a `Response` object cannot leave the thread; plain data can).
 */
async function get(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url);
  return { status: response.status, text: await response.text() };
}

// A coroutine that bridges asynchronous and synchronous-style code
async function fetchUrl(url: string): Promise<{ status: number; text: string }> {
  // The event loop
  const loop = asyncio.getRunningLoop();
  // Runs get on a separate thread (null: the loop's default executor)
  return await loop.runInExecutor(null, get, url);
}

export async function main(): Promise<void> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    response.end(PAGINA);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  try {
    const { port } = server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}/`;
    // The parentheses make fetchUrl run first; then `.text` is read from its result.
    const data = (await fetchUrl(url)).text;
    console.log(data);
  } finally {
    server.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
