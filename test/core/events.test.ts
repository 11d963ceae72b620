/**
 * The low-level style: `getEventLoop()`, `setEventLoop()`, `newEventLoop()`,
 * `loop.runUntilComplete()`, `loop.runForever()`, `loop.stop()`, and `isCoroutineFunction()`,
 * mirroring CPython's test_base_events.py (BaseEventLoopTests), test_events.py
 * (EventLoopTestsMixin, PolicyTests, GetEventLoopTestsMixin) and test_tasks.py.
 *
 * Skipped: test_run_forever_keyboard_interrupt (no BaseException in JavaScript),
 * test_custom_run_forever_integration (`_run_forever_setup` is not public),
 * test_single_selecter_event_callback_after_stopping (selector internals), the policy tests
 * (no policies: `setEventLoop` holds the current loop itself) and test_get_event_loop's
 * DeprecationWarning (3.14's behaviour is kept: a RuntimeError, see docs/differences.md). The
 * deadlock reports of `runUntilComplete` and `runForever` are in process.test.ts (they listen
 * for 'beforeExit').
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as asyncio from "asyncio-ts";
import { VirtualClock } from "asyncio-ts/testing";
import { rejection, runVirtual } from "../helpers.js";

/** A new loop on a virtual clock that jumps to the next timer whenever the loop is idle. */
function virtualLoop(): asyncio.EventLoop {
  return asyncio.newEventLoop({ clock: new VirtualClock({ autojump: true }) });
}

/** Runs `body` with a fresh virtual loop, closing it afterwards. */
async function withLoop(body: (loop: asyncio.EventLoop) => Promise<void>): Promise<void> {
  const loop = virtualLoop();
  try {
    await body(loop);
  } finally {
    loop.close();
  }
}

