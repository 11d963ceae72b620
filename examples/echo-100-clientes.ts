/**
 * An echo server and 100 clients at the same time, in one program: each client sends a line
 * and checks that the same line comes back. One task per connection on each side, all on one
 * thread.
 *
 * Python twin: the same with `asyncio.start_server`, `asyncio.open_connection` and
 * `asyncio.gather`.
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

async function echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter): Promise<void> {
  // One line per request, until the client sends end of file.
  for await (const line of reader) {
    writer.write(line);
    await writer.drain();
  }
  writer.close();
  await writer.waitClosed();
}

async function client(port: number, n: number): Promise<boolean> {
  const [reader, writer] = await asyncio.openConnection("127.0.0.1", port);
  const message = `mensagem ${n}\n`;
  writer.write(message);
  await writer.drain();
  const answer = (await reader.readline()).toString();
  writer.close();
  await writer.waitClosed();
  return answer === message;
}

export async function main(clients = 100): Promise<void> {
  await using server = await asyncio.startServer(echo, "127.0.0.1", 0);
  const [, port] = (server.sockets[0]?.getsockname() ?? []) as [string, number];
  console.log(`Servidor de eco pronto; ${clients} clientes conectando ao mesmo tempo`);
  const results = await asyncio.gather(
    ...Array.from({ length: clients }, (_, n) => client(port, n)),
  );
  const ok = results.filter(Boolean).length;
  console.log(`${ok} de ${clients} clientes receberam o eco correto`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(() => main());
