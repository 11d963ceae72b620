/** Helpers shared by the network tests. */
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as asyncio from "asyncio-ts";

/** The per-test timeout of the network tests. */
export const T = { timeout: 10_000 };

/** The port of a server listening on one TCP socket. */
export function portOf(server: asyncio.Server): number {
  const name = server.sockets[0]?.getsockname();
  assert.ok(Array.isArray(name));
  return name[1];
}

/** A fresh Unix socket path in the temporary folder, `tag` naming the test file. */
export function unixPath(tag: string): string {
  return join(
    tmpdir(),
    `asyncio-ts-${tag}-${process.pid}-${Math.random().toString(36).slice(2)}.sock`,
  );
}

/** Installs an exception handler on the running loop that keeps every context it is given. */
export function recordReported(): asyncio.ExceptionContext[] {
  const reported: asyncio.ExceptionContext[] = [];
  asyncio.getRunningLoop().setExceptionHandler((_loop, context) => {
    reported.push(context);
  });
  return reported;
}
