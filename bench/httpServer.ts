/**
 * The server of the HTTP benchmark, run as a child process (`node httpServer.js`) so the client
 * measured does not share its thread with it: a node:http server on 127.0.0.1 answering every
 * request with the same 1 KiB body, keep-alive on. It prints its port, and exits when its
 * stdin closes (its parent ended).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";

/** The response body: 1 KiB. */
export const BODY = Buffer.alloc(1024, "x");

/** A running server child and its base URL. */
export interface ServerChild {
  readonly url: string;
  readonly origin: string;
  stop(): Promise<void>;
}

/** Starts the server in a child process. */
export async function startServerChild(): Promise<ServerChild> {
  const child: ChildProcess = spawn(process.execPath, [fileURLToPath(import.meta.url), "serve"], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const [line] = (await once(child.stdout as NodeJS.ReadableStream, "data")) as [Buffer];
  const port = Number(line.toString().trim());
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/`,
    origin,
    async stop() {
      child.stdin?.end();
      if (child.exitCode === null) await once(child, "exit");
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === "serve") {
  const server = createServer((_request, response) => {
    response.writeHead(200, { "Content-Type": "text/plain", "Content-Length": BODY.length });
    response.end(BODY);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1", () => {
    process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
  });
  process.stdin.resume();
  process.stdin.on("end", () => process.exit(0));
}
