/**
 * Transports and protocols over real sockets: the order of the protocol callbacks, buffered
 * protocols, fatal errors, flow control (as CPython 3.13's test_selector_events.py
 * SelectorSocketTransportTests and SelectorTransportTests, without mocks), the extra info, and
 * createConnection's checks and cancellation.
 *
 * Skipped (of SelectorSocketTransportTests / SelectorTransportTests):
 * - test_read_ready*, test_write_ready*, test_write_sendmsg*, test_write_tryagain,
 *   test__add_reader, test_*_buffer_*(bytearray/memoryview internals): they drive the selector
 *   by hand with a mocked socket; Node's socket does the reading and writing here.
 * - test_write_exception, test_fatal_error_custom_exception logged via mock.patch of the logger:
 *   checked through the loop's exception handler instead.
 * - test_transport_close_remove_writer, test_ctor*, test___repr__ internals: no selector.
 */
import assert from "node:assert/strict";
import * as net from "node:net";
import { test } from "node:test";
import { isDeepStrictEqual } from "node:util";
import * as asyncio from "asyncio-ts";
import { rejection } from "../helpers.js";
import { portOf, recordReported, T } from "./netHelpers.js";

/**
 * A protocol that records its callbacks, resolves `made` and `lost` at connectionMade and
 * connectionLost, and the futures of `until()` from the callback that makes them true.
 */
class Recorder extends asyncio.Protocol {
  events: string[] = [];
  data: Buffer[] = [];
  transport: asyncio.Transport | null = null;
  lostError: Error | null | undefined = undefined;
  readonly made: asyncio.Future<void>;
  readonly lost: asyncio.Future<void>;
  keepOpenOnEof = false;
  #waiters: { ready: () => boolean; future: asyncio.Future<void> }[] = [];

  constructor() {
    super();
    const loop = asyncio.getRunningLoop();
    this.made = loop.createFuture();
    this.lost = loop.createFuture();
  }

  override connectionMade(transport: asyncio.Transport): void {
    this.events.push("made");
    this.transport = transport;
    this.made.setResult(undefined);
    this.#wake();
  }
  override dataReceived(data: Buffer): void {
    if (this.events.at(-1) !== "data") this.events.push("data");
    this.data.push(data);
    this.#wake();
  }
  override eofReceived(): unknown {
    this.events.push("eof");
    this.#wake();
    return this.keepOpenOnEof;
  }
  override connectionLost(error: Error | null): void {
    this.events.push("lost");
    this.lostError = error;
    this.lost.setResult(undefined);
    this.#wake();
  }
  override pauseWriting(): void {
    this.events.push("pause");
    this.#wake();
  }
  override resumeWriting(): void {
    this.events.push("resume");
    this.#wake();
  }
  received(): string {
    return Buffer.concat(this.data).toString();
  }
  /** A future resolved once `ready()` holds, checked now and after each callback. */
  until(ready: () => boolean): asyncio.Future<void> {
    const future = asyncio.getRunningLoop().createFuture<void>();
    if (ready()) future.setResult(undefined);
    else this.#waiters.push({ ready, future });
    return future;
  }
  /** A future resolved once `event` has been recorded. */
  next(event: "made" | "data" | "eof" | "lost" | "pause" | "resume"): asyncio.Future<void> {
    return this.until(() => this.events.includes(event));
  }
  #wake(): void {
    this.#waiters = this.#waiters.filter(({ ready, future }) => {
      if (future.done()) return false;
      if (!ready()) return true;
      future.setResult(undefined);
      return false;
    });
  }
}

/** A loopback server whose connections each get a fresh Recorder, kept in `protocols`. */
async function recordingServer(make: () => Recorder = () => new Recorder()) {
  const loop = asyncio.getRunningLoop();
  const protocols: Recorder[] = [];
  // One future per accepted connection, resolved with its protocol when the server makes it.
  const arrivals: asyncio.Future<Recorder>[] = [];
  const arrival = (i: number) => {
    while (arrivals.length <= i) arrivals.push(loop.createFuture());
    return arrivals[i] as asyncio.Future<Recorder>;
  };
  const server = await loop.createServer(
    () => {
      const protocol = make();
      arrival(protocols.length).setResult(protocol);
      protocols.push(protocol);
      return protocol;
    },
    "127.0.0.1",
    0,
  );
  const port = portOf(server);
  return {
    server,
    protocols,
    port,
    /** A client connection to this server, its protocol a Recorder (or what `make` gives). */
    connect<P extends Recorder = Recorder>(
      make: () => P = () => new Recorder() as P,
    ): Promise<[asyncio.Transport, P]> {
      return loop.createConnection(make, "127.0.0.1", port);
    },
    /** The protocol of the `i`th connection accepted (from 0), once connectionMade ran. */
    async nth(i: number): Promise<Recorder> {
      const protocol = await arrival(i);
      await protocol.made;
      return protocol;
    },
    /** The protocol of the first connection, once connectionMade ran. */
    first(): Promise<Recorder> {
      return this.nth(0);
    },
  };
}

