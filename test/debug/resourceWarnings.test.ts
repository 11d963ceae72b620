/**
 * ResourceWarnings in debug mode: what the program left open when its loop closes (the end of
 * `run()`), and loops, executors and transports collected without being closed.
 *
 * Not mirrored:
 * - test_base_events.BaseEventLoopTests.test_run_forever_keyboard_interrupt and the
 *   KeyboardInterrupt tests like it: nothing is left open there that debug mode reports.
 * - test_selector_events' and test_proactor_events' `test_del*` tests: they check the warning of
 *   a transport whose socket is collected; in Node an open socket is kept alive by its handle,
 *   so a transport is reported when its loop closes instead (the tests below).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as asyncio from "asyncio-ts";
import { runScript } from "../core/childProcess.js";

/** Runs `fn`, then collects the warnings Node emitted meanwhile (they come on a later tick). */
async function collectWarnings(fn: () => Promise<unknown>): Promise<Error[]> {
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => {
    warnings.push(warning);
  };
  process.on("warning", onWarning);
  try {
    await fn();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off("warning", onWarning);
  }
  return warnings.filter((warning) => warning.name === "ResourceWarning");
}

class Quiet extends asyncio.Protocol {}

/** Starts a server on a free port and opens a connection to it; returns all three. */
async function serverAndClient(): Promise<[asyncio.Server, asyncio.Transport]> {
  const loop = asyncio.getRunningLoop();
  const server = await loop.createServer(() => new Quiet(), "127.0.0.1", 0);
  const [, port] = (server.sockets[0] as asyncio.TransportSocket).getsockname() as [string, number];
  const [client] = await loop.createConnection(() => new Quiet(), "127.0.0.1", port);
  return [server, client];
}

describe("at the end of run()", () => {
  test("an open server and connections are reported in debug mode", async () => {
    const warnings = await collectWarnings(() =>
      asyncio.run(
        async () => {
          await serverAndClient();
        },
        { debug: true },
      ),
    );
    const messages = warnings.map((warning) => warning.message);
    assert.ok(
      messages.some((message) => /^unclosed Server <Server sockets=\(.*\)>$/.test(message)),
      messages.join("\n"),
    );
    // The client's transport and the one the server accepted.
    const transports = messages.filter((message) =>
      /^unclosed transport <SocketTransport open peer=127\.0\.0\.1:\d+/.test(message),
    );
    assert.equal(transports.length, 2, messages.join("\n"));
  });

  test("nothing is reported outside debug mode", async () => {
    const warnings = await collectWarnings(() =>
      asyncio.run(async () => {
        await serverAndClient();
      }),
    );
    assert.deepEqual(warnings, []);
  });

  test("what the program closed is not reported", async () => {
    const warnings = await collectWarnings(() =>
      asyncio.run(
        async () => {
          const [server, client] = await serverAndClient();
          client.close();
          server.close();
          server.closeClients();
          await server.waitClosed();
        },
        { debug: true },
      ),
    );
    assert.deepEqual(warnings, []);
  });

  test("a UDP endpoint left open is reported", async () => {
    const warnings = await collectWarnings(() =>
      asyncio.run(
        async () => {
          await asyncio
            .getRunningLoop()
            .createDatagramEndpoint(() => new asyncio.DatagramProtocol(), {
              localAddr: ["127.0.0.1", 0],
            });
        },
        { debug: true },
      ),
    );
    assert.deepEqual(
      warnings.map((warning) => warning.message.replace(/\d+\]/, "N]")),
      ['unclosed transport <DatagramTransport open sockname=["127.0.0.1",N]>'],
    );
  });

  test("a subprocess still running is reported once, with its pipes", async () => {
    const warnings = await collectWarnings(() =>
      asyncio.run(
        async () => {
          await asyncio
            .getRunningLoop()
            .subprocessExec(() => new asyncio.SubprocessProtocol(), process.execPath, [
              "-e",
              "setTimeout(() => {}, 30000)",
            ]);
        },
        { debug: true },
      ),
    );
    assert.equal(warnings.length, 1, warnings.map((warning) => warning.message).join("\n"));
    assert.match(
      warnings[0]?.message ?? "",
      /^unclosed transport <SubprocessTransport pid=\d+ running stdin=<PipeTransport open /,
    );
  });
});

describe("at garbage collection", () => {
  /** Runs `body` in a child with `--expose-gc`; it may call `collect()`. Returns its warnings. */
  async function warningsOf(body: string): Promise<string[]> {
    const result = await runScript(
      `
      import * as asyncio from "asyncio-ts";
      const warnings = [];
      process.on("warning", (warning) => {
        if (warning.name === "ResourceWarning") warnings.push(warning.message);
      });
      async function collect() {
        for (let i = 0; i < 5; i++) {
          globalThis.gc();
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      }
      ${body}
      await collect();
      console.log(JSON.stringify(warnings));
      `,
      { nodeFlags: ["--expose-gc"], env: { ASYNCIO_TS_DEBUG: "" } },
    );
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.lines.at(-1) ?? "null") as string[];
  }

  test("an event loop never closed is reported in debug mode", async () => {
    const warnings = await warningsOf(`
      (() => {
        new asyncio.EventLoop({ debug: true });
        asyncio.newEventLoop().close();
        new asyncio.EventLoop({ debug: false });
        const turnedOn = new asyncio.EventLoop();
        turnedOn.setDebug(true);
        const closed = new asyncio.EventLoop({ debug: true });
        closed.close();
      })();
    `);
    assert.deepEqual(warnings, [
      "unclosed event loop <EventLoop idle debug=true>",
      "unclosed event loop <EventLoop idle debug=true>",
    ]);
  });

  test("an executor never shut down is reported in debug mode", async () => {
    const warnings = await warningsOf(`
      await asyncio.run(async () => {
        new asyncio.ThreadPoolExecutor({ maxWorkers: 1 });
        const shut = new asyncio.ThreadPoolExecutor({ maxWorkers: 1 });
        await shut.shutdown();
      }, { debug: true });
      await asyncio.run(async () => {
        new asyncio.ThreadPoolExecutor({ maxWorkers: 1 });
      });
    `);
    assert.deepEqual(warnings, [
      "unclosed executor <ThreadPoolExecutor running workers=0/1 queued=0 inWorkers=0> (never shut down)",
    ]);
  });

  test("a subprocess transport whose child exited, never closed, is reported", async () => {
    const warnings = await warningsOf(`
      class Exits extends asyncio.SubprocessProtocol {
        exited = new asyncio.Event();
        processExited() { this.exited.set(); }
      }
      await asyncio.run(async () => {
        const loop = asyncio.getRunningLoop();
        const [, protocol] = await loop.subprocessExec(() => new Exits(), process.execPath, ["-e", ""]);
        await protocol.exited.wait();
        const [closed, other] = await loop.subprocessExec(() => new Exits(), process.execPath, ["-e", ""]);
        await other.exited.wait();
        closed.close();
        await collect();
      }, { debug: true });
    `);
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0] ?? "", /^unclosed transport <SubprocessTransport pid=\d+ /);
  });
});
