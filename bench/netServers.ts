/** Shared by the network benchmarks: the echo handler their servers run, and their port. */
import type * as asyncio from "asyncio-ts";

/** The port an asyncio-ts server listening on one address was given. */
export function portOf(server: asyncio.Server): number {
  const socket = server.sockets[0];
  if (socket === undefined) throw new Error("the server listens on nothing");
  return (socket.getsockname() as [string, number])[1];
}

/** A stream handler that sends each line back until the client's end of file. */
export async function echoLines(
  reader: asyncio.StreamReader,
  writer: asyncio.StreamWriter,
): Promise<void> {
  for (;;) {
    const line = await reader.readline();
    if (line.length === 0) break;
    writer.write(line);
    await writer.drain();
  }
  writer.close();
}
