/**
 * Reliability of the socket layer: every wait (read, drain, connect, accept) under
 * asyncio.timeout, back-pressure that bounds the write buffer, peers that reset, many
 * connections leaving no handle behind, virtual time with sockets open, and a process that
 * exits although its connections were forgotten.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import * as net from "node:net";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { VirtualClock } from "asyncio-ts/testing";
import { runScript } from "../core/childProcess.js";
import { rejection } from "../helpers.js";
import { portOf } from "./netHelpers.js";

const T = { timeout: 20_000 };

/** A server whose handler gets the connection's writer through `accepted`. */
async function holdingServer() {
  const loop = asyncio.getRunningLoop();
  const accepted: asyncio.Future<[asyncio.StreamReader, asyncio.StreamWriter]>[] = [];
  let next = loop.createFuture<[asyncio.StreamReader, asyncio.StreamWriter]>();
  accepted.push(next);
  const server = await asyncio.startServer(
    async (reader, writer) => {
      const current = next;
      next = loop.createFuture();
      accepted.push(next);
      current.setResult([reader, writer]);
      await writer.waitClosed().catch(() => {});
    },
    "127.0.0.1",
    0,
  );
  return {
    server,
    port: portOf(server),
    peer: (i = 0) => accepted[i] as (typeof accepted)[0],
    /** Closes the server and the server side of its connections (they stay half open). */
    async [Symbol.asyncDispose]() {
      server.close();
      server.closeClients();
      await server.waitClosed();
    },
  };
}

test("readline, read and readexactly time out, and the stream still works after", T, () =>
  asyncio.run(async () => {
    await using srv = await holdingServer();
    const [reader, writer] = await asyncio.openConnection("127.0.0.1", srv.port);
    const [, peer] = await srv.peer();
    peer.write("partial ");
    let error = await rejection(asyncio.timeout(0.05, () => reader.readline()));
    assert.ok(error instanceof asyncio.TimeoutError, String(error));
    peer.write("line\n");
    assert.equal((await asyncio.timeout(5, () => reader.readline())).toString(), "partial line\n");

    error = await rejection(asyncio.timeout(0.02, () => reader.readexactly(4)));
    assert.ok(error instanceof asyncio.TimeoutError, String(error));
    peer.write("abcd");
    assert.equal((await asyncio.timeout(5, () => reader.readexactly(4))).toString(), "abcd");

    error = await rejection(asyncio.timeout(0.02, () => reader.read(10)));
    assert.ok(error instanceof asyncio.TimeoutError, String(error));
    error = await rejection(asyncio.waitFor(() => reader.readuntil("!"), 0.02));
    assert.ok(error instanceof asyncio.TimeoutError, String(error));
    peer.write("xyz!");
    assert.equal((await asyncio.timeout(5, () => reader.readuntil("!"))).toString(), "xyz!");
    peer.close();
    assert.deepEqual(await asyncio.timeout(5, () => reader.read()), Buffer.alloc(0));
    writer.close();
    await writer.waitClosed();
  }),
);

test("drain times out while the peer does not read, then completes once it does", T, () =>
  asyncio.run(async () => {
    await using srv = await holdingServer();
    const [, writer] = await asyncio.openConnection("127.0.0.1", srv.port);
    const [peerReader, peer] = await srv.peer();
    peer.transport.pauseReading();
    const chunk = Buffer.alloc(256 * 1024, 97);
    let total = 0;
    let timedOut = false;
    for (let i = 0; i < 400 && !timedOut; i++) {
      writer.write(chunk);
      total += chunk.length;
      try {
        await asyncio.timeout(0.02, () => writer.drain());
      } catch (error) {
        assert.ok(error instanceof asyncio.TimeoutError, String(error));
        timedOut = true;
      }
    }
    assert.ok(timedOut, "drain blocked at some point");
    peer.transport.resumeReading();
    const reading = asyncio.createTask(async () => {
      let got = 0;
      while (got < total) {
        const data = await peerReader.read(1 << 20);
        if (data.length === 0) break;
        got += data.length;
      }
      return got;
    });
    await asyncio.timeout(10, () => writer.drain());
    assert.equal(await asyncio.timeout(10, () => reading), total);
    writer.close();
    await writer.waitClosed();
  }),
);

