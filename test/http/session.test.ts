/**
 * ClientSession and ClientResponse against a real node:http server: methods, params, headers,
 * bodies (text, bytes, forms, JSON), the response's reads and its stream, raiseForStatus,
 * redirects, errors, argument checks, and what a session leaves behind (nothing).
 *
 * aiohttp tests not mirrored: cookies (no cookie jar here), proxies, file uploads from Python
 * file objects, Expect: 100-continue, max header sizes (undici's own limits apply), and
 * upgrade/WebSocket.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as asyncio from "asyncio-ts";
import {
  ClientConnectorError,
  ClientError,
  ClientResponseError,
  ClientSession,
  ContentTypeError,
  InvalidURL,
  SocketTimeoutError,
  TooManyRedirects,
} from "asyncio-ts/http";
import { asyncioTest } from "asyncio-ts/testing";
import { rejection } from "../helpers.js";
import { bodyOf, refusedPort, startHttpServer } from "./httpServers.js";

const T = { timeout: 30_000 };

/** A server that echoes each request as JSON: method, url, headers and body. */
function echoServer() {
  return startHttpServer(async (request, response) => {
    const body = await bodyOf(request);
    const url = request.url ?? "/";
    if (url.startsWith("/status/")) {
      response.writeHead(Number(url.slice(8)), { "X-Reason": "asked" });
      response.end("status page");
      return;
    }
    if (url.startsWith("/redirect/")) {
      const left = Number(url.slice(10));
      response.writeHead(302, { Location: left <= 1 ? "/echo" : `/redirect/${left - 1}` });
      response.end();
      return;
    }
    if (url === "/redirect-forever") {
      response.writeHead(302, { Location: "/redirect-forever" });
      response.end();
      return;
    }
    if (url === "/text") {
      response.writeHead(200, { "Content-Type": "text/plain; charset=latin1" });
      response.end(Buffer.from("olá", "latin1"));
      return;
    }
    if (url === "/lines") {
      response.writeHead(200, { "Content-Type": "text/plain" });
      response.end("one\ntwo\nthree\n");
      return;
    }
    response.writeHead(200, { "Content-Type": "application/json", "X-Multi": ["a", "b"] });
    response.end(JSON.stringify({ method: request.method, url, headers: request.headers, body }));
  });
}