// mirrors test_events.EventLoopTestsMixin.test_create_connection (the protocol state machine)
test("callbacks run in order on both sides: made, data, eof, lost", T, () =>
  asyncio.run(async () => {
    const srv = await recordingServer();
    await using _server = srv.server;
    const [transport, client] = await srv.connect();
    // connectionMade ran before createConnection returned.
    assert.deepEqual(client.events, ["made"]);
    const peer = await srv.first();
    peer.transport?.write("hello");
    peer.transport?.writeEof();
    await client.lost;
    // The client's eofReceived returned false: the transport closed itself.
    assert.deepEqual(client.events, ["made", "data", "eof", "lost"]);
    assert.equal(client.received(), "hello");
    assert.equal(client.lostError, null);
    assert.equal(transport.isClosing(), true);
    await peer.lost;
    assert.deepEqual(peer.events, ["made", "eof", "lost"]);
    assert.equal(peer.lostError, null);
  }),
);

// mirrors test_events.EventLoopTestsMixin.test_create_connection (eof_received keeping it open)
test("eofReceived returning true keeps the connection open for writing", T, () =>
  asyncio.run(async () => {
    const srv = await recordingServer(() => {
      const protocol = new Recorder();
      protocol.keepOpenOnEof = true;
      return protocol;
    });
    await using _server = srv.server;
    const [transport, client] = await srv.connect();
    transport.write("question");
    transport.writeEof();
    const peer = await srv.first();
    await peer.next("eof");
    assert.equal(peer.received(), "question");
    assert.equal(peer.transport?.isClosing(), false);
    peer.transport?.write("answer");
    peer.transport?.close();
    await client.lost;
    assert.equal(client.received(), "answer");
    assert.deepEqual(client.events, ["made", "data", "eof", "lost"]);
    await peer.lost;
    assert.deepEqual(peer.events, ["made", "data", "eof", "lost"]);
  }),
);

/** A BufferedProtocol with fixed-size buffers. */
class SmallBuffers extends asyncio.BufferedProtocol {
  readonly chunks: Buffer[] = [];
  readonly sizes: number[] = [];
  readonly hints: number[] = [];
  #buffer: Uint8Array;
  readonly lost: asyncio.Future<Error | null>;

  constructor(size: number) {
    super();
    this.#buffer = new Uint8Array(size);
    this.lost = asyncio.getRunningLoop().createFuture();
  }
  override getBuffer(sizeHint: number): Uint8Array {
    this.hints.push(sizeHint);
    return this.#buffer;
  }
  override bufferUpdated(nbytes: number): void {
    this.sizes.push(nbytes);
    this.chunks.push(Buffer.from(this.#buffer.subarray(0, nbytes)));
  }
  override connectionLost(error: Error | null): void {
    this.lost.setResult(error);
  }
}

// mirrors test_buffered_proto.BaseTestBufferedProtocol.test_buffered_proto_create_connection
test("a BufferedProtocol with small buffers gets the data split across them", T, () =>
  asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    const payload = "0123456789".repeat(10);
    const server = await asyncio.startServer(
      (_reader, writer) => {
        writer.write(payload);
        writer.close();
      },
      "127.0.0.1",
      0,
    );
    await using _server = server;
    const [, protocol] = await loop.createConnection(
      () => new SmallBuffers(7),
      "127.0.0.1",
      portOf(server),
    );
    assert.equal(await protocol.lost, null);
    assert.equal(Buffer.concat(protocol.chunks).toString(), payload);
    assert.ok(protocol.sizes.every((n) => n > 0 && n <= 7));
    assert.ok(protocol.sizes.length >= Math.ceil(payload.length / 7));
    assert.ok(protocol.hints.every((hint) => hint > 0));
  }),
);

