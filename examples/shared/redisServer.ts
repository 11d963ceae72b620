/**
 * How the examples, tests and benchmarks start a throwaway redis-server: the binary (Debian's
 * `redis-server`, or ASYNCIO_TS_REDIS_SERVER), on loopback, with no persistence, in a directory
 * of its own.
 */
import { createServer } from "node:net";

/** The redis-server binary to run. */
export const REDIS_BINARY = process.env.ASYNCIO_TS_REDIS_SERVER || "redis-server";

/** redis-server's arguments for a server on 127.0.0.1:`port` keeping its files in `dir`. */
export function redisServerArgs(port: number, dir: string): string[] {
  return [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    dir,
  ];
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