interface Echo {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

describe("requests", () => {
  // mirrors aiohttp tests/test_client_functional.py test_HTTP_200_OK_METHOD
  test(
    "each method reaches the server and gets its response",
    T,
    asyncioTest(async () => {
      await using server = await echoServer();
      await using session = new ClientSession({ baseUrl: server.url });
      for (const method of ["get", "post", "put", "patch", "delete", "options"] as const) {
        await using response = await session[method]("/echo");
        assert.equal(response.status, 200);
        assert.equal(response.ok, true);
        assert.equal(response.reason, "OK");
        const echo = (await response.json()) as Echo;
        assert.equal(echo.method, method.toUpperCase());
      }
      await using head = await session.head("/echo");
      assert.equal(head.status, 200);
      assert.equal((await head.bytes()).length, 0);
      await using custom = await session.request("report", "/echo");
      assert.equal(((await custom.json()) as Echo).method, "REPORT");
    }),
  );

  // mirrors aiohttp tests/test_client_functional.py test_HTTP_200_GET_WITH_PARAMS
  test(
    "params are added to the URL's query",
    T,
    asyncioTest(async () => {
      await using server = await echoServer();
      await using session = new ClientSession({ baseUrl: server.url });
      let echo = (await (
        await session.get("/echo?a=0", { params: { q: "x y", n: 2, l: ["1", "2"] } })
      ).json()) as Echo;
      assert.equal(echo.url, "/echo?a=0&q=x+y&n=2&l=1&l=2");
      echo = (await (
        await session.get("/echo", { params: new URLSearchParams({ k: "v" }) })
      ).json()) as Echo;
      assert.equal(echo.url, "/echo?k=v");
      echo = (await (
        await session.get("/echo", {
          params: [
            ["k", "1"],
            ["k", "2"],
          ],
        })
      ).json()) as Echo;
      assert.equal(echo.url, "/echo?k=1&k=2");
    }),
  );

  test(
    "a response's url and requestInfo are its own: changing them changes no other request",
    T,
    asyncioTest(async () => {
      await using server = await echoServer();
      await using session = new ClientSession({ baseUrl: server.url });
      const first = await session.get("/echo");
      await first.release();
      // The same URL asked again is parsed once by the session; what it hands out are copies.
      first.url.pathname = "/text";
      first.requestInfo.url.searchParams.set("changed", "1");
      first.requestInfo.realUrl.pathname = "/lines";
      await using second = await session.get("/echo");
      assert.equal(((await second.json()) as Echo).url, "/echo");
      assert.equal(second.url.pathname, "/echo");
      assert.equal(second.requestInfo.url.search, "");
      assert.notEqual(second.url, first.url);
      assert.equal(first.url, first.requestInfo.realUrl);
    }),
  );

  // mirrors aiohttp tests/test_client_functional.py test_session_headers_merge
  test(
    "session headers and request headers merge by name, case-insensitively",
    T,
    asyncioTest(async () => {
      await using server = await echoServer();
      await using session = new ClientSession({
        baseUrl: server.url,
        headers: { "X-One": "1", "X-Two": "2" },
      });
      const echo = (await (
        await session.get("/echo", { headers: { "x-two": "two", "X-Three": "3" } })
      ).json()) as Echo;
      assert.equal(echo.headers["x-one"], "1");
      assert.equal(echo.headers["x-two"], "two");
      assert.equal(echo.headers["x-three"], "3");
      assert.match(echo.headers["accept-encoding"] ?? "", /gzip/);
    }),
  );

  // mirrors aiohttp tests/test_client_functional.py test_POST_DATA, test_POST_bytes, test_json
  test(
    "bodies: text, bytes, forms and JSON, each with its content type",
    T,
    asyncioTest(async () => {
      await using server = await echoServer();
      await using session = new ClientSession({ baseUrl: server.url });
      const send = async (options: Parameters<ClientSession["post"]>[1]): Promise<Echo> =>
        (await (await session.post("/echo", options)).json()) as Echo;
      let echo = await send({ data: "héllo" });
      assert.equal(echo.body, "héllo");
      assert.equal(echo.headers["content-type"], "text/plain; charset=utf-8");
      echo = await send({ data: new Uint8Array([104, 105]) });
      assert.equal(echo.body, "hi");
      assert.equal(echo.headers["content-type"], "application/octet-stream");
      echo = await send({ data: { a: "1", b: ["2", "3"] } });
      assert.equal(echo.body, "a=1&b=2&b=3");
      assert.equal(echo.headers["content-type"], "application/x-www-form-urlencoded");
      echo = await send({ data: new URLSearchParams({ x: "y" }) });
      assert.equal(echo.body, "x=y");
      const form = new FormData();
      form.append("field", "value");
      echo = await send({ data: form });
      assert.match(echo.headers["content-type"] ?? "", /^multipart\/form-data; boundary=/);
      assert.match(echo.body, /name="field"\r\n\r\nvalue/);
      echo = await send({ json: { key: [1, 2] } });
      assert.deepEqual(JSON.parse(echo.body), { key: [1, 2] });
      assert.equal(echo.headers["content-type"], "application/json");
      echo = await send({ data: "raw", headers: { "Content-Type": "text/x-mine" } });
      assert.equal(echo.headers["content-type"], "text/x-mine");
    }),
  );

  test(
    "headers are case-insensitive; repeated ones are joined or listed",
    T,
    asyncioTest(async () => {
      await using server = await echoServer();
      await using session = new ClientSession({ baseUrl: server.url });
      await using response = await session.get("/echo");
      assert.equal(response.headers.get("CONTENT-TYPE"), "application/json");
      assert.equal(response.headers.has("content-type"), true);
      assert.equal(response.headers.get("x-missing"), null);
      assert.equal(response.headers.get("X-Multi"), "a, b");
      assert.deepEqual(response.headers.getAll("x-multi"), ["a", "b"]);
      assert.ok([...response.headers].some(([name]) => name === "content-type"));
      assert.equal(response.contentType, "application/json");
    }),
  );

  // mirrors aiohttp tests/test_client_functional.py test_read_from_closed_response
  test(
    "text() decodes with the charset; the body can be read again once read",
    T,
    asyncioTest(async () => {
      await using server = await echoServer();
      await using session = new ClientSession({ baseUrl: server.url });
      await using response = await session.get("/text");
      assert.equal(response.charset, "latin1");
      assert.equal(await response.text(), "olá");
      assert.equal(await response.text(), "olá");
      assert.equal((await response.bytes()).length, 3);
      assert.equal(response.closed, true);
    }),
  );

  test(
    "content is our StreamReader: readline, read(n) and for await over lines",
    T,
    asyncioTest(async () => {
      await using server = await echoServer();
      await using session = new ClientSession({ baseUrl: server.url });
      await using first = await session.get("/lines");
      assert.ok(first.content instanceof asyncio.StreamReader);
      assert.equal((await first.content.readline()).toString(), "one\n");
      assert.equal((await first.content.readexactly(4)).toString(), "two\n");
      assert.equal((await first.content.read()).toString(), "three\n");
      assert.equal(first.content.atEof(), true);
      await using second = await session.get("/lines");
      const lines: string[] = [];
      for await (const line of second.content) lines.push(line.toString());
      assert.deepEqual(lines, ["one\n", "two\n", "three\n"]);
    }),
  );

  // mirrors aiohttp tests/test_client_functional.py test_json_custom, test_json (ContentTypeError)
  test(
    "json() checks the content type unless told not to, and takes a parser",
    T,
    asyncioTest(async () => {
      await using server = await echoServer();
      await using session = new ClientSession({ baseUrl: server.url });
      const error = await rejection((await session.get("/lines")).json());
      assert.ok(error instanceof ContentTypeError, String(error));
      assert.ok(error instanceof ClientResponseError);
      assert.equal(
        await (await session.get("/lines")).json({ contentType: null, loads: (t) => t.length }),
        13,
      );
    }),
  );
});

describe("raiseForStatus", () => {
  // mirrors aiohttp tests/test_client_functional.py test_raise_for_status
  test(
    "a 4xx raises ClientResponseError with status, message, headers and request",
    T,
    asyncioTest(async () => {
      await using server = await echoServer();
      await using session = new ClientSession({ baseUrl: server.url });
      await using response = await session.get("/status/404");
      assert.equal(response.ok, false);
      assert.equal(response.reason, "Not Found");
      let error: unknown;
      try {
        response.raiseForStatus();
      } catch (caught) {
        error = caught;
      }
      assert.ok(error instanceof ClientResponseError);
      assert.equal(error.status, 404);
      assert.equal(error.message, "Not Found");
      assert.equal(error.headers?.get("x-reason"), "asked");
      assert.equal(error.requestInfo.method, "GET");
      assert.equal(error.requestInfo.url.pathname, "/status/404");
      assert.ok(error instanceof ClientError);
      (await session.get("/status/204")).raiseForStatus();
    }),
  );

  // mirrors aiohttp tests/test_client_functional.py test_raise_for_status_per_request,
  // test_raise_for_status_disable_per_request, test_session_raise_for_status_coro
  test(
    "on the session, per request, or as a function",
    T,
    asyncioTest(async () => {
      await using server = await echoServer();
      await using session = new ClientSession({ baseUrl: server.url, raiseForStatus: true });
      assert.ok((await rejection(session.get("/status/400"))) instanceof ClientResponseError);
      await using allowed = await session.get("/status/400", { raiseForStatus: false });
      assert.equal(allowed.status, 400);
      const seen: number[] = [];
      await using _checked = await session.get("/status/201", {
        raiseForStatus: async (response) => {
          seen.push(response.status);
        },
      });
      assert.deepEqual(seen, [201]);
      await using plain = new ClientSession({ baseUrl: server.url });
      assert.ok(
        (await rejection(plain.get("/status/400", { raiseForStatus: true }))) instanceof
          ClientResponseError,
      );
    }),
  );
});

describe("redirects", () => {
  // mirrors aiohttp tests/test_client_functional.py test_HTTP_302_REDIRECT_GET, test_history
  test(
    "followed, with the history of the responses that led there",
    T,
    asyncioTest(async () => {
      await using server = await echoServer();
      await using session = new ClientSession({ baseUrl: server.url });
      await using response = await session.get("/redirect/3");
      assert.equal(response.status, 200);
      assert.equal(response.url.pathname, "/echo");
      assert.deepEqual(
        response.history.map((r) => [r.status, r.url.pathname]),
        [
          [302, "/redirect/3"],
          [302, "/redirect/2"],
          [302, "/redirect/1"],
        ],
      );
      await using stay = await session.get("/redirect/1", { allowRedirects: false });
      assert.equal(stay.status, 302);
    }),
  );

  // mirrors aiohttp tests/test_client_functional.py test_HTTP_302_REDIRECT_POST
  test(
    "a POST redirected by 302 becomes a GET without body; 307 keeps both",
    T,
    asyncioTest(async () => {
      await using server = await startHttpServer(async (request, response) => {
        const body = await bodyOf(request);
        if (request.url === "/302" || request.url === "/307") {
          response.writeHead(Number(request.url.slice(1)), { Location: "/end" });
          response.end();
          return;
        }
        response.end(`${request.method} ${body}`);
      });
      await using session = new ClientSession({ baseUrl: server.url });
      assert.equal(await (await session.post("/302", { data: "x" })).text(), "GET ");
      assert.equal(await (await session.post("/307", { data: "x" })).text(), "POST x");
    }),
  );

  // mirrors aiohttp tests/test_client_functional.py test_HTTP_302_max_redirects
  test(
    "beyond maxRedirects (10 by default): TooManyRedirects",
    T,
    asyncioTest(async () => {
      await using server = await echoServer();
      await using session = new ClientSession({ baseUrl: server.url });
      const error = await rejection(session.get("/redirect-forever"));
      assert.ok(error instanceof TooManyRedirects, String(error));
      assert.equal(error.history.length, 11);
      assert.ok(
        (await rejection(session.get("/redirect/3", { maxRedirects: 2 }))) instanceof
          TooManyRedirects,
      );
      await using fine = await session.get("/redirect/10");
      assert.equal(fine.history.length, 10);
    }),
  );

  // mirrors aiohttp tests/test_client_functional.py test_HTTP_302_REDIRECT_NON_HTTP
  test(
    "a redirect to another scheme is an InvalidURL",
    T,
    asyncioTest(async () => {
      await using server = await startHttpServer((_request, response) => {
        response.writeHead(302, { Location: "ftp://example.com/file" });
        response.end();
      });
      await using session = new ClientSession({ baseUrl: server.url });
      assert.ok((await rejection(session.get("/"))) instanceof InvalidURL);
    }),
  );

  // mirrors aiohttp tests/test_client_functional.py test_drop_auth_on_redirect_to_other_host
  test(
    "Authorization is dropped on a redirect to another origin",
    T,
    asyncioTest(async () => {
      await using target = await echoServer();
      await using origin = await startHttpServer((_request, response) => {
        response.writeHead(302, { Location: `${target.url}/echo` });
        response.end();
      });
      await using session = new ClientSession();
      const echo = (await (
        await session.get(origin.url, { headers: { Authorization: "secret" } })
      ).json()) as Echo;
      assert.equal(echo.headers.authorization, undefined);
    }),
  );
});

describe("errors and arguments", () => {
  // mirrors aiohttp tests/test_client_functional.py test_invalid_and_non_http_url
  test(
    "InvalidURL (a TypeError) for what is not an http(s) URL",
    T,
    asyncioTest(async () => {
      await using session = new ClientSession();
      for (const url of ["not a url", "ftp://example.com/", "/relative-without-base"]) {
        const error = await rejection(session.get(url));
        assert.ok(error instanceof InvalidURL, `${url}: ${String(error)}`);
        assert.ok(error instanceof TypeError);
        assert.ok(error instanceof ClientError);
      }
    }),
  );

  // mirrors aiohttp tests/test_client_functional.py test_request_conn_error
  test(
    "a refused connection is a ClientConnectorError with the OSError as cause",
    T,
    asyncioTest(async () => {
      const port = await refusedPort();
      await using session = new ClientSession({ retry: false });
      const error = await rejection(session.get(`http://127.0.0.1:${port}/`));
      assert.ok(error instanceof ClientConnectorError, String(error));
      assert.equal(error.host, "127.0.0.1");
      assert.equal(error.port, port);
      assert.ok(error.cause instanceof asyncio.ConnectionRefusedError);
      assert.ok(error.osError instanceof asyncio.OSError);
    }),
  );

  test(
    "arguments are checked, naming what is wrong",
    T,
    asyncioTest(async () => {
      assert.throws(() => new ClientSession({ retry: { attempts: 0 } }), RangeError);
      assert.throws(() => new ClientSession({ timeout: 5 as never }), TypeError);
      assert.throws(() => new ClientSession({ connector: { limit: -1 } }), RangeError);
      assert.throws(() => new ClientSession({ baseUrl: "nope" }), InvalidURL);
      assert.throws(() => new ClientSession({ raiseForStatus: "yes" as never }), TypeError);
      assert.throws(
        () => new ClientSession({ maxRedirects: "3" as never }),
        (error) =>
          error instanceof TypeError && /maxRedirects must be an integer/.test(error.message),
      );
      assert.throws(() => new ClientSession({ maxRedirects: -1 }), RangeError);
      await using session = new ClientSession({ baseUrl: "http://127.0.0.1:1" });
      await assert.rejects(session.request("BAD METHOD", "/"), /method/);
      await assert.rejects(session.get("/", { data: "a", json: 1 }), RangeError);
      await assert.rejects(session.get("/", { params: 5 as never }), /params/);
      await assert.rejects(session.get("/", { headers: 5 as never }), /headers/);
      await assert.rejects(session.get("/", { signal: {} as never }), /signal/);
      await assert.rejects(session.get("/", { data: [1] as never }), /data/);
      await assert.rejects(session.get("/", { maxRedirects: 1.5 }), TypeError);
    }),
  );

  // mirrors aiohttp tests/test_client_functional.py test_session_close_awaitable
  test(
    "a closed session refuses requests; close() twice is fine",
    T,
    asyncioTest(async () => {
      await using server = await echoServer();
      const session = new ClientSession({ baseUrl: server.url });
      await (await session.get("/echo")).text();
      await session.close();
      await session.close();
      assert.equal(session.closed, true);
      await assert.rejects(session.get("/echo"), asyncio.RuntimeError);
    }),
  );

  // mirrors aiohttp tests/test_client_functional.py test_keepalive_two_requests_success
  test(
    "requests in turn reuse one keep-alive connection",
    T,
    asyncioTest(async () => {
      await using server = await echoServer();
      await using session = new ClientSession({ baseUrl: server.url });
      for (let i = 0; i < 10; i++) await (await session.get("/echo")).text();
      // undici's pool hears that its first connection is free again one turn after the first
      // response ended, so the second request may open a second connection; then they are reused.
      assert.ok(server.accepted <= 2, `${server.accepted} connections`);
    }),
  );

  test(
    "closing the session releases a response nobody read and closes its connection",
    T,
    asyncioTest(async () => {
      await using server = await startHttpServer((_request, response) => {
        response.writeHead(200);
        response.write("x".repeat(1024));
        // Never ends the body.
      });
      const session = new ClientSession({ baseUrl: server.url });
      const response = await session.get("/");
      assert.equal(response.closed, false);
      await session.close();
      assert.equal(response.closed, true);
      assert.ok((await rejection(response.text())) instanceof ClientError);
    }),
  );

  test(
    "the connector is closed by its owner only (connectorOwner: false shares it)",
    T,
    asyncioTest(async () => {
      const { TCPConnector } = await import("asyncio-ts/http");
      await using server = await echoServer();
      const connector = new TCPConnector({ limit: 5 });
      const first = new ClientSession({ baseUrl: server.url, connector, connectorOwner: false });
      await (await first.get("/echo")).text();
      await first.close();
      assert.equal(connector.closed, false);
      const second = new ClientSession({ baseUrl: server.url, connector });
      await (await second.get("/echo")).text();
      await second.close();
      assert.equal(connector.closed, true);
      assert.ok(server.accepted <= 2, `${server.accepted} connections`);
    }),
  );
});

test("a session left open is reported by the leak check, by name", T, async () => {
  await using server = await echoServer();
  const error = await rejection(
    asyncioTest(async () => {
      const session = new ClientSession({ baseUrl: server.url });
      await (await session.get("/echo")).text();
    })(),
  );
  assert.match(String(error), /http ClientSession/);
});

test("error classes: instanceof ClientError takes in the timeouts and InvalidURL, subclasses stay narrow", () => {
  const timeout = new SocketTimeoutError("slow");
  assert.ok(timeout instanceof ClientError);
  assert.ok(timeout instanceof asyncio.TimeoutError);
  assert.ok(new InvalidURL("x") instanceof ClientError);
  assert.ok(!(new ClientError("x") instanceof ClientConnectorError));
  assert.ok(!(timeout instanceof ClientResponseError));
  assert.ok(!(new Error("x") instanceof ClientError));
  assert.equal(timeout.name, "SocketTimeoutError");
});
