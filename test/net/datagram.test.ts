/**
 * UDP endpoints: `loop.createDatagramEndpoint()` and its transport, on real sockets over
 * 127.0.0.1 and ::1. Mirrors CPython 3.13's test_events.EventLoopTestsMixin UDP tests,
 * test_base_events.BaseEventLoopWithSelectorTests.test_create_datagram_endpoint_* and
 * test_selector_events.SelectorDatagramTransportTests.
 *
 * Skipped:
 * - test_create_datagram_endpoint_sock, _sock_unix, _sockopts with sock=, _wrong_sock,
 *   _existing_sock*: there is no `sock` option (Node cannot adopt a socket object).
 * - test_create_datagram_endpoint_unix_*: Node's dgram has no Unix datagram sockets.
 * - test_create_datagram_endpoint_no_matching_family, _socket_err, _connect_err, _ip_addr and
 *   the other tests that mock socket.socket()/getaddrinfo(): no mocks; the real failures they
 *   stand for (a taken port, a host that does not resolve, an address of the wrong family)
 *   are tested below.
 * - SelectorDatagramTransportTests.test_read_ready*, test_sendto_tryagain, _buffer*,
 *   test_sendto_ready*: about the selector's own buffer and EAGAIN, which Node's libuv queue
 *   hides; the buffer size is checked through getWriteBufferSize().
 * - test_sendto_memoryview / bytearray: a Uint8Array view and a Buffer stand for them.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { OSError } from "#internal/core/osErrors.js";
import { DatagramProtocol } from "#internal/net/protocols.js";
import type { DatagramTransport } from "#internal/net/transport.js";
import type { TransportSocket } from "#internal/net/transportSocket.js";
import { rejection } from "../helpers.js";

type Address = [string, number];

/** Records what the transport calls, and lets a test await datagrams, errors and the end. */
class Recorder extends DatagramProtocol {
  readonly calls: string[] = [];
  transport: DatagramTransport | null = null;
  readonly datagrams = new asyncio.Queue<[Buffer, Address]>();
  readonly errors = new asyncio.Queue<Error>();
  readonly lost: asyncio.Future<Error | null> = asyncio.getRunningLoop().createFuture();
  readonly response: string | null;

  constructor(response: string | null = null) {
    super();
    this.response = response;
  }

  override connectionMade(transport: DatagramTransport): void {
    this.calls.push("connectionMade");
    this.transport = transport;
  }

  override datagramReceived(data: Buffer, address: Address): void {
    this.calls.push("datagramReceived");
    this.datagrams.putNowait([data, address]);
    if (this.response !== null) {
      this.transport?.sendto(Buffer.concat([Buffer.from(this.response), data]), address);
    }
  }

  override errorReceived(error: Error): void {
    this.calls.push("errorReceived");
    this.errors.putNowait(error);
  }

  override connectionLost(error: Error | null): void {
    this.calls.push("connectionLost");
    this.lost.setResult(error);
  }
}

function loop(): asyncio.EventLoop {
  return asyncio.getRunningLoop();
}

function sockname(transport: DatagramTransport): Address {
  return transport.getExtraInfo("sockname") as Address;
}

async function echoPair(host: string): Promise<{
  server: DatagramTransport;
  serverProtocol: Recorder;
  client: DatagramTransport;
  clientProtocol: Recorder;
}> {
  const [server, serverProtocol] = await loop().createDatagramEndpoint(
    () => new Recorder("resp:"),
    { localAddr: [host, 0] },
  );
  const [client, clientProtocol] = await loop().createDatagramEndpoint(() => new Recorder(), {
    remoteAddr: sockname(server),
  });
  return { server, serverProtocol, client, clientProtocol };
}

function udpHolds(): string[] {
  return loop()
    .statistics()
    .inFlight.map((hold) => hold.description)
    .filter((description) => description.startsWith("udp endpoint"));
}

