/**
 * `task.signal` and `currentSignal()`: an AbortSignal that aborts when cancellation of the
 * task is requested, and is replaced by a fresh one once that cancellation was delivered or
 * withdrawn. asyncio has no equivalent; these are asyncio-ts's own guarantees.
 */
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import * as asyncio from "asyncio-ts";
import { rejection, runVirtual } from "../helpers.js";

describe("task.signal", () => {
  test("the signal aborts when the task is cancelled, with a CancelledError as reason", async () => {
    await runVirtual(async () => {
      const task = asyncio.createTask(() => asyncio.sleep(10));
      const signal = task.signal;
      assert.ok(signal instanceof AbortSignal);
      assert.equal(signal.aborted, false);
      task.cancel("stop now");
      assert.equal(signal.aborted, true);
      assert.ok(signal.reason instanceof asyncio.CancelledError);
      assert.equal(signal.reason.message, "stop now");
      assert.ok((await rejection(task)) instanceof asyncio.CancelledError);
    });
  });

  test("a signal first asked for after cancel() is already aborted, with the message", async () => {
    await runVirtual(async () => {
      const parked = asyncio.createTask(() => asyncio.sleep(10));
      const running: asyncio.Task<void> = asyncio.createTask(async () => {
        running.cancel("while running");
        const signal = running.signal;
        assert.equal(signal.aborted, true);
        assert.equal((signal.reason as Error).message, "while running");
        await asyncio.sleep(0);
      });
      await asyncio.sleep(0);
      parked.cancel("while parked");
      assert.equal(parked.signal.aborted, true);
      assert.equal((parked.signal.reason as Error).message, "while parked");
      assert.ok((await rejection(parked)) instanceof asyncio.CancelledError);
      assert.ok((await rejection(running)) instanceof asyncio.CancelledError);
    });
  });

  test("once the cancellation was delivered, the task gets a fresh signal", async () => {
    await runVirtual(async () => {
      const signals: AbortSignal[] = [];
      const task: asyncio.Task<string> = asyncio.createTask(async () => {
        signals.push(task.signal);
        try {
          await asyncio.sleep(10);
        } catch (error) {
          assert.ok(error instanceof asyncio.CancelledError);
        }
        signals.push(task.signal);
        await asyncio.sleep(1);
        return "went on";
      });
      await asyncio.sleep(0);
      task.cancel();
      assert.equal(await task, "went on");
      const [before, after] = signals;
      assert.equal(before?.aborted, true);
      assert.notEqual(after, before);
      assert.equal(after?.aborted, false);
      assert.equal(task.signal, after);
    });
  });

  test("a cancellation withdrawn with uncancel() before delivery gives a fresh signal", async () => {
    await runVirtual(async () => {
      const task: asyncio.Task<string> = asyncio.createTask(async () => {
        const first = task.signal;
        task.cancel();
        assert.equal(first.aborted, true);
        task.uncancel();
        const second = task.signal;
        assert.notEqual(second, first);
        assert.equal(second.aborted, false);
        await asyncio.sleep(1);
        return "not cancelled";
      });
      assert.equal(await task, "not cancelled");
    });
  });

  test("a cancellation still counted after uncancel() keeps the signal aborted", async () => {
    await runVirtual(async () => {
      const task: asyncio.Task<void> = asyncio.createTask(async () => {
        task.cancel();
        task.cancel();
        const signal = task.signal;
        assert.equal(task.uncancel(), 1);
        assert.equal(task.signal, signal);
        assert.equal(signal.aborted, true);
        await asyncio.sleep(1);
      });
      assert.ok((await rejection(task)) instanceof asyncio.CancelledError);
    });
  });

  test("each task has its own signal; cancelling one aborts no other", async () => {
    await runVirtual(async () => {
      const a = asyncio.createTask(() => asyncio.sleep(1));
      const b = asyncio.createTask(() => asyncio.sleep(1));
      assert.notEqual(a.signal, b.signal);
      a.cancel();
      assert.equal(a.signal.aborted, true);
      assert.equal(b.signal.aborted, false);
      await b;
      assert.equal(b.signal.aborted, false);
      await rejection(a);
    });
  });

  test("a Node API given the signal stops when the task is cancelled", async () => {
    await runVirtual(async () => {
      const started = performance.now();
      let nodeError: unknown;
      const task = asyncio.createTask(async () => {
        const timer = delay(60_000, "late", { signal: asyncio.currentSignal() });
        timer.catch((error: unknown) => {
          nodeError = error;
        });
        await asyncio.wrap(timer);
      });
      await asyncio.sleep(0);
      task.cancel();
      assert.ok((await rejection(task)) instanceof asyncio.CancelledError);
      await asyncio.wrap(delay(0));
      assert.equal((nodeError as Error | undefined)?.name, "AbortError");
      assert.ok(performance.now() - started < 30_000);
    });
  });
});

describe("currentSignal()", () => {
  test("currentSignal is the current task's signal", async () => {
    await runVirtual(async () => {
      assert.equal(asyncio.currentSignal(), asyncio.currentTask()?.signal);
      const task: asyncio.Task<AbortSignal> = asyncio.createTask(async () =>
        asyncio.currentSignal(),
      );
      assert.equal(await task, task.signal);
    });
  });

  test("currentSignal outside a task is a RuntimeError", async () => {
    assert.throws(() => asyncio.currentSignal(), {
      name: "RuntimeError",
      message: /no running event loop/,
    });
    await runVirtual(async () => {
      const loop = asyncio.getRunningLoop();
      const outcome = loop.createFuture<unknown>();
      loop.callSoon(() => {
        try {
          asyncio.currentSignal();
          outcome.setResult("no error");
        } catch (error) {
          outcome.setResult(error);
        }
      });
      const error = await outcome;
      assert.ok(error instanceof asyncio.RuntimeError);
      assert.match(error.message, /must be called from a task/);
    });
  });
});

describe("no listener is left behind", () => {
  test("library waits, cancellations and wraps add no abort listener to the signal", async () => {
    await runVirtual(async () => {
      const task: asyncio.Task<void> = asyncio.createTask(async () => {
        const signal = task.signal;
        for (let i = 0; i < 50; i++) {
          await asyncio.sleep(0);
          await asyncio.sleep(0.1);
          const fut = new asyncio.Future<number>();
          asyncio.getRunningLoop().callSoon(() => fut.setResult(i));
          await fut;
          await asyncio.wrap(Promise.resolve(i));
          await asyncio.createTask(async () => i);
        }
        assert.equal(getEventListeners(signal, "abort").length, 0);
        for (let i = 0; i < 20; i++) {
          task.cancel();
          try {
            await asyncio.sleep(1);
          } catch {
            task.uncancel();
          }
          assert.equal(getEventListeners(task.signal, "abort").length, 0);
        }
      });
      await task;
      assert.equal(getEventListeners(task.signal, "abort").length, 0);
    });
  });

  test("a Node API that finished leaves no listener on the signal", async () => {
    await runVirtual(async () => {
      const signal = asyncio.currentSignal();
      for (let i = 0; i < 20; i++) {
        await asyncio.wrap(delay(0, i, { signal }));
      }
      assert.equal(getEventListeners(signal, "abort").length, 0);
    });
  });
});
