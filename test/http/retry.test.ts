/**
 * Retries, on by default: which methods, statuses and errors are tried again, how long the
 * pauses are (virtual time where they are long), Retry-After, the total timeout's cap, and a
 * keep-alive connection the server closed while idle.
 *
 * aiohttp has no retries (its users write the notes' `max_tries` loop); the policy follows got
 * and ky, so these scenarios are ours.
 */
import assert from "node:assert/strict";
import type { Socket } from "node:net";
import { describe, test } from "node:test";
import * as asyncio from "asyncio-ts";
import { ClientConnectorError, ClientSession, ServerDisconnectedError } from "asyncio-ts/http";
import { asyncioTest } from "asyncio-ts/testing";
import { rejection } from "../helpers.js";
import { refusedPort, startHttpServer } from "./httpServers.js";

const T = { timeout: 30_000 };

/** A server answering each request with the next status of `statuses` (then 200). */
async function statusSequence(statuses: number[], headers: Record<string, string> = {}) {
  const times: number[] = [];
  const server = await startHttpServer((_request, response) => {
    times.push(asyncio.getRunningLoop().time());
    const status = statuses.shift() ?? 200;
    response.writeHead(status, status === 200 ? {} : headers);
    response.end(`status ${status}`);
  });
  return { server, times };
}

describe("what is retried", () => {
  test(
    "GET after 503, 502: the third attempt's response is the result",
    T,
    asyncioTest(
      async () => {
        const { server } = await statusSequence([503, 502]);
        await using _ = server;
        await using session = new ClientSession({ baseUrl: server.url });
        await using response = await session.get("/");
        assert.equal(response.status, 200);
        assert.equal(await response.text(), "status 200");
        assert.equal(server.requests, 3);
      },
      { clock: "virtual" },
    ),
  );

  test(
    "after 3 attempts the last response is returned (raiseForStatus then applies)",
    T,
    asyncioTest(
      async () => {
        const { server } = await statusSequence([500, 500, 500, 500]);
        await using _ = server;
        await using session = new ClientSession({ baseUrl: server.url });
        await using response = await session.get("/");
        assert.equal(response.status, 500);
        assert.equal(server.requests, 3);
      },
      { clock: "virtual" },
    ),
  );

  test(
    "each of 408, 429, 500, 502, 503, 504 is retried; 404 and 501 are not",
    T,
    asyncioTest(
      async () => {
        for (const status of [408, 429, 500, 502, 503, 504]) {
          const { server } = await statusSequence([status]);
          await using _ = server;
          await using session = new ClientSession({ baseUrl: server.url });
          assert.equal((await session.get("/")).status, 200, `after ${status}`);
        }
        for (const status of [404, 501]) {
          const { server } = await statusSequence([status]);
          await using _ = server;
          await using session = new ClientSession({ baseUrl: server.url });
          assert.equal((await session.get("/")).status, status);
          assert.equal(server.requests, 1);
        }
      },
      { clock: "virtual" },
    ),
  );

  test(
    "PUT, DELETE, HEAD, OPTIONS are retried; POST and PATCH never unless asked",
    T,
    asyncioTest(
      async () => {
        for (const method of ["PUT", "DELETE", "HEAD", "OPTIONS"]) {
          const { server } = await statusSequence([503]);
          await using _ = server;
          await using session = new ClientSession({ baseUrl: server.url });
          assert.equal((await session.request(method, "/")).status, 200, method);
        }
        for (const method of ["POST", "PATCH"]) {
          const { server } = await statusSequence([503]);
          await using _ = server;
          await using session = new ClientSession({ baseUrl: server.url });
          assert.equal((await session.request(method, "/", { data: "x" })).status, 503, method);
          assert.equal(server.requests, 1);
        }
        const { server } = await statusSequence([503]);
        await using _ = server;
        await using session = new ClientSession({
          baseUrl: server.url,
          retry: { methods: ["POST"] },
        });
        assert.equal((await session.post("/", { data: "x" })).status, 200);
      },
      { clock: "virtual" },
    ),
  );

  test(
    "retry: false on the session or a request turns retries off; attempts and statuses tune them",
    T,
    asyncioTest(
      async () => {
        let { server } = await statusSequence([503]);
        await using session = new ClientSession({ baseUrl: server.url, retry: false });
        assert.equal((await session.get("/")).status, 503);
        await server.close();
        ({ server } = await statusSequence([503]));
        await using retrying = new ClientSession({ baseUrl: server.url });
        assert.equal((await retrying.get("/", { retry: false })).status, 503);
        await server.close();
        ({ server } = await statusSequence([418, 418, 418, 418]));
        await using tuned = new ClientSession({
          baseUrl: server.url,
          retry: { attempts: 5, statuses: [418] },
        });
        assert.equal((await tuned.get("/")).status, 200);
        assert.equal(server.requests, 5);
        await server.close();
      },
      { clock: "virtual" },
    ),
  );
});

