/**
 * Task: creation, names, results, the current task and the set of tasks, mirroring the
 * non-combinator parts of CPython's test_tasks.py (cancellation is in cancellation.test.ts,
 * sleep in sleep.test.ts, contexts in context.test.ts).
 *
 * Skipped from test_tasks.py:
 * - gather/wait/wait_for/as_completed/shield tests and GatherTestsBase: the combinators.
 * - C-vs-Python duplicates (CTask_CFuture_Tests, PyTask_PyFuture_Tests, the subclass variants,
 *   PyCurrentLoopTests/CCurrentLoopTests, the introspection tests of `_register_task`,
 *   `_enter_task`, `_leave_task`): one Task class here; each scenario is ported once.
 * - test_generic_alias, test_task_del_collect, test_task_source_traceback,
 *   test_refleaks_in_task___init__, test_del__log_destroy_pending_segfault,
 *   test_subclasses_ctask_cfuture, test_asyncio_module_compiled, test_foobar: CPython
 *   object-model, gc and C-extension internals.
 * - test_task_repr*, test_task_repr_wait_for: exact reprs.
 * - test_task_cancel_message_setter, test_log_traceback: private attributes.
 * - test_exception_chaining_after_await*: Python's implicit `__context__` chaining; JavaScript
 *   chains errors only explicitly, through `cause`.
 * - test_iscoroutinefunction, test_coroutine_non_gen_function: there is no
 *   `iscoroutinefunction`; a coroutine is any function returning a promise.
 * - test_ensure_future_error_msg and the `loop=` halves of the ensure_future tests: the
 *   deprecated `loop` argument.
 * - test_error_in_call_soon: it monkeypatches `loop.call_soon`.
 * - SetMethodsTest: it calls `Future.set_result` on a Task through the base class; Task's own
 *   `setResult`/`setException` refuse (test_task_set_methods).
 * - RunCoroutineThreadsafeTests: threads.
 * - test_log_destroyed_pending_task: asyncio-ts keeps pending tasks alive (a deliberate
 *   difference, docs/differences.md); the test below checks that instead.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import * as asyncio from "asyncio-ts";
import { rejection, runCollectingErrors, runVirtual } from "../helpers.js";

setFlagsFromString("--expose-gc");
/** A full garbage collection, to show that the loop itself keeps pending tasks alive. */
const collectGarbage = runInNewContext("gc") as () => void;

