/**
 * Server: mirrors CPython 3.13's test_server.py and the create_server checks of
 * test_base_events.py, over loopback and Unix sockets.
 *
 * Skipped:
 * - ProactorStartServerTests: Windows only.
 * - UnixServerCleanupTests.test_unix_server_sock_cleanup, test_unix_server_cleanup_gone's
 *   `sock=` variant: startUnixServer takes no pre-bound socket.
 * - UnixServerCleanupTests.test_unix_server_cleanup_replaced: Node removes the socket file at the
 *   path when the listener closes, whoever bound it since; asyncio checks the inode first.
 * - UnixServerCleanupTests.test_unix_server_cleanup_prevented: there is no cleanupSocket option
 *   (Node always removes the file).
 * - test_base_events create_server tests with mocked sockets/getaddrinfo (the ipv6-only flag,
 *   SO_REUSEADDR checks, the fallback on EAFNOSUPPORT): no mocks; what Node does is tested.
 */
import assert from "node:assert/strict";
import { existsSync, linkSync, unlinkSync } from "node:fs";
import * as net from "node:net";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { rejection } from "../helpers.js";
import { portOf, T, unixPath } from "./netHelpers.js";

/** A raw Node client (the peer is not asyncio-ts): connects, sends, reads one byte, closes. */
function rawClient(target: net.NetConnectOpts, message: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(target);
    const chunks: Buffer[] = [];
    socket.on("connect", () => socket.write(message));
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => resolve(Buffer.concat(chunks)));
  });
}

const HELLO = Buffer.concat([Buffer.alloc(5 * 1024, "1"), Buffer.from("\n")]);

function closeOnServe(mainTask: () => asyncio.Task<void> | null): asyncio.ClientConnectedCallback {
  return async (reader, writer) => {
    await reader.readline();
    mainTask()?.cancel();
    writer.write("1");
    writer.close();
    await writer.waitClosed();
  };
}

// mirrors test_server.BaseStartServer.test_start_server_1
test("serveForever under await using ends by cancellation; the server is closed after", T, () =>
  asyncio.run(async () => {
    let main: asyncio.Task<void> | null = null;
    const server = await asyncio.startServer(
      closeOnServe(() => main),
      "127.0.0.1",
      0,
      { startServing: false },
    );
    assert.equal(server.isServing(), false);
    const port = portOf(server);
    main = asyncio.createTask(async () => {
      await using srv = server;
      await srv.serveForever();
    });
    await asyncio.sleep(0);
    assert.equal(server.isServing(), true);
    const reply = asyncio.wrap(rawClient({ host: "127.0.0.1", port }, HELLO));
    assert.ok((await rejection(main)) instanceof asyncio.CancelledError);
    assert.deepEqual(await reply, Buffer.from("1"));
    assert.deepEqual(server.sockets, []);
    assert.equal(server.isServing(), false);
    const error = await rejection(server.serveForever());
    assert.ok(error instanceof asyncio.RuntimeError);
    assert.match(error.message, /is closed/);
  }),
);

// mirrors test_server.SelectorStartServerTests.test_start_unix_server_1
test("a Unix server started by startServing() serves until cancelled", T, () =>
  asyncio.run(async () => {
    const path = unixPath("server");
    let main: asyncio.Task<void> | null = null;
    const started = new asyncio.Event();
    const server = await asyncio.startUnixServer(
      closeOnServe(() => main),
      path,
      { startServing: false },
    );
    main = asyncio.createTask(async () => {
      await using srv = server;
      assert.equal(srv.isServing(), false);
      await srv.startServing();
      assert.equal(srv.isServing(), true);
      started.set();
      await srv.serveForever();
    });
    await started.wait();
    const reply = asyncio.wrap(rawClient({ path }, HELLO));
    assert.ok((await rejection(main)) instanceof asyncio.CancelledError);
    assert.deepEqual(await reply, Buffer.from("1"));
    assert.deepEqual(server.sockets, []);
    assert.equal(server.isServing(), false);
    const error = await rejection(server.serveForever());
    assert.match((error as Error).message, /is closed/);
    await rejection(server.startServing());
  }),
);

/** CPython's TestServer2 handler: reads to end of file, then closes. */
const readThenClose: asyncio.ClientConnectedCallback = async (reader, writer) => {
  try {
    await reader.read();
  } finally {
    writer.close();
    await writer.waitClosed();
  }
};

/** readThenClose, with an event set once the server has accepted a connection. */
function readThenCloseAccepted(): [asyncio.ClientConnectedCallback, asyncio.Event] {
  const accepted = new asyncio.Event();
  return [
    (reader, writer) => {
      accepted.set();
      return readThenClose(reader, writer);
    },
    accepted,
  ];
}

