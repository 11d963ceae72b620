/**
 * TLS: connections and servers with `ssl`, `startTls` (loop and stream writer), the TLS errors,
 * the handshake and shutdown timeouts, and what a TLS transport tells through `getExtraInfo`.
 *
 * The certificates are made at test time with the `openssl` command (see tlsCertificates.ts).
 * The peers that CPython's tests run in a thread over blocking sockets are here a second
 * connection on the same loop, or a plain `node:net` socket when the peer must misbehave (never
 * speak TLS, never read).
 *
 * CPython tests not mirrored:
 * - test_sslproto.BaseStartTLS.test_create_connection_memory_leak and the weakref checks of
 *   the others: they look for reference cycles of Python objects; nothing to observe here.
 * - test_ssl.TestSSL.test_remote_shutdown_receives_trailing_data and the flush/shutdown
 *   tests that drive an `ssl.MemoryBIO` by hand: Node's TLSSocket has no memory BIO to drive.
 * - test_sslproto.SslProtoHandshakeTests (mocked transports): no mocks here; the handshake
 *   timeout and cancellation are tested over real sockets below.
 */
import assert from "node:assert/strict";
import * as net from "node:net";
import { before, describe, test } from "node:test";
import type * as tls from "node:tls";
import * as nodeTls from "node:tls";
import * as asyncio from "asyncio-ts";
import { portOf, recordReported } from "./netHelpers.js";
import { type TestCertificates, testCertificates } from "./tlsCertificates.js";

let certs: TestCertificates;
before(async () => {
  certs = await testCertificates();
});

const HELLO = Buffer.alloc(64 * 1024, "1");
const ANSWER = "answer";

function serverSsl(): tls.TlsOptions {
  return { key: certs.key, cert: certs.cert };
}

function clientSsl(): tls.ConnectionOptions {
  return { ca: [certs.ca] };
}

/** A protocol that collects what it receives and resolves futures at the steps of a test. */
class Collector extends asyncio.Protocol {
  transport: asyncio.Transport | null = null;
  data = Buffer.alloc(0);
  madeCount = 0;
  readonly made: asyncio.Future<void>;
  readonly eof: asyncio.Future<void>;
  readonly lost: asyncio.Future<Error | null>;
  #waiting: { size: number; future: asyncio.Future<Buffer> } | null = null;

  constructor() {
    super();
    const loop = asyncio.getRunningLoop();
    this.made = loop.createFuture();
    this.eof = loop.createFuture();
    this.lost = loop.createFuture();
  }

  override connectionMade(transport: asyncio.Transport): void {
    this.madeCount++;
    this.transport = transport;
    this.made.setResult(undefined);
  }

  override dataReceived(data: Buffer): void {
    this.data = Buffer.concat([this.data, data]);
    this.#check();
  }

  override eofReceived(): unknown {
    if (!this.eof.done()) this.eof.setResult(undefined);
    return false;
  }

  override connectionLost(error: Error | null): void {
    if (!this.lost.done()) this.lost.setResult(error);
  }

  /** The first `size` bytes received (taken out of `data`). */
  receive(size: number): Promise<Buffer> {
    const future = asyncio.getRunningLoop().createFuture<Buffer>();
    this.#waiting = { size, future };
    this.#check();
    return future as unknown as Promise<Buffer>;
  }

  #check(): void {
    const waiting = this.#waiting;
    if (waiting === null || this.data.length < waiting.size) return;
    this.#waiting = null;
    const head = this.data.subarray(0, waiting.size);
    this.data = this.data.subarray(waiting.size);
    waiting.future.setResult(Buffer.from(head));
  }
}

/** A plain `node:net` server whose connections are given to `onSocket`. */
async function plainServer(onSocket: (socket: net.Socket) => void): Promise<{
  port: number;
  close(): Promise<void>;
  sockets: Set<net.Socket>;
  [Symbol.asyncDispose](): Promise<void>;
}> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return { port, sockets, close, [Symbol.asyncDispose]: close };
}

/** A plain server that reads and never answers; `closed` resolves once a connection closed. */
async function silentPeer() {
  const loop = asyncio.getRunningLoop();
  const closed = loop.createFuture<void>();
  const peer = await plainServer((socket) => {
    socket.resume();
    socket.on("close", () =>
      loop.callSoon(() => {
        if (!closed.done()) closed.setResult(undefined);
      }),
    );
  });
  return { ...peer, closed };
}

