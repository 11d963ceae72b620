/**
 * Cancellation: `cancel(msg)`, `cancelling()`, `uncancel()` and their races, mirroring the
 * cancellation tests of CPython's test_tasks.py.
 *
 * Skipped from test_tasks.py:
 * - test_cancel_traceback_for_future_result, test_cancel_traceback_for_future_exception: they
 *   check that the traceback shows each `await` the error passed through; a JavaScript stack
 *   is captured where the error is created, not where it propagates.
 * - test_cancel_gather_*, test_yield_wait_does_not_shield_cancel: combinators.
 * - test_tb_logger_not_called_after_cancel is in process.test.ts (it needs forced garbage
 *   collections), test_stop_while_run_in_complete is in runners.test.ts, test_sleep_cancel and
 *   test_task_cancel_sleeping_task in sleep.test.ts.
 *
 * CPython checks `_must_cancel` and `_fut_waiter` directly in some tests; here the same
 * scenarios are checked through what the task does and what happens to the Future it awaits.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as asyncio from "asyncio-ts";
import { rejection, runVirtual } from "../helpers.js";

/** Waits until `future` is done without raising its outcome (CPython's tests use wait()). */
async function waitDone(future: asyncio.Future<unknown>): Promise<void> {
  const done = new asyncio.Future<void>();
  future.addDoneCallback(() => done.setResult(undefined));
  await done;
}