// mirrors test_selector_events.SelectorSocketTransportBufferedProtocolTests.test_get_buffer_zerosized
test("getBuffer returning an empty buffer is a fatal error, reported", T, () =>
  asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    const reported = recordReported();
    const server = await asyncio.startServer(
      async (reader, writer) => {
        writer.write("data");
        await reader.read().catch(() => {});
        writer.close();
      },
      "127.0.0.1",
      0,
    );
    await using _server = server;
    const [transport, protocol] = await loop.createConnection(
      () => new SmallBuffers(0),
      "127.0.0.1",
      portOf(server),
    );
    const error = await protocol.lost;
    assert.ok(error instanceof asyncio.RuntimeError, String(error));
    assert.equal(reported.length, 1);
    assert.equal(reported[0]?.message, "Fatal error: protocol.getBuffer() call failed.");
    assert.equal(reported[0]?.exception, error);
    assert.equal(reported[0]?.transport, transport);
    assert.equal(reported[0]?.protocol, protocol);
  }),
);

// mirrors test_selector_events.SelectorSocketTransportTests.test_read_ready_err (a protocol
// callback failing: _fatal_error reported, the connection lost with the error)
test("dataReceived throwing is reported and loses the connection with the error", T, () =>
  asyncio.run(async () => {
    const reported = recordReported();
    const boom = new Error("boom");
    class Throwing extends Recorder {
      override dataReceived(): void {
        throw boom;
      }
    }
    const srv = await recordingServer();
    await using _server = srv.server;
    const [transport, client] = await srv.connect(() => new Throwing());
    const peer = await srv.first();
    peer.transport?.write("x");
    await client.lost;
    assert.equal(client.lostError, boom);
    assert.equal(transport.isClosing(), true);
    assert.equal(reported.length, 1);
    assert.equal(reported[0]?.message, "Fatal error: protocol.dataReceived() call failed.");
    assert.equal(reported[0]?.exception, boom);
    // The peer sees the connection end.
    await peer.lost;
  }),
);

// mirrors test_selector_events.SelectorTransportTests.test_set_write_buffer_limits and
// test_get_write_buffer_limits
test("write buffer limits: defaults, derived values, and validation", T, () =>
  asyncio.run(async () => {
    const srv = await recordingServer();
    await using _server = srv.server;
    const [transport] = await srv.connect();
    assert.deepEqual(transport.getWriteBufferLimits(), [16 * 1024, 64 * 1024]);
    transport.setWriteBufferLimits(200);
    assert.deepEqual(transport.getWriteBufferLimits(), [50, 200]);
    transport.setWriteBufferLimits(null, 10);
    assert.deepEqual(transport.getWriteBufferLimits(), [10, 40]);
    transport.setWriteBufferLimits(100, 100);
    assert.deepEqual(transport.getWriteBufferLimits(), [100, 100]);
    assert.throws(() => transport.setWriteBufferLimits(10, 20), RangeError);
    assert.throws(() => transport.setWriteBufferLimits(null, -1), RangeError);
    assert.throws(() => transport.setWriteBufferLimits(-4), RangeError);
    assert.deepEqual(transport.getWriteBufferLimits(), [100, 100]);
    transport.setWriteBufferLimits();
    assert.deepEqual(transport.getWriteBufferLimits(), [16 * 1024, 64 * 1024]);
    assert.equal(transport.getWriteBufferSize(), 0);
    transport.close();
  }),
);

// mirrors test_selector_events.SelectorTransportTests.test_maybe_pause_protocol and
// test_maybe_resume_protocol, with a peer that stopped reading
test("pauseWriting past the high-water mark; resumeWriting once drained to the low", T, () =>
  asyncio.run(async () => {
    const srv = await recordingServer();
    await using _server = srv.server;
    const [transport, client] = await srv.connect();
    const peer = await srv.first();
    peer.transport?.pauseReading();
    assert.equal(peer.transport?.isReading(), false);
    transport.setWriteBufferLimits(64 * 1024, 16 * 1024);
    const chunk = Buffer.alloc(64 * 1024, 97);
    let written = 0;
    // The kernel buffers take a few MB first; then Node's buffer grows past the mark.
    for (let i = 0; i < 2000 && !client.events.includes("pause"); i++) {
      transport.write(chunk);
      written += chunk.length;
      await asyncio.sleep(0);
    }
    assert.ok(client.events.includes("pause"), "pauseWriting was called");
    assert.ok(transport.getWriteBufferSize() > 64 * 1024);
    assert.equal(client.events.includes("resume"), false);
    // The peer reads again: the buffer drains and writing resumes.
    peer.transport?.resumeReading();
    assert.equal(peer.transport?.isReading(), true);
    await client.next("resume");
    assert.ok(transport.getWriteBufferSize() <= 16 * 1024);
    assert.deepEqual(
      client.events.filter((e) => e === "pause" || e === "resume"),
      ["pause", "resume"],
    );
    transport.close();
    await peer.lost;
    assert.equal(Buffer.concat(peer.data).length, written);
  }),
);

