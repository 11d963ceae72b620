/**
 * The eager task factory, mirroring CPython's test_eager_task_factory.py
 * (EagerTaskFactoryLoopTests).
 *
 * Skipped:
 * - PyEagerTaskFactoryLoopTests/CEagerTaskFactoryLoopTests duplicates: one Task class here.
 * - test_issue105987, test_issue122332: C-extension internals (`_swap_current_task`,
 *   `get_coro()` returning None after an eager completion).
 * - BaseTaskCountingTests (test_awaitables_chain, test_recursive_taskgroups,
 *   test_recursive_gather): they count tasks made through `create_eager_task_factory(cls)`,
 *   which takes a custom Task class, and use TaskGroup and gather (the combinators).
 *
 * Deliberate difference (docs/differences.md): a task that finishes without suspending is
 * done one microtask after `createTask` returns, not when it returns; the tests below check
 * that form of test_eager_completion, test_await_future_during_eager_step,
 * test_cancellation_after_eager_completion and test_all_tasks_with_eager_completion.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as asyncio from "asyncio-ts";
import { rejection, runVirtual } from "../helpers.js";

/** Runs `main` under virtual time with the eager task factory set on the loop. */
function runEager<T>(main: () => Promise<T>): Promise<T> {
  return runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    assert.equal(loop.isRunning(), true);
    loop.setTaskFactory(asyncio.eagerTaskFactory);
    return await main();
  });
}

describe("eagerTaskFactory (test_eager_task_factory.EagerTaskFactoryLoopTests)", () => {
  // mirrors test_eager_task_factory.EagerTaskFactoryLoopTests.test_eager_task_factory_set
  test("the factory is set and makes Tasks", async () => {
    await runEager(async () => {
      const loop = asyncio.getRunningLoop();
      assert.equal(loop.getTaskFactory(), asyncio.eagerTaskFactory);
      const t = loop.createTask(async () => {});
      assert.ok(t instanceof asyncio.Task);
      await t;
    });
  });

  // mirrors test_eager_task_factory.EagerTaskFactoryLoopTests.test_await_future_during_eager_step
  test("the first step runs inside createTask", async () => {
    const result = await runEager(async () => {
      const loop = asyncio.getRunningLoop();
      const fut = loop.createFuture<string>();
      const t = loop.createTask(async () => {
        fut.setResult("my message");
      });
      assert.equal(fut.done(), true);
      await t;
      return await fut;
    });
    assert.equal(result, "my message");
  });

  // mirrors test_eager_task_factory.EagerTaskFactoryLoopTests.test_eager_completion
  test("a task that never suspends is done one microtask after createTask", async () => {
    const result = await runEager(async () => {
      const t = asyncio.getRunningLoop().createTask(async () => "hello");
      assert.equal(t.done(), false);
      await Promise.resolve();
      assert.equal(t.done(), true);
      return await t;
    });
    assert.equal(result, "hello");
  });

  // mirrors test_eager_task_factory.EagerTaskFactoryLoopTests.test_block_after_eager_step
  test("a task that blocks after its eager step finishes later", async () => {
    const result = await runEager(async () => {
      const t = asyncio.getRunningLoop().createTask(async () => {
        await asyncio.sleep(0.1);
        return "finished after blocking";
      });
      await Promise.resolve();
      assert.equal(t.done(), false);
      const value = await t;
      assert.equal(t.done(), true);
      return value;
    });
    assert.equal(result, "finished after blocking");
  });

  // mirrors test_eager_task_factory.EagerTaskFactoryLoopTests.test_cancellation_after_eager_completion
  test("a task that completed eagerly refuses a cancel once it is done", async () => {
    const result = await runEager(async () => {
      const t = asyncio.getRunningLoop().createTask(async () => "finished without blocking");
      await Promise.resolve();
      assert.equal(t.cancel(), false);
      const value = await t;
      assert.equal(t.cancelled(), false);
      return value;
    });
    assert.equal(result, "finished without blocking");
  });

  test("a cancel right after createTask still cancels a task that completed eagerly", async () => {
    // Python's task would already be done; here it is done a microtask later.
    await runEager(async () => {
      const t = asyncio.getRunningLoop().createTask(async () => "finished without blocking");
      assert.equal(t.cancel(), true);
      assert.ok((await rejection(t)) instanceof asyncio.CancelledError);
      assert.equal(t.cancelled(), true);
    });
  });

  // mirrors test_eager_task_factory.EagerTaskFactoryLoopTests.test_cancellation_after_eager_step_blocks
  test("a task cancelled after its eager step blocks raises the message", async () => {
    const error = await rejection(
      runEager(async () => {
        const t = asyncio.getRunningLoop().createTask(async () => {
          await asyncio.sleep(0.1);
          return "finished after blocking";
        });
        t.cancel("cancellation message");
        assert.ok(t.cancelling() > 0);
        await t;
      }),
    );
    assert.ok(error instanceof asyncio.CancelledError);
    assert.equal(error.message, "cancellation message");
  });

  // mirrors test_eager_task_factory.EagerTaskFactoryLoopTests.test_current_task
  test("currentTask in the eager step is the new task, and the creator's after", async () => {
    await runEager(async () => {
      const creator = asyncio.currentTask();
      let captured: asyncio.Task<unknown> | null = null;
      const t = asyncio.getRunningLoop().createTask(async () => {
        captured = asyncio.currentTask();
        await asyncio.sleep(0.1);
        assert.equal(asyncio.currentTask(), captured);
      });
      assert.equal(captured, t);
      assert.equal(asyncio.currentTask(), creator);
      await t;
    });
  });

  // mirrors test_eager_task_factory.EagerTaskFactoryLoopTests.test_all_tasks_with_eager_completion
  test("allTasks lists a task during its eager step and not once it is done", async () => {
    await runEager(async () => {
      let capturedAllTasks = new Set<asyncio.Task<unknown>>();
      const t = asyncio.getRunningLoop().createTask(async () => {
        capturedAllTasks = asyncio.allTasks();
      });
      assert.ok(capturedAllTasks.has(t));
      await Promise.resolve();
      assert.ok(!asyncio.allTasks().has(t));
    });
  });

  // mirrors test_eager_task_factory.EagerTaskFactoryLoopTests.test_all_tasks_with_blocking
  test("allTasks lists a task that blocked after its eager step until it is done", async () => {
    await runEager(async () => {
      const loop = asyncio.getRunningLoop();
      const fut1 = loop.createFuture<void>();
      const fut2 = loop.createFuture<void>();
      let capturedEagerAllTasks = new Set<asyncio.Task<unknown>>();
      const t = loop.createTask(async () => {
        capturedEagerAllTasks = asyncio.allTasks();
        await fut1;
        fut2.setResult(undefined);
      });
      assert.ok(capturedEagerAllTasks.has(t));
      assert.ok(asyncio.allTasks().has(t));
      fut1.setResult(undefined);
      await fut2;
      await asyncio.sleep(0);
      assert.ok(!asyncio.allTasks().has(t));
    });
  });

  // mirrors test_eager_task_factory.EagerTaskFactoryLoopTests.test_context_vars
  test("the eager step runs in the task's own copy of the context", async () => {
    const cv = new asyncio.ContextVar("cv", { default: 0 });
    await runEager(async () => {
      let firstStepRan = false;
      let secondStepRan = false;
      cv.set(1);
      const t = asyncio.getRunningLoop().createTask(async () => {
        assert.equal(cv.get(), 1);
        cv.set(2);
        assert.equal(cv.get(), 2);
        firstStepRan = true;
        await asyncio.sleep(0.1);
        assert.equal(cv.get(), 2);
        cv.set(3);
        assert.equal(cv.get(), 3);
        secondStepRan = true;
      });
      assert.equal(firstStepRan, true);
      assert.equal(secondStepRan, false);
      assert.equal(cv.get(), 1);
      await t;
      assert.equal(secondStepRan, true);
      assert.equal(cv.get(), 1);
    });
  });
});

