/**
 * LifoQueue, mirroring CPython's test_queues.LifoQueueTests (its join and shutdown tests run
 * in queue.test.ts for every queue class).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { runVirtual } from "../helpers.js";
import { settleAll } from "../syncHelpers.js";

// mirrors test_queues.LifoQueueTests.test_order
test("a LifoQueue returns the newest item first", async () => {
  await runVirtual(async () => {
    const q = new asyncio.LifoQueue<number>();
    for (const i of [1, 3, 2]) await q.put(i);
    const items = [await q.get(), await q.get(), await q.get()];
    assert.deepEqual(items, [2, 3, 1]);
  });
});

test("a bounded LifoQueue makes putters wait and hands items to waiting getters", async () => {
  await runVirtual(async () => {
    const q = new asyncio.LifoQueue<string>(2);
    const getter = asyncio.createTask(() => q.get());
    await asyncio.sleep(0);
    await q.put("first");
    assert.equal(await getter, "first");
    await q.put("a");
    await q.put("b");
    assert.equal(q.full(), true);
    const putter = asyncio.createTask(() => q.put("c"));
    await asyncio.sleep(0);
    assert.equal(putter.done(), false);
    assert.equal(q.getNowait(), "b");
    await putter;
    assert.equal(String(q), "<LifoQueue maxsize=2 items=[ 'c', 'a' ] tasks=4>");
    assert.equal(q.getNowait(), "c");
    assert.equal(q.getNowait(), "a");
    await settleAll([putter]);
  });
});