// mirrors test_server.TestServer2.test_wait_closed_basic
test("waitClosed waits for the server to be closed and its connections to end", T, () =>
  asyncio.run(async () => {
    const server = await asyncio.startServer(readThenClose, "127.0.0.1", 0);
    try {
      const task1 = asyncio.createTask(() => server.waitClosed());
      await asyncio.sleep(0);
      assert.equal(task1.done(), false);

      const [, writer] = await asyncio.openConnection("127.0.0.1", portOf(server));
      const task2 = asyncio.createTask(() => server.waitClosed());
      await asyncio.sleep(0);
      assert.equal(task1.done(), false);
      assert.equal(task2.done(), false);

      server.close();
      await asyncio.sleep(0);
      const task3 = asyncio.createTask(() => server.waitClosed());
      await asyncio.sleep(0);
      assert.equal(task1.done() || task2.done() || task3.done(), false);

      writer.close();
      await writer.waitClosed();
      await asyncio.gather(task1, task2, task3);
      await server.waitClosed();
    } finally {
      server.close();
    }
  }),
);

// mirrors test_server.TestServer2.test_wait_closed_race
test("waitClosed ends when the close and the last connection's end are in one iteration", T, () =>
  asyncio.run(async () => {
    const server = await asyncio.startServer(readThenClose, "127.0.0.1", 0);
    const task = asyncio.createTask(() => server.waitClosed());
    await asyncio.sleep(0);
    assert.equal(task.done(), false);
    const [, writer] = await asyncio.openConnection("127.0.0.1", portOf(server));
    const loop = asyncio.getRunningLoop();
    loop.callSoon(() => server.close());
    loop.callSoon(() => writer.close());
    await server.waitClosed();
    await task;
  }),
);

// mirrors test_server.TestServer2.test_close_clients
test("closeClients closes the accepted connections, ending waitClosed", T, () =>
  asyncio.run(async () => {
    const [handler, accepted] = readThenCloseAccepted();
    const server = await asyncio.startServer(handler, "127.0.0.1", 0);
    const [reader, writer] = await asyncio.openConnection("127.0.0.1", portOf(server));
    await accepted.wait();
    const task = asyncio.createTask(() => server.waitClosed());
    await asyncio.sleep(0);
    assert.equal(task.done(), false);
    server.close();
    server.closeClients();
    await asyncio.timeout(5, () => task);
    assert.deepEqual(await reader.read(), Buffer.alloc(0));
    writer.close();
    await writer.waitClosed();
  }),
);

// mirrors test_server.TestServer2.test_abort_clients
test("abortClients drops a connection with a full write buffer, ending waitClosed", T, () =>
  asyncio.run(async () => {
    const accepted = asyncio.getRunningLoop().createFuture<asyncio.StreamWriter>();
    const server = await asyncio.startServer(
      async (_reader, writer) => {
        accepted.setResult(writer);
        await writer.waitClosed().catch(() => {});
      },
      "127.0.0.1",
      0,
    );
    const [, clientWriter] = await asyncio.openConnection("127.0.0.1", portOf(server), {
      limit: 4096,
    });
    clientWriter.transport.pauseReading();
    const serverWriter = await accepted;
    const chunk = Buffer.alloc(256 * 1024, 97);
    for (let i = 0; i < 200 && serverWriter.transport.getWriteBufferSize() === 0; i++) {
      serverWriter.write(chunk);
      await asyncio.sleep(0);
    }
    assert.notEqual(serverWriter.transport.getWriteBufferSize(), 0);
    const task = asyncio.createTask(() => server.waitClosed());
    await asyncio.sleep(0);
    assert.equal(task.done(), false);
    server.close();
    server.abortClients();
    await asyncio.timeout(5, () => task);
    clientWriter.transport.abort();
  }),
);

// mirrors test_server.TestServer2.test_close_race
test("closing the server while a connection is being accepted ends waitClosed", T, () =>
  asyncio.run(async () => {
    const server = await asyncio.startServer(() => {}, "127.0.0.1", 0);
    const port = portOf(server);
    const connecting = asyncio.createTask(() => asyncio.openConnection("127.0.0.1", port));
    await asyncio.sleep(0);
    server.close();
    try {
      const [, writer] = await connecting;
      writer.close();
    } catch (error) {
      assert.ok(error instanceof asyncio.OSError, String(error));
    }
    await asyncio.timeout(5, () => server.waitClosed());
  }),
);