describe("cancel()", () => {
  // mirrors test_tasks.BaseTaskTests.test_cancel
  test("cancelling a sleeping task from a callback ends it cancelled", async () => {
    await runVirtual(async () => {
      const t = asyncio.createTask(async () => {
        await asyncio.sleep(10);
        return 12;
      });
      asyncio.getRunningLoop().callSoon(() => t.cancel());
      assert.ok((await rejection(t)) instanceof asyncio.CancelledError);
      assert.equal(t.done(), true);
      assert.equal(t.cancelled(), true);
      assert.equal(t.cancel(), false);
      assert.equal(asyncio.getRunningLoop().time(), 0);
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_task_cancel_message_getter
  test("a task cancelled before it starts raises the message and never runs", async () => {
    await runVirtual(async () => {
      let ran = false;
      const t = asyncio.createTask(async () => {
        ran = true;
      });
      assert.equal(t.cancel("my message"), true);
      const error = await rejection(t);
      assert.ok(error instanceof asyncio.CancelledError);
      assert.equal(error.message, "my message");
      assert.equal(ran, false);
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_cancel_with_message_before_starting_task
  test("exception() of a task cancelled before it started raises the message", async () => {
    const error = await rejection(
      runVirtual(async () => {
        const task = asyncio.createTask(() => asyncio.sleep(10));
        task.cancel("my message");
        await waitDone(task);
        task.exception();
      }),
    );
    assert.ok(error instanceof asyncio.CancelledError);
    assert.equal(error.message, "my message");
  });

  for (const [label, cancelArgs, expected] of [
    ["no message", [], ""],
    ["an undefined message", [undefined], ""],
    ["a message", ["my message"], "my message"],
  ] as const) {
    // mirrors test_tasks.BaseTaskTests.test_cancel_with_message_then_future_result
    test(`result() of a task cancelled with ${label} raises it`, async () => {
      const error = await rejection(
        runVirtual(async () => {
          const task = asyncio.createTask(() => asyncio.sleep(10));
          await asyncio.sleep(0);
          task.cancel(...cancelArgs);
          await waitDone(task);
          task.result();
        }),
      );
      assert.ok(error instanceof asyncio.CancelledError);
      assert.equal(error.message, expected);
    });

    // mirrors test_tasks.BaseTaskTests.test_cancel_with_message_then_future_exception
    test(`exception() of a task cancelled with ${label} raises it`, async () => {
      const error = await rejection(
        runVirtual(async () => {
          const task = asyncio.createTask(() => asyncio.sleep(10));
          await asyncio.sleep(0);
          task.cancel(...cancelArgs);
          await waitDone(task);
          task.exception();
        }),
      );
      assert.ok(error instanceof asyncio.CancelledError);
      assert.equal(error.message, expected);
    });
  }

  test("a cancel message that is not a string is a TypeError", async () => {
    // Python keeps any object as the message; a JavaScript Error message is a string
    // (docs/differences.md).
    await runVirtual(async () => {
      const task = asyncio.createTask(() => asyncio.sleep(10));
      assert.throws(() => task.cancel(5 as never), {
        name: "TypeError",
        message: /cancel\(\) message must be a string, got number 5/,
      });
      assert.equal(task.cancelling(), 0);
      const future = new asyncio.Future();
      assert.throws(() => future.cancel({} as never), TypeError);
      assert.equal(future.done(), false);
      task.cancel();
      future.cancel();
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_cancellation_exception_context
  test("an error raised on cancellation can carry the CancelledError as its cause", async () => {
    const error = await rejection(
      runVirtual(async () => {
        const loop = asyncio.getRunningLoop();
        const fut = loop.createFuture<void>();
        const innerTask = asyncio.createTask(async () => {
          fut.setResult(undefined);
          await asyncio.sleep(10);
        });
        await fut;
        loop.callSoon(() => innerTask.cancel("msg"));
        try {
          await innerTask;
        } catch (cancelled) {
          throw new RangeError("cancelled", { cause: cancelled });
        }
      }),
    );
    assert.ok(error instanceof RangeError);
    assert.equal(error.message, "cancelled");
    assert.ok(error.cause instanceof asyncio.CancelledError);
    assert.equal(error.cause.message, "msg");
  });

  // mirrors test_tasks.BaseTaskTests.test_cancel_yield
  test("a task between two sleep(0)s is cancelled at the next one", async () => {
    await runVirtual(async () => {
      const steps: string[] = [];
      const t = asyncio.createTask(async () => {
        await asyncio.sleep(0);
        steps.push("first sleep(0) done");
        await asyncio.sleep(0);
        steps.push("second sleep(0) done");
        return 12;
      });
      await asyncio.sleep(0);
      t.cancel();
      assert.ok((await rejection(t)) instanceof asyncio.CancelledError);
      assert.deepEqual(steps, []);
      assert.equal(t.cancelled(), true);
      assert.equal(t.cancel(), false);
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_cancel_inner_future
  test("cancelling the Future a task awaits cancels the task", async () => {
    await runVirtual(async () => {
      const f = new asyncio.Future<void>();
      const t = asyncio.createTask(async () => {
        await f;
        return 12;
      });
      await asyncio.sleep(0);
      f.cancel();
      assert.ok((await rejection(t)) instanceof asyncio.CancelledError);
      assert.equal(f.cancelled(), true);
      assert.equal(t.cancelled(), true);
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_cancel_both_task_and_inner_future
  test("cancelling both the task and the Future it awaits ends the task cancelled", async () => {
    await runVirtual(async () => {
      const f = new asyncio.Future<void>();
      const t = asyncio.createTask(async () => {
        await f;
        return 12;
      });
      await asyncio.sleep(0);
      f.cancel();
      t.cancel();
      assert.ok((await rejection(t)) instanceof asyncio.CancelledError);
      assert.equal(t.done(), true);
      assert.equal(f.cancelled(), true);
      assert.equal(t.cancelled(), true);
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_task_cancel_waiter_future
  test("cancelling a task cancels the Future it waits on", async () => {
    await runVirtual(async () => {
      const fut = new asyncio.Future<void>();
      const task = asyncio.createTask(async () => {
        await fut;
      });
      await asyncio.sleep(0);
      assert.equal(fut.cancelled(), false);
      task.cancel();
      assert.equal(fut.cancelled(), true);
      assert.ok((await rejection(task)) instanceof asyncio.CancelledError);
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_cancel_task_catching
  test("a task that catches the CancelledError goes on and is not cancelled", async () => {
    await runVirtual(async () => {
      const fut1 = new asyncio.Future<void>();
      const fut2 = new asyncio.Future<void>();
      const t = asyncio.createTask(async () => {
        await fut1;
        try {
          await fut2;
        } catch (error) {
          if (error instanceof asyncio.CancelledError) return 42;
          throw error;
        }
        return 0;
      });
      await asyncio.sleep(0);
      fut1.setResult(undefined);
      await asyncio.sleep(0);
      await asyncio.sleep(0);
      t.cancel();
      assert.equal(fut2.cancelled(), true);
      assert.equal(await t, 42);
      assert.equal(t.cancelled(), false);
      assert.equal(t.cancelling(), 1);
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_cancel_task_ignoring
  test("a task that ignores the CancelledError is not cancelled again later", async () => {
    await runVirtual(async () => {
      const fut1 = new asyncio.Future<void>();
      const fut2 = new asyncio.Future<void>();
      const fut3 = new asyncio.Future<number>();
      const t = asyncio.createTask(async () => {
        await fut1;
        try {
          await fut2;
        } catch (error) {
          if (!(error instanceof asyncio.CancelledError)) throw error;
        }
        return await fut3;
      });
      await asyncio.sleep(0);
      fut1.setResult(undefined);
      await asyncio.sleep(0);
      await asyncio.sleep(0);
      t.cancel();
      assert.equal(fut2.cancelled(), true);
      await asyncio.sleep(0);
      await asyncio.sleep(0);
      fut3.setResult(42);
      assert.equal(await t, 42);
      assert.equal(fut3.cancelled(), false);
      assert.equal(t.cancelled(), false);
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_cancel_current_task
  test("a task cancelling itself is cancelled at its next await", async () => {
    await runVirtual(async () => {
      const loop = asyncio.getRunningLoop();
      let reachedEnd = false;
      const t: asyncio.Task<number> = asyncio.createTask(async () => {
        t.cancel();
        await asyncio.sleep(100);
        reachedEnd = true;
        return 12;
      });
      assert.equal(t.cancelled(), false);
      assert.ok((await rejection(t)) instanceof asyncio.CancelledError);
      assert.equal(t.done(), true);
      assert.equal(t.cancelled(), true);
      assert.equal(t.cancel(), false);
      assert.equal(reachedEnd, false);
      assert.equal(loop.time(), 0);
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_cancel_at_end
  test("a task cancelled right before its function returns ends cancelled", async () => {
    await runVirtual(async () => {
      const t: asyncio.Task<number> = asyncio.createTask(async () => {
        t.cancel();
        return 12;
      });
      assert.equal(t.cancelled(), false);
      const error = await rejection(t);
      assert.ok(error instanceof asyncio.CancelledError);
      assert.equal(t.done(), true);
      assert.equal(t.cancelled(), true);
      assert.equal(t.cancel(), false);
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_cancel_awaited_task
  test("a task cancelled while running cancels the task it awaits next", async () => {
    await runVirtual(async () => {
      const fut = new asyncio.Future<void>();
      let nestedTask: asyncio.Task<void> | undefined;
      const task: asyncio.Task<void> = asyncio.createTask(async () => {
        nestedTask = asyncio.createTask(async () => {
          await fut;
        });
        await asyncio.sleep(0);
        task.cancel();
        await nestedTask;
      });
      assert.ok((await rejection(task)) instanceof asyncio.CancelledError);
      assert.equal(task.cancelled(), true);
      assert.equal(nestedTask?.cancelled(), true);
      assert.equal(fut.cancelled(), true);
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_yield_future_passes_cancel
  test("cancelling an outer task cancels the Future its inner function awaits", async () => {
    await runVirtual(async () => {
      let proof = 0;
      const waiter = new asyncio.Future<void>();
      const inner = async () => {
        try {
          await waiter;
        } catch (error) {
          proof += 1;
          throw error;
        }
        assert.fail("got past the await in inner()");
      };
      const f = asyncio.ensureFuture(async () => {
        try {
          await inner();
        } catch (error) {
          if (!(error instanceof asyncio.CancelledError)) throw error;
          proof += 100;
          return;
        }
        proof += 10;
      });
      await asyncio.sleep(0);
      f.cancel();
      await f;
      assert.equal(proof, 101);
      assert.equal(waiter.cancelled(), true);
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_baseexception_during_cancel
  test("an error raised while handling the cancellation becomes the task's exception", async () => {
    await runVirtual(async () => {
      class ShutDown extends Error {}
      const baseExc = new ShutDown();
      const task = asyncio.createTask(async () => {
        try {
          await asyncio.sleep(10);
        } catch (error) {
          if (error instanceof asyncio.CancelledError) throw baseExc;
          throw error;
        }
      });
      await asyncio.sleep(0);
      task.cancel();
      assert.equal(task.done(), false);
      assert.equal(await rejection(task), baseExc);
      assert.equal(task.done(), true);
      assert.equal(task.cancelled(), false);
      assert.equal(task.exception(), baseExc);
    });
  });

  test("two cancel() calls before delivery raise one CancelledError, with the first message", async () => {
    await runVirtual(async () => {
      const seen: unknown[] = [];
      const t = asyncio.createTask(async () => {
        try {
          await asyncio.sleep(10);
        } catch (error) {
          seen.push((error as Error).message);
        }
        await asyncio.sleep(0);
        seen.push("second await passed");
        return "ok";
      });
      await asyncio.sleep(0);
      assert.equal(t.cancel("m1"), true);
      assert.equal(t.cancel("m2"), true);
      assert.equal(await t, "ok");
      assert.deepEqual(seen, ["m1", "second await passed"]);
      assert.equal(t.cancelling(), 2);
    });
  });

  test("a task awaiting a task that ignores the cancellation gets that task's result", async () => {
    await runVirtual(async () => {
      const inner = asyncio.createTask(async () => {
        try {
          await asyncio.sleep(10);
        } catch {
          return "inner result";
        }
        return "slept";
      });
      const outer = asyncio.createTask(async () => {
        const r = await inner;
        await asyncio.sleep(0);
        return ["outer got", r];
      });
      await asyncio.sleep(0);
      outer.cancel();
      assert.deepEqual(await outer, ["outer got", "inner result"]);
      assert.equal(outer.cancelling(), 1);
      assert.equal(inner.cancelling(), 1);
    });
  });

  test("a task awaiting a foreign promise is cancelled at its next library await", async () => {
    await runVirtual(async () => {
      const steps: string[] = [];
      const t = asyncio.createTask(async () => {
        await new Promise<void>((resolve) => setImmediate(resolve));
        steps.push("foreign await finished");
        await asyncio.sleep(1);
        steps.push("not reached");
      });
      await asyncio.sleep(0);
      t.cancel("stop");
      const error = await rejection(t);
      assert.ok(error instanceof asyncio.CancelledError);
      assert.equal(error.message, "stop");
      assert.deepEqual(steps, ["foreign await finished"]);
    });
  });

  test("awaiting a Future that is already done is not a cancellation point", async () => {
    await runVirtual(async () => {
      const done = new asyncio.Future<string>();
      done.setResult("value");
      let valueSeen: string | undefined;
      const t: asyncio.Task<string> = asyncio.createTask(async () => {
        t.cancel();
        valueSeen = await done;
        await asyncio.sleep(0);
        return "not reached";
      });
      assert.ok((await rejection(t)) instanceof asyncio.CancelledError);
      assert.equal(valueSeen, "value");
      assert.equal(t.cancelled(), true);
    });
  });
});

describe("a task awaiting several library objects at once", () => {
  // Documented in docs/differences.md: the last wait the task began is its wait.
  test("after Promise.race, cancel() cancels the wait the task began last", async () => {
    await runVirtual(async () => {
      const slow = new asyncio.Future<string>();
      const task = asyncio.createTask(async () => {
        await Promise.race([asyncio.sleep(1), slow]);
        return "raced";
      });
      await asyncio.sleep(0.5);
      assert.equal(task.cancel(), true);
      await asyncio.sleep(0);
      assert.equal(slow.cancelled(), true, "the loser begun last is cancelled");
      assert.ok((await rejection(task)) instanceof asyncio.CancelledError);
    });
  });

  test("wait() with FIRST_COMPLETED is the way to race: cancel() reaches the task", async () => {
    await runVirtual(async () => {
      const slow = new asyncio.Future<string>();
      const task = asyncio.createTask(async () => {
        const timer = asyncio.createTask(() => asyncio.sleep(1));
        const [done] = await asyncio.wait([timer, slow], {
          returnWhen: asyncio.FIRST_COMPLETED,
        });
        assert.ok(done.has(timer));
        await asyncio.sleep(10);
      });
      await asyncio.sleep(2);
      assert.equal(task.cancel(), true);
      assert.ok((await rejection(task)) instanceof asyncio.CancelledError);
      assert.equal(
        slow.cancelled(),
        false,
        "wait() leaves the Future it no longer waits for alone",
      );
    });
  });
});

describe("cancelling() and uncancel()", () => {
  // mirrors test_tasks.BaseTaskTests.test_cancelling
  test("cancelling() counts the requests", async () => {
    await runVirtual(async () => {
      const t = asyncio.createTask(() => asyncio.sleep(10));
      assert.equal(t.cancelling(), 0);
      assert.equal(t.cancel(), true);
      assert.equal(t.cancelling(), 1);
      assert.equal(t.cancel(), true);
      assert.equal(t.cancelling(), 2);
      assert.ok((await rejection(t)) instanceof asyncio.CancelledError);
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_uncancel_basic
  test("uncancel() withdraws a request; a task that uncancels goes on", async () => {
    await runVirtual(async () => {
      const t = asyncio.createTask(async () => {
        try {
          await asyncio.sleep(10);
        } catch {
          asyncio.currentTask()!.uncancel();
          await asyncio.sleep(10);
        }
      });
      await asyncio.sleep(0.01);
      assert.equal(t.cancel(), true);
      assert.equal(t.cancelling(), 1);
      assert.equal(t.cancelled(), false);
      await asyncio.sleep(0.01);
      assert.equal(t.cancelling(), 0);
      assert.equal(t.cancelled(), false);
      assert.equal(t.cancel(), true);
      assert.equal(t.cancelling(), 1);
      assert.equal(t.cancelled(), false);
      assert.ok((await rejection(t)) instanceof asyncio.CancelledError);
      assert.equal(t.cancelled(), true);
      assert.equal(t.done(), true);
      t.uncancel();
      assert.equal(t.cancelled(), true);
      assert.equal(t.done(), true);
    });
  });

  test("uncancel() never counts below zero", async () => {
    await runVirtual(async () => {
      const t = asyncio.createTask(() => asyncio.sleep(1));
      assert.equal(t.uncancel(), 0);
      t.cancel();
      t.cancel();
      assert.equal(t.uncancel(), 1);
      assert.equal(t.uncancel(), 0);
      assert.equal(t.uncancel(), 0);
      await asyncio.sleep(2);
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_uncancel_structured_blocks
  for (const { label, sleep, timeout, timedOut } of [
    { label: "a block that times out", sleep: 10, timeout: 0.1, timedOut: true },
    { label: "a block that finishes in time", sleep: 0, timeout: 10, timedOut: false },
  ]) {
    test(`uncancel() confines a cancellation to a structured block: ${label}`, async () => {
      class BlockTimedOut extends Error {}
      const makeRequestWithTimeout = async () => {
        const task = asyncio.currentTask()!;
        const loop = task.getLoop();
        let timedOutFlag = false;
        let structuredBlockFinished = false;
        const timeoutHandle = loop.callLater(timeout, () => {
          timedOutFlag = true;
          task.cancel();
        });
        try {
          try {
            await asyncio.sleep(sleep);
            structuredBlockFinished = true;
          } catch (error) {
            if (timedOutFlag && task.uncancel() === 0 && error instanceof asyncio.CancelledError) {
              throw new BlockTimedOut();
            }
            throw error;
          } finally {
            timeoutHandle.cancel();
          }
        } catch (error) {
          if (!(error instanceof BlockTimedOut)) throw error;
          assert.equal(timedOutFlag, true);
        }
        const outerCodeReached = true;
        await asyncio.sleep(0);
        return { timedOutFlag, structuredBlockFinished, outerCodeReached, task };
      };
      const result = await runVirtual(async () => {
        const t = asyncio.createTask(makeRequestWithTimeout);
        return await t;
      });
      assert.equal(result.timedOutFlag, timedOut);
      assert.equal(result.structuredBlockFinished, !timedOut);
      assert.equal(result.outerCodeReached, true);
      assert.equal(result.task.cancelling(), 0);
    });
  }

  // mirrors test_tasks.BaseTaskTests.test_uncancel_resets_must_cancel
  test("uncancel() drops a cancellation that was not delivered yet", async () => {
    await runVirtual(async () => {
      const fut = new asyncio.Future<void>();
      const task = asyncio.createTask(async () => {
        await fut;
        return 42;
      });
      await asyncio.sleep(0);
      fut.setResult(undefined);
      task.cancel();
      assert.equal(task.cancelling(), 1);
      task.uncancel();
      assert.equal(task.cancelling(), 0);
      assert.equal(await task, 42);
      assert.equal(task.cancelled(), false);
    });
  });

  test("uncancel() before the task starts lets it run", async () => {
    await runVirtual(async () => {
      const task = asyncio.createTask(async () => "ran");
      task.cancel();
      task.uncancel();
      assert.equal(await task, "ran");
    });
  });
});