describe("pauses", () => {
  test(
    "exponential backoff with jitter: base, base*factor, within ±jitter",
    T,
    asyncioTest(
      async () => {
        const { server, times } = await statusSequence([500, 500, 500]);
        await using _ = server;
        await using session = new ClientSession({
          baseUrl: server.url,
          retry: { attempts: 4, backoff: { base: 10, factor: 3, max: 100, jitter: 0.1 } },
        });
        assert.equal((await session.get("/")).status, 200);
        const pauses = times.slice(1).map((t, i) => t - (times[i] as number));
        assert.equal(pauses.length, 3);
        for (const [i, expected] of [10, 30, 90].entries()) {
          const pause = pauses[i] as number;
          assert.ok(
            pause >= expected * 0.9 - 0.01 && pause <= expected * 1.1 + 0.5,
            `pause ${i}: ${pause}`,
          );
        }
      },
      { clock: "virtual" },
    ),
  );

  test(
    "Retry-After in seconds sets the pause; 0 means at once",
    T,
    asyncioTest(
      async () => {
        let { server, times } = await statusSequence([503], { "Retry-After": "120" });
        await using session = new ClientSession({ baseUrl: server.url });
        assert.equal((await session.get("/")).status, 200);
        assert.ok((times[1] as number) - (times[0] as number) >= 120, String(times));
        await server.close();
        ({ server, times } = await statusSequence([429], { "Retry-After": "0" }));
        assert.equal((await session.get(server.url)).status, 200);
        assert.ok((times[1] as number) - (times[0] as number) < 1, String(times));
        await server.close();
      },
      { clock: "virtual" },
    ),
  );

  test(
    "Retry-After as an HTTP date",
    T,
    asyncioTest(
      async () => {
        const { server, times } = await statusSequence([503], {
          "Retry-After": new Date(Date.now() + 90_000).toUTCString(),
        });
        await using _ = server;
        await using session = new ClientSession({ baseUrl: server.url });
        assert.equal((await session.get("/")).status, 200);
        const pause = (times[1] as number) - (times[0] as number);
        assert.ok(pause >= 85 && pause <= 91, String(pause));
      },
      { clock: "virtual" },
    ),
  );

  test(
    "a Retry-After beyond the total timeout ends the retries: the 503 is the answer",
    T,
    asyncioTest(
      async () => {
        const { server } = await statusSequence([503], { "Retry-After": "600" });
        await using _ = server;
        await using session = new ClientSession({ baseUrl: server.url, timeout: { total: 60 } });
        const loop = asyncio.getRunningLoop();
        const start = loop.time();
        assert.equal((await session.get("/")).status, 503);
        assert.ok(loop.time() - start < 1);
        assert.equal(server.requests, 1);
      },
      { clock: "virtual" },
    ),
  );

  test(
    "respectRetryAfter: false uses the backoff instead",
    T,
    asyncioTest(
      async () => {
        const { server, times } = await statusSequence([503], { "Retry-After": "600" });
        await using _ = server;
        await using session = new ClientSession({
          baseUrl: server.url,
          retry: { respectRetryAfter: false },
        });
        assert.equal((await session.get("/")).status, 200);
        assert.ok((times[1] as number) - (times[0] as number) < 1);
      },
      { clock: "virtual" },
    ),
  );

  test(
    "cancelling a request during its pause ends it at once",
    T,
    asyncioTest(
      async () => {
        const { server } = await statusSequence([503], { "Retry-After": "1000" });
        await using _ = server;
        await using session = new ClientSession({ baseUrl: server.url, timeout: { total: null } });
        const task = asyncio.createTask(() => session.get("/"));
        while (server.requests === 0) await asyncio.sleep(0.01);
        await asyncio.sleep(5);
        task.cancel();
        assert.ok((await rejection(task)) instanceof asyncio.CancelledError);
        assert.equal(server.requests, 1);
      },
      { clock: "virtual" },
    ),
  );
});

describe("connection errors", () => {
  test(
    "a refused port: three attempts, given up within about 3 s",
    T,
    asyncioTest(async () => {
      const port = await refusedPort();
      await using session = new ClientSession();
      const started = performance.now();
      const error = await rejection(session.get(`http://127.0.0.1:${port}/`));
      const elapsed = performance.now() - started;
      assert.ok(error instanceof ClientConnectorError, String(error));
      assert.ok(error.cause instanceof asyncio.ConnectionRefusedError);
      // Pauses of 0.5 s and 1 s, ±25%: between 1.1 s and 1.9 s, plus a busy machine's slack.
      assert.ok(elapsed >= 1000 && elapsed < 3500, `${elapsed} ms`);
    }),
  );

  test(
    "a POST to a refused port is not retried",
    T,
    asyncioTest(async () => {
      const port = await refusedPort();
      await using session = new ClientSession();
      const started = performance.now();
      assert.ok(
        (await rejection(session.post(`http://127.0.0.1:${port}/`, { data: "x" }))) instanceof
          ClientConnectorError,
      );
      assert.ok(performance.now() - started < 500);
    }),
  );

  test(
    "a keep-alive connection the server dropped is retried on a new one (undici#3492)",
    T,
    asyncioTest(async () => {
      // The server answers the first request of each connection and drops the connection when a
      // second one arrives on it: the race of a server closing an idle socket as the client
      // reuses it, made certain.
      const served = new WeakMap<Socket, number>();
      await using server = await startHttpServer((request, response) => {
        const socket = request.socket;
        const count = (served.get(socket) ?? 0) + 1;
        served.set(socket, count);
        if (count > 1) {
          socket.destroy();
          return;
        }
        response.end("fresh");
      });
      await using session = new ClientSession({
        baseUrl: server.url,
        connector: { limitPerHost: 1 },
      });
      assert.equal(await (await session.get("/")).text(), "fresh");
      assert.equal(await (await session.get("/")).text(), "fresh");
      assert.equal(await (await session.put("/")).text(), "fresh");
      await using plain = new ClientSession({
        baseUrl: server.url,
        connector: { limitPerHost: 1 },
        retry: false,
      });
      assert.equal(await (await plain.get("/")).text(), "fresh");
      const error = await rejection(plain.get("/"));
      assert.ok(error instanceof ServerDisconnectedError, String(error));
    }),
  );
});
