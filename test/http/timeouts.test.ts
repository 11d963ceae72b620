/**
 * Timeouts and cancellation: ClientTimeout's total, connect and sockRead; asyncio's timeout()
 * around a request; a cancelled task, an aborted signal, and 10,000 cancelled requests leaving
 * no socket, listener or loop hold behind.
 *
 * A connect that hangs on loopback: a listening socket whose accept queue is full (a Python
 * process listening with a backlog of 0 that never accepts, its one slot taken): the kernel
 * drops the next SYNs, as a host that does not answer would.
 *
 * aiohttp tests not mirrored: test_read_timeout_on_write (request bodies here are sent whole).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { getEventListeners } from "node:events";
import { connect, type Socket } from "node:net";
import { createInterface } from "node:readline";
import { describe, test } from "node:test";
import * as asyncio from "asyncio-ts";
import {
  ClientError,
  ClientSession,
  ClientTimeout,
  ConnectionTimeoutError,
  ServerTimeoutError,
  SocketTimeoutError,
} from "asyncio-ts/http";
import { asyncioTest } from "asyncio-ts/testing";
import { rejection } from "../helpers.js";
import { startHttpServer } from "./httpServers.js";

const T = { timeout: 60_000 };

/** Waits (loop time) until `condition` holds, polling. */
async function until(condition: () => boolean, what: string): Promise<void> {
  await asyncio
    .timeout(10, async () => {
      while (!condition()) await asyncio.sleep(0.005);
    })
    .catch((error: unknown) => {
      throw new Error(`still waiting for ${what}`, { cause: error });
    });
}

/** A server that never answers (slow headers). */
function silentServer() {
  return startHttpServer(() => {});
}

/** A server that sends the headers and a first piece of the body, then nothing. */
function stallingServer() {
  return startHttpServer((_request, response) => {
    response.writeHead(200, { "Content-Type": "text/plain" });
    response.write("first piece\n");
  });
}

/** A port on 127.0.0.1 where a connect hangs: the listener's accept queue is full. */
async function hangingPort(): Promise<{ port: number } & AsyncDisposable> {
  const listener = spawn(
    "python3",
    [
      "-c",
      "import socket, sys\n" +
        "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(0)\n" +
        "print(s.getsockname()[1], flush=True); sys.stdin.read()",
    ],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const exited = new Promise((resolve) => listener.once("exit", resolve));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: listener.stdout }).once("line", resolve);
    listener.once("exit", (code) => reject(new Error(`the listener exited with ${code}`)));
  });
  const port = Number(line);
  // The one connection the queue holds, never accepted.
  const filler: Socket = connect(port, "127.0.0.1");
  await new Promise((resolve) => filler.once("connect", resolve));
  return {
    port,
    async [Symbol.asyncDispose]() {
      filler.destroy();
      listener.stdin.end();
      await exited;
    },
  };
}