describe("loop.runUntilComplete (test_base_events, test_events)", () => {
  // mirrors test_events.EventLoopTestsMixin.test_run_until_complete
  test("runs a coroutine function as a task until it is done and resolves with its result", () =>
    withLoop(async (loop) => {
      const t0 = loop.time();
      const seen: unknown[] = [];
      const result = await loop.runUntilComplete(async () => {
        seen.push(asyncio.getRunningLoop() === loop, asyncio.currentTask()?.getLoop() === loop);
        await asyncio.sleep(0.1);
        return "done";
      });
      assert.equal(result, "done");
      assert.deepEqual(seen, [true, true]);
      assert.ok(loop.time() - t0 >= 0.1);
      // The loop stopped: it can run again.
      assert.equal(loop.isRunning(), false);
      assert.equal(await loop.runUntilComplete(() => asyncio.sleep(1, 2)), 2);
    }));

  test("takes a Future or Task of the loop, or a promise", () =>
    withLoop(async (loop) => {
      const fut = loop.createFuture<string>();
      loop.callLater(1, () => fut.setResult("future"));
      assert.equal(await loop.runUntilComplete(fut), "future");
      // A Future already done: the run stops after one iteration.
      assert.equal(await loop.runUntilComplete(fut), "future");
      const task = loop.createTask(async () => "task");
      assert.equal(await loop.runUntilComplete(task), "task");
      assert.equal(await loop.runUntilComplete(Promise.resolve("promise")), "promise");
      const failure = new RangeError("promise failed");
      assert.equal(await rejection(loop.runUntilComplete(Promise.reject(failure))), failure);
    }));

  // mirrors test_base_events.BaseEventLoopTests.test_run_until_complete_baseexception
  test("rejects with the error main fails with, and leaves no stop() pending behind", () =>
    withLoop(async (loop) => {
      const failure = new RangeError("main failed");
      const error = await rejection(
        loop.runUntilComplete(async () => {
          throw failure;
        }),
      );
      assert.equal(error, failure);
      let called = false;
      loop.callSoon(() =>
        loop.callSoon(() => {
          loop.stop();
          called = true;
        }),
      );
      await loop.runForever();
      assert.equal(called, true);
    }));

  // mirrors test_base_events.BaseEventLoopTests.test_run_until_complete_type_error
  test("a value that is not awaitable is a TypeError", () =>
    withLoop(async (loop) => {
      const error = await rejection(loop.runUntilComplete("blah" as unknown as Promise<void>));
      assert.ok(error instanceof TypeError);
      assert.equal(
        error.message,
        "runUntilComplete() expects a coroutine function, a Future, a Task or a promise, " +
          'got string "blah"',
      );
    }));

  // mirrors test_base_events.BaseEventLoopTests.test_run_until_complete_loop
  test("a Future of another loop is a RangeError", () =>
    withLoop(async (loop) => {
      const other = virtualLoop();
      try {
        const error = await rejection(other.runUntilComplete(loop.createFuture()));
        assert.ok(error instanceof RangeError);
        assert.match(error.message, /belongs to another event loop/);
      } finally {
        other.close();
      }
    }));

  // mirrors test_base_events.BaseEventLoopTests.test_close
  // mirrors test_events.EventLoopTestsMixin.test_close
  test("a closed loop refuses to run", async () => {
    const loop = virtualLoop();
    const fut = loop.createFuture();
    loop.close();
    const closed = { name: "RuntimeError", message: "Event loop is closed" };
    await assert.rejects(loop.runForever(), closed);
    await assert.rejects(loop.runUntilComplete(fut), closed);
    await assert.rejects(
      loop.runUntilComplete(async () => {}),
      closed,
    );
  });

  // mirrors test_events.EventLoopTestsMixin.test_run_until_complete_nesting
  test("running the loop from one of its own tasks is a RuntimeError", () =>
    withLoop(async (loop) => {
      const error = await rejection(
        loop.runUntilComplete(async () => {
          assert.equal(loop.isRunning(), true);
          await loop.runUntilComplete(() => asyncio.sleep(0));
        }),
      );
      assert.ok(error instanceof asyncio.RuntimeError);
      assert.equal(error.message, "This event loop is already running");
      await assert.rejects(
        loop.runUntilComplete(async () => {
          await loop.runForever();
        }),
        { name: "RuntimeError", message: "This event loop is already running" },
      );
    }));

  test("running a loop from inside another running loop is a RuntimeError", () =>
    runVirtual(async () => {
      const other = virtualLoop();
      try {
        const another = {
          name: "RuntimeError",
          message: "Cannot run the event loop while another loop is running",
        };
        await assert.rejects(
          other.runUntilComplete(async () => {}),
          another,
        );
        await assert.rejects(other.runForever(), another);
      } finally {
        other.close();
      }
    }));

  // mirrors test_events.EventLoopTestsMixin.test_run_until_complete_stopped
  test("stop() before main is done is a RuntimeError", () =>
    withLoop(async (loop) => {
      await assert.rejects(
        loop.runUntilComplete(async () => {
          loop.stop();
          await asyncio.sleep(0.1);
        }),
        { name: "RuntimeError", message: "Event loop stopped before Future completed." },
      );
    }));

  // mirrors test_tasks.BaseTaskTests.test_stop_while_run_in_complete
  test("a task that stops the loop: the run ends, the task stays pending and can be resumed", () =>
    withLoop(async (loop) => {
      let x = 0;
      const t = loop.createTask(async () => {
        while (x < 10) {
          await asyncio.sleep(0.1);
          x++;
          if (x === 2) loop.stop();
        }
      });
      await assert.rejects(loop.runUntilComplete(t), {
        name: "RuntimeError",
        message: "Event loop stopped before Future completed.",
      });
      assert.equal(t.done(), false);
      assert.equal(x, 2);
      t.cancel();
      await assert.rejects(loop.runUntilComplete(t), asyncio.CancelledError);
    }));

  // mirrors test_base_events.BaseEventLoopTests.test_run_until_complete_loop_orphan_future_close_loop
  test("a run that ended early leaves no done callback on its Future to stop a later run", () =>
    withLoop(async (loop) => {
      const first = loop.createFuture<void>();
      loop.callSoon(() => loop.stop());
      await assert.rejects(loop.runUntilComplete(first), { name: "RuntimeError" });
      // `first` completes during the next run: that run goes on until its own main is done.
      loop.callLater(0.1, () => first.setResult());
      const steps: string[] = [];
      await loop.runUntilComplete(async () => {
        await asyncio.sleep(0.2);
        steps.push("second main done");
      });
      assert.deepEqual(steps, ["second main done"]);
    }));

  // mirrors test_events.EventLoopTestsMixin.test_close_running_event_loop
  test("closing the loop from its own task is a RuntimeError", () =>
    withLoop(async (loop) => {
      await assert.rejects(
        loop.runUntilComplete(async () => loop.close()),
        { name: "RuntimeError", message: "Cannot close a running event loop" },
      );
    }));

  test("a function that is not a coroutine function is a TypeError", () =>
    withLoop(async (loop) => {
      const promise = Promise.resolve(1);
      const error = await rejection(loop.runUntilComplete(5 as unknown as () => Promise<void>));
      assert.ok(error instanceof TypeError);
      // A promise is taken as it is (wrapped); only functions and thenables are accepted.
      assert.equal(await loop.runUntilComplete(promise), 1);
    }));
});

