/**
 * waitFor(), mirroring CPython's test_waitfor.py (AsyncioWaitForTest, WaitForShieldTests).
 *
 * Skipped, with the reason:
 * - test_tasks.BaseTaskTests.test_task_repr_wait_for: about an exact repr.
 * SlowTask measures real time with time.monotonic(); here it uses the loop's clock, so the
 * scenarios run under virtual time.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { rejection, runVirtual } from "../helpers.js";

/** A very small timeout: it passes the check "timeout > 0". */
const EPSILON = 0.0001;

/** Runs for TASK_TIMEOUT seconds of loop time, ignoring cancellation requests. */
class SlowTask {
  static readonly TASK_TIMEOUT = 0.2;
  exited = false;

  readonly run = async (): Promise<void> => {
    const loop = asyncio.getRunningLoop();
    const exitAt = loop.time() + SlowTask.TASK_TIMEOUT;
    for (;;) {
      const toSleep = exitAt - loop.time();
      if (toSleep <= 0) break;
      try {
        await asyncio.sleep(toSleep);
      } catch (error) {
        if (!(error instanceof asyncio.CancelledError)) throw error;
      }
    }
    this.exited = true;
  };
}

// mirrors test_waitfor.AsyncioWaitForTest.test_asyncio_wait_for_cancelled
test("cancelling the waiting task lets a task that ignores cancellation finish", () =>
  runVirtual(async () => {
    const t = new SlowTask();
    const waitForTask = asyncio.createTask(() => asyncio.waitFor(t.run, SlowTask.TASK_TIMEOUT * 2));
    await asyncio.sleep(0);
    waitForTask.cancel();
    await asyncio.wait([waitForTask]);
    assert.ok(t.exited);
  }));

// mirrors test_waitfor.AsyncioWaitForTest.test_asyncio_wait_for_timeout
test("a timeout waits for a function that ignores cancellation", () =>
  runVirtual(async () => {
    const t = new SlowTask();
    await asyncio.waitFor(t.run, SlowTask.TASK_TIMEOUT / 2).catch((error: unknown) => {
      if (!(error instanceof asyncio.TimeoutError)) throw error;
    });
    assert.ok(t.exited);
  }));

// mirrors test_waitfor.AsyncioWaitForTest.test_wait_for_timeout_less_then_0_or_0_future_done
test("timeout 0 returns the result of a done Future", () =>
  runVirtual(async () => {
    const fut = asyncio.getRunningLoop().createFuture<string>();
    fut.setResult("done");
    assert.equal(await asyncio.waitFor(fut, 0), "done");
    assert.ok(fut.done());
  }));

// mirrors test_waitfor.AsyncioWaitForTest.test_wait_for_timeout_less_then_0_or_0_coroutine_do_not_started
test("timeout 0 does not even start a coroutine function", () =>
  runVirtual(async () => {
    let fooStarted = false;
    const error = await rejection(
      asyncio.waitFor(async () => {
        fooStarted = true;
      }, 0),
    );
    assert.ok(error instanceof asyncio.TimeoutError);
    assert.equal(fooStarted, false);
  }));

// mirrors test_waitfor.AsyncioWaitForTest.test_wait_for_timeout_less_then_0_or_0
for (const timeout of [0, -1]) {
  test(`timeout ${timeout} cancels a running task and waits for it`, () =>
    runVirtual(async () => {
      const loop = asyncio.getRunningLoop();
      let fooRunning: boolean | null = null;
      const started = loop.createFuture<void>();
      const fut = asyncio.createTask(async () => {
        fooRunning = true;
        started.setResult(undefined);
        try {
          await asyncio.sleep(10);
        } finally {
          fooRunning = false;
        }
        return "done";
      });
      await started;
      const error = await rejection(asyncio.waitFor(fut, timeout));
      assert.ok(error instanceof asyncio.TimeoutError);
      assert.ok(error.cause instanceof asyncio.CancelledError);
      assert.ok(fut.done());
      assert.ok(fut.cancelled());
      assert.equal(fooRunning, false);
    }));
}

// mirrors test_waitfor.AsyncioWaitForTest.test_wait_for
test("a task past the timeout is cancelled and waited for", () =>
  runVirtual(async () => {
    let fooRunning: boolean | null = null;
    const fut = asyncio.createTask(async () => {
      fooRunning = true;
      try {
        await asyncio.sleep(300);
      } finally {
        fooRunning = false;
      }
      return "done";
    });
    const error = await rejection(asyncio.waitFor(fut, 0.1));
    assert.ok(error instanceof asyncio.TimeoutError);
    assert.ok(fut.done());
    assert.ok(fut.cancelled());
    assert.equal(fooRunning, false);
  }));