// mirrors test_events.EventLoopTestsMixin.test_create_datagram_endpoint
test("an IPv4 client and server exchange datagrams, then close", async () => {
  await asyncio.run(async () => {
    const { server, serverProtocol, client, clientProtocol } = await echoPair("127.0.0.1");
    assert.deepEqual(serverProtocol.calls, ["connectionMade"]);
    assert.deepEqual(clientProtocol.calls, ["connectionMade"]);
    client.sendto(Buffer.from("xxx"));
    const [data, from] = await serverProtocol.datagrams.get();
    assert.equal(data.toString(), "xxx");
    assert.deepEqual(from, sockname(client));
    const [reply, replyFrom] = await clientProtocol.datagrams.get();
    assert.equal(reply.toString(), "resp:xxx");
    assert.deepEqual(replyFrom, sockname(server));
    // Connected: the peer is the server; the server is not connected.
    assert.deepEqual(client.getExtraInfo("peername"), sockname(server));
    assert.equal(server.getExtraInfo("peername"), undefined);
    assert.equal(server.getExtraInfo("peername", "none"), "none");
    assert.equal(udpHolds().length, 2);
    client.close();
    server.close();
    assert.equal(client.isClosing(), true);
    assert.equal(await clientProtocol.lost, null);
    assert.equal(await serverProtocol.lost, null);
    assert.deepEqual(clientProtocol.calls, [
      "connectionMade",
      "datagramReceived",
      "connectionLost",
    ]);
    assert.deepEqual(udpHolds(), []);
  });
});

// mirrors test_events.EventLoopTestsMixin.test_create_datagram_endpoint_ipv6
test("an IPv6 client and server exchange datagrams on ::1", async () => {
  await asyncio.run(async () => {
    const { server, serverProtocol, client, clientProtocol } = await echoPair("::1");
    const view = server.getExtraInfo("socket") as TransportSocket;
    assert.equal(view.family, "IPv6");
    client.sendto("yyy");
    assert.equal((await serverProtocol.datagrams.get())[0].toString(), "yyy");
    assert.equal((await clientProtocol.datagrams.get())[0].toString(), "resp:yyy");
    client.close();
    server.close();
    await clientProtocol.lost;
    await serverProtocol.lost;
  });
});

test("host names are resolved first, and the family follows the address", async () => {
  await asyncio.run(async () => {
    const [transport, protocol] = await loop().createDatagramEndpoint(() => new Recorder(), {
      localAddr: ["localhost", 0],
      family: "IPv4",
    });
    assert.equal(sockname(transport)[0], "127.0.0.1");
    transport.close();
    await protocol.lost;
  });
});

// mirrors test_base_events.BaseEventLoopWithSelectorTests.test_create_datagram_endpoint_noaddr_nofamily
test("neither address nor family is a RangeError", async () => {
  await asyncio.run(async () => {
    assert.throws(() => loop().createDatagramEndpoint(() => new Recorder()), {
      name: "RangeError",
      message: "unexpected address family",
    });
    assert.throws(() => loop().createDatagramEndpoint(() => new Recorder(), {}), RangeError);
  });
});

// mirrors test_base_events.BaseEventLoopWithSelectorTests.test_create_datagram_endpoint_noaddr_family
test("a family alone makes an endpoint that can send to an address", async () => {
  await asyncio.run(async () => {
    const [server, serverProtocol] = await loop().createDatagramEndpoint(() => new Recorder(), {
      localAddr: ["127.0.0.1", 0],
    });
    const [client, clientProtocol] = await loop().createDatagramEndpoint(() => new Recorder(), {
      family: "IPv4",
    });
    client.sendto("via sendto", sockname(server));
    assert.equal((await serverProtocol.datagrams.get())[0].toString(), "via sendto");
    client.close();
    server.close();
    await clientProtocol.lost;
    await serverProtocol.lost;
  });
});

// mirrors test_base_events.BaseEventLoopWithSelectorTests.test_create_datagram_endpoint_addr_error
test("addresses and options of the wrong type or value are rejected", async () => {
  await asyncio.run(async () => {
    const make = (options: unknown) =>
      loop().createDatagramEndpoint(
        () => new Recorder(),
        options as asyncio.DatagramEndpointOptions,
      );
    assert.throws(() => make({ localAddr: ["localhost"] }), TypeError);
    assert.throws(() => make({ localAddr: "localhost" }), TypeError);
    assert.throws(() => make({ remoteAddr: [1, 2] }), TypeError);
    assert.throws(() => make({ localAddr: ["127.0.0.1", 1.5] }), TypeError);
    assert.throws(() => make({ localAddr: ["127.0.0.1", 70000] }), RangeError);
    assert.throws(() => make({ localAddr: ["127.0.0.1", 0], family: "IPv5" }), RangeError);
    assert.throws(() => make({ localAddr: ["127.0.0.1", 0], family: true }), TypeError);
    assert.throws(() => make({ localAddr: ["127.0.0.1", 0], allowBroadcast: 1 }), TypeError);
    assert.throws(() => make(null), TypeError);
    assert.throws(
      () => loop().createDatagramEndpoint("factory" as never, { family: "IPv4" }),
      TypeError,
    );
  });
});

