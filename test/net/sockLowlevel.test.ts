/**
 * The scenarios of CPython's test_sock_lowlevel.py, on the connection API.
 *
 * CPython's file tests `loop.sock_connect/sock_sendall/sock_recv/sock_recv_into/sock_accept`,
 * methods over raw non-blocking sockets that asyncio-ts does not have (Node's `net.Socket` is
 * the socket API, and connections go through transports and streams). Each scenario that makes
 * sense on a connection is kept, on streams or a protocol.
 *
 * Skipped, with the reason:
 * - test_sock_client_ops, _racing, _connect_racing, test_sock_recv_racing, _send_racing: they
 *   race `sock_recv`/`sock_sendall` calls on one raw socket; connections have one reader and
 *   serialise writes.
 * - test_recvfrom, test_recvfrom_into, test_sendto_blocking: `sock_recvfrom`/`sock_sendto` on
 *   raw UDP sockets; datagram endpoints are tested in datagram.test.ts.
 * - test_sock_accept: `sock_accept` on a listening raw socket; servers accept for their handler
 *   (server.test.ts).
 * - test_nonblocking_socket, test_sock_sendfile*: no raw sockets, no `sock_sendfile`.
 */
import assert from "node:assert/strict";
import * as net from "node:net";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { portOf, T, unixPath } from "./netHelpers.js";

const DATA_SIZE = 1_000_000;
const DIGITS = Buffer.from("0123456789");

/** `n` bytes of the repeating digits, starting at digit `offset % 10`. */
function digits(offset: number, n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) out[i] = DIGITS[(offset + i) % 10] as number;
  return out;
}

/**
 * A server that answers a request line with a status line, then sends back every byte of the
 * body as it arrives (so both directions carry a large stream at once).
 */
async function echoBody(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) {
  const request = await reader.readline();
  const length = Number(/Content-Length: (\d+)/.exec(request.toString())?.[1]);
  writer.write("HTTP/1.0 200 OK\r\n\r\n");
  let left = length;
  while (left > 0) {
    const data = await reader.read(65536);
    if (data.length === 0) break;
    writer.write(data);
    await writer.drain();
    left -= data.length;
  }
  writer.close();
}

/** The client half: send the request and the body while reading the answer back. */
async function sendBody(writer: asyncio.StreamWriter): Promise<void> {
  writer.write(`POST /loop HTTP/1.0 Content-Length: ${DATA_SIZE}\n`);
  for (let sent = 0; sent < DATA_SIZE; sent += 100_000) {
    writer.write(digits(sent, 100_000));
    await writer.drain();
  }
}

// mirrors test_sock_lowlevel.BaseSockTestsMixin.test_huge_content
test("a megabyte sent while its echo is read: every byte comes back, in order", T, () =>
  asyncio.run(async () => {
    await using server = await asyncio.startServer(echoBody, "127.0.0.1", 0);
    const [reader, writer] = await asyncio.openConnection("127.0.0.1", portOf(server));
    const sending = asyncio.createTask(() => sendBody(writer));
    const status = await reader.readuntil("\r\n\r\n");
    assert.equal(status.toString(), "HTTP/1.0 200 OK\r\n\r\n");
    let received = 0;
    for (;;) {
      const data = await reader.read(DATA_SIZE);
      if (data.length === 0) break;
      assert.ok(data.equals(digits(received, data.length)), `bytes at ${received} differ`);
      received += data.length;
    }
    assert.equal(received, DATA_SIZE);
    await sending;
    writer.close();
    await writer.waitClosed();
  }),
);

// mirrors test_sock_lowlevel.BaseSockTestsMixin.test_huge_content_recvinto
test("the same into one reused buffer, through a BufferedProtocol", T, () =>
  asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    await using server = await asyncio.startServer(echoBody, "127.0.0.1", 0);
    class Receiver extends asyncio.BufferedProtocol {
      readonly buffer = Buffer.alloc(DATA_SIZE);
      readonly done = loop.createFuture<number>();
      header = "";
      received = 0;
      mismatch: number | null = null;
      override getBuffer(): Uint8Array {
        return this.buffer;
      }
      override bufferUpdated(nbytes: number): void {
        let data = this.buffer.subarray(0, nbytes);
        if (!this.header.endsWith("\r\n\r\n")) {
          // The status line is shorter than one packet: it comes first and whole.
          const end = data.indexOf("\r\n\r\n") + 4;
          this.header += data.subarray(0, end).toString();
          data = data.subarray(end);
        }
        if (this.mismatch === null && !data.equals(digits(this.received, data.length))) {
          this.mismatch = this.received;
        }
        this.received += data.length;
      }
      override connectionLost(): void {
        this.done.setResult(this.received);
      }
    }
    const [transport, receiver] = await loop.createConnection(
      () => new Receiver(),
      "127.0.0.1",
      portOf(server),
    );
    transport.write(`POST /loop HTTP/1.0 Content-Length: ${DATA_SIZE}\n`);
    for (let sent = 0; sent < DATA_SIZE; sent += 100_000) {
      transport.write(digits(sent, 100_000));
    }
    assert.equal(await receiver.done, DATA_SIZE);
    assert.equal(receiver.header, "HTTP/1.0 200 OK\r\n\r\n");
    assert.equal(receiver.mismatch, null);
  }),
);