// mirrors test_waitfor.AsyncioWaitForTest.test_wait_for_blocking
test("timeout null waits as long as it takes", () =>
  runVirtual(async () => {
    assert.equal(await asyncio.waitFor(async () => "done", null), "done");
  }));

// mirrors test_waitfor.AsyncioWaitForTest.test_wait_for_race_condition
test("a result set soon is returned", () =>
  runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    const fut = loop.createFuture<string>();
    const task = asyncio.waitFor(fut, 0.2);
    loop.callSoon(() => fut.setResult("ok"));
    assert.equal(await task, "ok");
  }));

// mirrors test_waitfor.AsyncioWaitForTest.test_wait_for_cancellation_race_condition
test("a function that catches the cancellation and returns gives its value", () =>
  runVirtual(async () => {
    const result = await asyncio.waitFor(async () => {
      assert.ok((await rejection(asyncio.sleep(1))) instanceof asyncio.CancelledError);
      return 1;
    }, 0.01);
    assert.equal(result, 1);
  }));

// mirrors test_waitfor.AsyncioWaitForTest.test_wait_for_waits_for_task_cancellation
test("the timeout waits until the cancelled task is done", () =>
  runVirtual(async () => {
    let taskDone = false;
    const innerTask = asyncio.createTask(async () => {
      try {
        await asyncio.sleep(10);
      } catch (error) {
        await asyncio.sleep(EPSILON);
        throw error;
      } finally {
        taskDone = true;
      }
    });
    const error = await rejection(asyncio.waitFor(innerTask, EPSILON));
    assert.ok(error instanceof asyncio.TimeoutError);
    assert.ok(taskDone);
    assert.ok(error.cause instanceof asyncio.CancelledError);
  }));

// mirrors test_waitfor.AsyncioWaitForTest.test_wait_for_waits_for_task_cancellation_w_timeout_0
test("timeout 0 waits until the cancelled task is done", () =>
  runVirtual(async () => {
    let taskDone = false;
    const foo = async () => {
      const innerTask = asyncio.createTask(async () => {
        try {
          await asyncio.sleep(10);
        } catch (error) {
          await asyncio.sleep(EPSILON);
          throw error;
        } finally {
          taskDone = true;
        }
      });
      await asyncio.sleep(EPSILON);
      await asyncio.waitFor(innerTask, 0);
    };
    const error = await rejection(foo());
    assert.ok(error instanceof asyncio.TimeoutError);
    assert.ok(taskDone);
    assert.ok(error.cause instanceof asyncio.CancelledError);
  }));

// mirrors test_waitfor.AsyncioWaitForTest.test_wait_for_reraises_exception_during_cancellation
test("an error the task raises while cancelled is re-raised", () =>
  runVirtual(async () => {
    class FooException extends Error {}
    const innerTask = asyncio.createTask(async () => {
      try {
        await asyncio.sleep(0.2);
      } finally {
        // biome-ignore lint/correctness/noUnsafeFinally: the scenario raises in finally.
        throw new FooException();
      }
    });
    assert.ok((await rejection(asyncio.waitFor(innerTask, EPSILON))) instanceof FooException);
  }));

/** Cancelling the waiting task cancels the awaited task (Python issue #23219). */
async function cancelWaitFor(timeout: number | null): Promise<void> {
  const loop = asyncio.getRunningLoop();
  const task = asyncio.createTask(async () => {
    await loop.createFuture(); // blocks: never set
  });
  const wait = asyncio.createTask(() => asyncio.waitFor(task, timeout));
  loop.callSoon(() => wait.cancel());
  assert.ok((await rejection(wait)) instanceof asyncio.CancelledError);
  assert.ok(task.cancelled());
}

// mirrors test_waitfor.AsyncioWaitForTest.test_cancel_blocking_wait_for
test("cancelling a waitFor without timeout cancels the task", () =>
  runVirtual(() => cancelWaitFor(null)));

// mirrors test_waitfor.AsyncioWaitForTest.test_cancel_wait_for
test("cancelling a waitFor with a timeout cancels the task", () =>
  runVirtual(() => cancelWaitFor(60)));