describe("loop.runForever and stop (test_base_events, test_events)", () => {
  // mirrors test_events.EventLoopTestsMixin.test_call_later
  test("runs until a callback calls stop()", () =>
    withLoop(async (loop) => {
      const results: string[] = [];
      const t0 = loop.time();
      loop.callLater(
        0.1,
        (arg: string) => {
          results.push(arg);
          loop.stop();
        },
        "hello world",
      );
      await loop.runForever();
      assert.deepEqual(results, ["hello world"]);
      assert.ok(loop.time() - t0 >= 0.1);
      assert.equal(loop.isRunning(), false);
    }));

  // mirrors test_base_events.BaseEventLoopTests.test_run_once
  test("callSoon(stop) then runForever() runs one iteration", () =>
    withLoop(async (loop) => {
      let count = 0;
      loop.callSoon(() => count++);
      loop.callSoon(() => loop.stop());
      loop.callSoon(() => count++); // scheduled before stop ran: still part of the iteration
      await loop.runForever();
      assert.equal(count, 2);
    }));

  // mirrors test_base_events.BaseEventLoopTests.test_run_forever_pre_stopped
  test("stop() before runForever() ends the run after one iteration", () =>
    withLoop(async (loop) => {
      const calls: string[] = [];
      loop.stop();
      loop.callSoon(() => calls.push("soon"));
      loop.callLater(10, () => calls.push("later"));
      const t0 = loop.time();
      await loop.runForever();
      assert.deepEqual(calls, ["soon"]);
      assert.equal(loop.time(), t0);
      // The stop was used up: the next run goes on until the next stop().
      loop.callLater(10, () => loop.stop());
      await loop.runForever();
      assert.deepEqual(calls, ["soon", "later"]);
    }));

  test("tasks run while the loop runs forever; a task may stop it", () =>
    withLoop(async (loop) => {
      const lines: string[] = [];
      loop.createTask(async () => {
        await asyncio.sleep(1);
        lines.push(`task done at ${loop.time() - t0}`);
        loop.stop();
      });
      const t0 = loop.time();
      await loop.runForever();
      assert.deepEqual(lines, ["task done at 1"]);
    }));
});

describe("loop.close() reports what nobody retrieved", () => {
  test("a failed task nobody awaited is reported to the exception handler at close()", async () => {
    const loop = virtualLoop();
    const reported: asyncio.ExceptionContext[] = [];
    loop.setExceptionHandler((_loop, context) => reported.push(context));
    const failure = new RangeError("nobody looked");
    await loop.runUntilComplete(async () => {
      asyncio.createTask(async () => {
        throw failure;
      });
      await asyncio.sleep(0.1);
    });
    assert.equal(reported.length, 0);
    loop.close();
    assert.equal(reported.length, 1);
    assert.equal(reported[0]?.message, "Task exception was never retrieved");
    assert.equal(reported[0]?.exception, failure);
    // Reported once: a second close() says nothing more.
    loop.close();
    assert.equal(reported.length, 1);
  });
});

