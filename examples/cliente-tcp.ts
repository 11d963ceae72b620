/**
 * The notes' TCP client: send "oi tudo bem ai?" to the server and print its answer.
 *
 * Python:
 *   reader, writer = await asyncio.open_connection('localhost', 8888)
 *   writer.write("oi tudo bem ai?".encode()); await writer.drain()
 *   data = await reader.read(1024)
 *   print(f"Resposta do servidor: {data.decode()}")
 *   writer.close(); await writer.wait_closed()
 *
 * Run: `node build/examples/cliente-tcp.js [port]` while the server runs.
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

export async function connectToServer(port = 8888): Promise<void> {
  const [reader, writer] = await asyncio.openConnection("localhost", port);
  const message = "oi tudo bem ai?";
  writer.write(message);
  await writer.drain();
  const data = await reader.read(1024);
  console.log(`Resposta do servidor: ${data.toString()}`);
  writer.close();
  await writer.waitClosed();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await asyncio.run(() => connectToServer(Number(process.argv[2] ?? 8888)));
}