// mirrors test_server.UnixServerCleanupTests.test_unix_server_addr_cleanup
test("closing a Unix server removes its socket file", T, () =>
  asyncio.run(async () => {
    const path = unixPath("server");
    const server = await asyncio.startUnixServer(() => {}, path);
    assert.equal(existsSync(path), true);
    server.close();
    await server.waitClosed();
    assert.equal(existsSync(path), false);
  }),
);

// mirrors test_server.UnixServerCleanupTests.test_unix_server_cleanup_gone
test("closing a Unix server whose file someone removed does not fail", T, () =>
  asyncio.run(async () => {
    const path = unixPath("server");
    const server = await asyncio.startUnixServer(() => {}, path);
    unlinkSync(path);
    server.close();
    await server.waitClosed();
  }),
);

// Our own: a stale socket file at the path is replaced, as asyncio does.
test("startUnixServer replaces a stale socket file", T, () =>
  asyncio.run(async () => {
    const path = unixPath("server");
    // A socket file nobody listens on: a hard link to a listening socket, kept after the
    // listener closed (and removed its own name).
    const other = `${path}.orig`;
    const raw = net.createServer();
    await new Promise<void>((resolve) => raw.listen(other, resolve));
    linkSync(other, path);
    await new Promise<void>((resolve) => raw.close(() => resolve()));
    assert.equal(existsSync(path), true);
    await using server = await asyncio.startUnixServer((_r, w) => w.close(), path);
    assert.equal(server.sockets[0]?.getsockname(), path);
  }),
);

// mirrors test_base_events.BaseEventLoopWithSelectorTests.test_create_server_no_host_port_sock
test("createServer without host and port raises RangeError", T, () =>
  asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    const error = await rejection(loop.createServer(() => new asyncio.Protocol(), null, null));
    assert.ok(error instanceof RangeError, String(error));
  }),
);

// mirrors test_base_events.BaseEventLoopWithSelectorTests.test_create_server_addr_in_use
test("listening on a port in use raises OSError EADDRINUSE naming the address", T, () =>
  asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    await using first = await loop.createServer(() => new asyncio.Protocol(), "127.0.0.1", 0);
    const port = portOf(first);
    const error = await rejection(
      loop.createServer(() => new asyncio.Protocol(), "127.0.0.1", port),
    );
    assert.ok(error instanceof asyncio.OSError, String(error));
    assert.equal(error.code, "EADDRINUSE");
    assert.match(error.message, /error while attempting to bind on address/);
    assert.match(error.message, new RegExp(String(port)));
    // Nothing left open by the failed attempt: only the first server's hold.
    const holds = loop.statistics().inFlight.map((hold) => hold.description);
    assert.deepEqual(holds, [`server 127.0.0.1:${port}`]);
  }),
);

function reusePortSupported(): boolean {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  return (
    process.platform === "linux" &&
    (major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12))
  );
}

// mirrors test_base_events.BaseEventLoopWithSelectorTests.test_create_server_reuse_port
test(
  "reusePort: two servers on one port both accept, or a RuntimeError where Node lacks it",
  T,
  () =>
    asyncio.run(async () => {
      const accepted = [0, 0];
      const make = (i: number, port: number) =>
        asyncio.startServer(
          (_reader, writer) => {
            accepted[i] = (accepted[i] ?? 0) + 1;
            writer.close();
          },
          "127.0.0.1",
          port,
          { reusePort: true },
        );
      if (!reusePortSupported()) {
        const error = await rejection(make(0, 0));
        assert.ok(error instanceof asyncio.RuntimeError, String(error));
        assert.match(error.message, /reusePort needs Node\.js 22\.12\+/);
        assert.equal(asyncio.getRunningLoop().statistics().inFlight.length, 0);
        return;
      }
      await using first = await make(0, 0);
      await using _second = await make(1, portOf(first));
      for (let i = 0; i < 200 && (accepted[0] === 0 || accepted[1] === 0); i++) {
        const [reader, writer] = await asyncio.openConnection("127.0.0.1", portOf(first));
        await reader.read();
        writer.close();
        await writer.waitClosed();
      }
      assert.ok((accepted[0] ?? 0) > 0 && (accepted[1] ?? 0) > 0, String(accepted));
    }),
);

// Our own: `await using` closes the server; the port then refuses connections.
test("await using closes the server and waits for it", T, () =>
  asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    let port: number;
    {
      await using server = await asyncio.startServer(() => {}, "127.0.0.1", 0);
      port = portOf(server);
      assert.equal(loop.statistics().inFlight.length, 1);
      assert.equal(loop.statistics().inFlight[0]?.kind, "outside");
    }
    assert.deepEqual(loop.statistics().inFlight, []);
    const error = await rejection(asyncio.openConnection("127.0.0.1", port));
    assert.ok(error instanceof asyncio.ConnectionRefusedError, String(error));
  }),
);

