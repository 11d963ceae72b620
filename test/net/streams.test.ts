/**
 * Streams over real sockets (openConnection/startServer and the Unix variants), mirroring the
 * socket tests of CPython 3.13's test_streams.StreamTests. Every connection is over loopback or
 * a Unix socket in the temporary directory; no external traffic.
 *
 * Skipped:
 * - test_open_connection_no_loop_ssl, test_open_unix_connection_no_loop_ssl,
 *   test_open_connection_error's SSL twin, test_start_tls*: TLS is tested with tls.ts.
 * - test_streamreader_constructor_*, test_streamreaderprotocol_constructor_*,
 *   test_stream_reader_create_warning, test_stream_writer_create_warning: the deprecated
 *   implicit loop; readers are covered by streamReader.test.ts.
 * - test_read_all_from_pipe_reader: pipes and subprocesses (connect_read_pipe) are not part of
 *   the socket layer.
 * - test_streamwriter___del__*, test_unclosed_*_warning, test___repr__*: garbage-collection
 *   warnings and reprs have no counterpart we can observe reliably.
 * - test_LimitOverrunError_pickleable, test_IncompleteReadError_pickleable: pickling.
 * - test_open_connection_happy_eyeball_refcycles: reference cycles of CPython's frames.
 * - test_feed_* / test_read* / test_readline* on a bare reader: streamReader.test.ts.
 */
import assert from "node:assert/strict";
import * as net from "node:net";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { rejection } from "../helpers.js";
import { portOf, recordReported, T, unixPath } from "./netHelpers.js";

/** A stream server answering one HTTP-like request with a fixed response, then closing. */
function httpHandler(response: string): asyncio.ClientConnectedCallback {
  return async (reader, writer) => {
    // Read the request up to its blank line.
    await reader.readuntil("\r\n\r\n");
    writer.write(response);
    await writer.drain();
    writer.close();
    await writer.waitClosed();
  };
}

const RESPONSE = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nTest message";

async function checkHttp(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) {
  writer.write("GET / HTTP/1.0\r\n\r\n");
  assert.equal((await reader.readline()).toString(), "HTTP/1.0 200 OK\r\n");
  const rest = await reader.read();
  assert.ok(rest.toString().endsWith("\r\n\r\nTest message"));
  assert.equal(reader.atEof(), true);
  writer.close();
  await writer.waitClosed();
}

// mirrors test_streams.StreamTests.test_open_connection
test("openConnection reads a response line, then the rest to end of file", T, () =>
  asyncio.run(async () => {
    await using server = await asyncio.startServer(httpHandler(RESPONSE), "127.0.0.1", 0);
    const [reader, writer] = await asyncio.openConnection("127.0.0.1", portOf(server));
    await checkHttp(reader, writer);
  }),
);

// mirrors test_streams.StreamTests.test_open_unix_connection
test("openUnixConnection reads a response over a Unix socket", T, () =>
  asyncio.run(async () => {
    const path = unixPath("streams");
    await using _server = await asyncio.startUnixServer(httpHandler(RESPONSE), path);
    const [reader, writer] = await asyncio.openUnixConnection(path);
    assert.equal(writer.getExtraInfo("peername"), path);
    await checkHttp(reader, writer);
  }),
);

// mirrors test_streams.StreamTests.test_open_connection_error
test("openConnection to a closed port raises ConnectionRefusedError with its code", T, () =>
  asyncio.run(async () => {
    const server = await asyncio.startServer(() => {}, "127.0.0.1", 0);
    const port = portOf(server);
    server.close();
    await server.waitClosed();
    const error = await rejection(asyncio.openConnection("127.0.0.1", port));
    assert.ok(error instanceof asyncio.ConnectionRefusedError, String(error));
    assert.ok(error instanceof asyncio.OSError);
    assert.equal(error.code, "ECONNREFUSED");
    assert.equal(error.syscall, "connect");
    assert.equal(asyncio.getRunningLoop().statistics().inFlight.length, 0);
  }),
);

