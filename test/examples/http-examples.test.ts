/**
 * The HTTP examples print what their Python twins (aiohttp) print, against the local pages
 * they serve themselves. CPython has no aiohttp on this machine: the expected lines follow
 * from the notes' programs — `print(html)` of one page, `print()` of the list of three (a
 * Python list of strings), and the retry version's report line per URL.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as asyncio from "asyncio-ts";
import * as gatherPaginas from "../../examples/http-gather-paginas.js";
import * as requisicao from "../../examples/http-requisicao.js";
import * as retentativas from "../../examples/http-retentativas.js";
import { PAGINAS, servirPaginas } from "../../examples/shared/paginas.js";
import { captureLog } from "../helpers.js";
import { runExample } from "./runExample.js";

describe("http-requisicao", () => {
  test("prints the page", async () => {
    const lines = await captureLog(() => asyncio.run(() => requisicao.main()));
    assert.deepEqual(lines, [PAGINAS["/uol"]]);
  });

  test("runs as a program, and fetches a URL given as an argument", async () => {
    const { lines } = await runExample("http-requisicao");
    assert.deepEqual(lines, [PAGINAS["/uol"]]);
    const printed = await captureLog(() =>
      asyncio.run(async () => {
        await using servidor = await servirPaginas();
        await requisicao.main(`${servidor.url}/terra`);
      }),
    );
    assert.deepEqual(printed, [PAGINAS["/terra"]]);
  });
});

describe("http-gather-paginas", () => {
  test("prints the three pages as a Python list, in the order asked", async () => {
    const lines = await captureLog(() => asyncio.run(() => gatherPaginas.main()));
    const quoted = ["/uol", "/globo", "/terra"].map((path) => `'${PAGINAS[path]}'`);
    assert.deepEqual(lines, [`[${quoted.join(", ")}]`]);
  });
});

describe("http-retentativas", () => {
  test("a report per URL: the unreachable one is an error, after one try and a 1 s pause", async () => {
    const started = performance.now();
    const lines = await captureLog(() => asyncio.run(() => retentativas.main()));
    assert.deepEqual(lines, [
      "Resultado obtido com sucesso",
      "Erro ao acessar a URL",
      "Resultado obtido com sucesso",
    ]);
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 900 && elapsed < 10_000, `${elapsed} ms`);
  });
});