test("connect and accept under timeout: expired leaves nothing open, generous succeeds", T, () =>
  asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    await using srv = await holdingServer();
    const error = await rejection(
      asyncio.timeout(0, () => asyncio.openConnection("127.0.0.1", srv.port)),
    );
    assert.ok(error instanceof asyncio.TimeoutError, String(error));
    // Nothing of the client is left: no connect in flight, no connection to the server's port
    // (the server side, if accepted, stays half open as asyncio's would: its handler reads
    // nothing).
    const clientHolds = loop
      .statistics()
      .inFlight.filter(
        (hold) =>
          hold.description.startsWith("connect ") ||
          hold.description === `connection 127.0.0.1:${srv.port}`,
      );
    assert.deepEqual(clientHolds, []);
    const [, writer] = await asyncio.timeout(5, () =>
      asyncio.openConnection("127.0.0.1", srv.port),
    );
    writer.close();
    await writer.waitClosed();

    // Accepting: serveForever under a timeout ends with TimeoutError and closes the server.
    const other = await asyncio.startServer(() => {}, "127.0.0.1", 0, { startServing: false });
    const serving = await rejection(asyncio.timeout(0.02, () => other.serveForever()));
    assert.ok(serving instanceof asyncio.TimeoutError, String(serving));
    assert.equal(other.isServing(), false);
    assert.deepEqual(other.sockets, []);
  }),
);

test(
  "a fast writer into a slow reader keeps the buffer under the high-water mark + a write",
  T,
  () =>
    asyncio.run(async () => {
      const CHUNK = 32 * 1024;
      const TOTAL = 16 * 1024 * 1024;
      const received = loopFuture<number>();
      await using server = await asyncio.startServer(
        async (reader, writer) => {
          // A slow start: nothing read for a while (a pause under test, not a wait for an
          // event), then small reads.
          writer.transport.pauseReading();
          await asyncio.sleep(0.05);
          writer.transport.resumeReading();
          let got = 0;
          for (;;) {
            const data = await reader.read(8 * 1024);
            if (data.length === 0) break;
            got += data.length;
          }
          received.setResult(got);
          writer.close();
        },
        "127.0.0.1",
        0,
      );
      const [, writer] = await asyncio.openConnection("127.0.0.1", portOf(server));
      const [, high] = writer.transport.getWriteBufferLimits();
      const chunk = Buffer.alloc(CHUNK, 99);
      let maxBuffered = 0;
      for (let sent = 0; sent < TOTAL; sent += CHUNK) {
        writer.write(chunk);
        maxBuffered = Math.max(maxBuffered, writer.transport.getWriteBufferSize());
        await writer.drain();
      }
      writer.writeEof();
      assert.equal(await asyncio.timeout(10, () => received), TOTAL);
      assert.ok(maxBuffered <= high + CHUNK, `buffer reached ${maxBuffered}`);
      assert.ok(maxBuffered > 0, "the writer did buffer at some point");
      writer.close();
      await writer.waitClosed();
    }),
);

function loopFuture<T>(): asyncio.Future<T> {
  return asyncio.getRunningLoop().createFuture<T>();
}

/** A plain Node server that sends `before`, then resets the connection. */
async function resettingServer(before: string): Promise<net.Server> {
  const raw = net.createServer((socket) => {
    socket.write(before, () => {
      setTimeout(() => socket.resetAndDestroy(), 20);
    });
  });
  await asyncio.wrap(new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve)));
  return raw;
}

test(
  "a peer that resets mid-read: the read fails with ConnectionResetError or sees the end",
  T,
  () =>
    asyncio.run(async () => {
      const raw = await resettingServer("half a li");
      try {
        const { port } = raw.address() as net.AddressInfo;
        for (const read of ["readline", "readexactly", "read"] as const) {
          const [reader, writer] = await asyncio.openConnection("127.0.0.1", port);
          const outcome = await asyncio.timeout(5, async () => {
            try {
              if (read === "readline") return (await reader.readline()).toString();
              if (read === "readexactly") return (await reader.readexactly(100)).toString();
              const parts: Buffer[] = [];
              for (;;) {
                const data = await reader.read(100);
                if (data.length === 0) return Buffer.concat(parts).toString();
                parts.push(data);
              }
            } catch (error) {
              return error;
            }
          });
          assert.ok(
            outcome instanceof asyncio.ConnectionResetError ||
              (outcome instanceof asyncio.IncompleteReadError && read === "readexactly") ||
              typeof outcome === "string",
            `${read}: ${String(outcome)}`,
          );
          // The writer ends too, with the reset or quietly.
          await asyncio.timeout(5, () => writer.waitClosed().catch(() => {}));
          assert.equal(writer.isClosing(), true);
        }
      } finally {
        await new Promise((resolve) => raw.close(resolve));
      }
    }),
);

