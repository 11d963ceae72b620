/**
 * A TLS echo server and three clients in one program: the server answers each line in upper
 * case over TLS; the clients connect at the same time, trusting the certificate authority that
 * signed the server's certificate, and print what they got back, in client order.
 *
 * The certificate is made at start with the `openssl` command (examples/shared/tlsCertificate.ts).
 *
 * Python: `ssl.create_default_context()` + `load_cert_chain()` for the server,
 * `cafile=` for the clients, `asyncio.start_server(..., ssl=ctx)`,
 * `asyncio.open_connection(..., ssl=ctx, server_hostname="localhost")`.
 */
import type { PeerCertificate } from "node:tls";
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";
import { makeCertificate } from "./shared/tlsCertificate.js";

async function handleEcho(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) {
  const line = await reader.readline();
  writer.write(String(line).toUpperCase());
  await writer.drain();
  writer.close();
  await writer.waitClosed();
}

async function client(n: number, port: number, ca: string): Promise<string[]> {
  const [reader, writer] = await asyncio.openConnection("127.0.0.1", port, {
    ssl: { ca: [ca] },
    serverHostname: "localhost",
  });
  const message = `hello from client ${n}`;
  writer.write(`${message}\n`);
  await writer.drain();
  const answer = String(await reader.readline()).trimEnd();
  const cert = writer.getExtraInfo("peercert") as PeerCertificate;
  writer.close();
  await writer.waitClosed();
  return [
    `Client ${n} sent: ${JSON.stringify(message)}`,
    `Client ${n} received: ${JSON.stringify(answer)} (certificate for ${cert.subject.CN})`,
  ];
}

export async function main(): Promise<void> {
  const { ca, cert, key } = makeCertificate();
  const server = await asyncio.startServer(handleEcho, "127.0.0.1", 0, { ssl: { key, cert } });
  const [, port] = (server.sockets[0] as asyncio.TransportSocket).getsockname() as [string, number];
  console.log("Serving TLS on 127.0.0.1");

  const results = await asyncio.gather(
    client(1, port, ca),
    client(2, port, ca),
    client(3, port, ca),
  );
  for (const lines of results) for (const line of lines) console.log(line);

  server.close();
  await server.waitClosed();
  console.log("Server closed");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
