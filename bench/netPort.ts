/** Shared by the network benchmarks. */
import type * as asyncio from "asyncio-ts";

/** The port an asyncio-ts server listening on one address was given. */
export function portOf(server: asyncio.Server): number {
  const socket = server.sockets[0];
  if (socket === undefined) throw new Error("the server listens on nothing");
  return (socket.getsockname() as [string, number])[1];
}
