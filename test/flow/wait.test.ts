/**
 * wait(), mirroring the wait tests of CPython's test_tasks.py (BaseTaskTests).
 *
 * Skipped, with the reason:
 * - test_wait_duplicate_coroutines passes coroutines to wait(), which 3.11+ refuses; it is
 *   mirrored with the same Task given twice.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { rejection, runVirtual } from "../helpers.js";

class ZeroDivisionError extends Error {}

function sleeper(seconds: number): asyncio.Task<undefined> {
  return asyncio.createTask(() => asyncio.sleep(seconds));
}

// mirrors test_tasks.BaseTaskTests.test_wait
test("wait returns every task in done once all are", () =>
  runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    const a = sleeper(0.1);
    const b = sleeper(0.15);
    const foo = async () => {
      const [done, pending] = await asyncio.wait([b, a]);
      assert.deepEqual(done, new Set([a, b]));
      assert.deepEqual(pending, new Set());
      return 42;
    };
    assert.equal(await asyncio.createTask(foo), 42);
    assert.ok(Math.abs(loop.time() - 0.15) < 1e-9);
    // Doing it again takes no time.
    assert.equal(await asyncio.createTask(foo), 42);
    assert.ok(Math.abs(loop.time() - 0.15) < 1e-9);
  }));

// mirrors test_tasks.BaseTaskTests.test_wait_duplicate_coroutines (with a Task, see the top)
test("the same task twice is waited for once", () =>
  runVirtual(async () => {
    const c = asyncio.createTask(async () => "test");
    const [done, pending] = await asyncio.wait([c, c, asyncio.createTask(async () => "spam")]);
    assert.equal(pending.size, 0);
    assert.deepEqual(new Set([...done].map((f) => f.result())), new Set(["test", "spam"]));
  }));

// mirrors test_tasks.BaseTaskTests.test_wait_errors
test("an empty set and a bad returnWhen are RangeErrors", () =>
  runVirtual(async () => {
    assert.ok((await rejection(asyncio.wait(new Set<asyncio.Future>()))) instanceof RangeError);
    const task = sleeper(10);
    const bad = -1 as unknown as asyncio.ReturnWhen;
    const error = await rejection(asyncio.wait([task], { returnWhen: bad }));
    assert.ok(error instanceof RangeError);
    assert.match(error.message, /returnWhen/);
    task.cancel();
  }));

// mirrors test_tasks.BaseTaskTests.test_wait_first_completed
test("FIRST_COMPLETED returns with the first task done", () =>
  runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    const a = sleeper(10);
    const b = sleeper(0.1);
    const [done, pending] = await asyncio.wait([b, a], { returnWhen: asyncio.FIRST_COMPLETED });
    assert.deepEqual(done, new Set([b]));
    assert.deepEqual(pending, new Set([a]));
    assert.ok(!a.done());
    assert.ok(b.done());
    assert.equal(b.result(), undefined);
    assert.ok(Math.abs(loop.time() - 0.1) < 1e-9);
    a.cancel();
  }));

// mirrors test_tasks.BaseTaskTests.test_wait_really_done
test("tasks done by the time wait returns are in done", () =>
  runVirtual(async () => {
    const a = asyncio.createTask(async () => {
      await asyncio.sleep(0);
    });
    const b = asyncio.createTask(async () => {
      await asyncio.sleep(0);
      await asyncio.sleep(0);
    });
    const [done] = await asyncio.wait([b, a], { returnWhen: asyncio.FIRST_COMPLETED });
    assert.deepEqual(done, new Set([a, b]));
    assert.equal(a.result(), undefined);
    assert.equal(b.result(), undefined);
  }));

// mirrors test_tasks.BaseTaskTests.test_wait_first_exception
test("FIRST_EXCEPTION returns at once when a task already failed", () =>
  runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    const a = sleeper(10);
    const b = asyncio.createTask(async () => {
      throw new ZeroDivisionError("err");
    });
    const [done, pending] = await asyncio.wait([b, a], { returnWhen: asyncio.FIRST_EXCEPTION });
    assert.deepEqual(done, new Set([b]));
    assert.deepEqual(pending, new Set([a]));
    assert.equal(loop.time(), 0);
    a.cancel();
  }));

// mirrors test_tasks.BaseTaskTests.test_wait_first_exception_in_wait
test("FIRST_EXCEPTION returns when a task fails during the wait", () =>
  runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    const a = sleeper(10);
    const b = asyncio.createTask(async () => {
      await asyncio.sleep(0.01);
      throw new ZeroDivisionError("err");
    });
    const [done, pending] = await asyncio.wait([b, a], { returnWhen: asyncio.FIRST_EXCEPTION });
    assert.deepEqual(done, new Set([b]));
    assert.deepEqual(pending, new Set([a]));
    assert.ok(Math.abs(loop.time() - 0.01) < 1e-9);
    a.cancel();
  }));

// mirrors test_tasks.BaseTaskTests.test_wait_with_exception
test("a failed task is in done with its exception", () =>
  runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    const a = sleeper(0.1);
    const b = asyncio.createTask(async () => {
      await asyncio.sleep(0.15);
      throw new ZeroDivisionError("really");
    });
    const foo = async () => {
      const [done, pending] = await asyncio.wait([b, a]);
      assert.equal(done.size, 2);
      assert.equal(pending.size, 0);
      assert.equal([...done].filter((f) => f.exception() !== null).length, 1);
    };
    await asyncio.createTask(foo);
    assert.ok(Math.abs(loop.time() - 0.15) < 1e-9);
    await asyncio.createTask(foo);
    assert.ok(Math.abs(loop.time() - 0.15) < 1e-9);
  }));

// mirrors test_tasks.BaseTaskTests.test_wait_with_timeout
test("a timeout returns what is done and what is pending", () =>
  runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    const a = sleeper(0.1);
    const b = sleeper(0.15);
    await asyncio.createTask(async () => {
      const [done, pending] = await asyncio.wait([b, a], { timeout: 0.11 });
      assert.deepEqual(done, new Set([a]));
      assert.deepEqual(pending, new Set([b]));
    });
    assert.ok(Math.abs(loop.time() - 0.11) < 1e-9);
    b.cancel();
  }));

// mirrors test_tasks.BaseTaskTests.test_wait_concurrent_complete
test("a task done at the timeout is in done", () =>
  runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    const a = sleeper(0.1);
    const b = sleeper(0.15);
    // In a task of its own, as CPython's test: its timer comes after the sleeps' timers.
    const [done, pending] = await asyncio.createTask(() => asyncio.wait([b, a], { timeout: 0.1 }));
    assert.deepEqual(done, new Set([a]));
    assert.deepEqual(pending, new Set([b]));
    assert.ok(Math.abs(loop.time() - 0.1) < 1e-9);
    b.cancel();
  }));

// mirrors test_tasks.BaseTaskTests.test_wait_with_iterator_of_tasks
test("wait takes an iterator", () =>
  runVirtual(async () => {
    const a = sleeper(0.1);
    const b = sleeper(0.15);
    const [done, pending] = await asyncio.wait([b, a][Symbol.iterator]());
    assert.deepEqual(done, new Set([a, b]));
    assert.equal(pending.size, 0);
  }));

// mirrors test_tasks.BaseTaskTests.test_wait_generator
test("wait takes a generator", () =>
  runVirtual(async () => {
    function* tasks() {
      for (let i = 0; i < 10; i++) yield asyncio.createTask(async () => i);
    }
    const [done, pending] = await asyncio.wait(tasks(), { returnWhen: asyncio.ALL_COMPLETED });
    assert.equal(done.size, 10);
    assert.equal(pending.size, 0);
  }));

// mirrors test_tasks.BaseTaskTests.test_wait_invalid_args
test("a single Future, a coroutine function or an empty list are refused", () =>
  runVirtual(async () => {
    const fut = asyncio.getRunningLoop().createFuture();
    const single = fut as unknown as Iterable<asyncio.Future<unknown>>;
    const error = await rejection(asyncio.wait(single));
    assert.ok(error instanceof TypeError);
    assert.match(error.message, /iterable of Tasks and Futures/);
    const coro = (async () => {}) as unknown as Iterable<asyncio.Future<unknown>>;
    assert.ok((await rejection(asyncio.wait(coro))) instanceof TypeError);
    assert.ok((await rejection(asyncio.wait([]))) instanceof RangeError);
  }));

// mirrors test_tasks.BaseTaskTests.test_yield_wait_does_not_shield_cancel
test("cancelling the waiting task leaves the awaited tasks running", () =>
  runVirtual(async () => {
    let proof = 0;
    const waiter = asyncio.getRunningLoop().createFuture<void>();
    const outer = asyncio.createTask(async () => {
      const inner = asyncio.createTask(async () => {
        await waiter;
        proof += 1;
      });
      await asyncio.wait([inner]);
      proof += 100;
    });
    await asyncio.sleep(0);
    outer.cancel();
    assert.ok((await rejection(outer)) instanceof asyncio.CancelledError);
    waiter.setResult(undefined);
    await asyncio.sleep(0);
    await asyncio.sleep(0);
    assert.equal(proof, 1);
  }));

// mirrors test_tasks.BaseTaskTests.test_current_task_with_interleaving_tasks
test("currentTask() is right in tasks that interleave under wait", () =>
  runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    const fut1 = loop.createFuture<boolean>();
    const fut2 = loop.createFuture<boolean>();
    const task1: asyncio.Task<void> = asyncio.createTask(async () => {
      assert.equal(asyncio.currentTask(), task1);
      await fut1;
      assert.equal(asyncio.currentTask(), task1);
      fut2.setResult(true);
    });
    const task2: asyncio.Task<void> = asyncio.createTask(async () => {
      assert.equal(asyncio.currentTask(), task2);
      fut1.setResult(true);
      await fut2;
      assert.equal(asyncio.currentTask(), task2);
    });
    const [done] = await asyncio.wait([task1, task2]);
    for (const task of done) task.result();
  }));

test("promises and coroutine functions are refused with the way to make them Futures", () =>
  runVirtual(async () => {
    const promise = Promise.resolve(1) as unknown as asyncio.Future<number>;
    const error = await rejection(asyncio.wait([promise]));
    assert.ok(error instanceof TypeError);
    assert.match(error.message, /createTask|wrap/);
    const notIterable = 5 as unknown as Iterable<asyncio.Future<unknown>>;
    assert.ok((await rejection(asyncio.wait(notIterable))) instanceof TypeError);
  }));

test("bad timeouts and options are typed errors", () =>
  runVirtual(async () => {
    const task = sleeper(1);
    assert.ok(
      (await rejection(asyncio.wait([task], { timeout: Number.NaN }))) instanceof RangeError,
    );
    const soon = "soon" as asyncio.Duration;
    assert.ok((await rejection(asyncio.wait([task], { timeout: soon }))) instanceof TypeError);
    const notOptions = 1 as unknown as asyncio.WaitOptions;
    assert.ok((await rejection(asyncio.wait([task], notOptions))) instanceof TypeError);
    const [done] = await asyncio.wait([task], { timeout: "2s" });
    assert.deepEqual(done, new Set([task]));
  }));

test("FIRST_EXCEPTION marks the failure as retrieved; nothing is cancelled", () =>
  runVirtual(async () => {
    const reported: asyncio.ExceptionContext[] = [];
    asyncio.getRunningLoop().setExceptionHandler((_loop, context) => reported.push(context));
    const ok = sleeper(1);
    const failing = asyncio.createTask(async () => {
      throw new ZeroDivisionError();
    });
    const [done, pending] = await asyncio.wait([ok, failing], {
      returnWhen: asyncio.FIRST_EXCEPTION,
    });
    assert.deepEqual(done, new Set([failing]));
    assert.deepEqual(pending, new Set([ok]));
    assert.ok(!ok.cancelled());
    await ok;
    assert.deepEqual(reported, []);
  }));

/** A task cancelled with `args`, waited for with wait(), then read with `read`. */
async function cancelThenRead(
  args: readonly string[],
  read: (task: asyncio.Task<undefined>) => unknown,
  startFirst: boolean,
): Promise<unknown> {
  return rejection(
    asyncio.createTask(async () => {
      const task = asyncio.createTask(() => asyncio.sleep(10));
      if (startFirst) await asyncio.sleep(0);
      task.cancel(...args);
      await asyncio.wait([task]);
      read(task);
    }),
  );
}

for (const [args, expected] of [
  [[], ""],
  [["my message"], "my message"],
] as const) {
  // mirrors test_tasks.BaseTaskTests.test_cancel_with_message_then_future_result
  test(`result() of a task cancelled with ${JSON.stringify(args)} raises with the message`, () =>
    runVirtual(async () => {
      const error = await cancelThenRead(args, (task) => task.result(), true);
      assert.ok(error instanceof asyncio.CancelledError);
      assert.equal(error.message, expected);
    }));

  // mirrors test_tasks.BaseTaskTests.test_cancel_with_message_then_future_exception
  test(`exception() of a task cancelled with ${JSON.stringify(args)} raises with the message`, () =>
    runVirtual(async () => {
      const error = await cancelThenRead(args, (task) => task.exception(), true);
      assert.ok(error instanceof asyncio.CancelledError);
      assert.equal(error.message, expected);
    }));
}

// mirrors test_tasks.BaseTaskTests.test_cancel_with_message_before_starting_task
test("a task cancelled before it started keeps the message", () =>
  runVirtual(async () => {
    const error = await cancelThenRead(["my message"], (task) => task.exception(), false);
    assert.ok(error instanceof asyncio.CancelledError);
    assert.equal(error.message, "my message");
  }));