// mirrors test_selector_events.SelectorSocketTransportTests.test_pause_resume_reading
test("pauseReading holds the data back until resumeReading", T, () =>
  asyncio.run(async () => {
    const srv = await recordingServer();
    await using _server = srv.server;
    const [transport, client] = await srv.connect();
    const peer = await srv.first();
    assert.equal(transport.isReading(), true);
    transport.pauseReading();
    transport.pauseReading();
    assert.equal(transport.isReading(), false);
    peer.transport?.write("held");
    // Nothing may arrive in this time: a bounded wait, then the data shows up once resumed.
    await asyncio.sleep(0.05);
    assert.deepEqual(client.data, []);
    transport.resumeReading();
    transport.resumeReading();
    assert.equal(transport.isReading(), true);
    await client.next("data");
    assert.equal(client.received(), "held");
    transport.close();
    assert.equal(transport.isReading(), false);
    await client.lost;
  }),
);

// mirrors test_selector_events.SelectorSocketTransportTests.test_write_eof,
// test_write_str (TypeError), test_write_closing, test_write_no_data
test("write checks: after writeEof, wrong data, empty data, after close", T, () =>
  asyncio.run(async () => {
    const srv = await recordingServer(() => {
      const protocol = new Recorder();
      protocol.keepOpenOnEof = true;
      return protocol;
    });
    await using _server = srv.server;
    const [transport, client] = await srv.connect();
    assert.throws(() => transport.write(42 as unknown as string), TypeError);
    transport.write("");
    assert.equal(transport.canWriteEof(), true);
    transport.write("before eof");
    transport.writeEof();
    transport.writeEof();
    assert.throws(() => transport.write("after"), asyncio.RuntimeError);
    const peer = await srv.first();
    await peer.next("eof");
    assert.equal(peer.received(), "before eof");
    // Reading still works after writeEof.
    peer.transport?.write("still reading");
    await client.next("data");
    assert.equal(client.received(), "still reading");
    peer.transport?.close();
    await client.lost;
    // After the connection is lost, writes (on a transport with no eof sent) are dropped.
    const [transport2, client2] = await srv.connect();
    transport2.close();
    transport2.close();
    transport2.write("dropped");
    await client2.lost;
    transport2.write("dropped too");
    assert.equal(transport2.getWriteBufferSize(), 0);
    // Its peer keeps its half open on end of file: close it.
    const peer2 = await srv.nth(1);
    peer2.transport?.close();
    await peer2.lost;
    assert.equal(peer2.received(), "");
  }),
);

// mirrors test_selector_events.SelectorTransportTests.test_abort
test("abort loses the connection at once with no error; the peer sees the end", T, () =>
  asyncio.run(async () => {
    const srv = await recordingServer();
    await using _server = srv.server;
    const [transport, client] = await srv.connect();
    const peer = await srv.first();
    transport.write(Buffer.alloc(1024));
    transport.abort();
    assert.equal(transport.isClosing(), true);
    await client.lost;
    assert.equal(client.lostError, null);
    assert.deepEqual(client.events, ["made", "lost"]);
    await peer.lost;
  }),
);

// mirrors test_selector_events.SelectorTransportTests.test_close_write_buffer (close flushes)
test("close flushes the buffer before closing: the peer receives everything", T, () =>
  asyncio.run(async () => {
    const srv = await recordingServer();
    await using _server = srv.server;
    const [transport, client] = await srv.connect();
    const big = Buffer.alloc(4 * 1024 * 1024, 98);
    transport.write(big);
    transport.write("end");
    assert.ok(transport.getWriteBufferSize() > 0);
    transport.close();
    const peer = await srv.first();
    await peer.lost;
    assert.equal(Buffer.concat(peer.data).length, big.length + 3);
    assert.equal(peer.received().slice(-3), "end");
    await client.lost;
    assert.equal(client.lostError, null);
  }),
);