function ipv6Available(): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen(0, "::1", () => probe.close(() => resolve(true)));
  });
}

// mirrors test_events.EventLoopTestsMixin.test_create_server / test_create_server_ipv6
test("server.sockets give the family and address, IPv4 and IPv6", T, async (t) => {
  const v6 = await ipv6Available();
  await asyncio.run(async () => {
    await using server4 = await asyncio.startServer(() => {}, "127.0.0.1", 0);
    const [socket4] = server4.sockets;
    assert.equal(socket4?.family, "IPv4");
    const name4 = socket4?.getsockname();
    assert.ok(Array.isArray(name4) && name4[0] === "127.0.0.1" && name4[1] > 0);
    assert.throws(() => socket4?.getpeername(), asyncio.OSError);
    assert.match(String(server4), /^<Server sockets=\(127\.0\.0\.1:\d+\)>$/);
    if (!v6) {
      t.diagnostic("no IPv6 loopback here");
      return;
    }
    await using server6 = await asyncio.startServer(
      async (reader, writer) => {
        writer.write(await reader.readline());
        writer.close();
      },
      "::1",
      0,
    );
    const [socket6] = server6.sockets;
    assert.equal(socket6?.family, "IPv6");
    const name6 = socket6?.getsockname();
    assert.ok(Array.isArray(name6) && name6[0] === "::1");
    const [reader, writer] = await asyncio.openConnection("::1", name6[1]);
    const peer = writer.getExtraInfo("peername");
    assert.deepEqual(peer, ["::1", name6[1]]);
    writer.write("six\n");
    assert.equal((await reader.readline()).toString(), "six\n");
    writer.close();
    await writer.waitClosed();
  });
});

// Our own: startServing:false queues connections until serving starts.
test("with startServing:false a connection waits until startServing()", T, () =>
  asyncio.run(async () => {
    const handled = new asyncio.Event();
    await using server = await asyncio.startServer(
      async (_reader, writer) => {
        handled.set();
        writer.write("ok");
        writer.close();
      },
      "127.0.0.1",
      0,
      { startServing: false },
    );
    const [reader, writer] = await asyncio.openConnection("127.0.0.1", portOf(server));
    // The handler may not run in this time; once serving starts it runs and answers.
    await asyncio.sleep(0.05);
    assert.equal(handled.isSet(), false);
    await server.startServing();
    assert.equal((await reader.read()).toString(), "ok");
    assert.equal(handled.isSet(), true);
    writer.close();
    await writer.waitClosed();
  }),
);

// mirrors test_base_events.BaseEventLoopTests.test_serve_forever_twice (Server.serve_forever
// already awaited)
test("serveForever from two tasks: the second raises RuntimeError", T, () =>
  asyncio.run(async () => {
    const server = await asyncio.startServer(() => {}, "127.0.0.1", 0);
    const first = asyncio.createTask(() => server.serveForever());
    await asyncio.sleep(0);
    const error = await rejection(server.serveForever());
    assert.ok(error instanceof asyncio.RuntimeError);
    assert.match(error.message, /already being awaited/);
    first.cancel();
    assert.ok((await rejection(first)) instanceof asyncio.CancelledError);
    assert.equal(server.isServing(), false);
    await server.waitClosed();
  }),
);

// Our own: a server closed while a client hangs (connected, silent): waitClosed waits for it,
// abortClients ends it; asyncio.run() ending closes what is left.
test("a hanging client keeps waitClosed waiting until it is aborted", T, () =>
  asyncio.run(async () => {
    const [handler, accepted] = readThenCloseAccepted();
    const server = await asyncio.startServer(handler, "127.0.0.1", 0);
    const [reader, writer] = await asyncio.openConnection("127.0.0.1", portOf(server));
    await accepted.wait();
    server.close();
    const closed = asyncio.createTask(() => server.waitClosed());
    // waitClosed may not end in this time (the client still hangs); abortClients ends it.
    await asyncio.sleep(0.02);
    assert.equal(closed.done(), false);
    server.abortClients();
    await asyncio.timeout(5, () => closed);
    // The client sees the end: end of file or a reset.
    try {
      assert.deepEqual(await reader.read(), Buffer.alloc(0));
    } catch (error) {
      assert.ok(error instanceof asyncio.ConnectionResetError, String(error));
    }
    writer.close();
  }),
);
