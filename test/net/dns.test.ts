/**
 * `loop.getaddrinfo()` and `loop.getnameinfo()` on this machine's resolver (the hosts file maps
 * localhost to 127.0.0.1), mirroring CPython 3.13's test_base_events.BaseEventLoopTests
 * getaddrinfo/getnameinfo scenarios and test_base_events.BaseEventLoopWithSelectorTests's
 * `_ipaddr_info` cases (numeric hosts resolve without a lookup), compared with what Python's
 * socket.getaddrinfo returns here.
 *
 * Skipped:
 * - test_getaddrinfo_run_in_executor / test_getnameinfo (run_in_executor mocked): ours runs
 *   on libuv's thread pool, not the default executor; the results are checked instead.
 * - test_ipaddr_info_no_inet_pton, _scope_id_* : Node has no inet_pton switch; IPv6 scope
 *   ids and flow info are not part of our `[host, port]` addresses.
 * - Service names ("http") as ports: Node has no getservbyname; they reject with
 *   GaiError EAI_SERVICE, tested below.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { GaiError, OSError } from "#internal/core/osErrors.js";
import { rejection } from "../helpers.js";

const {
  AF_INET,
  AF_INET6,
  SOCK_STREAM,
  SOCK_DGRAM,
  SOCK_RAW,
  IPPROTO_TCP,
  IPPROTO_UDP,
  AI_PASSIVE,
  AI_CANONNAME,
  AI_NUMERICHOST,
  NI_NUMERICHOST,
  NI_NUMERICSERV,
  NI_NAMEREQD,
} = asyncio;

function loop(): asyncio.EventLoop {
  return asyncio.getRunningLoop();
}

test("the constants are numbered as Python's socket module on Linux", () => {
  assert.deepEqual(
    [asyncio.AF_UNSPEC, AF_INET, AF_INET6, SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, IPPROTO_TCP],
    [0, 2, 10, 1, 2, 3, 6],
  );
  assert.equal(IPPROTO_UDP, 17);
  assert.deepEqual([AI_PASSIVE, AI_CANONNAME, AI_NUMERICHOST], [1, 2, 4]);
  assert.deepEqual([NI_NUMERICHOST, NI_NUMERICSERV, NI_NAMEREQD], [1, 2, 8]);
});

// Python 3.13 here: getaddrinfo("localhost", 80) lists STREAM/TCP, DGRAM/UDP and RAW/0.
test("localhost: one record per socket type, as glibc lists them", async () => {
  await asyncio.run(async () => {
    const infos = await loop().getaddrinfo("localhost", 80);
    const ipv4 = infos.filter(([family]) => family === AF_INET);
    assert.deepEqual(ipv4, [
      [AF_INET, SOCK_STREAM, IPPROTO_TCP, "", ["127.0.0.1", 80]],
      [AF_INET, SOCK_DGRAM, IPPROTO_UDP, "", ["127.0.0.1", 80]],
      [AF_INET, SOCK_RAW, 0, "", ["127.0.0.1", 80]],
    ]);
  });
});

test("type and proto narrow the records", async () => {
  await asyncio.run(async () => {
    assert.deepEqual(
      await loop().getaddrinfo("localhost", 80, { family: AF_INET, type: SOCK_STREAM }),
      [[AF_INET, SOCK_STREAM, IPPROTO_TCP, "", ["127.0.0.1", 80]]],
    );
    assert.deepEqual(await loop().getaddrinfo("127.0.0.1", 53, { proto: IPPROTO_UDP }), [
      [AF_INET, SOCK_DGRAM, IPPROTO_UDP, "", ["127.0.0.1", 53]],
    ]);
  });
});

// mirrors test_base_events.BaseEventLoopWithSelectorTests._ipaddr_info cases: numeric hosts
test("numeric hosts, numeric port strings and a null port", async () => {
  await asyncio.run(async () => {
    assert.deepEqual(await loop().getaddrinfo("127.0.0.1", "8080", { type: SOCK_DGRAM }), [
      [AF_INET, SOCK_DGRAM, IPPROTO_UDP, "", ["127.0.0.1", 8080]],
    ]);
    assert.deepEqual(
      await loop().getaddrinfo("::1", null, { family: AF_INET6, type: SOCK_STREAM }),
      [[AF_INET6, SOCK_STREAM, IPPROTO_TCP, "", ["::1", 0]]],
    );
    const error = await rejection(loop().getaddrinfo("127.0.0.1", 80, { family: AF_INET6 }));
    assert.ok(error instanceof GaiError);
    assert.equal(error.code, "EAI_ADDRFAMILY");
  });
});

test("a null host: loopback, or with AI_PASSIVE the wildcard addresses", async () => {
  await asyncio.run(async () => {
    const hosts = async (flags: number) =>
      (await loop().getaddrinfo(null, 80, { type: SOCK_STREAM, flags })).map(
        ([, , , , [host]]) => host,
      );
    assert.deepEqual(await hosts(0), ["127.0.0.1", "::1"]);
    assert.deepEqual(await hosts(AI_PASSIVE), ["0.0.0.0", "::"]);
  });
});

test("AI_CANONNAME names the first record; AI_NUMERICHOST refuses names", async () => {
  await asyncio.run(async () => {
    const infos = await loop().getaddrinfo("localhost", 80, {
      family: AF_INET,
      flags: AI_CANONNAME,
    });
    assert.equal(infos[0]?.[3], "localhost");
    assert.equal(infos[1]?.[3], "");
    const error = await rejection(loop().getaddrinfo("localhost", 80, { flags: AI_NUMERICHOST }));
    assert.ok(error instanceof GaiError);
    assert.equal(error.code, "EAI_NONAME");
  });
});

test("a name that does not exist rejects with a GaiError (ENOTFOUND, or EAI_AGAIN offline)", async () => {
  await asyncio.run(async () => {
    const error = await rejection(loop().getaddrinfo("nonexistent.invalid", 80));
    assert.ok(error instanceof GaiError);
    assert.ok(error instanceof OSError);
    assert.ok(["ENOTFOUND", "EAI_AGAIN"].includes(error.code ?? ""), String(error.code));
    assert.equal(error.syscall, "getaddrinfo");
    const empty = await rejection(loop().getaddrinfo("", 80));
    assert.ok(empty instanceof GaiError);
  });
});

test("unknown families, socket types and service names reject as Python's gaierror", async () => {
  await asyncio.run(async () => {
    const codes = await Promise.all([
      rejection(loop().getaddrinfo("localhost", 80, { family: 99 })),
      rejection(loop().getaddrinfo("localhost", 80, { type: 99 })),
      rejection(loop().getaddrinfo("localhost", "http")),
    ]);
    assert.deepEqual(
      codes.map((error) => (error as GaiError).code),
      ["EAI_FAMILY", "EAI_SOCKTYPE", "EAI_SERVICE"],
    );
    for (const error of codes) assert.ok(error instanceof GaiError);
  });
});

test("arguments of the wrong type or out of range throw at once", async () => {
  await asyncio.run(async () => {
    assert.throws(() => loop().getaddrinfo(42 as never, 80), TypeError);
    assert.throws(() => loop().getaddrinfo("localhost", 1.5), TypeError);
    assert.throws(() => loop().getaddrinfo("localhost", {} as never), TypeError);
    assert.throws(() => loop().getaddrinfo("localhost", 70000), RangeError);
    assert.throws(() => loop().getaddrinfo("localhost", -1), RangeError);
    assert.throws(() => loop().getaddrinfo("localhost", 80, null as never), TypeError);
    assert.throws(
      () => loop().getaddrinfo("localhost", 80, { family: "IPv4" as never }),
      TypeError,
    );
    assert.throws(() => loop().getnameinfo("127.0.0.1" as never), TypeError);
    assert.throws(() => loop().getnameinfo(["127.0.0.1", "80"] as never), TypeError);
    assert.throws(() => loop().getnameinfo(["127.0.0.1", 65536]), RangeError);
    assert.throws(() => loop().getnameinfo(["127.0.0.1", 80], "0" as never), TypeError);
  });
});

test("cancelling the awaiting task rejects at once; the hold goes with it", async () => {
  await asyncio.run(async () => {
    let lookup: asyncio.Future<asyncio.AddrInfo[]> | null = null;
    // Started eagerly, the task awaits the lookup before createTask() returns: the cancel
    // below comes before libuv can possibly answer.
    const task = new asyncio.Task(
      async () => {
        lookup = loop().getaddrinfo("localhost", 80);
        return await lookup;
      },
      { eagerStart: true },
    );
    assert.deepEqual(
      loop()
        .statistics()
        .inFlight.map(({ kind, description }) => [kind, description]),
      [["operation", "getaddrinfo localhost:80"]],
    );
    task.cancel();
    assert.ok((await rejection(task)) instanceof asyncio.CancelledError);
    assert.equal((lookup as asyncio.Future<unknown> | null)?.cancelled(), true);
    await asyncio.sleep(0);
    assert.deepEqual(loop().statistics().inFlight, []);
  });
});

// mirrors test_base_events.BaseEventLoopTests.test_getnameinfo (with a real lookup)
test("getnameinfo: the name and service of an address, or their numeric forms", async () => {
  await asyncio.run(async () => {
    assert.deepEqual(await loop().getnameinfo(["127.0.0.1", 80]), ["localhost", "http"]);
    assert.deepEqual(await loop().getnameinfo(["127.0.0.1", 80], NI_NUMERICHOST | NI_NUMERICSERV), [
      "127.0.0.1",
      "80",
    ]);
    assert.deepEqual(await loop().getnameinfo(["127.0.0.1", 80], NI_NUMERICHOST), [
      "127.0.0.1",
      "http",
    ]);
    assert.deepEqual(await loop().getnameinfo(["localhost", 80], NI_NUMERICSERV), [
      "localhost",
      "80",
    ]);
  });
});

test("getnameinfo: an address without a name gives its numeric form, or fails with NI_NAMEREQD", async () => {
  await asyncio.run(async () => {
    // A documentation address (RFC 5737): no name in the hosts file, none in DNS.
    const [host] = await loop().getnameinfo(["192.0.2.1", 80]);
    assert.equal(host, "192.0.2.1");
    const error = await rejection(loop().getnameinfo(["192.0.2.1", 80], NI_NAMEREQD));
    assert.ok(error instanceof GaiError);
  });
});