// mirrors test_base_events.BaseEventLoopWithSelectorTests.test_create_datagram_endpoint_reuse_address_error
test("reuseAddress: true is refused, as asyncio refuses reuse_address", async () => {
  await asyncio.run(async () => {
    assert.throws(
      () =>
        loop().createDatagramEndpoint(() => new Recorder(), {
          localAddr: ["127.0.0.1", 0],
          reuseAddress: true,
        } as asyncio.DatagramEndpointOptions),
      { name: "RangeError", message: /no longer supported/ },
    );
  });
});

// mirrors test_base_events.BaseEventLoopWithSelectorTests.test_create_datagram_endpoint_nosoreuseport
// and test_create_datagram_endpoint_sockopts (reuse_port)
test("reusePort binds two endpoints to one port where Node supports it, else RuntimeError", async () => {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  const supported =
    process.platform === "linux" &&
    (major >= 24 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12));
  await asyncio.run(async () => {
    const options = { localAddr: ["127.0.0.1", 0] as Address, reusePort: true };
    if (!supported) {
      assert.throws(() => loop().createDatagramEndpoint(() => new Recorder(), options), {
        name: "RuntimeError",
        message: new RegExp(
          `reusePort needs Node.js 22.12\\+ or 23.1\\+ \\(this is Node ${process.version.replace(/\./g, "\\.")}\\)`,
        ),
      });
      return;
    }
    const [first, firstProtocol] = await loop().createDatagramEndpoint(
      () => new Recorder(),
      options,
    );
    const [second, secondProtocol] = await loop().createDatagramEndpoint(() => new Recorder(), {
      localAddr: sockname(first),
      reusePort: true,
    });
    assert.deepEqual(sockname(second), sockname(first));
    first.close();
    second.close();
    await firstProtocol.lost;
    await secondProtocol.lost;
  });
});

// mirrors test_base_events.BaseEventLoopWithSelectorTests.test_create_datagram_endpoint_cant_bind
test("a port already taken rejects with an OSError (EADDRINUSE), and nothing is left open", async () => {
  await asyncio.run(async () => {
    const [taken, protocol] = await loop().createDatagramEndpoint(() => new Recorder(), {
      localAddr: ["127.0.0.1", 0],
    });
    const error = await rejection(
      loop().createDatagramEndpoint(() => new Recorder(), { localAddr: sockname(taken) }),
    );
    assert.ok(error instanceof OSError);
    assert.equal(error.code, "EADDRINUSE");
    assert.deepEqual(udpHolds().length, 1);
    taken.close();
    await protocol.lost;
  });
});

test("a local host name that does not resolve rejects with a GaiError", async () => {
  await asyncio.run(async () => {
    const error = await rejection(
      loop().createDatagramEndpoint(() => new Recorder(), {
        localAddr: ["nonexistent.invalid", 0],
      }),
    );
    assert.ok(error instanceof OSError);
    assert.equal(error.name, "GaiError");
  });
});

test("addresses whose families differ cannot be paired", async () => {
  await asyncio.run(async () => {
    const error = await rejection(
      loop().createDatagramEndpoint(() => new Recorder(), {
        localAddr: ["127.0.0.1", 0],
        remoteAddr: ["::1", 9],
      }),
    );
    assert.ok(error instanceof RangeError);
    assert.equal(error.message, "can not get address information");
  });
});

// mirrors test_base_events.BaseEventLoopWithSelectorTests.test_create_datagram_endpoint_allow_broadcast
test("allowBroadcast: the endpoint is not connected, and sendto() goes to the remote address", async () => {
  await asyncio.run(async () => {
    const [server, serverProtocol] = await loop().createDatagramEndpoint(() => new Recorder(), {
      localAddr: ["127.0.0.1", 0],
    });
    const [client, clientProtocol] = await loop().createDatagramEndpoint(() => new Recorder(), {
      remoteAddr: sockname(server),
      allowBroadcast: true,
    });
    assert.equal(client.getExtraInfo("peername"), undefined);
    client.sendto("hello");
    assert.equal((await serverProtocol.datagrams.get())[0].toString(), "hello");
    client.close();
    server.close();
    await clientProtocol.lost;
    await serverProtocol.lost;
  });
});

// mirrors test_selector_events.SelectorDatagramTransportTests.test_sendto_str and
// test_sendto_no_data
test("sendto() takes strings as UTF-8, Uint8Array views, and empty datagrams", async () => {
  await asyncio.run(async () => {
    const { server, serverProtocol, client, clientProtocol } = await echoPair("127.0.0.1");
    client.sendto("é");
    assert.deepEqual((await serverProtocol.datagrams.get())[0], Buffer.from("é", "utf8"));
    client.sendto(new Uint8Array([1, 2, 3, 4]).subarray(1, 3));
    assert.deepEqual((await serverProtocol.datagrams.get())[0], Buffer.from([2, 3]));
    client.sendto(new Uint8Array(0));
    assert.equal((await serverProtocol.datagrams.get())[0].length, 0);
    assert.equal(client.getWriteBufferSize(), 0);
    client.close();
    server.close();
    await clientProtocol.lost;
    await serverProtocol.lost;
  });
});

