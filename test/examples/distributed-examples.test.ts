/**
 * The asyncio-ts/distributed example prints its results: it starts its own redis-server and
 * two `asyncio-ts worker` processes, so it runs as a program of its own. Skipped, with the one
 * line the distributed tests print, where redis-server is missing.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { REDIS_SKIP } from "../distributed/redisServer.js";
import { runExample } from "./runExample.js";

describe("fila-distribuida", { skip: REDIS_SKIP }, () => {
  test("counts the primes below 2,000,000 on two workers", async () => {
    const { lines, stderr } = await runExample("fila-distribuida");
    assert.equal(lines[0], "2 workers prontos");
    assert.equal(lines[1], "primos abaixo de 2000000: 148933");
    assert.match(lines[2] ?? "", /^fatias por worker: (\d \+ )?\d = 8$/);
    assert.equal(lines.length, 3, lines.join("\n"));
    assert.equal(stderr, "");
  });
});