/** Reads exactly so many bytes from a Node stream; `stop()` gives back what was read past. */
class ExactReader {
  readonly #stream: net.Socket;
  #data = Buffer.alloc(0);
  #waiting: { size: number; resolve: (data: Buffer) => void } | null = null;
  readonly #onData = (data: Buffer): void => {
    this.#data = Buffer.concat([this.#data, data]);
    this.#check();
  };

  constructor(stream: net.Socket) {
    this.#stream = stream;
    stream.on("data", this.#onData);
  }

  exactly(size: number): Promise<Buffer> {
    return new Promise((resolve) => {
      this.#waiting = { size, resolve };
      this.#check();
    });
  }

  stop(): void {
    this.#stream.off("data", this.#onData);
    if (this.#data.length > 0) this.#stream.unshift(this.#data);
    this.#data = Buffer.alloc(0);
  }

  #check(): void {
    const waiting = this.#waiting;
    if (waiting === null || this.#data.length < waiting.size) return;
    this.#waiting = null;
    const head = this.#data.subarray(0, waiting.size);
    this.#data = this.#data.subarray(waiting.size);
    waiting.resolve(head);
  }
}

describe("TLS options", () => {
  // mirrors test_base_events.BaseEventLoopWithSelectorTests.test_create_connection_server_hostname_errors
  // mirrors test_base_events.BaseEventLoopWithSelectorTests.test_create_connection_ssl_timeout_for_plain_socket
  test("createConnection: TLS options without ssl, and bad timeouts, are refused", async () => {
    await asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      const factory = () => new asyncio.Protocol();
      await assert.rejects(
        loop.createConnection(factory, "127.0.0.1", 1, { serverHostname: "x" }),
        { name: "RangeError", message: /server_hostname is only meaningful with ssl/ },
      );
      await assert.rejects(
        loop.createConnection(factory, "127.0.0.1", 1, { sslHandshakeTimeout: 1 }),
        { name: "RangeError", message: /ssl_handshake_timeout is only meaningful with ssl/ },
      );
      await assert.rejects(
        loop.createConnection(factory, "127.0.0.1", 1, { sslShutdownTimeout: 1 }),
        { name: "RangeError", message: /ssl_shutdown_timeout is only meaningful with ssl/ },
      );
      for (const bad of [0, -1]) {
        await assert.rejects(
          loop.createConnection(factory, "127.0.0.1", 1, { ssl: true, sslHandshakeTimeout: bad }),
          { name: "RangeError", message: /ssl_handshake_timeout should be a positive number/ },
        );
        await assert.rejects(
          loop.createConnection(factory, "127.0.0.1", 1, { ssl: true, sslShutdownTimeout: bad }),
          { name: "RangeError", message: /ssl_shutdown_timeout should be a positive number/ },
        );
      }
    });
  });

  // mirrors test_base_events.BaseEventLoopWithSelectorTests.test_create_server_ssl_timeout_for_plain_socket
  test("createServer: TLS timeouts without ssl, and bad ones with it, are refused", async () => {
    await asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      const factory = () => new asyncio.Protocol();
      await assert.rejects(loop.createServer(factory, "127.0.0.1", 0, { sslHandshakeTimeout: 1 }), {
        name: "RangeError",
        message: /ssl_handshake_timeout is only meaningful with ssl/,
      });
      await assert.rejects(loop.createServer(factory, "127.0.0.1", 0, { sslShutdownTimeout: 1 }), {
        name: "RangeError",
        message: /ssl_shutdown_timeout is only meaningful with ssl/,
      });
      await assert.rejects(
        loop.createServer(factory, "127.0.0.1", 0, { ssl: serverSsl(), sslShutdownTimeout: 0 }),
        { name: "RangeError", message: /ssl_shutdown_timeout should be a positive number/ },
      );
    });
  });

  // mirrors test_sslproto.BaseStartTLS.test_start_tls_wrong_args
  test("startTls: a missing ssl or a transport that is not a stream one is refused", async () => {
    await asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      const startTls = loop.startTls.bind(loop) as (...args: unknown[]) => Promise<unknown>;
      await assert.rejects(startTls(null, null, null), TypeError);
      await assert.rejects(startTls(null, null, serverSsl()), {
        name: "TypeError",
        message: /stream transport/,
      });
    });
  });
});