// mirrors test_events.EventLoopTestsMixin.test_create_connection (get_extra_info)
test("getExtraInfo gives peername, sockname and the socket", T, () =>
  asyncio.run(async () => {
    const srv = await recordingServer();
    await using _server = srv.server;
    const [transport] = await srv.connect();
    const peer = await srv.first();
    assert.deepEqual(transport.getExtraInfo("peername"), ["127.0.0.1", srv.port]);
    const sockname = transport.getExtraInfo("sockname");
    assert.ok(Array.isArray(sockname) && sockname[0] === "127.0.0.1");
    assert.deepEqual(peer.transport?.getExtraInfo("peername"), sockname);
    assert.deepEqual(peer.transport?.getExtraInfo("sockname"), ["127.0.0.1", srv.port]);
    const socket = transport.getExtraInfo("socket");
    assert.ok(socket instanceof asyncio.TransportSocket);
    assert.equal(socket.family, "IPv4");
    assert.deepEqual(socket.getsockname(), sockname);
    assert.deepEqual(socket.getpeername(), ["127.0.0.1", srv.port]);
    assert.equal(transport.getExtraInfo("peercert"), undefined);
    assert.equal(transport.getExtraInfo("nothing", "default"), "default");
    assert.match(String(transport), /^<SocketTransport open peer=127\.0\.0\.1:\d+ read=polling>$/);
    transport.close();
    await peer.lost;
  }),
);

function ipv6Available(): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen(0, "::1", () => probe.close(() => resolve(true)));
  });
}

// mirrors test_events.EventLoopTestsMixin.test_create_connection_ipv6? (IPv6 loopback)
test("a connection over IPv6 loopback", T, async (t) => {
  if (!(await ipv6Available())) {
    t.skip("no IPv6 loopback here");
    return;
  }
  await asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    const server = await loop.createServer(() => new Recorder(), "::1", 0);
    await using _server = server;
    const port = portOf(server);
    const [transport, client] = await loop.createConnection(() => new Recorder(), "::1", port);
    assert.deepEqual(transport.getExtraInfo("peername"), ["::1", port]);
    assert.equal(transport.getExtraInfo("socket")?.family, "IPv6");
    assert.match(String(transport), /peer=\[::1\]:\d+/);
    transport.close();
    await client.lost;
  });
});

// mirrors test_base_events.BaseEventLoopWithSelectorTests.test_create_connection_no_host_port_sock,
// test_create_connection_wrong_sock? and test_create_connection_server_hostname_errors
test("createConnection checks its arguments", T, () =>
  asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    const factory = () => new Recorder();
    let error = await rejection(loop.createConnection(factory, null, null));
    assert.ok(error instanceof RangeError);
    assert.match(error.message, /host and port was not specified and no sock specified/);
    const sock = new net.Socket();
    error = await rejection(loop.createConnection(factory, "127.0.0.1", 1, { sock }));
    assert.ok(error instanceof RangeError);
    assert.match(error.message, /host\/port and sock can not be specified at the same time/);
    sock.destroy();
    error = await rejection(
      loop.createConnection(factory, null, null, { sock: {} as unknown as net.Socket }),
    );
    assert.ok(error instanceof TypeError);
    error = await rejection(
      loop.createConnection(factory, "127.0.0.1", 1, { serverHostname: "x" }),
    );
    assert.ok(error instanceof RangeError);
    assert.match(error.message, /server_hostname is only meaningful with ssl/);
    error = await rejection(loop.createConnection(factory, "127.0.0.1", 70000));
    assert.ok(error instanceof RangeError);
    error = await rejection(loop.createConnection(factory, "127.0.0.1", "http"));
    assert.ok(error instanceof TypeError);
    error = await rejection(loop.createConnection(factory, 42 as unknown as string, 1));
    assert.ok(error instanceof TypeError);
    error = await rejection(loop.createUnixConnection(factory, ""));
    assert.ok(error instanceof TypeError);
    assert.deepEqual(loop.statistics().inFlight, []);
  }),
);

