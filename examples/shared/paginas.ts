/**
 * The pages of the HTTP examples, served from 127.0.0.1 so the examples run offline: three
 * small pages standing for the notes' three sites.
 */
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** Each page's path and text. */
export const PAGINAS: Readonly<Record<string, string>> = {
  "/uol": "<html><title>UOL</title><p>Página local do UOL</p></html>",
  "/globo": "<html><title>Globo</title><p>Página local da Globo</p></html>",
  "/terra": "<html><title>Terra</title><p>Página local do Terra</p></html>",
};

/** A running page server: the base URL of its pages, and `close()`. */
export interface ServidorDePaginas extends AsyncDisposable {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the page server on a free port of 127.0.0.1. */
export async function servirPaginas(): Promise<ServidorDePaginas> {
  const server: Server = createServer((request, response) => {
    const page = PAGINAS[request.url ?? ""];
    if (page === undefined) {
      response.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
      response.end("não encontrada");
      return;
    }
    response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    response.end(page);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const close = async (): Promise<void> => {
    const closed = once(server, "close");
    server.close();
    server.closeAllConnections();
    await closed;
  };
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close,
    [Symbol.asyncDispose]: close,
  };
}
