/**
 * `wrap(promise)`: a Future that settles as the promise does and makes it a cancellation
 * point, while the promise itself runs on. asyncio's nearest relative is `wrap_future`
 * around an executor job; these are asyncio-ts's own guarantees.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import * as asyncio from "asyncio-ts";
import { rejection, runCollectingErrors, runVirtual } from "../helpers.js";

/** A promise settled from outside, as a stand-in for I/O in flight. */
function deferred<T>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("wrap()", () => {
  test("the Future settles as the promise does", async () => {
    await runVirtual(async () => {
      const ok = asyncio.wrap(Promise.resolve("value"));
      assert.ok(ok instanceof asyncio.Future);
      assert.equal(await ok, "value");
      assert.equal(ok.result(), "value");
      const error = new RangeError("failed");
      const failed = asyncio.wrap(Promise.reject(error));
      assert.equal(await rejection(failed), error);
      assert.equal(failed.exception(), error);
    });
  });

  test("wrap of a Future returns that Future; of anything else, a TypeError", async () => {
    await runVirtual(async () => {
      const fut = new asyncio.Future();
      assert.equal(asyncio.wrap(fut), fut);
      assert.throws(() => asyncio.wrap(42 as never), {
        name: "TypeError",
        message: /wrap\(\) expects a promise, got number 42/,
      });
      fut.cancel();
    });
    assert.throws(() => asyncio.wrap(Promise.resolve()), {
      name: "RuntimeError",
      message: /no running event loop/,
    });
  });

  test("a task awaiting a wrapped promise is cancelled at once; the promise runs on", async () => {
    await runVirtual(async () => {
      const work = deferred<string>();
      const sideEffects: string[] = [];
      const finished = work.promise.then((value) => {
        sideEffects.push(`work finished with ${value}`);
      });
      let wrapped: asyncio.Future<string> | undefined;
      const task = asyncio.createTask(async () => {
        wrapped = asyncio.wrap(work.promise);
        return await wrapped;
      });
      await asyncio.sleep(0);
      task.cancel("no longer needed");
      const error = await rejection(task);
      assert.ok(error instanceof asyncio.CancelledError);
      assert.equal(error.message, "no longer needed");
      assert.equal(wrapped?.cancelled(), true);
      assert.deepEqual(sideEffects, []);
      work.resolve("result");
      await asyncio.wrap(finished);
      assert.deepEqual(sideEffects, ["work finished with result"]);
      assert.equal(wrapped?.cancelled(), true);
    });
  });

  test("a wrapped promise that rejects after its Future was cancelled goes unreported", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const { reported } = await runCollectingErrors(async () => {
        const work = deferred<string>();
        const task = asyncio.createTask(() => asyncio.wrap(work.promise));
        await asyncio.sleep(0);
        task.cancel();
        await rejection(task);
        work.reject(new Error("late failure"));
        await asyncio.wrap(delay(10));
      });
      assert.deepEqual(reported, []);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
    assert.deepEqual(unhandled, []);
  });

  test("a wrapped promise can be awaited outside any task", async () => {
    await runVirtual(async () => {
      const loop = asyncio.getRunningLoop();
      const outcome = loop.createFuture<string>();
      loop.callSoon(() => {
        asyncio.wrap(delay(1, "from a callback")).then((value) => outcome.setResult(value));
      });
      assert.equal(await outcome, "from a callback");
    });
  });

  test("ensureFuture of a promise wraps it", async () => {
    await runVirtual(async () => {
      const work = deferred<number>();
      const task = asyncio.createTask(() => asyncio.ensureFuture(work.promise));
      await asyncio.sleep(0);
      task.cancel();
      assert.ok((await rejection(task)) instanceof asyncio.CancelledError);
      work.resolve(1);
    });
  });
});

describe("wrap() under virtual time", () => {
  test("the virtual clock waits for a wrapped promise before jumping", async () => {
    await runVirtual(async () => {
      const loop = asyncio.getRunningLoop();
      const events: string[] = [];
      const sleeper = asyncio.createTask(async () => {
        await asyncio.sleep(3600);
        events.push(`sleeper woke at ${loop.time()}`);
      });
      const io = asyncio.createTask(async () => {
        await asyncio.wrap(delay(50));
        events.push(`wrapped I/O done at ${loop.time()}`);
      });
      await io;
      await sleeper;
      assert.deepEqual(events, ["wrapped I/O done at 0", "sleeper woke at 3600"]);
    });
  });

  test("a cancelled wrap no longer holds virtual time", async () => {
    await runVirtual(async () => {
      const loop = asyncio.getRunningLoop();
      const never = new Promise<never>(() => {});
      const task = asyncio.createTask(() => asyncio.wrap(never));
      await asyncio.sleep(0);
      task.cancel();
      await rejection(task);
      await asyncio.sleep(10);
      assert.equal(loop.time(), 10);
    });
  });

  test("a foreign promise that is not wrapped does not hold virtual time", async () => {
    // Why wrap() exists: the loop cannot see a bare promise.
    await runVirtual(async () => {
      const loop = asyncio.getRunningLoop();
      const events: string[] = [];
      const sleeper = asyncio.createTask(async () => {
        await asyncio.sleep(3600);
        events.push("sleeper woke");
      });
      await delay(200);
      events.push(`bare I/O done at ${loop.time()}`);
      await sleeper;
      assert.deepEqual(events, ["sleeper woke", "bare I/O done at 3600"]);
    });
  });
});