// mirrors test_base_events.BaseEventLoopWithSelectorTests.test_create_connection_sock? (a
// connected socket passed as `sock`)
test("createConnection takes a connected net.Socket as sock", T, () =>
  asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    const srv = await recordingServer();
    await using _server = srv.server;
    const socket = net.connect({ host: "127.0.0.1", port: srv.port });
    await asyncio.wrap(new Promise((resolve) => socket.once("connect", resolve)));
    const [transport, client] = await loop.createConnection(() => new Recorder(), null, null, {
      sock: socket,
    });
    const peer = await srv.first();
    transport.write("via sock");
    peer.transport?.write("back");
    await client.next("data");
    assert.equal(client.received(), "back");
    transport.close();
    await peer.lost;
    assert.equal(peer.received(), "via sock");
    await client.lost;
  }),
);

/**
 * Opens a probe connection to `srv`, waits for the server to accept it, and closes it on both
 * sides. Connections accepted before it (at most one here) come first: `cancelledPeer` is the
 * server side of such an earlier one, or null.
 */
async function closeProbe(srv: Awaited<ReturnType<typeof recordingServer>>) {
  const [transport, client] = await srv.connect();
  const sockname = transport.getExtraInfo("sockname");
  let cancelledPeer: Recorder | null = await srv.first();
  let peer = cancelledPeer;
  if (isDeepStrictEqual(cancelledPeer.transport?.getExtraInfo("peername"), sockname)) {
    cancelledPeer = null;
  } else {
    peer = await srv.nth(1);
  }
  transport.close();
  await client.lost;
  await peer.lost;
  return { cancelledPeer };
}

/** Asserts the loop holds nothing but the server's own listening socket. */
function assertOnlyServerHold(srv: Awaited<ReturnType<typeof recordingServer>>): void {
  assert.deepEqual(
    asyncio
      .getRunningLoop()
      .statistics()
      .inFlight.map((hold) => hold.description),
    [`server 127.0.0.1:${srv.port}`],
  );
}

// Our own: cancelling createConnection while it connects leaves nothing open.
test("createConnection cancelled while connecting leaves no socket or hold", T, () =>
  asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    const srv = await recordingServer();
    await using _server = srv.server;
    let made = 0;
    const task = asyncio.createTask(() =>
      loop.createConnection(
        () => {
          made++;
          return new Recorder();
        },
        "127.0.0.1",
        srv.port,
      ),
    );
    await asyncio.sleep(0);
    assert.ok(loop.statistics().inFlight.some((hold) => hold.description.startsWith("connect ")));
    task.cancel();
    assert.ok((await rejection(task)) instanceof asyncio.CancelledError);
    assert.equal(made, 0);
    // The server may have accepted the cancelled connection: a probe connection, accepted
    // after it, shows whether it did, and that one must end too.
    const probe = await closeProbe(srv);
    if (probe.cancelledPeer !== null) await probe.cancelledPeer.lost;
    assertOnlyServerHold(srv);
  }),
);

// Our own: cancelled in the same tick it was called, createConnection starts nothing.
test("createConnection cancelled at once opens no socket", T, () =>
  asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    const srv = await recordingServer();
    await using _server = srv.server;
    const task = asyncio.createTask(() =>
      loop.createConnection(() => new Recorder(), "127.0.0.1", srv.port),
    );
    task.cancel();
    assert.ok((await rejection(task)) instanceof asyncio.CancelledError);
    // The first connection the server accepts is a later probe: the cancelled one never
    // connected.
    const probe = await closeProbe(srv);
    assert.equal(probe.cancelledPeer, null);
    assert.equal(srv.protocols.length, 1);
    assertOnlyServerHold(srv);
  }),
);

// Our own: an open connection holds the loop ("outside"), released once lost.
test("loop.statistics() lists a hold per open connection and none after", T, () =>
  asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    const srv = await recordingServer();
    const [transport, client] = await srv.connect();
    const peer = await srv.first();
    const holds = loop.statistics().inFlight;
    assert.deepEqual(
      holds.map((hold) => hold.kind),
      ["outside", "outside", "outside"],
    );
    const descriptions = holds.map((hold) => hold.description);
    assert.ok(descriptions.includes(`server 127.0.0.1:${srv.port}`));
    assert.ok(descriptions.includes(`connection 127.0.0.1:${srv.port}`));
    transport.close();
    await client.lost;
    await peer.lost;
    srv.server.close();
    await srv.server.waitClosed();
    assert.deepEqual(loop.statistics().inFlight, []);
  }),
);