describe("ClientTimeout", () => {
  // mirrors aiohttp tests/test_client_functional.py test_timeout_none
  test("aiohttp's defaults: total 300 s, the others none; durations and null accepted", () => {
    const defaults = new ClientTimeout();
    assert.deepEqual(
      [defaults.total, defaults.connect, defaults.sockConnect, defaults.sockRead],
      [300, null, null, null],
    );
    const custom = new ClientTimeout({
      total: null,
      connect: "2s",
      sockConnect: 0.5,
      sockRead: "150ms",
    });
    assert.deepEqual(
      [custom.total, custom.connect, custom.sockConnect, custom.sockRead],
      [null, 2, 0.5, 0.15],
    );
    assert.throws(() => new ClientTimeout({ total: "soon" as never }), TypeError);
    assert.throws(() => new ClientTimeout({ sockRead: Number.NaN }), RangeError);
    assert.equal(
      String(custom),
      "ClientTimeout(total=null, connect=2, sockConnect=0.5, sockRead=0.15)",
    );
  });

  test(
    "total: a request whose headers never come raises TimeoutError, and its connection is closed",
    T,
    asyncioTest(async () => {
      await using server = await silentServer();
      await using session = new ClientSession({ baseUrl: server.url, timeout: { total: 0.2 } });
      const started = performance.now();
      const error = await rejection(session.get("/"));
      assert.ok(error instanceof asyncio.TimeoutError, String(error));
      assert.ok(performance.now() - started < 2000);
      await until(() => server.open === 0, "the server to see the connection closed");
    }),
  );

  // mirrors aiohttp tests/test_client_functional.py test_timeout_on_reading_data
  test(
    "total covers the body too: a read still waiting when it expires raises TimeoutError",
    T,
    asyncioTest(async () => {
      await using server = await stallingServer();
      await using session = new ClientSession({ baseUrl: server.url, timeout: { total: 0.3 } });
      const response = await session.get("/");
      assert.equal((await response.content.readline()).toString(), "first piece\n");
      assert.ok((await rejection(response.text())) instanceof asyncio.TimeoutError);
      assert.equal(response.closed, true);
      await until(() => server.open === 0, "the server to see the connection closed");
    }),
  );

  // mirrors aiohttp tests/test_client_functional.py test_timeout_on_reading_headers
  test(
    "sockRead: slow headers raise SocketTimeoutError, an asyncio.TimeoutError and a ClientError",
    T,
    asyncioTest(async () => {
      await using server = await silentServer();
      await using session = new ClientSession({ baseUrl: server.url, timeout: { sockRead: 0.2 } });
      const error = await rejection(session.get("/"));
      assert.ok(error instanceof SocketTimeoutError, String(error));
      assert.ok(error instanceof ServerTimeoutError);
      assert.ok(error instanceof asyncio.TimeoutError);
      assert.ok(error instanceof ClientError);
      assert.equal((error.cause as { code?: string }).code, "UND_ERR_HEADERS_TIMEOUT");
      assert.equal(server.requests, 1, "a read timeout is not retried");
    }),
  );

  // mirrors aiohttp tests/test_client_functional.py test_read_timeout_between_chunks
  test(
    "sockRead: a body that stalls between pieces raises SocketTimeoutError",
    T,
    asyncioTest(async () => {
      await using server = await stallingServer();
      await using session = new ClientSession({ baseUrl: server.url, timeout: { sockRead: 0.2 } });
      const response = await session.get("/");
      const error = await rejection(response.text());
      assert.ok(error instanceof SocketTimeoutError, String(error));
      assert.equal((error.cause as { code?: string }).code, "UND_ERR_BODY_TIMEOUT");
    }),
  );

  // mirrors aiohttp tests/test_client_functional.py test_connection_timeout_error
  test(
    "sockConnect: a connect that hangs raises ConnectionTimeoutError, a TimeoutError and a ClientError",
    T,
    asyncioTest(async () => {
      await using hanging = await asyncio.wrap(hangingPort());
      await using session = new ClientSession({ timeout: { sockConnect: 0.3 }, retry: false });
      const started = performance.now();
      const error = await rejection(session.get(`http://127.0.0.1:${hanging.port}/`));
      const elapsed = performance.now() - started;
      assert.ok(error instanceof ConnectionTimeoutError, String(error));
      assert.ok(error instanceof asyncio.TimeoutError);
      assert.ok(error instanceof ClientError);
      assert.ok(elapsed >= 250 && elapsed < 5000, `gave up after ${elapsed} ms`);
    }),
  );

  test(
    "connect: waiting too long for a free connection of the pool raises ConnectionTimeoutError",
    T,
    asyncioTest(async () => {
      await using server = await stallingServer();
      await using session = new ClientSession({
        baseUrl: server.url,
        connector: { limit: 1 },
        timeout: { connect: 0.2 },
      });
      await using held = await session.get("/");
      const error = await rejection(session.get("/"));
      assert.ok(error instanceof ConnectionTimeoutError, String(error));
      assert.ok(error instanceof asyncio.TimeoutError);
      held.release();
      await using next = await session.get("/");
      assert.equal(next.status, 200);
    }),
  );

  test(
    "a request's own timeout replaces the session's",
    T,
    asyncioTest(async () => {
      await using server = await silentServer();
      await using session = new ClientSession({ baseUrl: server.url, timeout: { total: 100 } });
      assert.ok(
        (await rejection(session.get("/", { timeout: { total: 0.1 } }))) instanceof
          asyncio.TimeoutError,
      );
    }),
  );
});