// mirrors test_streams.StreamTests.test_open_unix_connection_error
test("openUnixConnection to a missing path raises an OSError (ENOENT)", T, () =>
  asyncio.run(async () => {
    const error = await rejection(asyncio.openUnixConnection(unixPath("streams")));
    assert.ok(error instanceof asyncio.OSError, String(error));
    assert.equal(error.code, "ENOENT");
  }),
);

/** CPython's MyServer: echoes one line back. */
const echoLine: asyncio.ClientConnectedCallback = async (reader, writer) => {
  const line = await reader.readline();
  writer.write(line);
  await writer.drain();
  writer.close();
  await writer.waitClosed();
};

async function echoClient(
  open: () => Promise<[asyncio.StreamReader, asyncio.StreamWriter]>,
): Promise<string> {
  const [reader, writer] = await open();
  writer.write("hello world!\n");
  const line = await reader.readline();
  writer.close();
  await writer.waitClosed();
  return line.toString();
}

// mirrors test_streams.StreamTests.test_start_server
test("startServer echoes a line, started at once or by serveForever", T, () =>
  asyncio.run(async () => {
    {
      await using server = await asyncio.startServer(echoLine, "127.0.0.1", 0);
      assert.equal(server.isServing(), true);
      const port = portOf(server);
      assert.equal(
        await echoClient(() => asyncio.openConnection("127.0.0.1", port)),
        "hello world!\n",
      );
    }
    // Not serving yet: the client connects (backlog), is served once serveForever runs.
    const server = await asyncio.startServer(echoLine, "127.0.0.1", 0, { startServing: false });
    assert.equal(server.isServing(), false);
    const port = portOf(server);
    const forever = asyncio.createTask(() => server.serveForever());
    assert.equal(
      await echoClient(() => asyncio.openConnection("127.0.0.1", port)),
      "hello world!\n",
    );
    forever.cancel();
    await rejection(forever);
    assert.equal(server.isServing(), false);
    await server.waitClosed();
  }),
);

// mirrors test_streams.StreamTests.test_start_unix_server
test("startUnixServer echoes a line", T, () =>
  asyncio.run(async () => {
    const path = unixPath("streams");
    await using server = await asyncio.startUnixServer(echoLine, path);
    assert.equal(server.sockets[0]?.getsockname(), path);
    assert.equal(await echoClient(() => asyncio.openUnixConnection(path)), "hello world!\n");
  }),
);

// mirrors test_streams.StreamTests.test_start_server (client_connected_cb a plain function)
test("a handler that is a plain function works too", T, () =>
  asyncio.run(async () => {
    await using server = await asyncio.startServer(
      (_reader, writer) => {
        writer.write("hi\n");
        writer.close();
      },
      "127.0.0.1",
      0,
    );
    const [reader, writer] = await asyncio.openConnection("127.0.0.1", portOf(server));
    assert.equal((await reader.read()).toString(), "hi\n");
    writer.close();
    await writer.waitClosed();
  }),
);

// mirrors test_streams.StreamTests.test_drain_raises
test("drain raises a connection error within a few writes once the peer closed", T, () =>
  asyncio.run(async () => {
    const accepted = new asyncio.Event();
    await using server = await asyncio.startServer(
      async (_reader, writer) => {
        writer.transport.abort();
        accepted.set();
      },
      "127.0.0.1",
      0,
    );
    const [reader, writer] = await asyncio.openConnection("127.0.0.1", portOf(server));
    await accepted.wait();
    const chunk = Buffer.alloc(64 * 1024, 120);
    const error = await rejection(
      (async () => {
        for (let i = 0; i < 1000; i++) {
          writer.write(chunk);
          await writer.drain();
        }
      })(),
    );
    assert.ok(
      error instanceof asyncio.ConnectionResetError ||
        error instanceof asyncio.BrokenPipeError ||
        error instanceof asyncio.ConnectionAbortedError,
      String(error),
    );
    writer.close();
    // The connection broke: waitClosed() may throw its error; it must end either way.
    await writer.waitClosed().catch(() => {});
    await reader.read().catch(() => Buffer.alloc(0));
  }),
);