describe("TLS connections", () => {
  // mirrors test_ssl.TestSSL.test_create_server_ssl_1
  test("createConnection with ssl to a createServer with ssl: echo, extra info, no writeEof", async () => {
    await asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      const serverProtocols: Collector[] = [];
      const server = await loop.createServer(
        () => {
          const protocol = new (class extends Collector {
            override dataReceived(data: Buffer): void {
              this.transport?.write(data);
            }
          })();
          serverProtocols.push(protocol);
          return protocol;
        },
        "127.0.0.1",
        0,
        { ssl: serverSsl() },
      );
      const [transport, protocol] = await loop.createConnection(
        () => new Collector(),
        "127.0.0.1",
        portOf(server),
        { ssl: clientSsl(), serverHostname: "localhost" },
      );
      transport.write(HELLO);
      assert.deepEqual(await protocol.receive(HELLO.length), HELLO);

      const peercert = transport.getExtraInfo("peercert") as tls.PeerCertificate;
      assert.equal(peercert.subject.CN, "localhost");
      const cipher = transport.getExtraInfo("cipher") as [string, string, number];
      assert.equal(cipher.length, 3);
      assert.equal(typeof cipher[0], "string");
      assert.match(cipher[1], /^TLSv1\.[23]$/);
      assert.ok(cipher[2] >= 128);
      assert.equal(transport.getExtraInfo("compression"), null);
      const sslObject = transport.getExtraInfo("sslObject") as tls.TLSSocket;
      assert.equal(sslObject.encrypted, true);
      // The server asked for no client certificate.
      const serverTransport = serverProtocols[0]?.transport;
      assert.ok(serverTransport);
      assert.equal(serverTransport.getExtraInfo("peercert"), null);

      assert.equal(transport.canWriteEof(), false);
      assert.throws(() => transport.writeEof(), { name: "RuntimeError" });

      transport.close();
      assert.equal(await protocol.lost, null);
      server.close();
      await server.waitClosed();
      assert.equal(protocol.madeCount, 1);
    });
  });

  // mirrors test_streams.StreamTests.test_open_connection_no_loop_ssl
  test("openConnection with ssl to a startServer with ssl", async () => {
    await asyncio.run(async () => {
      const server = await asyncio.startServer(
        async (reader, writer) => {
          const line = await reader.readline();
          writer.write(line);
          await writer.drain();
          writer.close();
          await writer.waitClosed();
        },
        "127.0.0.1",
        0,
        { ssl: serverSsl() },
      );
      const [reader, writer] = await asyncio.openConnection("localhost", portOf(server), {
        ssl: clientSsl(),
      });
      writer.write("GET / HTTP/1.0\r\n");
      assert.equal(String(await reader.readline()), "GET / HTTP/1.0\r\n");
      const peercert = writer.getExtraInfo("peercert") as tls.PeerCertificate;
      assert.match(peercert.subjectaltname ?? "", /DNS:localhost/);
      assert.equal((writer.getExtraInfo("cipher") as unknown[]).length, 3);
      assert.equal(writer.canWriteEof(), false);
      // The server's close over TLS is an end of file here, and it closes the transport.
      assert.equal((await reader.read()).length, 0);
      assert.ok(reader.atEof());
      writer.close();
      await writer.waitClosed();
      server.close();
      await server.waitClosed();
    });
  });

  // mirrors test_sslproto.BaseStartTLS.test_create_connection_ssl_failed_certificate
  test("a self-signed server certificate: SSLCertVerificationError, the server serves on", async () => {
    await asyncio.run(async () => {
      const reported = recordReported();
      const server = await asyncio.startServer(
        async (_reader, writer) => {
          writer.write("hi\n");
          writer.close();
        },
        "127.0.0.1",
        0,
        { ssl: { key: certs.selfSignedKey, cert: certs.selfSignedCert } },
      );
      const port = portOf(server);
      const error = await asyncio
        .openConnection("127.0.0.1", port, {
          ssl: true,
          serverHostname: "localhost",
          sslHandshakeTimeout: 10,
        })
        .then(
          () => assert.fail("the handshake succeeded"),
          (error: unknown) => error,
        );
      assert.ok(error instanceof asyncio.SSLCertVerificationError);
      assert.ok(error instanceof asyncio.SSLError);
      assert.ok(error instanceof asyncio.OSError);
      assert.equal(error.reason, "CERTIFICATE_VERIFY_FAILED");
      assert.equal(error.code, "DEPTH_ZERO_SELF_SIGNED_CERT");
      assert.equal(error.verifyCode, 18);
      assert.equal(error.verifyMessage, "self-signed certificate");
      assert.match(error.message, /^certificate verify failed: self-signed certificate/);
      assert.ok(error.cause instanceof Error);

      // The same server still serves a client that trusts its certificate.
      const [reader, writer] = await asyncio.openConnection("127.0.0.1", port, {
        ssl: { ca: [certs.selfSignedCert] },
        serverHostname: "localhost",
      });
      assert.equal(String(await reader.readline()), "hi\n");
      writer.close();
      await writer.waitClosed();
      server.close();
      await server.waitClosed();
      assert.deepEqual(reported, []);
    });
  });

  // mirrors test_ssl.TestSSL.test_create_connection_ssl_failed_certificate
  test("a certificate from an authority not trusted: SSLCertVerificationError", async () => {
    await asyncio.run(async () => {
      const server = await asyncio.startServer(async () => {}, "127.0.0.1", 0, {
        ssl: serverSsl(),
      });
      await assert.rejects(
        asyncio.openConnection("127.0.0.1", portOf(server), {
          ssl: true,
          serverHostname: "localhost",
        }),
        (error: unknown) => {
          assert.ok(error instanceof asyncio.SSLCertVerificationError);
          assert.equal(error.code, "UNABLE_TO_VERIFY_LEAF_SIGNATURE");
          assert.equal(error.verifyCode, 21);
          assert.match(error.message, /certificate verify failed: unable to verify/);
          return true;
        },
      );
      server.close();
      await server.waitClosed();
    });
  });

  // mirrors test_ssl.TestSSL.test_create_connection_ssl_1 (its wrong-host variant)
  test("a certificate for another host name: SSLCertVerificationError naming the host", async () => {
    await asyncio.run(async () => {
      const server = await asyncio.startServer(async () => {}, "127.0.0.1", 0, {
        ssl: serverSsl(),
      });
      await assert.rejects(
        asyncio.openConnection("127.0.0.1", portOf(server), {
          ssl: clientSsl(),
          serverHostname: "example.com",
        }),
        (error: unknown) => {
          assert.ok(error instanceof asyncio.SSLCertVerificationError);
          assert.equal(error.code, "ERR_TLS_CERT_ALTNAME_INVALID");
          assert.equal(error.verifyCode, 62);
          assert.match(
            error.message,
            /Hostname mismatch, certificate is not valid for 'example.com'/,
          );
          return true;
        },
      );
      server.close();
      await server.waitClosed();
    });
  });

  test("a peer that answers the handshake with plain text: SSLError with its reason", async () => {
    await asyncio.run(async () => {
      await using peer = await plainServer((socket) => {
        socket.once("data", () => socket.write("HTTP/1.1 400 Bad Request\r\n\r\n"));
      });
      await assert.rejects(
        asyncio.openConnection("127.0.0.1", peer.port, {
          ssl: clientSsl(),
          serverHostname: "localhost",
        }),
        (error: unknown) => {
          assert.ok(error instanceof asyncio.SSLError);
          assert.ok(!(error instanceof asyncio.SSLCertVerificationError));
          assert.equal(error.reason, "WRONG_VERSION_NUMBER");
          assert.equal(error.code, "ERR_SSL_WRONG_VERSION_NUMBER");
          assert.match(error.message, /^\[SSL: WRONG_VERSION_NUMBER\] wrong version number/);
          return true;
        },
      );
    });
  });

  // mirrors test_sslproto.BaseStartTLS.test_create_connection_ssl_slow_handshake
  test("a peer that never speaks TLS: the handshake times out with ConnectionAbortedError", async () => {
    await asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      const reported = recordReported();
      await using peer = await silentPeer();
      const started = loop.time();
      await assert.rejects(
        asyncio.openConnection("127.0.0.1", peer.port, {
          ssl: clientSsl(),
          serverHostname: "localhost",
          sslHandshakeTimeout: 0.3,
        }),
        {
          name: "ConnectionAbortedError",
          message: /SSL handshake is taking longer than 0.3 seconds/,
        },
      );
      assert.ok(loop.time() - started >= 0.25);
      await peer.closed;
      assert.deepEqual(reported, []);
    });
  });

  // mirrors test_sslproto.BaseStartTLS.test_handshake_timeout
  test("cancelling a handshake closes the connection and reports nothing", async () => {
    await asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      const reported = recordReported();
      await using peer = await silentPeer();
      await assert.rejects(
        asyncio.waitFor(
          () =>
            loop.createConnection(() => new asyncio.Protocol(), "127.0.0.1", peer.port, {
              ssl: clientSsl(),
              serverHostname: "localhost",
              sslHandshakeTimeout: 10,
            }),
          0.3,
        ),
        { name: "TimeoutError" },
      );
      await peer.closed;
      assert.deepEqual(reported, []);
    });
  });

  test("a TLS server aborts a client that never starts the handshake", async () => {
    await asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      let made = 0;
      const server = await loop.createServer(
        () => {
          made++;
          return new asyncio.Protocol();
        },
        "127.0.0.1",
        0,
        { ssl: serverSsl(), sslHandshakeTimeout: 0.3 },
      );
      const [transport, protocol] = await loop.createConnection(
        () => new Collector(),
        "127.0.0.1",
        portOf(server),
      );
      assert.equal(await protocol.lost, null);
      assert.ok(transport.isClosing());
      assert.equal(made, 0);
      server.close();
      await server.waitClosed();
    });
  });

  test("sslShutdownTimeout: a close that can not flush aborts the connection", async () => {
    await asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      const server = await loop.createServer(
        () =>
          new (class extends Collector {
            override connectionMade(transport: asyncio.Transport): void {
              super.connectionMade(transport);
              transport.pauseReading();
            }
          })(),
        "127.0.0.1",
        0,
        { ssl: serverSsl() },
      );
      const [transport, protocol] = await loop.createConnection(
        () => new Collector(),
        "127.0.0.1",
        portOf(server),
        { ssl: clientSsl(), serverHostname: "localhost", sslShutdownTimeout: 0.3 },
      );
      const chunk = Buffer.alloc(1024 * 1024, "x");
      for (let i = 0; i < 16; i++) transport.write(chunk);
      const started = loop.time();
      transport.close();
      const error = await protocol.lost;
      assert.ok(error instanceof asyncio.TimeoutError);
      assert.match(error.message, /SSL shutdown timed out/);
      assert.ok(loop.time() - started >= 0.25);
      server.close();
      server.abortClients();
      await server.waitClosed();
    });
  });
});

