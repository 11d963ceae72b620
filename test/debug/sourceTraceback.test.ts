/**
 * Creation stacks in debug mode (asyncio's `_source_traceback`): recorded for Futures, Tasks
 * and Handles when the loop is in debug mode, and shown in the reports about them.
 *
 * Not mirrored:
 * - test_tasks.BaseTaskTests.test_return_coroutine_from_coroutine and the coroutine-wrapper
 *   tests of debug mode: about generator-based coroutines, which JavaScript does not have.
 * - test_events.HandleTests.test_handle_source_traceback's `call_soon_threadsafe` and
 *   `run_in_executor` cases: a Handle made from another thread does not exist here.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as asyncio from "asyncio-ts";
import { VirtualClock } from "asyncio-ts/testing";
import { sourceTracebackOf } from "#internal/debug/sourceTraceback.js";
import { runScript } from "../core/childProcess.js";

function virtual(debug: boolean): asyncio.RunOptions {
  return { clock: new VirtualClock({ autojump: true }), debug };
}

/** Collects what reaches the running loop's exception handler. */
function collectReports(): asyncio.ExceptionContext[] {
  const reported: asyncio.ExceptionContext[] = [];
  asyncio.getRunningLoop().setExceptionHandler((_loop, context) => {
    reported.push(context);
  });
  return reported;
}

describe("creation stacks", () => {
  // mirrors test_futures.BaseFutureTests.test_future_source_traceback
  test("a Future made in debug mode records where the program made it", async () => {
    await asyncio.run(async () => {
      const future = (function makeFutureHere() {
        return asyncio.getRunningLoop().createFuture();
      })();
      const frames = sourceTracebackOf(future);
      assert.ok(Array.isArray(frames));
      assert.match(frames?.[0] ?? "", /^makeFutureHere \(.*sourceTraceback\.test\.js:\d+:\d+\)$/);
      // `new Future()` as well, and the library's own frames are left out.
      const direct = (function newFutureHere() {
        return new asyncio.Future();
      })();
      assert.match(sourceTracebackOf(direct)?.[0] ?? "", /^newFutureHere /);
      assert.ok(frames?.every((frame) => !frame.includes("/dist/")));
    }, virtual(true));
  });

  // mirrors test_tasks.BaseTaskTests.test_task_source_traceback
  test("a Task made in debug mode records the call to createTask", async () => {
    await asyncio.run(async () => {
      const task = (function createTaskHere() {
        return asyncio.createTask(async () => {});
      })();
      assert.match(sourceTracebackOf(task)?.[0] ?? "", /^createTaskHere \(/);
      await task;
    }, virtual(true));
  });

  // mirrors test_events.HandleTests.test_handle_source_traceback
  test("a Handle made in debug mode records it, and its toString says where", async () => {
    await asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      const handle = (function callSoonHere() {
        return loop.callSoon(function noop() {});
      })();
      assert.match(sourceTracebackOf(handle)?.[0] ?? "", /^callSoonHere \(/);
      assert.match(String(handle), /^<Handle noop\(\) created at callSoonHere \(.*\)>$/);
      const timer = (function callLaterHere() {
        return loop.callLater(1, function later() {});
      })();
      assert.match(String(timer), /^<TimerHandle later\(\) created at callLaterHere /);
      timer.cancel();
      await asyncio.sleep(0);
    }, virtual(true));
  });

  test("outside debug mode nothing is recorded", async () => {
    await asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      assert.equal(sourceTracebackOf(loop.createFuture()), null);
      const task = asyncio.createTask(async () => {});
      assert.equal(sourceTracebackOf(task), null);
      const handle = loop.callSoon(() => {});
      assert.equal(sourceTracebackOf(handle), null);
      assert.equal(String(handle), "<Handle anonymous()>");
      await task;
    }, virtual(false));
  });

  test("turning debug mode on later records the objects made from then on", async () => {
    await asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      const before = loop.createFuture();
      loop.setDebug(true);
      const after = loop.createFuture();
      assert.equal(sourceTracebackOf(before), null);
      assert.ok(sourceTracebackOf(after) !== null);
    }, virtual(false));
  });
});