// mirrors test_streams.StreamTests.test_wait_closed_on_close
test("waitClosed after close ends, and again at once", T, () =>
  asyncio.run(async () => {
    await using server = await asyncio.startServer(httpHandler(RESPONSE), "127.0.0.1", 0);
    const [reader, writer] = await asyncio.openConnection("127.0.0.1", portOf(server));
    writer.write("GET / HTTP/1.0\r\n\r\n");
    assert.equal((await reader.readline()).toString(), "HTTP/1.0 200 OK\r\n");
    await reader.read();
    assert.equal(writer.isClosing(), false);
    writer.close();
    assert.equal(writer.isClosing(), true);
    writer.close();
    await writer.waitClosed();
    await writer.waitClosed();
    writer.close();
  }),
);

// mirrors test_streams.StreamTests.test_wait_closed_on_close_with_unread_data
test("waitClosed ends with the response left unread", T, () =>
  asyncio.run(async () => {
    await using server = await asyncio.startServer(httpHandler(RESPONSE), "127.0.0.1", 0);
    const [reader, writer] = await asyncio.openConnection("127.0.0.1", portOf(server));
    writer.write("GET / HTTP/1.0\r\n\r\n");
    assert.equal((await reader.readline()).toString(), "HTTP/1.0 200 OK\r\n");
    writer.close();
    await writer.waitClosed();
  }),
);

// mirrors test_streams.StreamTests.test_async_writer_api
test("write, drain, close and waitClosed from a task", T, () =>
  asyncio.run(async () => {
    await using server = await asyncio.startServer(httpHandler(RESPONSE), "127.0.0.1", 0);
    const [reader, writer] = await asyncio.openConnection("127.0.0.1", portOf(server));
    writer.write("GET / HTTP/1.0\r\n\r\n");
    await writer.drain();
    const data = await reader.read();
    assert.ok(data.toString().endsWith("Test message"));
    writer.close();
    await writer.waitClosed();
  }),
);

// mirrors test_streams.StreamTests.test_async_writer_api_exception_after_close
test("drain after close raises ConnectionResetError; the write is dropped", T, () =>
  asyncio.run(async () => {
    await using server = await asyncio.startServer(httpHandler(RESPONSE), "127.0.0.1", 0);
    const [reader, writer] = await asyncio.openConnection("127.0.0.1", portOf(server));
    writer.write("GET / HTTP/1.0\r\n\r\n");
    await writer.drain();
    await reader.read();
    writer.close();
    writer.write("data");
    const error = await rejection(writer.drain());
    assert.ok(error instanceof asyncio.ConnectionResetError, String(error));
    await writer.waitClosed();
  }),
);

// mirrors test_streams.StreamTests.test_eof_feed_when_closing_writer
test("closing the writer feeds end of file to its reader", T, () =>
  asyncio.run(async () => {
    await using server = await asyncio.startServer(
      async (reader, writer) => {
        await reader.read();
        writer.close();
      },
      "127.0.0.1",
      0,
    );
    const [reader, writer] = await asyncio.openConnection("127.0.0.1", portOf(server));
    writer.close();
    await writer.waitClosed();
    assert.equal(reader.atEof(), true);
    assert.deepEqual(await reader.read(), Buffer.alloc(0));
  }),
);

// mirrors test_streams.StreamTests.test_unhandled_exceptions
test("a handler that throws is reported and its connection closed", T, () =>
  asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    const reported: asyncio.ExceptionContext[] = [];
    const seen = new asyncio.Event();
    loop.setExceptionHandler((_loop, context) => {
      reported.push(context);
      seen.set();
    });
    const boom = new Error("boom");
    await using server = await asyncio.startServer(
      async (reader) => {
        await reader.readline();
        throw boom;
      },
      "127.0.0.1",
      0,
    );
    const [reader, writer] = await asyncio.openConnection("127.0.0.1", portOf(server));
    writer.write("line\n");
    // The server closes the connection: the client reads end of file.
    assert.deepEqual(await reader.read(), Buffer.alloc(0));
    await seen.wait();
    assert.equal(reported.length, 1);
    assert.equal(reported[0]?.message, "Unhandled exception in client_connected_cb");
    assert.equal(reported[0]?.exception, boom);
    assert.ok(reported[0]?.transport !== undefined);
    writer.close();
    await writer.waitClosed();
  }),
);