describe("cancellation", () => {
  test(
    "asyncio.timeout() around a request cancels it and closes its connection",
    T,
    asyncioTest(async () => {
      await using server = await silentServer();
      await using session = new ClientSession({ baseUrl: server.url });
      const error = await rejection(asyncio.timeout(0.1, () => session.get("/")));
      assert.ok(error instanceof asyncio.TimeoutError, String(error));
      await until(() => server.open === 0, "the connection to be closed");
    }),
  );

  test(
    "a task cancelled while it waits for the headers: CancelledError, connection closed",
    T,
    asyncioTest(async () => {
      await using server = await silentServer();
      await using session = new ClientSession({ baseUrl: server.url });
      const task = asyncio.createTask(() => session.get("/"));
      await until(() => server.requests === 1, "the request to arrive");
      task.cancel();
      assert.ok((await rejection(task)) instanceof asyncio.CancelledError);
      await until(() => server.open === 0, "the connection to be closed");
    }),
  );

  test(
    "a task cancelled in the middle of the body: the connection is closed, the slot freed",
    T,
    asyncioTest(async () => {
      await using server = await stallingServer();
      await using session = new ClientSession({ baseUrl: server.url, connector: { limit: 1 } });
      const task = asyncio.createTask(async () => {
        const response = await session.get("/");
        await response.content.readline();
        return await response.text();
      });
      await until(() => server.requests === 1, "the request to arrive");
      await asyncio.sleep(0.05);
      task.cancel();
      assert.ok((await rejection(task)) instanceof asyncio.CancelledError);
      await until(() => server.open === 0, "the connection to be closed");
      // The one slot of the pool is free again.
      await using next = await asyncio.timeout(5, () => session.get("/"));
      assert.equal(next.status, 200);
    }),
  );

  test(
    "an aborted signal aborts the request with its reason and leaves no listener",
    T,
    asyncioTest(async () => {
      await using server = await stallingServer();
      await using session = new ClientSession({ baseUrl: server.url });
      const controller = new AbortController();
      const task = asyncio.createTask(() => session.get("/never", { signal: controller.signal }));
      const headersLess = await startHttpServer(() => {});
      try {
        const pending = asyncio.createTask(() =>
          session.get(headersLess.url, { signal: controller.signal }),
        );
        await until(() => headersLess.requests === 1, "the request to arrive");
        const response = await task;
        assert.equal(getEventListeners(controller.signal, "abort").length, 2);
        controller.abort(new Error("stop"));
        const error = await rejection(pending);
        assert.equal((error as Error).message, "stop");
        assert.equal(((await rejection(response.text())) as Error).message, "stop");
        assert.equal(getEventListeners(controller.signal, "abort").length, 0);
        await assert.rejects(session.get("/", { signal: controller.signal }), /stop/);
      } finally {
        await headersLess.close();
      }
    }),
  );

  test(
    "10,000 cancelled requests leave no socket, listener or hold behind",
    T,
    asyncioTest(async () => {
      // 10,000 requests at once on a pool of 50 connections to a server that never answers: 50
      // wait for their headers, the rest for a connection, all are cancelled.
      await using server = await silentServer();
      const loop = asyncio.getRunningLoop();
      const controller = new AbortController();
      await using session = new ClientSession({ baseUrl: server.url, connector: { limit: 50 } });
      const tasks = Array.from({ length: 10_000 }, () =>
        asyncio.createTask(() => session.get("/", { signal: controller.signal })),
      );
      await until(() => server.requests === 50, "50 requests to arrive");
      assert.equal(getEventListeners(controller.signal, "abort").length, 50);
      for (const task of tasks) task.cancel();
      const results = await asyncio.gather(tasks, { returnExceptions: true });
      assert.ok(results.every((result) => result instanceof asyncio.CancelledError));
      assert.equal(getEventListeners(controller.signal, "abort").length, 0);
      assert.deepEqual(
        loop.statistics().inFlight.map((hold) => hold.description),
        ["http ClientSession"],
      );
      await until(() => server.open === 0, "every connection to be closed");
      assert.equal(server.requests, 50);
      assert.equal(session.connector.limit, 50);
    }),
  );

  test(
    "requests cancelled at every stage by short timeouts leave nothing behind",
    T,
    asyncioTest(async () => {
      let served = 0;
      await using server = await startHttpServer((_request, response) => {
        served++;
        // Half the answers come late, so the requests are cancelled at every stage.
        if (served % 2 === 0) setTimeout(() => response.end("late"), 3);
        else response.end("soon");
      });
      const loop = asyncio.getRunningLoop();
      const controller = new AbortController();
      const session = new ClientSession({ baseUrl: server.url, connector: { limit: 20 } });
      const total = 1000;
      let started = 0;
      let cancelled = 0;
      const worker = async (): Promise<void> => {
        while (started < total) {
          started++;
          const n = started;
          try {
            await asyncio.timeout(0.001 * (n % 5), async () => {
              const response = await session.get("/", { signal: controller.signal });
              if (n % 3 === 0) await response.text();
            });
          } catch (error) {
            if (!(error instanceof asyncio.TimeoutError)) throw error;
            cancelled++;
          }
        }
      };
      await asyncio.gather(Array.from({ length: 40 }, () => worker));
      assert.ok(cancelled >= 200, `${cancelled} cancelled`);
      assert.equal(getEventListeners(controller.signal, "abort").length, 0);
      assert.deepEqual(
        loop.statistics().inFlight.map((hold) => hold.description),
        ["http ClientSession"],
      );
      assert.ok(server.open <= 20, `${server.open} connections open`);
      await session.close();
      await until(() => server.open === 0, "every connection to be closed");
    }),
  );
});