test("our own abort() mid-read ends the peer's read without hanging", T, () =>
  asyncio.run(async () => {
    await using srv = await holdingServer();
    const [, writer] = await asyncio.openConnection("127.0.0.1", srv.port);
    const [peerReader] = await srv.peer();
    writer.write("part");
    // Once the first bytes are read, "rt" is buffered and a read of 10 stays pending mid-way.
    assert.equal(String(await peerReader.readexactly(2)), "pa");
    const reading = asyncio.createTask(() => peerReader.readexactly(10));
    await asyncio.sleep(0);
    writer.transport.abort();
    const outcome = await asyncio.timeout(5, () => reading.then(String, (error) => error));
    assert.ok(
      outcome instanceof asyncio.ConnectionResetError ||
        outcome instanceof asyncio.IncompleteReadError,
      String(outcome),
    );
  }),
);

/** TCP handles of this process, by type, and its open file descriptors. */
function handleCounts(): { tcp: number; servers: number; fds: number } {
  const resources = process.getActiveResourcesInfo();
  return {
    tcp: resources.filter((r) => r === "TCPSocketWrap").length,
    servers: resources.filter((r) => r === "TCPServerWrap").length,
    fds: readdirSync("/proc/self/fd").length,
  };
}

// About 5 s on an idle 2-core machine; its speed is measured in bench/, not here.
test("10,000 connections opened and closed in batches leave no handle behind", {
  timeout: 180_000,
}, async () => {
  const before = handleCounts();
  let served = 0;
  await asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    // Set once every connection the server accepted has ended on its side.
    const allEnded = new asyncio.Event();
    let ended = 0;
    await using server = await asyncio.startServer(
      async (_reader, writer) => {
        served++;
        writer.close();
        await writer.waitClosed();
        if (++ended === 10_000) allEnded.set();
      },
      "127.0.0.1",
      0,
      { backlog: 512 },
    );
    const port = portOf(server);
    const one = async () => {
      const [reader, writer] = await asyncio.openConnection("127.0.0.1", port);
      // The server closes first: this end reads end of file, so each was served.
      await reader.read();
      writer.close();
      await writer.waitClosed();
    };
    for (let batch = 0; batch < 50; batch++) {
      await asyncio.gather(...Array.from({ length: 200 }, () => asyncio.createTask(one)));
    }
    assert.equal(served, 10_000);
    await allEnded.wait();
    // Only the server's own hold remains.
    assert.equal(loop.statistics().inFlight.length, 1);
  });
  // Node closes a handle a turn after its 'close': let it.
  await new Promise((resolve) => setImmediate(resolve));
  const after = handleCounts();
  assert.equal(after.tcp, before.tcp);
  assert.equal(after.servers, before.servers);
  assert.ok(after.fds <= before.fds + 2, `fds ${before.fds} -> ${after.fds}`);
});

test(
  "under VirtualClock, a server and a connection open do not stop sleep(3600) ending",
  T,
  async () => {
    const started = Date.now();
    const elapsed = await asyncio.run(
      async () => {
        const loop = asyncio.getRunningLoop();
        await using srv = await holdingServer();
        const [, writer] = await asyncio.openConnection("127.0.0.1", srv.port);
        await srv.peer();
        const t0 = loop.time();
        await asyncio.sleep(3600);
        const virtual = loop.time() - t0;
        writer.close();
        await writer.waitClosed();
        return virtual;
      },
      { clock: new VirtualClock({ autojump: true }) },
    );
    assert.ok(elapsed >= 3600);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  },
);

test("a process whose run() forgot a server and a connection still exits", T, async () => {
  const result = await runScript(
    `
    import * as asyncio from "asyncio-ts";
    await asyncio.run(async () => {
      const accepted = new asyncio.Event();
      const server = await asyncio.startServer(async (reader) => { accepted.set(); await reader.read(); }, "127.0.0.1", 0);
      const port = server.sockets[0].getsockname()[1];
      const [reader, writer] = await asyncio.openConnection("127.0.0.1", port);
      writer.write("never closed");
      await accepted.wait();
      console.log("forgot", asyncio.getRunningLoop().statistics().inFlight.length);
    });
    const loop = asyncio.newEventLoop();
    const server2 = await loop.runUntilComplete(
      () => asyncio.startServer(() => {}, "127.0.0.1", 0),
    );
    console.log("serving", server2.isServing());
    loop.close();
    console.log("closed", server2.isServing());
    `,
    { timeoutMs: 10_000 },
  );
  assert.equal(result.stderr, "");
  assert.deepEqual(result.lines, ["forgot 3", "serving true", "closed false"]);
  assert.equal(result.code, 0);
});