// mirrors test_selector_events.SelectorDatagramTransportTests.test_sendto_connected_addr and
// test_sendto_no_addr (ours: a missing address on an unconnected endpoint)
test("sendto(): an address other than the remote one, or none without one, is a RangeError", async () => {
  await asyncio.run(async () => {
    const { server, serverProtocol, client, clientProtocol } = await echoPair("127.0.0.1");
    const [host, port] = sockname(server);
    client.sendto("same", [host, port]);
    assert.throws(() => client.sendto("other", [host, port + 1]), {
      name: "RangeError",
      message: /^Invalid address: must be null or/,
    });
    assert.throws(() => server.sendto("nowhere"), RangeError);
    assert.throws(() => client.sendto(42 as never), TypeError);
    assert.throws(() => server.sendto("x", ["127.0.0.1"] as never), TypeError);
    assert.equal((await serverProtocol.datagrams.get())[0].toString(), "same");
    client.close();
    server.close();
    await clientProtocol.lost;
    await serverProtocol.lost;
  });
});

// mirrors test_selector_events.SelectorDatagramTransportTests.test_sendto_lost (and the
// warning after LOG_THRESHOLD_FOR_CONNLOST_WRITES)
test("sendto() after close() drops the datagram, and warns once five were dropped", async () => {
  await asyncio.run(async () => {
    const { server, serverProtocol, client, clientProtocol } = await echoPair("127.0.0.1");
    client.close();
    const warned = new Promise<Error>((resolve) => process.once("warning", resolve));
    for (let i = 0; i < 5; i++) client.sendto("dropped");
    const warning = await warned;
    assert.equal(warning.name, "RuntimeWarning");
    assert.equal(await clientProtocol.lost, null);
    assert.equal(serverProtocol.datagrams.qsize(), 0);
    server.close();
    await serverProtocol.lost;
  });
});

// mirrors test_selector_events.SelectorDatagramTransportTests.test_sendto_error_received_connected
test("a connected endpoint whose peer is gone gets errorReceived(ConnectionRefusedError)", async () => {
  await asyncio.run(async () => {
    const { server, serverProtocol, client, clientProtocol } = await echoPair("127.0.0.1");
    server.close();
    await serverProtocol.lost;
    // The ICMP port-unreachable answer makes the next send (or a later one) fail.
    let error: Error | null = null;
    for (let i = 0; i < 50 && error === null; i++) {
      client.sendto("anyone?");
      error = await asyncio.waitFor(clientProtocol.errors.get(), 0.1).catch(() => null);
    }
    assert.ok(error instanceof OSError);
    assert.equal(error.name, "ConnectionRefusedError");
    assert.equal(client.isClosing(), false);
    client.close();
    await clientProtocol.lost;
  });
});

// mirrors test_selector_events.SelectorDatagramTransportTests.test_fatal_error_connected
test("an exception in datagramReceived goes to the exception handler with transport and protocol", async () => {
  await asyncio.run(async () => {
    const reported: asyncio.ExceptionContext[] = [];
    const gotReport = loop().createFuture<void>();
    loop().setExceptionHandler((_loop, context) => {
      reported.push(context);
      gotReport.setResult(undefined);
    });
    class Failing extends Recorder {
      override datagramReceived(): void {
        throw new Error("boom");
      }
    }
    const [server, serverProtocol] = await loop().createDatagramEndpoint(() => new Failing(), {
      localAddr: ["127.0.0.1", 0],
    });
    const [client, clientProtocol] = await loop().createDatagramEndpoint(() => new Recorder(), {
      remoteAddr: sockname(server),
    });
    client.sendto("x");
    await gotReport;
    const context = reported[0] as asyncio.ExceptionContext;
    assert.match(context.message, /datagramReceived/);
    assert.equal((context.exception as Error).message, "boom");
    assert.equal(context["transport"], server);
    assert.equal(context["protocol"], serverProtocol);
    // As asyncio: the endpoint stays open.
    assert.equal(server.isClosing(), false);
    client.close();
    server.close();
    await clientProtocol.lost;
    await serverProtocol.lost;
  });
});

