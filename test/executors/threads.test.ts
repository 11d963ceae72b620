/**
 * `toThread()`, mirroring CPython's test_threads.ToThreadTests (asyncio.to_thread).
 *
 * Adapted:
 * - test_to_thread_args_kwargs: JavaScript has no keyword arguments; the test checks that
 *   positional arguments, an options object among them, reach the job in order.
 * - test_to_thread_contextvars: a job runs in another thread with its own memory, so it does
 *   not see the caller's ContextVars (documented in `toThread`); the test checks that a value
 *   read from a ContextVar reaches the job as an argument, and that the variable itself is not
 *   there.
 * - test_to_thread_once: the mock is replaced by a counter in shared memory.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { rejection } from "../helpers.js";
import { bump, bumpThenSpin, cancelAndTime, SharedCells } from "./jobHelpers.js";

// mirrors test_threads.ToThreadTests.test_to_thread
test("toThread runs the function in a thread and resolves with its result", async () => {
  await asyncio.run(async () => {
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    assert.equal(await asyncio.toThread(sum, [40, 2]), 42);
    const where = await asyncio.toThread(() => {
      const { isMainThread, threadId } = require("node:worker_threads");
      return { isMainThread, threadId };
    });
    assert.equal(where.isMainThread, false);
    assert.notEqual(where.threadId, 0);
  });
});

// mirrors test_threads.ToThreadTests.test_to_thread_exception
test("toThread rejects with the error the function threw", async () => {
  await asyncio.run(async () => {
    const raiseRuntime = () => {
      class RuntimeError extends Error {
        override name = "RuntimeError";
      }
      throw new RuntimeError("test");
    };
    const error = await rejection(asyncio.toThread(raiseRuntime));
    assert.ok(error instanceof Error);
    assert.equal(error.name, "RuntimeError");
    assert.equal(error.message, "test");
  });
});

// mirrors test_threads.ToThreadTests.test_to_thread_once
test("toThread calls the function once", async () => {
  await asyncio.run(async () => {
    using cells = new SharedCells();
    await asyncio.toThread(bump, cells.shared, 0);
    assert.equal(cells.get(0), 1);
  });
});

// mirrors test_threads.ToThreadTests.test_to_thread_concurrent
test("concurrent toThread calls each run once", async () => {
  await asyncio.run(async () => {
    using cells = new SharedCells();
    const futures = Array.from({ length: 10 }, () => asyncio.toThread(bump, cells.shared, 0));
    const counts = await asyncio.gather(...futures);
    assert.equal(cells.get(0), 10);
    assert.deepEqual(
      [...counts].sort((a, b) => a - b),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
  });
});

// mirrors test_threads.ToThreadTests.test_to_thread_args_kwargs
test("toThread passes its arguments, an options object among them, in order", async () => {
  await asyncio.run(async () => {
    const capture = (...args: unknown[]) => args;
    assert.deepEqual(await asyncio.toThread(capture, "test", { something: true }, 3), [
      "test",
      { something: true },
      3,
    ]);
    assert.deepEqual(await asyncio.toThread(capture), []);
  });
});

// mirrors test_threads.ToThreadTests.test_to_thread_contextvars
test("a ContextVar's value reaches the job as an argument; the variable does not", async () => {
  const testCtx = new asyncio.ContextVar<string>("test_ctx");
  await asyncio.run(async () => {
    testCtx.set("parrot");
    assert.equal(await asyncio.toThread((value: string) => value, testCtx.get()), "parrot");
    // The job's code runs elsewhere: `testCtx` is not even defined there.
    const error = await rejection(asyncio.toThread(() => testCtx.get()));
    assert.ok(error instanceof ReferenceError);
    assert.match(error.message, /testCtx is not defined/);
  });
});

test("toThread awaits an async function and takes the module form", async () => {
  await asyncio.run(async () => {
    const later = async (x: number) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return x + 1;
    };
    assert.equal(await asyncio.toThread(later, 41), 42);
    const job = { module: new URL("./fixtures/jobModule.js", import.meta.url), export: "double" };
    assert.equal(await asyncio.toThread<number>(job, 21), 42);
  });
});

test("toThread returns a Future of the running loop", async () => {
  await asyncio.run(async () => {
    const future = asyncio.toThread(() => 1);
    assert.ok(future instanceof asyncio.Future);
    assert.equal(future.getLoop(), asyncio.getRunningLoop());
    assert.equal(await future, 1);
  });
});

test("cancelling the task awaiting toThread stops the job's thread", async () => {
  await asyncio.run(async () => {
    using cells = new SharedCells();
    const task = asyncio.createTask(() => asyncio.toThread(bumpThenSpin, cells.shared, 0));
    await cells.reach(0, 1);
    const ms = await cancelAndTime(task);
    assert.ok(task.cancelled());
    assert.ok(ms < 1000, `cancelled after ${ms} ms`);
    // The default executor goes on with a new thread.
    assert.equal(await asyncio.toThread(() => "still there"), "still there");
  });
});

test("toThread outside a running loop throws RuntimeError", () => {
  assert.throws(() => asyncio.toThread(() => 1), {
    name: "RuntimeError",
    message: /no running event loop/,
  });
});
