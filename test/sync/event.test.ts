/**
 * Event, mirroring CPython's test_locks.EventTests.
 *
 * Nothing skipped (test_repr is mirrored against this library's own format).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { rejection, runVirtual } from "../helpers.js";

// mirrors test_locks.EventTests.test_repr
test("toString shows set/unset and the waiters", async () => {
  await runVirtual(async () => {
    const ev = new asyncio.Event();
    assert.equal(String(ev), "<Event [unset]>");
    const waiter = asyncio.createTask(() => ev.wait());
    await asyncio.sleep(0);
    assert.equal(String(ev), "<Event [unset, waiters:1]>");
    ev.set();
    assert.equal(String(ev), "<Event [set, waiters:1]>");
    await waiter;
    assert.equal(String(ev), "<Event [set]>");
  });
});

// mirrors test_locks.EventTests.test_wait
test("set wakes every waiter; a waiter that comes late returns at once", async () => {
  await runVirtual(async () => {
    const ev = new asyncio.Event();
    assert.equal(ev.isSet(), false);
    const result: number[] = [];
    const c = (n: number) => async () => {
      if (await ev.wait()) result.push(n);
    };
    const t1 = asyncio.createTask(c(1));
    const t2 = asyncio.createTask(c(2));
    await asyncio.sleep(0);
    assert.deepEqual(result, []);

    const t3 = asyncio.createTask(c(3));
    ev.set();
    await asyncio.sleep(0);
    assert.deepEqual(result, [3, 1, 2]);
    for (const t of [t1, t2, t3]) {
      assert.equal(t.done(), true);
      assert.equal(t.result(), undefined);
    }
  });
});

// mirrors test_locks.EventTests.test_wait_on_set
test("wait on a set event resolves with true", async () => {
  await runVirtual(async () => {
    const ev = new asyncio.Event();
    ev.set();
    assert.equal(await ev.wait(), true);
  });
});

// mirrors test_locks.EventTests.test_wait_cancel
test("a cancelled wait leaves no waiter behind", async () => {
  await runVirtual(async () => {
    const ev = new asyncio.Event();
    const wait = asyncio.createTask(() => ev.wait());
    asyncio.getRunningLoop().callSoon(() => wait.cancel());
    assert.ok((await rejection(wait)) instanceof asyncio.CancelledError);
    assert.equal(ev.statistics().tasksWaiting, 0);
  });
});

// mirrors test_locks.EventTests.test_clear
test("clear resets the flag", async () => {
  await runVirtual(async () => {
    const ev = new asyncio.Event();
    assert.equal(ev.isSet(), false);
    ev.set();
    assert.equal(ev.isSet(), true);
    ev.clear();
    assert.equal(ev.isSet(), false);
  });
});

// mirrors test_locks.EventTests.test_clear_with_waiters
test("a waiter woken by set still returns after an immediate clear", async () => {
  await runVirtual(async () => {
    const ev = new asyncio.Event();
    const result: number[] = [];
    const t = asyncio.createTask(async () => {
      if (await ev.wait()) result.push(1);
      return true;
    });
    await asyncio.sleep(0);
    assert.deepEqual(result, []);

    ev.set();
    ev.clear();
    assert.equal(ev.isSet(), false);
    ev.set();
    ev.set();
    assert.equal(ev.statistics().tasksWaiting, 1);

    await asyncio.sleep(0);
    assert.deepEqual(result, [1]);
    assert.equal(ev.statistics().tasksWaiting, 0);
    assert.equal(t.done(), true);
    assert.equal(t.result(), true);
  });
});

test("a set event is waited for without a loop iteration", async () => {
  await runVirtual(async () => {
    const ev = new asyncio.Event();
    ev.set();
    let otherRan = false;
    asyncio.getRunningLoop().callSoon(() => {
      otherRan = true;
    });
    for (let i = 0; i < 10; i++) await ev.wait();
    assert.equal(otherRan, false);
  });
});

test("an event created outside any loop binds to the loop it is first waited on", async () => {
  const ev = new asyncio.Event();
  await runVirtual(async () => {
    const waiter = asyncio.createTask(() => ev.wait());
    await asyncio.sleep(0);
    ev.set();
    await waiter;
  });
  await runVirtual(async () => {
    assert.equal(await ev.wait(), true); // set: no waiting, no loop needed
    ev.clear();
    const error = await rejection(ev.wait());
    assert.ok(error instanceof asyncio.RuntimeError);
    assert.equal(ev.statistics().tasksWaiting, 0);
  });
});
