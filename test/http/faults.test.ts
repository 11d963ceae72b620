/**
 * Faults and bodies: a server that resets in the middle of a body, compressed bodies (gzip,
 * deflate, brotli, and a broken one), a 100 MB body streamed through `content` in bounded
 * memory, the pool's limits counted on the server, responses nobody reads, and HTTPS with a
 * certificate made at test time.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as zlib from "node:zlib";
import * as asyncio from "asyncio-ts";
import {
  ClientConnectorError,
  ClientPayloadError,
  ClientSession,
  TCPConnector,
} from "asyncio-ts/http";
import { asyncioTest } from "asyncio-ts/testing";
import { runScript } from "../core/childProcess.js";
import { rejection } from "../helpers.js";
import { testCertificates } from "../net/tlsCertificates.js";
import { startHttpServer } from "./httpServers.js";

const T = { timeout: 60_000 };

describe("broken and compressed bodies", () => {
  // mirrors aiohttp tests/test_client_functional.py test_bad_payload_content_length
  test(
    "a reset in the middle of the body: ClientPayloadError, not retried",
    T,
    asyncioTest(async () => {
      await using server = await startHttpServer((request, response) => {
        response.writeHead(200, { "Content-Length": "1000" });
        response.write("x".repeat(100), () => {
          setTimeout(() => request.socket.resetAndDestroy(), 10);
        });
      });
      await using session = new ClientSession({ baseUrl: server.url });
      const response = await session.get("/");
      const error = await rejection(response.text());
      assert.ok(error instanceof ClientPayloadError, String(error));
      assert.match(error.message, /Response payload is not completed/);
      assert.equal(server.requests, 1);
    }),
  );

  // mirrors aiohttp tests/test_client_functional.py test_broken_connection
  test(
    "a connection closed before the headers: ServerDisconnectedError after the retries",
    T,
    asyncioTest(async () => {
      await using server = await startHttpServer((request) => {
        request.socket.destroy();
      });
      await using session = new ClientSession({
        baseUrl: server.url,
        retry: { backoff: { base: 0.01 } },
      });
      const { ServerDisconnectedError } = await import("asyncio-ts/http");
      assert.ok((await rejection(session.get("/"))) instanceof ServerDisconnectedError);
      assert.equal(server.requests, 3);
    }),
  );

  // mirrors aiohttp tests/test_client_functional.py test_encoding_gzip, test_encoding_deflate
  test(
    "gzip, deflate and brotli bodies are decompressed, read whole or streamed",
    T,
    asyncioTest(async () => {
      const text = "compressed line\n".repeat(5_000);
      const encoders: Record<string, (data: Buffer) => Buffer> = {
        gzip: (data) => zlib.gzipSync(data),
        deflate: (data) => zlib.deflateSync(data),
        br: (data) => zlib.brotliCompressSync(data),
      };
      let acceptEncoding = "";
      await using server = await startHttpServer((request, response) => {
        acceptEncoding = String(request.headers["accept-encoding"]);
        const encoding = (request.url ?? "/").slice(1);
        const body = (encoders[encoding] as (data: Buffer) => Buffer)(Buffer.from(text));
        response.writeHead(200, { "Content-Encoding": encoding, "Content-Type": "text/plain" });
        // In pieces, so decoding runs across several chunks.
        for (let i = 0; i < body.length; i += 1000) response.write(body.subarray(i, i + 1000));
        response.end();
      });
      await using session = new ClientSession({ baseUrl: server.url });
      for (const encoding of Object.keys(encoders)) {
        assert.equal(await (await session.get(`/${encoding}`)).text(), text, encoding);
        const response = await session.get(`/${encoding}`);
        let lines = 0;
        for await (const line of response.content) {
          assert.equal(line.toString(), "compressed line\n");
          lines++;
        }
        assert.equal(lines, 5_000);
      }
      assert.equal(acceptEncoding, "gzip, deflate, br");
    }),
  );

  // mirrors aiohttp tests/test_client_functional.py test_bad_payload_compression
  test(
    "a body that does not decode: ClientPayloadError",
    T,
    asyncioTest(async () => {
      await using server = await startHttpServer((_request, response) => {
        response.writeHead(200, { "Content-Encoding": "gzip" });
        response.end("this is not gzip");
      });
      await using session = new ClientSession({ baseUrl: server.url });
      const error = await rejection((await session.get("/")).text());
      assert.ok(error instanceof ClientPayloadError, String(error));
      assert.match(error.message, /Can not decode content-encoding: gzip/);
    }),
  );

  // mirrors aiohttp tests/test_client_functional.py test_204_with_gzipped_content_encoding
  test(
    "a 204 and a HEAD have empty bodies, whatever their headers say",
    T,
    asyncioTest(async () => {
      await using server = await startHttpServer((request, response) => {
        response.writeHead(request.method === "HEAD" ? 200 : 204, {
          "Content-Encoding": "gzip",
          ...(request.method === "HEAD" ? { "Content-Length": "100" } : {}),
        });
        response.end();
      });
      await using session = new ClientSession({ baseUrl: server.url });
      assert.equal((await (await session.get("/")).bytes()).length, 0);
      assert.equal((await (await session.head("/")).bytes()).length, 0);
    }),
  );
});

describe("streaming and memory", () => {
  test("a 100 MB body read through content in bounded memory", { timeout: 120_000 }, async () => {
    // The client runs in a process of its own with --expose-gc, so what it holds is measured
    // after each collection, apart from the server's buffers and the test runner's.
    const size = 100 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 97);
    await using server = await startHttpServer((_request, response) => {
      response.writeHead(200, { "Content-Length": String(size) });
      let sent = 0;
      const pump = (): void => {
        while (sent < size) {
          sent += chunk.length;
          if (!response.write(chunk)) {
            response.once("drain", pump);
            return;
          }
        }
        response.end();
      };
      pump();
    });
    const result = await runScript(
      `
      import * as asyncio from "asyncio-ts";
      import { ClientSession } from "asyncio-ts/http";
      const held = () => { globalThis.gc(); const m = process.memoryUsage(); return m.heapUsed + m.external; };
      await asyncio.run(async () => {
        const session = new ClientSession();
        const response = await session.get(${JSON.stringify(server.url)});
        const before = held();
        let peak = before, received = 0, reads = 0;
        for (;;) {
          const data = await response.content.read(256 * 1024);
          if (data.length === 0) break;
          received += data.length;
          if (++reads % 50 === 0) peak = Math.max(peak, held());
        }
        console.log(JSON.stringify({ received, growth: peak - before }));
        await session.close();
      });
      `,
      { nodeFlags: ["--expose-gc"], timeoutMs: 100_000 },
    );
    assert.equal(result.code, 0, result.stderr);
    const { received, growth } = JSON.parse(result.lines.at(-1) ?? "{}") as {
      received: number;
      growth: number;
    };
    assert.equal(received, size);
    // Loose: what is held at once is the reader's few hundred KiB and the socket's buffers.
    assert.ok(growth < 16 * 1024 * 1024, `memory grew by ${Math.round(growth / 1024 / 1024)} MB`);
  });

  test("a response garbage-collected unreleased aborts its request and frees its connection", {
    timeout: 60_000,
  }, async () => {
    await using server = await startHttpServer((_request, response) => {
      response.write(Buffer.alloc(1024 * 1024));
    });
    const result = await runScript(
      `
      import * as asyncio from "asyncio-ts";
      import { ClientSession } from "asyncio-ts/http";
      await asyncio.run(async () => {
        const session = new ClientSession({ connector: { limit: 1 } });
        await (async () => { await session.get(${JSON.stringify(server.url)}); })();
        for (let i = 0; i < 20; i++) { globalThis.gc(); await asyncio.sleep(0.01); }
        const next = await asyncio.timeout(5, () => session.get(${JSON.stringify(server.url)}));
        console.log("second request", next.status);
        next.release();
        await session.close();
      }, { debug: true });
      `,
      { nodeFlags: ["--expose-gc"], timeoutMs: 30_000 },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.lines, ["second request 200"]);
    assert.match(result.stderr, /ResourceWarning: Unclosed response/);
  });

  test(
    "a reader that stops reading pauses the server (back-pressure), and resumes it",
    T,
    asyncioTest(async () => {
      let written = 0;
      let finished = false;
      await using server = await startHttpServer((_request, response) => {
        const chunk = Buffer.alloc(64 * 1024, 98);
        const pump = (): void => {
          while (written < 32 * 1024 * 1024) {
            written += chunk.length;
            if (!response.write(chunk)) {
              response.once("drain", pump);
              return;
            }
          }
          response.end(() => {
            finished = true;
          });
        };
        pump();
      });
      await using session = new ClientSession({ baseUrl: server.url });
      await using response = await session.get("/");
      await response.content.read(1);
      await asyncio.sleep(0.3);
      const stalled = written;
      await asyncio.sleep(0.2);
      // The server is blocked: socket buffers and the reader's few hundred KiB hold what it wrote.
      assert.equal(written, stalled);
      assert.ok(written < 24 * 1024 * 1024, `${written} bytes written`);
      assert.equal(finished, false);
      let total = 1;
      for (;;) {
        const data = await response.content.read(1024 * 1024);
        if (data.length === 0) break;
        total += data.length;
      }
      assert.equal(total, 32 * 1024 * 1024);
    }),
  );
});

describe("pool limits", () => {
  test(
    "limit: never more connections at once than the limit, counted on the server",
    T,
    asyncioTest(async () => {
      await using server = await startHttpServer((_request, response) => {
        setTimeout(() => response.end("ok"), 5);
      });
      await using session = new ClientSession({
        baseUrl: server.url,
        connector: new TCPConnector({ limit: 5 }),
      });
      await asyncio.gather(
        Array.from({ length: 100 }, () => async () => {
          await (await session.get("/")).text();
        }),
      );
      assert.ok(server.maxOpen <= 5, `${server.maxOpen} connections at once`);
      assert.ok(server.maxActive <= 5, `${server.maxActive} requests at once`);
      assert.equal(server.requests, 100);
    }),
  );

  test(
    "limit across hosts and limitPerHost per host",
    T,
    asyncioTest(async () => {
      let active = 0;
      let maxActive = 0;
      const handler = (_request: unknown, response: { end(text: string): void }): void => {
        active++;
        maxActive = Math.max(maxActive, active);
        setTimeout(() => {
          active--;
          response.end("ok");
        }, 5);
      };
      await using first = await startHttpServer(handler);
      await using second = await startHttpServer(handler);
      await using third = await startHttpServer(handler);
      await using session = new ClientSession({ connector: { limit: 4, limitPerHost: 2 } });
      const servers = [first, second, third];
      await asyncio.gather(
        Array.from({ length: 90 }, (_, i) => async () => {
          await (await session.get((servers[i % 3] as typeof first).url)).text();
        }),
      );
      for (const server of servers)
        assert.ok(server.maxOpen <= 2, `${server.maxOpen} connections to one host`);
      assert.ok(maxActive <= 4, `${maxActive} requests at once across hosts`);
      assert.ok(maxActive >= 3, `${maxActive}: the limit was reached`);
    }),
  );

  test(
    "a response nobody reads does not pin its connection once its body arrived",
    T,
    asyncioTest(async () => {
      await using server = await startHttpServer((_request, response) => {
        response.end("small body");
      });
      await using session = new ClientSession({ baseUrl: server.url, connector: { limit: 1 } });
      const unread = await session.get("/");
      // The one slot is free again once the small body arrived whole.
      await using next = await asyncio.timeout(5, () => session.get("/"));
      assert.equal(await next.text(), "small body");
      assert.equal(unread.closed, true);
      assert.equal(await unread.text(), "small body");
    }),
  );

  test(
    "release() of an unread large body closes the connection and frees the slot",
    T,
    asyncioTest(async () => {
      await using server = await startHttpServer((_request, response) => {
        response.write(Buffer.alloc(1024 * 1024));
      });
      await using session = new ClientSession({ baseUrl: server.url, connector: { limit: 1 } });
      const first = await session.get("/");
      assert.equal(first.closed, false);
      first.release();
      assert.equal(first.closed, true);
      const second = await asyncio.timeout(5, () => session.get("/"));
      await second[Symbol.asyncDispose]();
      assert.equal(second.closed, true);
    }),
  );
});

describe("https", () => {
  // mirrors aiohttp tests/test_client_functional.py test_ssl_client
  test(
    "a server whose certificate the connector trusts; one it does not",
    T,
    asyncioTest(async () => {
      const { ca, cert, key } = await testCertificates();
      await using server = await startHttpServer(
        (_request, response) => {
          response.end("secret page");
        },
        { key, cert },
      );
      await using trusting = new ClientSession({ connector: { ssl: { ca } } });
      await using response = await trusting.get(`${server.url}/`);
      assert.equal(await response.text(), "secret page");
      await using plain = new ClientSession({ retry: false });
      const error = await rejection(plain.get(`${server.url}/`));
      assert.ok(error instanceof ClientConnectorError, String(error));
      // The network layer's typed TLS error, with OpenSSL's verify code and text.
      assert.ok(error.osError instanceof asyncio.SSLCertVerificationError, String(error.osError));
      assert.equal(error.osError.verifyCode, 21);
      assert.match(
        error.message,
        /certificate verify failed: unable to verify the first certificate/,
      );
      await using careless = new ClientSession({ connector: { ssl: false } });
      assert.equal(await (await careless.get(`${server.url}/`)).text(), "secret page");
    }),
  );
});