// mirrors test_streams.StreamTests.test_unhandled_cancel
test("a handler cancelled is not reported; its connection is closed", T, () =>
  asyncio.run(async () => {
    const reported = recordReported();
    await using server = await asyncio.startServer(
      async (reader) => {
        await reader.readline();
        asyncio.currentTask()?.cancel();
        await asyncio.sleep(0);
      },
      "127.0.0.1",
      0,
    );
    const [reader, writer] = await asyncio.openConnection("127.0.0.1", portOf(server));
    writer.write("line\n");
    assert.deepEqual(await reader.read(), Buffer.alloc(0));
    writer.close();
    await writer.waitClosed();
    await asyncio.sleep(0);
    assert.deepEqual(reported, []);
  }),
);

// mirrors test_streams.StreamTests.test_readline_limit_with_existing_data (over a socket)
test("readline past the limit raises RangeError; readuntil raises LimitOverrunError", T, () =>
  asyncio.run(async () => {
    const line = `${"x".repeat(100)}\n`;
    await using server = await asyncio.startServer(
      async (_reader, writer) => {
        writer.write(line + line + "tail\n");
        await writer.drain();
        writer.close();
      },
      "127.0.0.1",
      0,
    );
    const [reader, writer] = await asyncio.openConnection("127.0.0.1", portOf(server), {
      limit: 16,
    });
    // Wait until the whole first line is buffered: it then is over the limit.
    const overrun = await rejection(reader.readuntil("\n"));
    assert.ok(overrun instanceof asyncio.LimitOverrunError, String(overrun));
    // readuntil left the data; readline drops the long line and raises ValueError.
    const error = await rejection(reader.readline());
    assert.ok(error instanceof RangeError, String(error));
    const error2 = await rejection(reader.readline());
    assert.ok(error2 instanceof RangeError, String(error2));
    assert.equal((await reader.readline()).toString(), "tail\n");
    assert.deepEqual(await reader.read(), Buffer.alloc(0));
    writer.close();
    await writer.waitClosed();
  }),
);

// mirrors test_streams.StreamTests.test_multiple_drain
test("several tasks draining at once all resume", T, () =>
  asyncio.run(async () => {
    const got = new asyncio.Event();
    let received = 0;
    const total = 10 * 64 * 1024;
    await using server = await asyncio.startServer(
      async (reader, writer) => {
        while (received < total) {
          const data = await reader.read(65536);
          if (data.length === 0) break;
          received += data.length;
        }
        got.set();
        writer.close();
      },
      "127.0.0.1",
      0,
    );
    const [, writer] = await asyncio.openConnection("127.0.0.1", portOf(server));
    writer.transport.setWriteBufferLimits(0);
    const chunk = Buffer.alloc(64 * 1024, 97);
    await asyncio.gather(
      ...Array.from({ length: 10 }, () =>
        asyncio.createTask(async () => {
          writer.write(chunk);
          await writer.drain();
        }),
      ),
    );
    await got.wait();
    assert.equal(received, total);
    writer.close();
    await writer.waitClosed();
  }),
);

// Our own: a closed server's waitClosed() waits for the handler's connection to end; the
// handler still reads what the client sends after the close.
test("waitClosed of a closed server waits until its open connection ends", T, () =>
  asyncio.run(async () => {
    const handlerDone = new asyncio.Event();
    const server = await asyncio.startServer(
      async (reader, writer) => {
        assert.deepEqual(await reader.read(), Buffer.from("bye"));
        writer.close();
        await writer.waitClosed();
        handlerDone.set();
      },
      "127.0.0.1",
      0,
    );
    const [reader, writer] = await asyncio.openConnection("127.0.0.1", portOf(server));
    server.close();
    const closed = asyncio.createTask(() => server.waitClosed());
    // waitClosed may not end in this time: the connection is still open.
    await asyncio.sleep(0.01);
    assert.equal(closed.done(), false);
    writer.write("bye");
    writer.writeEof();
    assert.deepEqual(await reader.read(), Buffer.alloc(0));
    await closed;
    await handlerDone.wait();
    writer.close();
    await writer.waitClosed();
  }),
);