describe("getEventLoop, setEventLoop, newEventLoop (test_events)", () => {
  // mirrors test_events.TestPyGetEventLoop.test_get_event_loop_returns_running_loop2
  test("outside a running loop: the loop set, else a RuntimeError; inside: the running loop", async () => {
    const loop = virtualLoop();
    try {
      assert.throws(() => asyncio.getEventLoop(), {
        name: "RuntimeError",
        message:
          /^There is no current event loop: run your program with `await asyncio\.run\(main\)`/,
      });
      assert.throws(() => asyncio.getRunningLoop(), {
        name: "RuntimeError",
        message: /no running/,
      });
      const seen = await loop.runUntilComplete(async () => [
        asyncio.getEventLoop(),
        asyncio.getRunningLoop(),
      ]);
      assert.deepEqual(seen, [loop, loop]);
      asyncio.setEventLoop(loop);
      assert.equal(asyncio.getEventLoop(), loop);
      asyncio.setEventLoop(null);
      assert.throws(() => asyncio.getEventLoop(), { name: "RuntimeError", message: /no current/ });
    } finally {
      asyncio.setEventLoop(null);
      loop.close();
    }
  });

  // mirrors test_events.PolicyTests.test_set_event_loop
  test("setEventLoop takes an EventLoop or null; the last one set is current", () => {
    const oldLoop = asyncio.newEventLoop();
    const loop = asyncio.newEventLoop();
    try {
      asyncio.setEventLoop(oldLoop);
      assert.throws(() => asyncio.setEventLoop({} as asyncio.EventLoop), {
        name: "TypeError",
        message: "setEventLoop() expects an EventLoop or null, got an instance of Object",
      });
      assert.equal(asyncio.getEventLoop(), oldLoop);
      asyncio.setEventLoop(loop);
      assert.equal(asyncio.getEventLoop(), loop);
      assert.notEqual(asyncio.getEventLoop(), oldLoop);
    } finally {
      asyncio.setEventLoop(null);
      loop.close();
      oldLoop.close();
    }
  });

  // mirrors test_events.PolicyTests.test_get_event_loop_after_set_none
  test("after setEventLoop(null), getEventLoop() outside a loop is a RuntimeError", () => {
    asyncio.setEventLoop(null);
    assert.throws(() => asyncio.getEventLoop(), asyncio.RuntimeError);
  });

  test("inside run(), getEventLoop() is the running loop even when another loop is set", async () => {
    const other = asyncio.newEventLoop();
    asyncio.setEventLoop(other);
    try {
      await runVirtual(async () => {
        const running = asyncio.getRunningLoop();
        assert.equal(asyncio.getEventLoop(), running);
        // In a plain callback too.
        const fromCallback = running.createFuture<asyncio.EventLoop>();
        running.callSoon(() => fromCallback.setResult(asyncio.getEventLoop()));
        assert.equal(await fromCallback, running);
      });
      assert.equal(asyncio.getEventLoop(), other);
    } finally {
      asyncio.setEventLoop(null);
      other.close();
    }
  });

  // mirrors test_events.PolicyTests.test_new_event_loop
  test("newEventLoop() makes a new idle loop and takes the EventLoop options", () => {
    const clock = new VirtualClock();
    const loop = asyncio.newEventLoop({ clock, debug: true });
    try {
      assert.ok(loop instanceof asyncio.EventLoop);
      assert.notEqual(loop, asyncio.newEventLoop());
      assert.equal(loop.isRunning(), false);
      assert.equal(loop.isClosed(), false);
      assert.equal(loop.getDebug(), true);
      assert.equal(loop.time(), clock.now());
      assert.throws(() => asyncio.newEventLoop(5 as asyncio.EventLoopOptions), TypeError);
    } finally {
      loop.close();
    }
  });
});

describe("isCoroutineFunction (test_tasks)", () => {
  // mirrors test_tasks.BaseTaskTests.test_iscoroutinefunction
  test("true for async functions only", () => {
    function fn(): void {}
    function* fn1(): Generator<void> {
      yield;
    }
    async function fn2(): Promise<void> {}
    async function* fn3(): AsyncGenerator<void> {}
    class Service {
      async method(): Promise<number> {
        return 1;
      }
    }
    assert.equal(asyncio.isCoroutineFunction(fn), false);
    assert.equal(asyncio.isCoroutineFunction(fn1), false);
    assert.equal(asyncio.isCoroutineFunction(fn2), true);
    assert.equal(asyncio.isCoroutineFunction(fn3), false);
    assert.equal(
      asyncio.isCoroutineFunction(async () => 1),
      true,
    );
    assert.equal(asyncio.isCoroutineFunction(fn2.bind(null)), true);
    assert.equal(asyncio.isCoroutineFunction(new Service().method), true);
    // A function returning a promise cannot be told apart without calling it.
    assert.equal(
      asyncio.isCoroutineFunction(() => Promise.resolve(1)),
      false,
    );
    assert.equal(asyncio.isCoroutineFunction(Promise.resolve(1)), false);
    assert.equal(asyncio.isCoroutineFunction(null), false);
    assert.equal(asyncio.isCoroutineFunction({ [Symbol.toStringTag]: "AsyncFunction" }), false);
  });
});