// mirrors test_selector_events.SelectorDatagramTransportTests.test_abort and
// test_transport_close-like checks (close twice, connectionLost once)
test("abort() and a second close() end the endpoint once, with connectionLost(null)", async () => {
  await asyncio.run(async () => {
    const [transport, protocol] = await loop().createDatagramEndpoint(() => new Recorder(), {
      localAddr: ["127.0.0.1", 0],
    });
    transport.abort();
    transport.close();
    transport.abort();
    assert.equal(transport.isClosing(), true);
    assert.equal(await protocol.lost, null);
    await asyncio.sleep(0);
    assert.deepEqual(protocol.calls, ["connectionMade", "connectionLost"]);
    assert.deepEqual(udpHolds(), []);
  });
});

test("connectionMade runs before the creation resolves; the protocol can be swapped", async () => {
  await asyncio.run(async () => {
    const factoryProtocol = new Recorder();
    const [transport, protocol] = await loop().createDatagramEndpoint(() => factoryProtocol, {
      localAddr: ["127.0.0.1", 0],
    });
    assert.equal(protocol, factoryProtocol);
    assert.deepEqual(protocol.calls, ["connectionMade"]);
    assert.equal(protocol.transport, transport);
    assert.equal(transport.getProtocol(), protocol);
    const other = new Recorder();
    transport.setProtocol(other);
    assert.equal(transport.getProtocol(), other);
    transport.close();
    await other.lost;
    assert.equal(protocol.lost.done(), false);
    assert.match(String(transport), /^<DatagramTransport/);
  });
});

test("a protocol factory that throws rejects the creation, and nothing is left open", async () => {
  await asyncio.run(async () => {
    const error = await rejection(
      loop().createDatagramEndpoint(
        () => {
          throw new Error("no protocol");
        },
        { localAddr: ["127.0.0.1", 0] },
      ),
    );
    assert.equal((error as Error).message, "no protocol");
    assert.deepEqual(loop().statistics().inFlight, []);
  });
});

test("holds: an operation while binding, an outside wait while open", async () => {
  await asyncio.run(async () => {
    const creating = loop().createDatagramEndpoint(() => new Recorder(), {
      localAddr: ["127.0.0.1", 0],
    });
    assert.deepEqual(
      loop()
        .statistics()
        .inFlight.map(({ kind, description }) => [kind, description]),
      [["operation", "udp endpoint 127.0.0.1:0: lookup and bind"]],
    );
    const [transport, protocol] = await creating;
    const [port] = [sockname(transport)[1]];
    assert.deepEqual(
      loop()
        .statistics()
        .inFlight.map(({ kind, description }) => [kind, description]),
      [["outside", `udp endpoint 127.0.0.1:${port}`]],
    );
    transport.close();
    await protocol.lost;
    assert.deepEqual(loop().statistics().inFlight, []);
  });
});

test("cancelling the creation leaves no endpoint open", async () => {
  await asyncio.run(async () => {
    const creating = loop().createDatagramEndpoint(() => new Recorder(), {
      localAddr: ["127.0.0.1", 0],
    });
    creating.cancel();
    assert.ok((await rejection(creating)) instanceof asyncio.CancelledError);
    // The hold goes with the Future's done callbacks, in the iteration that follows; the
    // socket still being bound is closed once the bind ends.
    await asyncio.sleep(0);
    assert.deepEqual(loop().statistics().inFlight, []);
  });
});

test("an endpoint left open is closed with the loop, and does not keep Node alive", async () => {
  const eventLoop = asyncio.newEventLoop();
  let transport: DatagramTransport | null = null;
  await eventLoop.runUntilComplete(async () => {
    [transport] = await loop().createDatagramEndpoint(() => new Recorder(), {
      localAddr: ["127.0.0.1", 0],
    });
  });
  const view = (transport as DatagramTransport | null)?.getExtraInfo("socket") as TransportSocket;
  assert.equal((view.getsockname() as Address)[0], "127.0.0.1");
  eventLoop.close();
  assert.equal(view.getsockname(), "");
});

test("getExtraInfo: sockname, peername, socket, and a default for unknown names", async () => {
  await asyncio.run(async () => {
    const { server, serverProtocol, client, clientProtocol } = await echoPair("127.0.0.1");
    const view = client.getExtraInfo("socket") as TransportSocket;
    assert.deepEqual(view.getsockname(), sockname(client));
    assert.deepEqual(view.getpeername(), sockname(server));
    assert.equal(view.family, "IPv4");
    assert.equal(client.getExtraInfo("nothing" as never, 7), 7);
    client.close();
    server.close();
    await clientProtocol.lost;
    await serverProtocol.lost;
  });
});