// Our own: a connection of raw Node sockets interoperates (the peer is not asyncio-ts).
test("openConnection talks to a plain net.Server", T, () =>
  asyncio.run(async () => {
    const raw = net.createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = raw.address() as net.AddressInfo;
      const [reader, writer] = await asyncio.openConnection("127.0.0.1", port);
      writer.write("ping\n");
      assert.equal((await reader.readline()).toString(), "ping\n");
      writer.close();
      await writer.waitClosed();
    } finally {
      await new Promise((resolve) => raw.close(resolve));
    }
  }),
);

test(
  "data that arrived in many pieces while nobody read come back whole, in order, whatever the reads",
  T,
  async () => {
    // The reader keeps the pieces a socket delivers as they came and joins them only for a read
    // that needs bytes of several; every kind of read must see one continuous stream.
    const pieces = Array.from({ length: 60 }, (_, i) =>
      Buffer.from(`${"x".repeat((i * 37) % 300)}line ${i}\n`),
    );
    const everything = Buffer.concat(pieces);
    await asyncio.run(async () => {
      const written = new asyncio.Event();
      await using server = await asyncio.startServer(
        async (_reader, writer) => {
          for (const piece of pieces) {
            writer.write(piece);
            await writer.drain();
            await asyncio.sleep(0);
          }
          writer.writeEof();
          written.set();
        },
        "127.0.0.1",
        0,
      );
      const [reader, writer] = await asyncio.openConnection("127.0.0.1", portOf(server));
      await written.wait();
      // Time for the last pieces to reach the reader unread; nothing waits on it: the reads
      // below must see the same stream however many pieces have arrived.
      await asyncio.sleep(0.05);
      const got: Buffer[] = [];
      got.push(await reader.read(10));
      got.push(await reader.readline());
      got.push(await reader.readexactly(700));
      got.push(await reader.read(5000));
      got.push(await reader.readuntil(["line 40\n", "line 41\n"]));
      for (;;) {
        const line = await reader.readline();
        if (line.length === 0) break;
        got.push(line);
      }
      assert.deepEqual(Buffer.concat(got), everything);
      writer.close();
      await writer.waitClosed();
    });
  },
);

// ours: read() to the end of the stream keeps every byte whatever the limit (CPython reads
// `limit` bytes at a time; here the chunks are joined once at the end)
test("read() to end of file returns megabytes sent in many chunks, with a small limit", T, () =>
  asyncio.run(async () => {
    const chunk = Buffer.alloc(64 * 1024);
    for (let i = 0; i < chunk.length; i++) chunk[i] = i % 251;
    const chunks = 80;
    const server = await asyncio.startServer(
      async (_reader, writer) => {
        for (let i = 0; i < chunks; i++) {
          writer.write(chunk);
          await writer.drain();
        }
        writer.close();
      },
      "127.0.0.1",
      0,
    );
    const [reader, writer] = await asyncio.openConnection("127.0.0.1", portOf(server), {
      limit: 1024,
    });
    const first = await reader.readexactly(10);
    const rest = await asyncio.timeout(10, () => reader.read());
    const all = Buffer.concat([first, rest]);
    assert.equal(all.length, chunks * chunk.length);
    for (let i = 0; i < chunks; i++) {
      assert.ok(all.subarray(i * chunk.length, (i + 1) * chunk.length).equals(chunk), `chunk ${i}`);
    }
    assert.equal(reader.atEof(), true);
    writer.close();
    await writer.waitClosed();
    server.close();
    await server.waitClosed();
  }),
);