describe("eager tasks beyond CPython's tests", () => {
  test("an eager step started inside Context.run runs in the task's own context", async () => {
    // What CPython 3.13 does for ctx.run(create_task) under eager_task_factory.
    const cvar = new asyncio.ContextVar("cvar", { default: "default" });
    await runEager(async () => {
      const ctx = asyncio.copyContext();
      const t = ctx.run(() => {
        cvar.set("ctx");
        return asyncio.createTask(async () => {
          const first = cvar.get();
          cvar.set("task");
          await asyncio.sleep(0);
          return [first, cvar.get()];
        });
      });
      assert.deepEqual(await t, ["ctx", "task"]);
      assert.equal(ctx.get(cvar), "ctx");
      assert.equal(cvar.get(), "default");
    });
  });

  test("an eager task that throws in its first step fails with that error", async () => {
    await runEager(async () => {
      const error = new RangeError("first step");
      const t = asyncio.createTask(async () => {
        throw error;
      });
      assert.equal(await rejection(t), error);
      assert.equal(t.exception(), error);
    });
  });

  test("an eager task made from a plain loop callback runs at once", async () => {
    await runEager(async () => {
      const loop = asyncio.getRunningLoop();
      const steps: string[] = [];
      const created = loop.createFuture<asyncio.Task<void>>();
      loop.callSoon(() => {
        const t = loop.createTask(
          async () => {
            steps.push(`eager step in ${asyncio.currentTask()?.getName()}`);
          },
          { name: "from-callback" },
        );
        steps.push(`callback sees ${asyncio.currentTask()}`);
        created.setResult(t);
      });
      await await created;
      assert.deepEqual(steps, ["eager step in from-callback", "callback sees null"]);
    });
  });

  test("eagerTaskFactory keeps the name and checks the function", async () => {
    await runEager(async () => {
      const t = asyncio.createTask(async () => {}, { name: "eager" });
      assert.equal(t.getName(), "eager");
      assert.throws(() => asyncio.createTask(Promise.resolve() as never), {
        name: "TypeError",
        message: /write createTask\(\(\) => work\(\)\)/,
      });
      await t;
    });
  });

  test("new Task({ eagerStart }) starts at once only while its loop runs", async () => {
    const runner = new asyncio.Runner();
    const loop = runner.getLoop();
    let ranEarly = false;
    const idle = new asyncio.Task(
      async () => {
        ranEarly = true;
      },
      { loop, eagerStart: true },
    );
    assert.equal(ranEarly, false);
    await runner.run(async () => {
      let ranAtOnce = false;
      const running = new asyncio.Task(
        async () => {
          ranAtOnce = true;
        },
        { eagerStart: true },
      );
      assert.equal(ranAtOnce, true);
      await running;
      await idle;
    });
    assert.equal(ranEarly, true);
    await runner.close();
  });
});