describe("creating tasks", () => {
  // mirrors test_tasks.BaseTaskTests.test_task_class
  test("a task runs its function and completes with its result", async () => {
    await runVirtual(async () => {
      const loop = asyncio.getRunningLoop();
      const t = asyncio.createTask(async () => "ok");
      assert.equal(t.done(), false);
      assert.equal(await t, "ok");
      assert.equal(t.done(), true);
      assert.equal(t.result(), "ok");
      assert.equal(t.getLoop(), loop);
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_task_basics
  test("a task's function can await plain async functions", async () => {
    const inner1 = async () => 42;
    const inner2 = async () => 1000;
    const outer = async () => {
      const a = await inner1();
      const b = await inner2();
      return a + b;
    };
    assert.equal(await runVirtual(async () => await asyncio.createTask(outer)), 1042);
  });

  // mirrors test_tasks.BaseTaskTests.test_bare_create_task
  test("createTask returns a Task whose await gives the result", async () => {
    await runVirtual(async () => {
      const task = asyncio.createTask(async () => 1);
      assert.ok(task instanceof asyncio.Task);
      assert.equal(await task, 1);
    });
  });

  // mirrors test_tasks.GenericTaskTests.test_future_subclass
  test("a Task is a Future", async () => {
    assert.ok(asyncio.Task.prototype instanceof asyncio.Future);
  });

  test("a task starts on the next loop iteration, after callbacks already scheduled", async () => {
    await runVirtual(async () => {
      const order: string[] = [];
      const loop = asyncio.getRunningLoop();
      loop.callSoon(() => order.push("callback before"));
      asyncio.createTask(async () => {
        order.push("task");
      });
      loop.callSoon(() => order.push("callback after"));
      assert.deepEqual(order, []);
      await asyncio.sleep(0);
      assert.deepEqual(order, ["callback before", "task", "callback after"]);
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_create_task_with_noncoroutine
  test("createTask of a non-function is a TypeError that names what arrived", async () => {
    await runVirtual(async () => {
      for (let i = 0; i < 2; i++) {
        assert.throws(() => asyncio.createTask(123 as never), {
          name: "TypeError",
          message: /createTask\(\) expects a coroutine function .*got number 123/,
        });
      }
    });
  });

  test("createTask of a promise is a TypeError that shows the right form", async () => {
    await runVirtual(async () => {
      const work = async () => "done";
      const started = work();
      assert.throws(() => asyncio.createTask(started as never), {
        name: "TypeError",
        message:
          /not a promise that has already started: write createTask\(\(\) => work\(\)\) instead of createTask\(work\(\)\)/,
      });
      await started;
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_create_task_with_async_function
  test("createTask of an async function, twice", async () => {
    await runVirtual(async () => {
      const coro = async () => "ran";
      for (let i = 0; i < 2; i++) {
        const task = asyncio.createTask(coro);
        assert.ok(task instanceof asyncio.Task);
        assert.equal(await task, "ran");
      }
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_create_task_with_asynclike_function
  test("createTask of a function returning a foreign thenable", async () => {
    await runVirtual(async () => {
      const coroLike = (): PromiseLike<number> => ({
        // biome-ignore lint/suspicious/noThenProperty: a coroutine-like object is the point.
        then(onFulfilled, onRejected) {
          return Promise.resolve(42).then(onFulfilled, onRejected);
        },
      });
      for (let i = 0; i < 2; i++) {
        const task = asyncio.createTask(coroLike);
        assert.ok(task instanceof asyncio.Task);
        assert.equal(await task, 42);
      }
    });
  });

  test("a function that returns no promise fails its task with a TypeError", async () => {
    await runVirtual(async () => {
      const task = asyncio.createTask(function notAsync() {
        return 5;
      } as never);
      const error = await rejection(task);
      assert.ok(error instanceof TypeError);
      assert.match(error.message, /notAsync returned number 5 instead of a promise/);
    });
  });

  test("a function that throws synchronously fails its task with that error", async () => {
    await runVirtual(async () => {
      const error = new Error("sync failure");
      const task = asyncio.createTask((() => {
        throw error;
      }) as never);
      assert.equal(await rejection(task), error);
      assert.equal(task.exception(), error);
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_coroutine_non_gen_function_return_future
  test("a task whose function returns a Future completes with that Future's result", async () => {
    // Python returns the Future object itself; a JavaScript async function adopts a
    // thenable it returns (docs/differences.md).
    await runVirtual(async () => {
      const fut = new asyncio.Future<string>();
      const t1 = asyncio.createTask(async () => fut);
      const t2 = asyncio.createTask(async () => {
        fut.setResult("test");
      });
      assert.equal(await t1, "test");
      assert.equal(t2.result(), undefined);
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_task_set_methods
  test("setResult and setException on a Task are RuntimeErrors", async () => {
    await runVirtual(async () => {
      const task = asyncio.createTask(async () => "ko");
      assert.throws(() => task.setResult("ok"), {
        name: "RuntimeError",
        message: /not support setResult/,
      });
      assert.throws(() => task.setException(new RangeError()), {
        name: "RuntimeError",
        message: /not support setException/,
      });
      assert.equal(await task, "ko");
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_get_coro
  test("getFunction returns the function the task runs", async () => {
    await runVirtual(async () => {
      const fn = async () => 1;
      const task = asyncio.createTask(fn);
      await task;
      assert.equal(task.getFunction(), fn);
    });
  });

  test("new Task() runs like createTask and validates its arguments", async () => {
    await runVirtual(async () => {
      const task = new asyncio.Task(async () => "direct", { name: "direct" });
      assert.equal(task.getName(), "direct");
      assert.equal(await task, "direct");
      assert.throws(() => new asyncio.Task("work" as never), TypeError);
      assert.throws(() => new asyncio.Task(async () => {}, 5 as never), TypeError);
    });
    assert.throws(() => new asyncio.Task(async () => {}), {
      name: "RuntimeError",
      message: /no running event loop/,
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_log_destroyed_pending_task
  test("a task nobody references still runs to its end", async () => {
    const seen: string[] = [];
    await runVirtual(async () => {
      const fut = new asyncio.Future<void>();
      asyncio.createTask(async () => {
        await fut;
        seen.push("woke up");
      });
      await asyncio.sleep(0);
      collectGarbage();
      asyncio.getRunningLoop().callLater(1, () => fut.setResult(undefined));
      await asyncio.sleep(2);
    });
    assert.deepEqual(seen, ["woke up"]);
  });

  // mirrors test_tasks.BaseTaskTests.test_task_awaits_on_itself
  test("a task awaiting itself fails with a RuntimeError instead of hanging", async () => {
    await runVirtual(async () => {
      const task: asyncio.Task<void> = asyncio.createTask(async () => {
        await task;
      });
      const error = await rejection(task);
      assert.ok(error instanceof asyncio.RuntimeError);
      assert.match(error.message, /Task cannot await on itself/);
    });
  });

  test("the current task awaiting itself can catch the RuntimeError and go on", async () => {
    const result = await runVirtual(async () => {
      const self = asyncio.currentTask()!;
      try {
        await self;
      } catch (error) {
        assert.ok(error instanceof asyncio.RuntimeError);
        return "caught";
      }
      return "not raised";
    });
    assert.equal(result, "caught");
  });

  // mirrors test_tasks.BaseTaskTests.test_other_loop_future
  test("awaiting a Future of another loop is a RuntimeError", async () => {
    const other = new asyncio.Runner();
    try {
      const fut = new asyncio.Future({ loop: other.getLoop() });
      const error = await rejection(
        runVirtual(async () => {
          await fut;
        }),
      );
      assert.ok(error instanceof asyncio.RuntimeError);
      assert.match(String(error), /Task .* got Future .* attached to a different loop/);
    } finally {
      await other.close();
    }
  });
});

describe("task names", () => {
  // mirrors test_tasks.BaseTaskTests.test_task_repr_autogenerated
  test("default names are Task-N, numbered in creation order", async () => {
    await runVirtual(async () => {
      const t1 = asyncio.createTask(async () => {});
      const t2 = asyncio.createTask(async () => {});
      const n1 = Number(/^Task-(\d+)$/.exec(t1.getName())?.[1]);
      const n2 = Number(/^Task-(\d+)$/.exec(t2.getName())?.[1]);
      assert.ok(n1 > 0);
      assert.equal(n2, n1 + 1);
      await t1;
      await t2;
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_bare_create_named_task
  test("createTask({ name }) names the task", async () => {
    await runVirtual(async () => {
      const task = asyncio.createTask(async () => {}, { name: "No-op" });
      assert.equal(task.getName(), "No-op");
      await task;
    });
  });

  // mirrors test_base_events.BaseEventLoopTests.test_create_named_task_with_default_factory
  test("loop.createTask({ name }) names the task", async () => {
    await runVirtual(async () => {
      const task = asyncio.getRunningLoop().createTask(async () => {}, { name: "test_task" });
      assert.equal(task.getName(), "test_task");
      await task;
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_task_set_name_pylong
  test("a numeric name is turned into its decimal string", async () => {
    await runVirtual(async () => {
      const t = asyncio.createTask(async () => 123, { name: 987654321 as unknown as string });
      assert.equal(t.getName(), "987654321");
      t.setName(123456789 as unknown as string);
      assert.equal(t.getName(), "123456789");
      t.setName("renamed");
      assert.equal(t.getName(), "renamed");
      await t;
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_task_repr_name_not_str
  test("a name that is neither a string nor a number is a TypeError", async () => {
    // Python calls str() on any name; String() of a JavaScript object says "[object Object]",
    // so asyncio-ts refuses it (docs/differences.md).
    await runVirtual(async () => {
      const t = asyncio.createTask(async () => 123);
      assert.throws(() => t.setName(new Set([6]) as never), {
        name: "TypeError",
        message: /task name must be a string, got an instance of Set/,
      });
      assert.throws(() => asyncio.createTask(async () => {}, { name: null as never }), TypeError);
      await t;
    });
  });
});

describe("results and errors", () => {
  // mirrors test_tasks.BaseTaskTests.test_exception_traceback
  test("a failed task's exception keeps the stack where it was thrown", async () => {
    await runVirtual(async () => {
      async function foo(): Promise<never> {
        throw new RangeError("1 / 0");
      }
      const task = asyncio.createTask(foo);
      await asyncio.sleep(0);
      const error = task.exception();
      assert.ok(error instanceof RangeError);
      assert.match(error.stack ?? "", /at .*\bfoo\b/);
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_get_stack
  test("getStack gives the frames of the error a task failed with, [] otherwise", async () => {
    await runVirtual(async () => {
      async function bar(): Promise<never> {
        throw new Error("in bar");
      }
      async function foo() {
        await bar();
      }
      const failing = asyncio.createTask(foo);
      const sleeping = asyncio.createTask(() => asyncio.sleep(10));
      assert.deepEqual(failing.getStack(), []);
      await asyncio.sleep(0);
      const frames = failing.getStack();
      assert.ok(frames.length > 0);
      assert.match(frames[0]!, /^at bar/);
      assert.ok(frames.some((frame) => /^at .*\bfoo\b/.test(frame)));
      assert.deepEqual(sleeping.getStack(), []);
      sleeping.cancel();
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_step_result_future
  test("awaiting a pending Future resumes the task with the very result", async () => {
    await runVirtual(async () => {
      const fut = new asyncio.Future<object>();
      let result: object | undefined;
      const t = asyncio.createTask(async () => {
        result = await fut;
      });
      await asyncio.sleep(0);
      assert.equal(t.done(), false);
      const res = {};
      fut.setResult(res);
      await asyncio.sleep(0);
      await asyncio.sleep(0);
      assert.equal(result, res);
      assert.equal(t.done(), true);
      assert.equal(t.result(), undefined);
    });
  });

  test("a task awakened by a Future resumes one iteration after the Future completes", async () => {
    await runVirtual(async () => {
      const loop = asyncio.getRunningLoop();
      const order: string[] = [];
      const fut = new asyncio.Future<void>();
      const waiter = asyncio.createTask(async () => {
        await fut;
        order.push("task resumed");
      });
      await asyncio.sleep(0);
      fut.setResult(undefined);
      loop.callSoon(() => order.push("callback scheduled after setResult"));
      await waiter;
      assert.deepEqual(order, ["task resumed", "callback scheduled after setResult"]);
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_ensure_future_coroutine
  test("ensureFuture(fn) starts fn as a Task; outside a loop it is a RuntimeError", async () => {
    await runVirtual(async () => {
      const t = asyncio.ensureFuture(async () => "ok");
      assert.ok(t instanceof asyncio.Task);
      assert.equal(t.getLoop(), asyncio.getRunningLoop());
      assert.equal(await t, "ok");
    });
    assert.throws(() => asyncio.ensureFuture(async () => "ok"), {
      name: "RuntimeError",
      message: /no running event loop/,
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_ensure_future_future
  test("ensureFuture(future) returns the same Future", async () => {
    await runVirtual(async () => {
      const fOrig = new asyncio.Future<string>();
      fOrig.setResult("ko");
      const f = asyncio.ensureFuture(fOrig);
      assert.equal(f, fOrig);
      assert.equal(await f, "ko");
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_ensure_future_task
  test("ensureFuture(task) returns the same Task", async () => {
    await runVirtual(async () => {
      const tOrig = asyncio.createTask(async () => "ok");
      const t = asyncio.ensureFuture(tOrig);
      assert.equal(t, tOrig);
      assert.equal(await t, "ok");
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_ensure_future_awaitable
  test("ensureFuture(promise) gives a Future with the promise's outcome", async () => {
    await runVirtual(async () => {
      const fut = asyncio.ensureFuture(Promise.resolve("ok"));
      assert.ok(asyncio.isFuture(fut));
      assert.equal(await fut, "ok");
      const failing = asyncio.ensureFuture(Promise.reject(new RangeError("no")));
      assert.ok((await rejection(failing)) instanceof RangeError);
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_ensure_future_task_awaitable
  test("ensureFuture of a function returning a library awaitable gives a Task", async () => {
    await runVirtual(async () => {
      const task = asyncio.ensureFuture(() => asyncio.sleep(0, "ok"));
      assert.ok(task instanceof asyncio.Task);
      assert.equal(await task, "ok");
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_ensure_future_neither
  test("ensureFuture of anything else is a TypeError", async () => {
    await runVirtual(async () => {
      assert.throws(() => asyncio.ensureFuture("ok" as never), {
        name: "TypeError",
        message: /expected a Future, a Task, a promise or a coroutine function, got string "ok"/,
      });
    });
  });
});

describe("currentTask and allTasks", () => {
  // mirrors test_tasks.BaseTaskTests.test_current_task
  test("currentTask is the task running, null in a plain callback", async () => {
    await runVirtual(async () => {
      const task: asyncio.Task<void> = asyncio.createTask(async () => {
        assert.equal(asyncio.currentTask(), task);
        await asyncio.sleep(0);
        assert.equal(asyncio.currentTask(), task);
      });
      await task;
      const inCallback = new asyncio.Future<asyncio.Task<unknown> | null>();
      asyncio.getRunningLoop().callSoon(() => inCallback.setResult(asyncio.currentTask()));
      assert.equal(await inCallback, null);
    });
  });

  // mirrors test_tasks.BaseCurrentLoopTests.test_current_task_no_running_loop_implicit
  test("currentTask outside a running loop is a RuntimeError", () => {
    assert.throws(() => asyncio.currentTask(), {
      name: "RuntimeError",
      message: /no running event loop/,
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_current_task_with_interleaving_tasks
  test("currentTask follows tasks as they interleave", async () => {
    await runVirtual(async () => {
      const fut1 = new asyncio.Future<boolean>();
      const fut2 = new asyncio.Future<boolean>();
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
      await task1;
      await task2;
    });
  });

  test("currentTask survives awaits of foreign promises inside the task", async () => {
    await runVirtual(async () => {
      const task: asyncio.Task<void> = asyncio.createTask(async () => {
        await Promise.resolve();
        await new Promise<void>((resolve) => setImmediate(resolve));
        assert.equal(asyncio.currentTask(), task);
      });
      await task;
    });
  });

  test("allTasks holds the pending tasks of the running loop, the current one included", async () => {
    await runVirtual(async () => {
      const main = asyncio.currentTask()!;
      const blocker = new asyncio.Future<void>();
      const pending = asyncio.createTask(() => blocker);
      const finished = asyncio.createTask(async () => {});
      assert.deepEqual(asyncio.allTasks(), new Set([main, pending, finished]));
      await finished;
      assert.deepEqual(asyncio.allTasks(), new Set([main, pending]));
      blocker.setResult(undefined);
      await pending;
      assert.deepEqual(asyncio.allTasks(), new Set([main]));
      const snapshot = asyncio.allTasks();
      snapshot.clear();
      assert.equal(asyncio.allTasks().size, 1);
    });
    assert.throws(() => asyncio.allTasks(), asyncio.RuntimeError);
  });

  test("a task failing with nobody awaiting it does not disturb the others", async () => {
    const { result, reported } = await runCollectingErrors(async () => {
      const failing = asyncio.createTask(async () => {
        throw new Error("unobserved");
      });
      await asyncio.sleep(1);
      assert.equal(failing.done(), true);
      return "main finished";
    });
    assert.equal(result, "main finished");
    // Its error may only be reported as never retrieved (when, depends on collection).
    for (const context of reported) {
      assert.equal(context.message, "Task exception was never retrieved");
    }
  });
});