// mirrors test_waitfor.AsyncioWaitForTest.test_wait_for_cancel_suppressed
test("a function that suppresses the cancellation returns its value", () =>
  runVirtual(async () => {
    const result = await asyncio.waitFor(async () => {
      try {
        await asyncio.sleep(10);
      } catch {
        return 42;
      }
      return 0;
    }, 0.1);
    assert.equal(result, 42);
  }));

// mirrors test_waitfor.AsyncioWaitForTest.test_wait_for_issue86296
test("a cancellation arriving as the awaited task completes is not lost", () =>
  runVirtual(async () => {
    const innerTask = asyncio.createTask(async () => "done");
    let reachedEnd = false;
    const task = asyncio.createTask(async () => {
      await asyncio.waitFor(innerTask, 100);
      await asyncio.sleep(1);
      reachedEnd = true;
    });
    assert.ok(!task.done());
    await asyncio.sleep(0);
    task.cancel();
    assert.ok((await rejection(task)) instanceof asyncio.CancelledError);
    assert.ok(innerTask.done());
    assert.equal(await innerTask, "done");
    assert.ok(!reachedEnd);
  }));

// mirrors test_waitfor.WaitForShieldTests.test_zero_timeout
test("timeout 0 cancels the shield, not the shielded task", () =>
  runVirtual(async () => {
    const task = asyncio.createTask(() => asyncio.sleep(0.01, "done"));
    const shielded = asyncio.shield(task);
    const error = await rejection(asyncio.waitFor(shielded, 0));
    assert.ok(error instanceof asyncio.TimeoutError);
    assert.ok(!task.done());
    assert.ok(!task.cancelled());
    assert.ok(shielded.cancelled());
    await asyncio.sleep(0.1);
    assert.ok(task.done());
  }));

// mirrors test_waitfor.WaitForShieldTests.test_none_timeout
test("timeout null through a shield runs to completion", () =>
  runVirtual(async () => {
    const task = asyncio.createTask(() => asyncio.sleep(0.1, "done"));
    await asyncio.waitFor(asyncio.shield(task), null);
    assert.ok(task.done());
    assert.equal(await task, "done");
  }));

// mirrors test_waitfor.WaitForShieldTests.test_shielded_timeout
test("a shielded task runs on after the timeout", () =>
  runVirtual(async () => {
    const task = asyncio.createTask(() => asyncio.sleep(0.1, "done"));
    const error = await rejection(asyncio.waitFor(asyncio.shield(task), 0.01));
    assert.ok(error instanceof asyncio.TimeoutError);
    assert.ok(!task.done());
    assert.ok(!task.cancelled());
    assert.equal(await task, "done");
  }));

test("a coroutine function runs in the waiting task, as in Python 3.12+", () =>
  runVirtual(async () => {
    const me = asyncio.currentTask();
    // In an array: an async function returning a Task would await it.
    const [ran] = await asyncio.waitFor(async () => [asyncio.currentTask()], 1);
    assert.equal(ran, me);
  }));

// Real time: a wrapped promise counts as an operation in flight, which a virtual clock waits for.
test("a promise is a cancellation point: the timeout interrupts the wait", () =>
  asyncio.run(async () => {
    const never = new Promise<never>(() => {});
    const error = await rejection(asyncio.waitFor(never, 0.02));
    assert.ok(error instanceof asyncio.TimeoutError);
  }));

test("bad awaitables and timeouts are typed errors", () =>
  runVirtual(async () => {
    const notAwaitable = 42 as unknown as Promise<number>;
    const error = await rejection(asyncio.waitFor(notAwaitable, 1));
    assert.ok(error instanceof TypeError);
    assert.match(error.message, /waitFor\(\) awaitable/);
    const body = async () => 1;
    assert.ok((await rejection(asyncio.waitFor(body, Number.NaN))) instanceof RangeError);
    const soon = "soon" as asyncio.Duration;
    assert.ok((await rejection(asyncio.waitFor(body, soon))) instanceof TypeError);
  }));

test("timeout 0 re-raises an error the task raises while cancelled", () =>
  runVirtual(async () => {
    class FooException extends Error {}
    const innerTask = asyncio.createTask(async () => {
      try {
        await asyncio.sleep(0.2);
      } finally {
        // biome-ignore lint/correctness/noUnsafeFinally: the scenario raises in finally.
        throw new FooException();
      }
    });
    await asyncio.sleep(0);
    assert.ok((await rejection(asyncio.waitFor(innerTask, 0))) instanceof FooException);
  }));