// mirrors test_sock_lowlevel.BaseSockTestsMixin.test_sock_client_fail
test("connecting to a port nothing listens on is a ConnectionRefusedError", T, () =>
  asyncio.run(async () => {
    // A port that was free a moment ago: bind one, note it, close it.
    const probe = net.createServer();
    await asyncio.wrap(new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve)));
    const { port } = probe.address() as net.AddressInfo;
    await asyncio.wrap(new Promise((resolve) => probe.close(resolve)));
    await assert.rejects(asyncio.openConnection("127.0.0.1", port), (error: unknown) => {
      assert.ok(error instanceof asyncio.ConnectionRefusedError);
      assert.equal(error.code, "ECONNREFUSED");
      return true;
    });
  }),
);

// mirrors test_sock_lowlevel.BaseSockTestsMixin.test_cancel_sock_accept
test("waiting for connections times out; once closed, the port refuses them", T, () =>
  asyncio.run(async () => {
    const server = await asyncio.startServer(
      () => assert.fail("no connection was made"),
      "127.0.0.1",
      0,
      { startServing: false },
    );
    const port = portOf(server);
    await assert.rejects(
      asyncio.waitFor(() => server.serveForever(), 0.1),
      asyncio.TimeoutError,
    );
    assert.equal(server.isServing(), false);
    await server.waitClosed();
    await assert.rejects(asyncio.openConnection("127.0.0.1", port), asyncio.ConnectionRefusedError);
  }),
);

// mirrors test_sock_lowlevel.BaseSockTestsMixin.test_unix_sock_client_ops
test("a request and its answer over a Unix socket", T, () =>
  asyncio.run(async () => {
    const path = unixPath("sock-lowlevel");
    await using _server = await asyncio.startUnixServer(async (reader, writer) => {
      const request = await reader.readline();
      writer.write(`HTTP/1.0 200 OK\r\n\r\nyou asked for ${request.toString().split(" ")[1]}`);
      writer.close();
    }, path);
    const [reader, writer] = await asyncio.openUnixConnection(path);
    writer.write("GET / HTTP/1.0\r\n\r\n");
    const answer = (await reader.read()).toString();
    assert.ok(answer.startsWith("HTTP/1.0 200 OK"));
    assert.ok(answer.endsWith("you asked for /"));
    writer.close();
    await writer.waitClosed();
  }),
);

// mirrors test_sock_lowlevel.BaseSockTestsMixin.test_create_connection_sock
test("createConnection over a socket connected beforehand, from getaddrinfo's records", T, () =>
  asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    await using server = await asyncio.startServer(
      async (_reader, writer) => {
        writer.write("HTTP/1.0 200 OK\r\n\r\nhello");
        writer.close();
      },
      "127.0.0.1",
      0,
    );
    const infos = await loop.getaddrinfo("127.0.0.1", portOf(server), {
      type: asyncio.SOCK_STREAM,
    });
    const [, , , , [host, port]] = infos[0] as asyncio.AddrInfo;
    const sock = net.connect(port, host);
    await asyncio.wrap(new Promise((resolve) => sock.once("connect", resolve)));
    const received: Buffer[] = [];
    const done = loop.createFuture<void>();
    const [transport, protocol] = await loop.createConnection(
      () => ({
        dataReceived: (data: Buffer) => received.push(data),
        connectionLost: () => done.setResult(undefined),
      }),
      null,
      null,
      { sock },
    );
    assert.equal(typeof transport.write, "function");
    assert.equal(typeof protocol.dataReceived, "function");
    await done;
    assert.ok(Buffer.concat(received).length > 0);
    transport.close();
  }),
);
