/**
 * Local HTTP and HTTPS servers for the http tests (node:http / node:https on 127.0.0.1), each
 * counting its connections (open now, most at once, in all) and the requests it is answering.
 */
import { once } from "node:events";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo, Socket } from "node:net";

/** A request handler of a test server. */
export type Handler = (request: http.IncomingMessage, response: http.ServerResponse) => void;

/** A running test server. */
export interface TestServer extends AsyncDisposable {
  readonly server: http.Server;
  readonly port: number;
  /** `http://127.0.0.1:<port>` (or `https://localhost:<port>`). */
  readonly url: string;
  /** Connections open now. */
  readonly open: number;
  /** The most connections open at once. */
  readonly maxOpen: number;
  /** Connections accepted in all. */
  readonly accepted: number;
  /** Requests answered or being answered, in all. */
  readonly requests: number;
  /** The most requests being answered at once. */
  readonly maxActive: number;
  /** The sockets open now. */
  readonly sockets: ReadonlySet<Socket>;
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1 with `handler`; with `tls`, an HTTPS one. */
export async function startHttpServer(
  handler: Handler,
  tls?: { key: string; cert: string },
): Promise<TestServer> {
  let active = 0;
  const stats = { open: 0, maxOpen: 0, accepted: 0, requests: 0, maxActive: 0 };
  const sockets = new Set<Socket>();
  const wrapped: Handler = (request, response) => {
    stats.requests++;
    active++;
    stats.maxActive = Math.max(stats.maxActive, active);
    let counted = true;
    const done = (): void => {
      if (counted) active--;
      counted = false;
    };
    response.once("finish", done);
    response.once("close", done);
    handler(request, response);
  };
  const server =
    tls === undefined
      ? http.createServer(wrapped)
      : https.createServer({ key: tls.key, cert: tls.cert }, wrapped);
  server.keepAliveTimeout = 30_000;
  server.on(tls === undefined ? "connection" : "secureConnection", (socket: Socket) => {
    stats.accepted++;
    stats.open++;
    stats.maxOpen = Math.max(stats.maxOpen, stats.open);
    sockets.add(socket);
    socket.once("close", () => {
      stats.open--;
      sockets.delete(socket);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  const close = async (): Promise<void> => {
    if (!server.listening) return;
    const closed = once(server, "close");
    server.close();
    server.closeAllConnections();
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  return {
    server,
    port,
    url: tls === undefined ? `http://127.0.0.1:${port}` : `https://localhost:${port}`,
    get open() {
      return stats.open;
    },
    get maxOpen() {
      return stats.maxOpen;
    },
    get accepted() {
      return stats.accepted;
    },
    get requests() {
      return stats.requests;
    },
    get maxActive() {
      return stats.maxActive;
    },
    sockets,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** A port on 127.0.0.1 where nothing listens (bound, then closed). */
export async function refusedPort(): Promise<number> {
  const server = http.createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  server.close();
  await once(server, "close");
  return port;
}

/** Reads a request's whole body as text. */
export async function bodyOf(request: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
