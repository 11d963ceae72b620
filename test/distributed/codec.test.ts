/**
 * How asyncio-ts/distributed encodes a job's arguments and result: as they are when JSON carries
 * them unchanged, else `v8.serialize`d (marked by the field or the type), and both come back
 * the same. No Redis needed. Our own scenarios: CPython has no job queue.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  decodeResult,
  encodeResult,
  jobArgs,
  jobData,
  jsonSafe,
} from "#internal/distributed/codec.js";

const through = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe("distributed codec", () => {
  test("jsonSafe: what JSON carries unchanged, and nothing else", () => {
    for (const value of [1, 0, -1.5, "", "x", true, null, [], {}, [1, [2, { a: "b" }]]]) {
      assert.equal(jsonSafe(value), true, JSON.stringify(value));
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const bare = Object.create(null) as Record<string, unknown>;
    bare.a = 1;
    assert.equal(jsonSafe(bare), true);
    // biome-ignore lint/suspicious/noSparseArray: a hole is what is checked
    const holes = [1, , 3];
    const extra = Object.assign([1], { more: 2 });
    for (const value of [
      -0,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      undefined,
      1n,
      () => 1,
      Symbol("s"),
      new Date(0),
      new Map(),
      Buffer.from("a"),
      holes,
      extra,
      [undefined],
      { a: undefined },
      { [Symbol("k")]: 1 },
      JSON.parse('{"__proto__": 1}'),
      cyclic,
      new (class Point {})(),
      Array.from({ length: 2000 }, () => 1),
    ]) {
      assert.equal(jsonSafe(value), false, String(value));
    }
  });

  test("a job's arguments come back the same through BullMQ's JSON, either way", () => {
    const plain = [1, "two", { three: [3] }];
    const data = jobData("file:///jobs.js", "f", plain, "submit()");
    assert.deepEqual(data.j, plain);
    assert.equal(data.a, undefined);
    assert.deepEqual(jobArgs(through(data)), plain);
    const rich = [new Date(5), -0, undefined, new Map([[1, 2]])];
    const encoded = jobData("file:///jobs.js", "f", rich, "submit()");
    assert.equal(encoded.j, undefined);
    assert.equal(typeof encoded.a, "string");
    const back = jobArgs(through(encoded));
    assert.deepEqual(back, rich);
    assert.ok(Object.is(back[1], -0));
    assert.throws(() => jobData("file:///jobs.js", "f", [() => 1], "submit()"), TypeError);
  });

  test("a result comes back the same through BullMQ's JSON, either way", () => {
    for (const value of [
      3,
      [1, 2],
      { a: { b: [true] } },
      "a string",
      "",
      null,
      undefined,
      -0,
      Number.NaN,
      new Set([1]),
    ]) {
      const encoded = encodeResult(value);
      // Strings and null always go serialized: a plain string result would read as such.
      if (typeof value === "string" || value === null) assert.equal(typeof encoded, "string");
      const back = decodeResult(through(encoded));
      assert.deepEqual(back, value);
      if (typeof value === "number") assert.ok(Object.is(back, value));
    }
  });
});
