/**
 * shield(), mirroring the shield tests of CPython's test_tasks.py (BaseTaskTests).
 * test_shield_gather and test_gather_shield are in gather.test.ts.
 *
 * Skipped, with the reason:
 * - test_shield_coroutine_use_global_loop: there is no global (policy) event loop.
 * - The `_callbacks` half of test_shield_cancel_outer: an internal detail.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { rejection, runVirtual } from "../helpers.js";

// mirrors test_tasks.BaseTaskTests.test_shield_result
test("the shield gives the inner result", () =>
  runVirtual(async () => {
    const inner = asyncio.getRunningLoop().createFuture<number>();
    const outer = asyncio.shield(inner);
    inner.setResult(42);
    assert.equal(await outer, 42);
  }));

// mirrors test_tasks.BaseTaskTests.test_shield_exception
test("the shield gives the inner exception", () =>
  runVirtual(async () => {
    const inner = asyncio.getRunningLoop().createFuture<number>();
    const outer = asyncio.shield(inner);
    await asyncio.sleep(0);
    const exc = new asyncio.RuntimeError("expected");
    inner.setException(exc);
    await asyncio.sleep(0);
    assert.equal(outer.exception(), exc);
  }));

// mirrors test_tasks.BaseTaskTests.test_shield_cancel_inner
test("cancelling the inner Future cancels the shield", () =>
  runVirtual(async () => {
    const inner = asyncio.getRunningLoop().createFuture<number>();
    const outer = asyncio.shield(inner);
    await asyncio.sleep(0);
    inner.cancel();
    await asyncio.sleep(0);
    assert.ok(outer.cancelled());
  }));

// mirrors test_tasks.BaseTaskTests.test_shield_cancel_outer
test("cancelling the shield leaves the inner Future alone", () =>
  runVirtual(async () => {
    const inner = asyncio.getRunningLoop().createFuture<number>();
    const outer = asyncio.shield(inner);
    await asyncio.sleep(0);
    outer.cancel();
    await asyncio.sleep(0);
    assert.ok(outer.cancelled());
    assert.ok(!inner.done());
    inner.setResult(1);
    await asyncio.sleep(0);
  }));

// mirrors test_tasks.BaseTaskTests.test_shield_shortcut
test("a done awaitable is returned as it is", () =>
  runVirtual(async () => {
    const fut = asyncio.getRunningLoop().createFuture<number>();
    fut.setResult(42);
    assert.equal(asyncio.shield(fut), fut);
    assert.equal(await asyncio.shield(fut), 42);
  }));

// mirrors test_tasks.BaseTaskTests.test_shield_effect
test("cancelling the awaiting task does not cancel the shielded work", () =>
  runVirtual(async () => {
    let proof = 0;
    const waiter = asyncio.getRunningLoop().createFuture<void>();
    const inner = async () => {
      await waiter;
      proof += 1;
    };
    const f = asyncio.createTask(async () => {
      await asyncio.shield(inner);
      proof += 100;
    });
    await asyncio.sleep(0);
    f.cancel();
    assert.ok((await rejection(f)) instanceof asyncio.CancelledError);
    waiter.setResult(undefined);
    await asyncio.sleep(0);
    await asyncio.sleep(0);
    assert.equal(proof, 1);
  }));

// mirrors test_tasks.BaseTaskTests.test_shield_coroutine_without_loop
test("shield of a coroutine function outside a running loop is a RuntimeError", () => {
  let started = false;
  assert.throws(
    () =>
      asyncio.shield(async () => {
        started = true;
        return 42;
      }),
    asyncio.RuntimeError,
  );
  assert.ok(!started);
});

// mirrors test_tasks.BaseTaskTests.test_shield_coroutine_use_running_loop
test("shield of a coroutine function uses the running loop", () =>
  runVirtual(async () => {
    const outer = asyncio.shield(async () => 42);
    assert.equal(outer.getLoop(), asyncio.getRunningLoop());
    assert.equal(await outer, 42);
  }));

test("a shielded task keeps running while the caller is cancelled and can be awaited again", () =>
  runVirtual(async () => {
    const save = asyncio.createTask(() => asyncio.sleep(2, "saved"));
    const caller = asyncio.createTask(() => asyncio.shield(save));
    await asyncio.sleep(1);
    caller.cancel();
    assert.ok((await rejection(caller)) instanceof asyncio.CancelledError);
    assert.ok(!save.done());
    assert.equal(await save, "saved");
  }));

test("a bad argument gives a Future rejected with a TypeError", () =>
  runVirtual(async () => {
    const bad = 42 as unknown as Promise<number>;
    const error = await rejection(asyncio.shield(bad));
    assert.ok(error instanceof TypeError);
    assert.match(error.message, /shield\(\) argument must be a Task, a Future, a promise/);
  }));