describe("startTls", () => {
  /**
   * A peer for the client-side tests, as CPython's blocking-socket thread: reads HELLO in plain
   * text, runs the server side of the handshake over the same socket, sends "O", reads HELLO,
   * sends "2", reads HELLO, closes.
   */
  function startTlsPeer(): ReturnType<typeof plainServer> {
    return plainServer((socket) => {
      void (async () => {
        const plain = new ExactReader(socket);
        await plain.exactly(HELLO.length);
        // Bytes read past HELLO (the start of the ClientHello) go back for the TLS socket.
        socket.pause();
        plain.stop();
        const secure = new nodeTls.TLSSocket(socket, { isServer: true, ...serverSsl() });
        secure.on("error", () => {});
        await new Promise((resolve) => secure.once("secure", resolve));
        const reader = new ExactReader(secure);
        secure.write("O");
        await reader.exactly(HELLO.length);
        secure.write("2");
        await reader.exactly(HELLO.length);
        secure.end();
      })().catch(() => socket.destroy());
    });
  }

  // mirrors test_sslproto.BaseStartTLS.test_start_tls_client_reg_proto_1
  test("client side with a Protocol: connectionMade once, data and eof after the upgrade", async () => {
    await asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      await using server = await startTlsPeer();
      const [transport, protocol] = await loop.createConnection(
        () => new Collector(),
        "127.0.0.1",
        server.port,
      );
      transport.write(HELLO);
      const secured = await loop.startTls(transport, protocol, clientSsl(), {
        serverHostname: "localhost",
      });
      assert.equal(String(await protocol.receive(1)), "O");
      assert.equal(secured.canWriteEof(), false);
      assert.equal(
        (secured.getExtraInfo("peercert") as tls.PeerCertificate).subject.CN,
        "localhost",
      );
      secured.write(HELLO);
      assert.equal(String(await protocol.receive(1)), "2");
      secured.write(HELLO);
      await protocol.eof;
      assert.equal(await protocol.lost, null);
      assert.equal(protocol.madeCount, 1);
    });
  });

  // mirrors test_sslproto.BaseStartTLS.test_start_tls_client_buf_proto_1
  test("client side with a BufferedProtocol, then setProtocol to a Protocol", async () => {
    await asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      await using server = await startTlsPeer();
      let madeCalls = 0;
      const first = loop.createFuture<string>();
      class First extends asyncio.BufferedProtocol {
        readonly buffer = new Uint8Array(1);
        override connectionMade(): void {
          madeCalls++;
        }
        override getBuffer(): Uint8Array {
          return this.buffer;
        }
        override bufferUpdated(nbytes: number): void {
          assert.equal(nbytes, 1);
          first.setResult(Buffer.from(this.buffer.subarray(0, nbytes)).toString());
        }
      }
      const [transport, protocol] = await loop.createConnection(
        () => new First(),
        "127.0.0.1",
        server.port,
      );
      transport.write(HELLO);
      const secured = await loop.startTls(transport, protocol, clientSsl(), {
        serverHostname: "localhost",
      });
      assert.equal(await first, "O");
      secured.write(HELLO);
      const second = new Collector();
      secured.setProtocol(second);
      assert.equal(String(await second.receive(1)), "2");
      secured.write(HELLO);
      await second.eof;
      assert.equal(await second.lost, null);
      assert.equal(madeCalls, 1);
      assert.equal(second.madeCount, 0);
    });
  });

  // mirrors test_sslproto.BaseStartTLS.test_start_tls_slow_client_cancel
  test("a handshake the peer never answers: cancelled by waitFor, the transport is aborted", async () => {
    await asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      const reported = recordReported();
      const gotHello = loop.createFuture<void>();
      await using peer = await plainServer((socket) => {
        let received = 0;
        socket.on("data", (data: Buffer) => {
          received += data.length;
          if (received >= HELLO.length) {
            loop.callSoon(() => {
              if (!gotHello.done()) gotHello.setResult(undefined);
            });
          }
        });
      });
      const [transport, protocol] = await loop.createConnection(
        () => new Collector(),
        "127.0.0.1",
        peer.port,
      );
      transport.write(HELLO);
      await gotHello;
      await assert.rejects(
        asyncio.waitFor(
          () => loop.startTls(transport, protocol, clientSsl(), { serverHostname: "localhost" }),
          0.3,
        ),
        { name: "TimeoutError" },
      );
      assert.equal(await protocol.lost, null);
      assert.ok(transport.isClosing());
      assert.deepEqual(reported, []);
    });
  });

  test("a handshake that takes longer than sslHandshakeTimeout aborts the transport", async () => {
    await asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      await using peer = await plainServer((socket) => socket.resume());
      const [transport, protocol] = await loop.createConnection(
        () => new Collector(),
        "127.0.0.1",
        peer.port,
      );
      await assert.rejects(
        loop.startTls(transport, protocol, clientSsl(), {
          serverHostname: "localhost",
          sslHandshakeTimeout: 0.3,
        }),
        { name: "ConnectionAbortedError", message: /taking longer than 0.3 seconds/ },
      );
      assert.equal(await protocol.lost, null);
    });
  });

  // mirrors test_sslproto.BaseStartTLS.test_start_tls_server_1
  test("server side: the ClientHello waiting in the paused plain socket is read", async () => {
    await asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      const onConnection = loop.createFuture<asyncio.Transport>();
      class ServerProtocol extends Collector {
        override connectionMade(transport: asyncio.Transport): void {
          super.connectionMade(transport);
          onConnection.setResult(transport);
        }
        override dataReceived(data: Buffer): void {
          super.dataReceived(data);
          if (this.data.length >= HELLO.length) this.transport?.write(ANSWER);
        }
      }
      const protocol = new ServerProtocol();
      const server = await loop.createServer(() => protocol, "127.0.0.1", 0);

      const client = asyncio.createTask(async () => {
        const [reader, writer] = await asyncio.openConnection("127.0.0.1", portOf(server));
        await reader.readexactly(HELLO.length);
        await writer.startTls(clientSsl(), { serverHostname: "localhost" });
        writer.write(HELLO);
        const answer = await reader.readexactly(ANSWER.length);
        writer.close();
        await writer.waitClosed();
        return String(answer);
      });

      const transport = await onConnection;
      // Not reading: the client's ClientHello waits in the plain socket's buffer.
      transport.pauseReading();
      transport.write(HELLO);
      // Time for the client's ClientHello to arrive unread; nothing may reach the protocol in it.
      // startTls below must then find the hello in the socket's buffer and answer it.
      await asyncio.sleep(0.2);
      assert.equal(protocol.data.length, 0);
      const secured = await loop.startTls(transport, protocol, serverSsl(), {
        serverSide: true,
        sslHandshakeTimeout: 10,
      });
      assert.ok(secured.isReading());
      assert.equal(await client, ANSWER);
      assert.equal(await protocol.lost, null);
      assert.deepEqual(protocol.data, HELLO);
      server.close();
      await server.waitClosed();
    });
  });

  // mirrors test_streams.StreamTests.test_start_tls
  test("StreamWriter.startTls on both sides of a stream connection", async () => {
    await asyncio.run(async () => {
      const server = await asyncio.startServer(
        async (reader, writer) => {
          assert.equal(String(await reader.readline()), "STARTTLS\n");
          writer.write("OK\n");
          await writer.startTls(serverSsl());
          assert.ok(writer.getExtraInfo("sslObject"));
          const line = await reader.readline();
          writer.write(line);
          await writer.drain();
          writer.close();
          await writer.waitClosed();
        },
        "127.0.0.1",
        0,
      );
      const [reader, writer] = await asyncio.openConnection("127.0.0.1", portOf(server));
      assert.equal(writer.getExtraInfo("peercert"), undefined);
      writer.write("STARTTLS\n");
      assert.equal(String(await reader.readline()), "OK\n");
      await writer.startTls(clientSsl(), { serverHostname: "localhost" });
      assert.equal(
        (writer.getExtraInfo("peercert") as tls.PeerCertificate).subject.CN,
        "localhost",
      );
      writer.write("secret\n");
      assert.equal(String(await reader.readline()), "secret\n");
      assert.equal((await reader.read()).length, 0);
      writer.close();
      await writer.waitClosed();
      server.close();
      await server.waitClosed();
    });
  });

  // mirrors test_sslproto.BaseStartTLS.test_start_tls_client_corrupted_ssl
  test("a corrupted record after the handshake: connectionLost with an SSLError", async () => {
    await asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      const reported = recordReported();
      await using server = await startTlsPeer();
      // A relay between the client and the server that can slip bytes of its own in.
      const relay = await plainServer((socket) => {
        const upstream = net.connect(server.port, "127.0.0.1");
        upstream.on("error", () => socket.destroy());
        socket.on("close", () => upstream.destroy());
        socket.pipe(upstream);
        upstream.pipe(socket);
      });
      try {
        const [transport, protocol] = await loop.createConnection(
          () => new Collector(),
          "127.0.0.1",
          relay.port,
        );
        transport.write(HELLO);
        await loop.startTls(transport, protocol, clientSsl(), { serverHostname: "localhost" });
        assert.equal(String(await protocol.receive(1)), "O");
        // An application-data record whose authentication tag can not be right.
        const garbage = Buffer.concat([
          Buffer.from([0x17, 0x03, 0x03, 0x00, 0x40]),
          Buffer.alloc(64, 0xab),
        ]);
        for (const socket of relay.sockets) socket.write(garbage);
        const error = await protocol.lost;
        assert.ok(error instanceof asyncio.SSLError, String(error));
        assert.ok(!(error instanceof asyncio.SSLCertVerificationError));
        assert.equal(typeof error.reason, "string");
        assert.deepEqual(reported, []);
      } finally {
        await relay.close();
        await server.close();
      }
    });
  });
});
