/**
 * The notes' TCP server: read what a client sends, answer "Ola Cliente!", close.
 *
 * Python:
 *   async def handle_client(reader, writer):
 *       data = await reader.read(1024)
 *       print(f"Dados Recebido: {data.decode()}")
 *       writer.write("Ola Cliente!".encode()); await writer.drain()
 *       print("Fechando Conexão"); writer.close(); await writer.wait_closed()
 *   server = await asyncio.start_server(handle_client, 'localhost', 8888)
 *   async with server: await server.serve_forever()
 *
 * Run: `node build/examples/servidor-tcp.js [port]` (8888 by default), then the client.
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

/** Handles one client: the reader and writer are the two halves of its connection. */
export async function handleClient(
  reader: asyncio.StreamReader,
  writer: asyncio.StreamWriter,
): Promise<void> {
  // read(1024): up to 1024 bytes, as soon as some arrived.
  const data = await reader.read(1024);
  const message = data.toString();
  console.log(`Dados Recebido: ${message}`);

  const resposta = "Ola Cliente!";
  writer.write(resposta);
  // drain() waits until the data can be handed to the socket.
  await writer.drain();
  console.log("Fechando Conexão");
  writer.close();
  await writer.waitClosed();
}

export async function main(port = 8888): Promise<void> {
  const server = await asyncio.startServer(handleClient, "localhost", port);
  // `await using` closes the server when the block ends, as Python's `async with server`.
  await using _ = server;
  await server.serveForever();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await asyncio.run(() => main(Number(process.argv[2] ?? 8888)));
}
