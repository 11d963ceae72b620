/**
 * The network examples print what their Python twins print under CPython 3.13.
 *
 * The notes' server and client are two programs; here the server runs in this process on a
 * free port (its lines captured) and the client runs as a program of its own against it, as a
 * reader would run them in two terminals. The TLS echo makes its certificate with the `openssl`
 * command.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import * as asyncio from "asyncio-ts";
import * as echo100 from "../../examples/echo-100-clientes.js";
import * as echoTls from "../../examples/echo-tls.js";
import * as multiCore from "../../examples/servidor-multi-core.js";
import { handleClient } from "../../examples/servidor-tcp.js";
import { captureLog } from "../helpers.js";

const run = promisify(execFile);

function examplePath(name: string): string {
  return fileURLToPath(new URL(`../../examples/${name}.js`, import.meta.url));
}

function reusePortSupported(): boolean {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  return process.platform === "linux" && (major > 22 || (major === 22 && minor >= 12));
}

describe("servidor-tcp and cliente-tcp", () => {
  test("the server prints the message and closes; the client prints the answer", async () => {
    let clientOutput = "";
    const serverLines = await captureLog(() =>
      asyncio.run(async () => {
        const server = await asyncio.startServer(handleClient, "127.0.0.1", 0);
        await using _ = server;
        const [, port] = (server.sockets[0]?.getsockname() ?? []) as [string, number];
        // The client program connects to "localhost", as in the notes.
        const { stdout } = await asyncio.wrap(
          run(process.execPath, [examplePath("cliente-tcp"), String(port)], { timeout: 30_000 }),
        );
        clientOutput = stdout;
      }),
    );
    assert.deepEqual(serverLines, ["Dados Recebido: oi tudo bem ai?", "Fechando Conexão"]);
    assert.equal(clientOutput, "Resposta do servidor: Ola Cliente!\n");
  });
});

describe("echo-100-clientes", () => {
  test("100 clients at once all get their line back", async () => {
    const lines = await captureLog(() => asyncio.run(() => echo100.main()));
    assert.deepEqual(lines, [
      "Servidor de eco pronto; 100 clientes conectando ao mesmo tempo",
      "100 de 100 clientes receberam o eco correto",
    ]);
  });
});

describe("servidor-multi-core", () => {
  test("every worker process answers on the shared port", {
    skip: !reusePortSupported() && "reusePort needs Node 22.12+ on Linux",
  }, async () => {
    const { stdout } = await run(process.execPath, [examplePath("servidor-multi-core")], {
      timeout: 60_000,
    });
    const lines = stdout.trim().split("\n");
    const workers = Number(lines[0]?.split(" ")[0]);
    assert.deepEqual(lines, [
      `${workers} processos de trabalho servindo a mesma porta`,
      `${workers} de ${workers} processos responderam`,
    ]);
  });

  test("where Node lacks reusePort, the example fails with the error that says what is needed", {
    skip: reusePortSupported() && "this Node supports reusePort",
  }, async () => {
    await assert.rejects(
      asyncio.run(() => multiCore.main(1)),
      (error: unknown) =>
        error instanceof asyncio.RuntimeError &&
        /reusePort needs Node\.js 22\.12\+ or 23\.1\+/.test(error.message),
    );
  });
});

describe("echo-tls", () => {
  test("three TLS clients at once, each answered in upper case, printed in client order", async () => {
    const lines = await captureLog(() => asyncio.run(echoTls.main));
    assert.deepEqual(lines, [
      "Serving TLS on 127.0.0.1",
      'Client 1 sent: "hello from client 1"',
      'Client 1 received: "HELLO FROM CLIENT 1" (certificate for localhost)',
      'Client 2 sent: "hello from client 2"',
      'Client 2 received: "HELLO FROM CLIENT 2" (certificate for localhost)',
      'Client 3 sent: "hello from client 3"',
      'Client 3 received: "HELLO FROM CLIENT 3" (certificate for localhost)',
      "Server closed",
    ]);
  });
});
