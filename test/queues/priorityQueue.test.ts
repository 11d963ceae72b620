/**
 * PriorityQueue, mirroring CPython's test_queues.PriorityQueueTests (its join and shutdown
 * tests run in queue.test.ts for every queue class), plus the ordering of Python values, the
 * `compare` option, insertion order among equal items, and incomparable items.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { rejection, runVirtual } from "../helpers.js";

function drain<T>(q: asyncio.Queue<T>): T[] {
  const items: T[] = [];
  while (!q.empty()) items.push(q.getNowait());
  return items;
}

// mirrors test_queues.PriorityQueueTests.test_order
test("a PriorityQueue returns the smallest item first", async () => {
  await runVirtual(async () => {
    const q = new asyncio.PriorityQueue<number>();
    for (const i of [1, 3, 2]) await q.put(i);
    const items = [await q.get(), await q.get(), await q.get()];
    assert.deepEqual(items, [1, 2, 3]);
  });
});

test("numbers, bigints and booleans compare numerically, strings by code unit", () => {
  const numbers = new asyncio.PriorityQueue<number | bigint | boolean>();
  for (const n of [3, -1.5, 10n, true, 0, 2n, false]) numbers.putNowait(n);
  assert.deepEqual(drain(numbers), [-1.5, 0, false, true, 2n, 3, 10n]);

  const strings = new asyncio.PriorityQueue<string>();
  for (const s of ["pear", "Apple", "apple", "", "app"]) strings.putNowait(s);
  assert.deepEqual(drain(strings), ["", "Apple", "app", "apple", "pear"]);
});

test("arrays compare lexicographically, like Python tuples", () => {
  const q = new asyncio.PriorityQueue<unknown[]>();
  const entries = [[2, "b"], [1, "z"], [2, "a"], [1], [1, "z", 0], [0, [5, 1]], [0, [5]]];
  for (const entry of entries) q.putNowait(entry);
  assert.deepEqual(drain(q), [
    [0, [5]],
    [0, [5, 1]],
    [1],
    [1, "z"],
    [1, "z", 0],
    [2, "a"],
    [2, "b"],
  ]);
});

test("equal items come out in the order they were put", () => {
  const q = new asyncio.PriorityQueue<[number, string]>({ compare: (a, b) => a[0] - b[0] });
  const labels = "abcdefghijklmnopqrstuvwxyz".split("");
  labels.forEach((label, i) => {
    q.putNowait([i % 3, label]);
  });
  const out = drain(q);
  for (const priority of [0, 1, 2]) {
    const expected = labels.filter((_, i) => i % 3 === priority);
    assert.deepEqual(
      out.filter(([p]) => p === priority).map(([, label]) => label),
      expected,
    );
  }
  assert.deepEqual(
    out.map(([p]) => p),
    [...out.map(([p]) => p)].sort((a, b) => a - b),
  );
});

test("equal default-ordered entries keep insertion order too", () => {
  const q = new asyncio.PriorityQueue<[number, string]>();
  const a: [number, string] = [1, "same"];
  const b: [number, string] = [1, "same"];
  const c: [number, string] = [0, "first"];
  q.putNowait(a);
  q.putNowait(b);
  q.putNowait(c);
  const out = drain(q);
  assert.equal(out[0], c);
  assert.equal(out[1], a);
  assert.equal(out[2], b);
});

test("a compare option orders anything", () => {
  interface Job {
    name: string;
    deadline: number;
  }
  const q = new asyncio.PriorityQueue<Job>({
    maxsize: 3,
    compare: (a, b) => a.deadline - b.deadline,
  });
  assert.equal(q.maxsize, 3);
  q.putNowait({ name: "late", deadline: 30 });
  q.putNowait({ name: "early", deadline: 10 });
  q.putNowait({ name: "middle", deadline: 20 });
  assert.equal(q.full(), true);
  assert.deepEqual(
    drain(q).map((job) => job.name),
    ["early", "middle", "late"],
  );
});

test("a maxsize number is accepted as the only argument", () => {
  const q = new asyncio.PriorityQueue<number>(2);
  assert.equal(q.maxsize, 2);
});

test("incomparable items are a TypeError and leave the queue unchanged", async () => {
  await runVirtual(async () => {
    const q = new asyncio.PriorityQueue<unknown>();
    q.putNowait(1);
    q.putNowait(5);
    assert.throws(() => q.putNowait("text"), TypeError);
    assert.throws(() => q.putNowait("text"), /PriorityQueue cannot order/);
    assert.throws(() => q.putNowait({ priority: 0 }), TypeError);
    assert.ok((await rejection(q.put(null))) instanceof TypeError);
    assert.equal(q.qsize(), 2);
    assert.equal(q.statistics().unfinishedTasks, 2);
    assert.deepEqual(drain(q), [1, 5]);

    const tuples = new asyncio.PriorityQueue<unknown[]>();
    tuples.putNowait([1, { a: 1 }]);
    // Equal priorities go on to compare the objects, as Python does.
    assert.throws(() => tuples.putNowait([1, { b: 2 }]), TypeError);
    assert.equal(tuples.qsize(), 1);
  });
});

test("a comparison that fails while taking an item leaves the queue unchanged", () => {
  let failing = false;
  const q = new asyncio.PriorityQueue<number>({
    compare: (a, b) => {
      if (failing) throw new Error("no order today");
      return a - b;
    },
  });
  for (const n of [5, 3, 8, 1, 9, 2]) q.putNowait(n);
  failing = true;
  assert.throws(() => q.getNowait(), /no order today/);
  assert.equal(q.qsize(), 6);
  failing = false;
  assert.deepEqual(drain(q), [1, 2, 3, 5, 8, 9]);
});

test("compare must be a function", () => {
  assert.throws(
    () => new asyncio.PriorityQueue({ compare: "desc" as unknown as () => number }),
    /PriorityQueue compare must be a function, got string "desc"/,
  );
});

test("a long random mix of puts and gets matches a sorted, stable model", () => {
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const q = new asyncio.PriorityQueue<[number, number]>({ compare: (a, b) => a[0] - b[0] });
  // The model: the entries in the queue, kept sorted by (priority, insertion).
  const model: [number, number][] = [];
  let serial = 0;
  for (let round = 0; round < 5000; round++) {
    if (random() < 0.55 || model.length === 0) {
      const entry: [number, number] = [Math.floor(random() * 20), serial++];
      q.putNowait(entry);
      let at = model.length;
      while (at > 0 && (model[at - 1] as [number, number])[0] > entry[0]) at--;
      model.splice(at, 0, entry);
    } else {
      assert.equal(q.getNowait(), model.shift());
    }
    assert.equal(q.qsize(), model.length);
  }
  assert.deepEqual(drain(q), model);
});