describe("the reports show the creation stack", () => {
  // mirrors test_futures.BaseFutureTests.test_future_exception_never_retrieved_debug
  test("an exception never retrieved: the report carries sourceTraceback", async () => {
    let reported: asyncio.ExceptionContext[] = [];
    await asyncio.run(async () => {
      reported = collectReports();
      (function failHere() {
        const future = asyncio.getRunningLoop().createFuture();
        future.setException(new Error("never looked at"));
      })();
    }, virtual(true));
    assert.equal(reported.length, 1);
    assert.equal(reported[0]?.message, "Future exception was never retrieved");
    const frames = reported[0]?.["sourceTraceback"] as string[];
    assert.match(frames[0] ?? "", /^failHere \(/);
  });

  test("the default handler prints 'Object created at' with the frames", async () => {
    const records: asyncio.LogRecord[] = [];
    const previous = asyncio.logger.setHandler((record) => {
      records.push(record);
    });
    try {
      await asyncio.run(async () => {
        const task = (function startFailing() {
          return asyncio.createTask(async function failing() {
            throw new Error("unretrieved");
          });
        })();
        await asyncio.wait([task]);
      }, virtual(true));
    } finally {
      asyncio.logger.setHandler(previous);
    }
    assert.equal(records.length, 1);
    assert.match(
      records[0]?.message ?? "",
      /^Task exception was never retrieved\nsource: '<Task finished .*>'\nsourceTraceback: Object created at \(most recent call first\):\n {4}at startFailing \(/,
    );
  });

  test("an error in a callback: the report shows where its Handle was made", async () => {
    let reported: asyncio.ExceptionContext[] = [];
    const records: asyncio.LogRecord[] = [];
    const previous = asyncio.logger.setHandler((record) => {
      records.push(record);
    });
    try {
      await asyncio.run(async () => {
        const loop = asyncio.getRunningLoop();
        reported = collectReports();
        (function scheduleHere() {
          loop.callSoon(function broken() {
            throw new Error("in a callback");
          });
        })();
        await asyncio.sleep(0);
        // The default handler, as it would print it.
        loop.defaultExceptionHandler(reported[0] as asyncio.ExceptionContext);
      }, virtual(true));
    } finally {
      asyncio.logger.setHandler(previous);
    }
    assert.equal(reported.length, 1);
    assert.match(
      records[0]?.message ?? "",
      /\nsourceTraceback: Object created at .*\n {4}at scheduleHere \(/,
    );
  });

  test("a slow step of a task: the warning says where the task was created", async () => {
    const records: asyncio.LogRecord[] = [];
    const previous = asyncio.logger.setHandler((record) => {
      records.push(record);
    });
    try {
      await asyncio.run(async () => {
        asyncio.getRunningLoop().slowCallbackDuration = 0;
        await (function spawnSlow() {
          return asyncio.createTask(async function slowStep() {});
        })();
      }, virtual(true));
    } finally {
      asyncio.logger.setHandler(previous);
    }
    assert.ok(
      records.some((record) =>
        /^Executing <Task .*fn=slowStep> created at spawnSlow \(.*\) took [\d.]+ seconds$/.test(
          record.message,
        ),
      ),
      records.map((record) => record.message).join("\n"),
    );
  });

  // mirrors test_tasks.BaseTaskTests.test_log_destroyed_pending_task
  test("a task still pending when its loop closes is reported when collected", async () => {
    const result = await runScript(
      `
      import * as asyncio from "asyncio-ts";
      const reported = [];
      const loop = asyncio.newEventLoop();
      loop.setDebug(true);
      loop.setExceptionHandler((_loop, context) => reported.push(context));
      await loop.runUntilComplete(async () => {
        (function spawnForever() {
          asyncio.createTask(async function waitForever() {
            await asyncio.getRunningLoop().createFuture();
          });
        })();
        await asyncio.sleep(0);
      });
      loop.close();
      for (let i = 0; i < 10 && reported.length === 0; i++) {
        globalThis.gc();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      console.log(JSON.stringify(reported));
      `,
      { nodeFlags: ["--expose-gc"] },
    );
    assert.equal(result.code, 0, result.stderr);
    const reported = JSON.parse(result.lines.at(-1) ?? "[]") as asyncio.ExceptionContext[];
    assert.equal(reported.length, 1, result.stdout);
    assert.equal(reported[0]?.message, "Task was destroyed but it is pending!");
    assert.match(
      String(reported[0]?.["source"]),
      /^<Task pending name="Task-\d+" fn=waitForever>$/,
    );
    assert.match(
      (reported[0] as asyncio.ExceptionContext & { sourceTraceback: string[] })
        .sourceTraceback[0] ?? "",
      /^spawnForever /,
    );
  });

  test("the deadlock report shows where each blocked task was created", async () => {
    const result = await runScript(
      `
      import * as asyncio from "asyncio-ts";
      try {
        await asyncio.run(async function main() {
          await (function startWaiter() {
            return asyncio.createTask(async function waiter() {
              await new asyncio.Event().wait();
            });
          })();
        }, { debug: true });
      } catch (error) {
        console.log(JSON.stringify(error.message));
      }
      `,
    );
    assert.equal(result.code, 0, result.stderr);
    const message = JSON.parse(result.lines.at(-1) ?? '""') as string;
    assert.match(message, /^deadlock: the main task can never finish/);
    assert.match(message, /fn=main> waits on <Task pending name="Task-\d+" fn=waiter>\n/);
    assert.match(message, /fn=waiter> waits on <Future pending: Event\.wait\(\)/);
    assert.match(message, /\n {4}task created at \(most recent call first\):\n {8}at startWaiter /);
    // The Future the waiter waits on (made by Event.wait, called from waiter).
    assert.match(
      message,
      /\n {4}awaited Future created at \(most recent call first\):\n {8}at Task\.waiter /,
    );
    // A task waited on by another is listed once, with its own stack.
    assert.equal(message.split("at startWaiter").length - 1, 1);
  });
});
