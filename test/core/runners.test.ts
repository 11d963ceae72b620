/**
 * `run()` and `Runner`, mirroring CPython's test_runners.py (RunTests, RunnerTests) and the
 * run_until_complete tests of test_events.py/test_base_events.py, through the runner. The
 * SIGINT tests (test_interrupt_*) and shutdown deadlocks run in child processes: see
 * process.test.ts.
 *
 * Skipped:
 * - test_asyncio_run_closes_gens_after_hanging_tasks_errors: async generators are not tracked
 *   by the loop (there is no `shutdown_asyncgens`).
 * - test_asyncio_run_set_event_loop, test_set_event_loop_called_once, test_custom_factory,
 *   test_asyncio_run_loop_factory, test_loop_factory_default_event_loop: event loop policies
 *   and loop factories, which asyncio-ts does not have (`clock` is its one loop option).
 * - test_asyncio_run_without_uncancel: a task factory returning an object without `uncancel`.
 * - test_asyncio_run_debug is in loop.test.ts (debug mode).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { inspect } from "node:util";
import * as asyncio from "asyncio-ts";
import { VirtualClock } from "asyncio-ts/testing";
import { rejection, runVirtual } from "../helpers.js";

describe("run() (test_runners.RunTests)", () => {
  // mirrors test_runners.RunTests.test_asyncio_run_return
  test("run resolves with the main function's result", async () => {
    const main = async () => {
      await asyncio.sleep(0);
      return 42;
    };
    assert.equal(await asyncio.run(main), 42);
  });

  // mirrors test_runners.RunTests.test_asyncio_run_raises
  test("run rejects with the main function's error", async () => {
    const error = await rejection(
      asyncio.run(async () => {
        await asyncio.sleep(0);
        throw new RangeError("spam");
      }),
    );
    assert.ok(error instanceof RangeError);
    assert.equal(error.message, "spam");
  });

  // mirrors test_runners.RunTests.test_asyncio_run_only_coro
  test("run of something other than a coroutine function rejects with a TypeError", async () => {
    const notAFunction = await rejection(asyncio.run(1 as never));
    assert.ok(notAFunction instanceof TypeError);
    assert.match(notAFunction.message, /run\(\) expects a coroutine function .*got number 1/);
    // A function returning no promise can only be told once it ran (docs/differences.md).
    const notAsync = await rejection(asyncio.run((() => undefined) as never));
    assert.ok(notAsync instanceof TypeError);
    assert.match(notAsync.message, /returned undefined instead of a promise/);
  });

  test("run of a promise rejects with a TypeError that shows the right form", async () => {
    const work = async () => "done";
    const started = work();
    const error = await rejection(asyncio.run(started as never));
    assert.ok(error instanceof TypeError);
    assert.match(error.message, /write run\(\(\) => work\(\)\) instead of run\(work\(\)\)/);
    await started;
  });

  test("run checks its options", async () => {
    assert.ok((await rejection(asyncio.run(async () => {}, 5 as never))) instanceof TypeError);
    assert.ok(
      (await rejection(asyncio.run(async () => {}, { clock: {} as never }))) instanceof TypeError,
    );
  });

  // mirrors test_runners.RunTests.test_asyncio_run_from_running_loop
  // mirrors test_events.EventLoopTestsMixin.test_run_until_complete_nesting
  test("run inside a running loop rejects with a RuntimeError", async () => {
    let ran = false;
    const error = await rejection(
      runVirtual(async () => {
        await asyncio.run(async () => {
          ran = true;
        });
      }),
    );
    assert.ok(error instanceof asyncio.RuntimeError);
    assert.match(error.message, /cannot be called from a running event loop/);
    assert.equal(ran, false);
  });

  test("run inside a loop callback rejects too", async () => {
    await runVirtual(async () => {
      const loop = asyncio.getRunningLoop();
      const outcome = loop.createFuture<unknown>();
      loop.callSoon(() => {
        asyncio.run(async () => {}).catch((error: unknown) => outcome.setResult(error));
      });
      assert.ok((await outcome) instanceof asyncio.RuntimeError);
    });
  });

  // mirrors test_runners.RunTests.test_asyncio_run_cancels_hanging_tasks
  test("run cancels and awaits the tasks left when main returns", async () => {
    let leftoverTask: asyncio.Task<void> | undefined;
    let cancelledAt: number | undefined;
    const clock = new VirtualClock({ autojump: true });
    const result = await asyncio.run(
      async () => {
        leftoverTask = asyncio.createTask(async () => {
          try {
            await asyncio.sleep(0.1);
          } catch (error) {
            cancelledAt = clock.now();
            await asyncio.sleep(1);
            throw error;
          }
        });
        return 123;
      },
      { clock },
    );
    assert.equal(result, 123);
    assert.equal(leftoverTask?.done(), true);
    assert.equal(leftoverTask?.cancelled(), true);
    assert.equal(cancelledAt, 0);
    assert.equal(clock.now(), 1);
  });

  // mirrors test_runners.RunTests.test_asyncio_run_reports_hanging_tasks_errors
  test("errors of the tasks left go to the exception handler", async () => {
    let leftoverTask: asyncio.Task<void> | undefined;
    const calls: asyncio.ExceptionContext[] = [];
    const result = await runVirtual(async () => {
      asyncio.getRunningLoop().setExceptionHandler((_loop, context) => calls.push(context));
      leftoverTask = asyncio.createTask(async () => {
        try {
          await asyncio.sleep(0.1);
        } catch {
          throw new RangeError("1 / 0");
        }
      });
      return 123;
    });
    assert.equal(result, 123);
    assert.equal(leftoverTask?.done(), true);
    assert.equal(calls.length, 1);
    assert.match(calls[0]!.message, /asyncio.run.*shutdown/);
    assert.equal(calls[0]!.task, leftoverTask);
    assert.ok(calls[0]!.exception instanceof RangeError);
  });

  test("the tasks left are cancelled when main fails too", async () => {
    let leftoverTask: asyncio.Task<void> | undefined;
    const error = await rejection(
      runVirtual(async () => {
        leftoverTask = asyncio.createTask(() => asyncio.sleep(3600));
        await asyncio.sleep(0);
        throw new RangeError("main failed");
      }),
    );
    assert.ok(error instanceof RangeError);
    assert.equal(leftoverTask?.cancelled(), true);
  });

  // mirrors test_runners.RunnerTests.test_no_repr_is_call_on_the_task_result
  test("run never formats the main function's result", async () => {
    let formatted = 0;
    class MyResult {
      toString(): string {
        formatted++;
        return "MyResult";
      }
      [inspect.custom](): string {
        formatted++;
        return "MyResult";
      }
    }
    const result = await runVirtual(async () => new MyResult());
    assert.ok(result instanceof MyResult);
    assert.equal(formatted, 0);
  });

  test("two runs side by side from top-level code each get their own loop", async () => {
    const loops: asyncio.EventLoop[] = [];
    const main = async (name: string) => {
      loops.push(asyncio.getRunningLoop());
      await asyncio.sleep(0.01);
      return name;
    };
    assert.deepEqual(
      await Promise.all([asyncio.run(() => main("a")), asyncio.run(() => main("b"))]),
      ["a", "b"],
    );
    assert.notEqual(loops[0], loops[1]);
  });
});

describe("Runner (test_runners.RunnerTests)", () => {
  // mirrors test_runners.RunnerTests.test_non_debug
  // mirrors test_runners.RunnerTests.test_debug
  test("Runner({ debug }) sets the debug mode of its loop", async () => {
    for (const debug of [false, true]) {
      const runner = new asyncio.Runner({ debug });
      assert.equal(runner.getLoop().getDebug(), debug);
      await runner.close();
    }
    assert.throws(() => new asyncio.Runner({ debug: "yes" as never }), TypeError);
    assert.throws(() => new asyncio.Runner(1 as never), TypeError);
  });

  // mirrors test_runners.RunnerTests.test_run
  test("a Runner runs on one loop until closed; then it is closed", async () => {
    const f = async () => {
      await asyncio.sleep(0);
      return "done";
    };
    const runner = new asyncio.Runner();
    let loop: asyncio.EventLoop;
    {
      await using scoped = runner;
      assert.equal(await scoped.run(f), "done");
      loop = scoped.getLoop();
      assert.equal(await scoped.run(async () => asyncio.getRunningLoop()), loop);
      assert.equal(loop.isRunning(), false);
    }
    assert.throws(() => runner.getLoop(), { name: "RuntimeError", message: "Runner is closed" });
    assert.equal(loop.isClosed(), true);
  });

  // mirrors test_runners.RunnerTests.test_run_non_coro
  // mirrors test_base_events.BaseEventLoopTests.test_run_until_complete_type_error
  test("Runner.run of a non-function rejects with a TypeError", async () => {
    await using runner = new asyncio.Runner();
    for (const value of [123, "blah"]) {
      const error = await rejection(runner.run(value as never));
      assert.ok(error instanceof TypeError);
      assert.match(error.message, /Runner.run\(\) expects a coroutine function/);
    }
    assert.ok((await rejection(runner.run(async () => {}, 5 as never))) instanceof TypeError);
  });

  // mirrors test_runners.RunnerTests.test_run_future
  test("Runner.run of a Future rejects with a TypeError that shows the right form", async () => {
    await using runner = new asyncio.Runner();
    const fut = runner.getLoop().createFuture();
    const error = await rejection(runner.run(fut as never));
    assert.ok(error instanceof TypeError);
    assert.match(error.message, /not a promise that has already started/);
  });

  // mirrors test_runners.RunnerTests.test_explicit_close
  // mirrors test_runners.RunnerTests.test_double_close
  test("close() closes the loop; a second close() does nothing", async () => {
    const runner = new asyncio.Runner();
    const loop = runner.getLoop();
    await runner.close();
    assert.equal(loop.isClosed(), true);
    assert.throws(() => runner.getLoop(), { name: "RuntimeError", message: "Runner is closed" });
    await runner.close();
    assert.equal(loop.isClosed(), true);
    await new asyncio.Runner().close();
  });

  // mirrors test_runners.RunnerTests.test_second_with_block_raises
  test("a closed Runner refuses to run", async () => {
    const ret: number[] = [];
    const f = async (arg: number) => {
      ret.push(arg);
    };
    const runner = new asyncio.Runner();
    {
      await using scoped = runner;
      await scoped.run(() => f(1));
    }
    const error = await rejection(runner.run(() => f(2)));
    assert.ok(error instanceof asyncio.RuntimeError);
    assert.equal(error.message, "Runner is closed");
    assert.deepEqual(ret, [1]);
  });

  // mirrors test_runners.RunnerTests.test_run_keeps_context
  test("the runs of a Runner share one context", async () => {
    const cvar = new asyncio.ContextVar("cvar", { default: -1 });
    const f = async (val: number) => {
      const old = cvar.get();
      await asyncio.sleep(0);
      cvar.set(val);
      return old;
    };
    await using runner = new asyncio.Runner();
    assert.equal(await runner.run(() => f(1)), -1);
    assert.equal(await runner.run(() => f(2)), 1);
    const context = await runner.run(async () => asyncio.copyContext());
    assert.equal(context.get(cvar), 2);
    assert.equal(cvar.get(), -1);
  });

  test("Runner.run({ context }) runs the main task in that context", async () => {
    const cvar = new asyncio.ContextVar("cvar", { default: "runner's" });
    const context = new asyncio.Context();
    await using runner = new asyncio.Runner();
    await runner.run(
      async () => {
        cvar.set("given");
      },
      { context },
    );
    assert.equal(context.get(cvar), "given");
    assert.equal(await runner.run(async () => cvar.get()), "runner's");
  });

  // mirrors test_runners.RunnerTests.test_recursive_run
  test("Runner.run inside one of its runs rejects with a RuntimeError", async () => {
    await using runner = new asyncio.Runner();
    let innerRan = false;
    const error = await rejection(
      runner.run(async () => {
        await runner.run(async () => {
          innerRan = true;
        });
      }),
    );
    assert.ok(error instanceof asyncio.RuntimeError);
    assert.equal(error.message, "Runner.run() cannot be called from a running event loop");
    assert.equal(innerRan, false);
  });

  test("a second Runner.run started while the first runs is refused without running", async () => {
    await using runner = new asyncio.Runner({ clock: new VirtualClock({ autojump: true }) });
    let secondRan = false;
    const first = runner.run(async () => {
      await asyncio.sleep(1);
      return "first";
    });
    const error = await rejection(
      runner.run(async () => {
        secondRan = true;
      }),
    );
    assert.ok(error instanceof asyncio.RuntimeError);
    assert.equal(await first, "first");
    assert.equal(secondRan, false);
  });

  // mirrors test_tasks.BaseTaskTests.test_stop_while_run_in_complete
  // mirrors test_events.EventLoopTestsMixin.test_run_until_complete_stopped
  test("loop.stop() during a run rejects it; the main task stays pending", async () => {
    await using runner = new asyncio.Runner({ clock: new VirtualClock({ autojump: true }) });
    const loop = runner.getLoop();
    let x = 0;
    let mainTask: asyncio.Task<unknown> | null = null;
    const error = await rejection(
      runner.run(async () => {
        mainTask = asyncio.currentTask();
        while (x < 10) {
          await asyncio.sleep(0.1);
          x++;
          if (x === 2) loop.stop();
        }
      }),
    );
    assert.ok(error instanceof asyncio.RuntimeError);
    assert.equal(error.message, "Event loop stopped before Future completed.");
    assert.equal(x, 2);
    const stopped = mainTask as asyncio.Task<unknown> | null;
    assert.equal(stopped?.done(), false);
    stopped?.cancel();
    const cancelled = await rejection(runner.run(async () => await stopped));
    assert.ok(cancelled instanceof asyncio.CancelledError);
    assert.equal(x, 2);
  });

  // mirrors test_base_events.BaseEventLoopTests.test_run_until_complete_loop_orphan_future_close_loop
  test("a Runner runs again after a run that failed", async () => {
    await using runner = new asyncio.Runner({ clock: new VirtualClock({ autojump: true }) });
    const foo = (delay: number) => asyncio.sleep(delay, delay);
    const failed = await rejection(
      runner.run(async () => {
        await foo(0.1);
        throw new RangeError("show stopper");
      }),
    );
    assert.ok(failed instanceof RangeError);
    assert.equal(await runner.run(() => foo(0.2)), 0.2);
  });

  // mirrors test_runners.RunnerTests.test_signal_install_not_supported_ok
  test("with a SIGINT listener already installed, the Runner leaves SIGINT alone", async () => {
    const listener = () => {};
    process.on("SIGINT", listener);
    try {
      await using runner = new asyncio.Runner();
      const during = await runner.run(async () => process.listenerCount("SIGINT"));
      assert.equal(during, 1);
    } finally {
      process.off("SIGINT", listener);
    }
  });

  test("a Runner handles SIGINT only while it runs", async () => {
    await using runner = new asyncio.Runner();
    const during = await runner.run(async () => process.listenerCount("SIGINT"));
    assert.equal(during, 1);
    assert.equal(process.listenerCount("SIGINT"), 0);
  });

  test("Runner({ clock }) makes its loop keep that clock's time", async () => {
    const clock = new VirtualClock({ autojump: true, start: 100 });
    await using runner = new asyncio.Runner({ clock });
    assert.equal(runner.getLoop().time(), 100);
    await runner.run(() => asyncio.sleep(3600));
    assert.equal(runner.getLoop().time(), 3700);
  });
});

describe("Runner.close()", () => {
  test("concurrent close() calls share one close and both resolve", async () => {
    const runner = new asyncio.Runner({ clock: new VirtualClock({ autojump: true }) });
    let cancelled = 0;
    await runner.run(async () => {
      asyncio.createTask(async () => {
        try {
          await asyncio.sleep(3600);
        } catch (error) {
          cancelled++;
          throw error;
        }
      });
      await asyncio.sleep(0);
    });
    const first = runner.close();
    const second = runner.close();
    await Promise.all([first, second]);
    assert.equal(cancelled, 1, "the leftover task is cancelled once");
    await assert.rejects(
      runner.run(async () => 1),
      { name: "RuntimeError", message: /closed/ },
    );
  });
});
