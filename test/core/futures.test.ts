/**
 * Future: states, results, errors and done callbacks, mirroring CPython's test_futures.py.
 *
 * Skipped from test_futures.py:
 * - C-vs-Python duplicates: CFutureTests, CSubFutureTests, PyFutureTests and the matching
 *   DoneCallback/Inheritance classes are one class here; each scenario is ported once.
 * - test_generic_alias, test_uninitialized, test_inherit_without_calling_super_init,
 *   test_future_del_segfault, test_future_iter_get_referents_segfault, test_future_del_collect:
 *   CPython object-model and C-extension internals.
 * - test_future_repr, test_future_source_traceback: exact reprs and debug source tracebacks.
 * - test_future_cancel_message_setter, test_log_traceback, test_copy_state,
 *   test_set_result_unless_cancelled: private attributes and helpers (`_cancel_message`,
 *   `_log_traceback`, `_copy_future_state`, `_set_result_unless_cancelled`).
 * - test_iter, test_future_iter_throw, test_future_stop_iteration_args,
 *   test_stop_iteration_exception, test_stop_iteration_subclass_exception: Python's generator
 *   protocol (`yield from`, `StopIteration`), which JavaScript promises do not have.
 * - test_tb_logger_*, test_future_exception_never_retrieved*: reports come from garbage
 *   collection (a FinalizationRegistry here); they are checked in process.test.ts, in a child
 *   process that forces collections. test_tb_logger_abandoned (a pending Future is never
 *   reported) needs no test of its own there: only failed Futures are tracked.
 * - test_wrap_future*: `concurrent.futures` interop belongs to the executors.
 * - test_remove_done_callbacks_list_mutation, test_remove_done_callbacks_list_clear,
 *   test_schedule_callbacks_list_mutation_2: they mutate the callback list from `__eq__`,
 *   which JavaScript's identity comparison never calls.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as asyncio from "asyncio-ts";
import { rejection, runCollectingErrors, runVirtual } from "../helpers.js";

/** A done callback that appends `thing` to `bag`, as test_futures' `_make_callback`. */
function makeCallback(bag: unknown[], thing: unknown): (future: asyncio.Future<unknown>) => void {
  return function bagAppender() {
    bag.push(thing);
  };
}

describe("Future (test_futures.BaseFutureTests)", () => {
  // mirrors test_futures.DuckTests.test_ensure_future
  test("ensureFuture turns a foreign thenable into a Future with its outcome", async () => {
    await runVirtual(async () => {
      const duck: PromiseLike<string> = {
        // biome-ignore lint/suspicious/noThenProperty: a duck-typed awaitable is the point.
        then(onFulfilled, onRejected) {
          return Promise.resolve("quack").then(onFulfilled, onRejected);
        },
      };
      const future = asyncio.ensureFuture(duck);
      assert.ok(asyncio.isFuture(future));
      assert.equal(await future, "quack");
    });
  });

  // mirrors test_futures.BaseFutureTests.test_isfuture
  test("isFuture is true for Futures and Tasks only", async () => {
    await runVirtual(async () => {
      const future = new asyncio.Future();
      assert.equal(asyncio.isFuture(future), true);
      assert.equal(asyncio.isFuture(asyncio.Future), false);
      assert.equal(asyncio.isFuture(1), false);
      assert.equal(asyncio.isFuture(Promise.resolve()), false);
      // biome-ignore lint/suspicious/noThenProperty: a thenable that is not a Future.
      assert.equal(asyncio.isFuture({ then() {} }), false);
      const task = asyncio.createTask(async () => {});
      assert.equal(asyncio.isFuture(task), true);
      await task;
      future.cancel();
    });
  });

  // mirrors test_futures.BaseFutureTests.test_initial_state
  test("a new Future is pending; cancel() makes it cancelled", async () => {
    await runVirtual(async () => {
      const f = new asyncio.Future();
      assert.equal(f.cancelled(), false);
      assert.equal(f.done(), false);
      f.cancel();
      assert.equal(f.cancelled(), true);
    });
  });

  // mirrors test_futures.BaseFutureTests.test_constructor_without_loop
  test("new Future() outside a running loop is a RuntimeError", () => {
    assert.throws(() => new asyncio.Future(), {
      name: "RuntimeError",
      message: /no running event loop/,
    });
  });

  // mirrors test_futures.BaseFutureTests.test_constructor_use_running_loop
  test("new Future() inside a loop belongs to the running loop", async () => {
    const { future, loop } = await runVirtual(async () => ({
      future: new asyncio.Future(),
      loop: asyncio.getRunningLoop(),
    }));
    assert.equal(future.getLoop(), loop);
  });

  // mirrors test_futures.BaseFutureTests.test_constructor_use_global_loop
  test("new Future({ loop }) belongs to that loop, running or not", async () => {
    const runner = new asyncio.Runner();
    const loop = runner.getLoop();
    assert.equal(new asyncio.Future({ loop }).getLoop(), loop);
    await runner.close();
  });

  // mirrors test_futures.BaseFutureTests.test_constructor_positional
  test("the Future constructor takes no positional value", async () => {
    await runVirtual(async () => {
      assert.throws(() => new asyncio.Future(42 as unknown as asyncio.FutureOptions), TypeError);
    });
  });

  // mirrors test_futures.BaseFutureTests.test_future_cancel_message_getter
  test("awaiting a Future cancelled with a message raises CancelledError with it", async () => {
    await runVirtual(async () => {
      const f = new asyncio.Future();
      f.cancel("my message");
      const error = await rejection(f);
      assert.ok(error instanceof asyncio.CancelledError);
      assert.equal(error.message, "my message");
    });
  });

  // mirrors test_futures.BaseFutureTests.test_cancel
  test("a cancelled Future refuses results, exceptions and a second cancel", async () => {
    await runVirtual(async () => {
      const f = new asyncio.Future();
      assert.equal(f.cancel(), true);
      assert.equal(f.cancelled(), true);
      assert.equal(f.done(), true);
      assert.throws(() => f.result(), asyncio.CancelledError);
      assert.throws(() => f.exception(), asyncio.CancelledError);
      assert.throws(() => f.setResult(undefined), asyncio.InvalidStateError);
      assert.throws(() => f.setException(new Error()), asyncio.InvalidStateError);
      assert.equal(f.cancel(), false);
    });
  });

  // mirrors test_futures.BaseFutureTests.test_result
  test("result() before completion is an InvalidStateError; then the value", async () => {
    await runVirtual(async () => {
      const f = new asyncio.Future<number | undefined>();
      assert.throws(() => f.result(), {
        name: "InvalidStateError",
        message: "Result is not ready.",
      });
      f.setResult(42);
      assert.equal(f.cancelled(), false);
      assert.equal(f.done(), true);
      assert.equal(f.result(), 42);
      assert.equal(f.exception(), null);
      assert.throws(() => f.setResult(undefined), asyncio.InvalidStateError);
      assert.throws(() => f.setException(new Error()), asyncio.InvalidStateError);
      assert.equal(f.cancel(), false);
    });
  });

  // mirrors test_futures.BaseFutureTests.test_future_stop_iteration_args
  test("a result is handed back as the very same value", async () => {
    await runVirtual(async () => {
      const pair = [1, 2];
      const f = new asyncio.Future<number[]>();
      f.setResult(pair);
      assert.equal(f.result(), pair);
      assert.equal(await f, pair);
    });
  });

  // mirrors test_futures.BaseFutureTests.test_exception
  test("exception() before completion is an InvalidStateError; then the error", async () => {
    await runVirtual(async () => {
      const exc = new asyncio.RuntimeError();
      const f = new asyncio.Future();
      assert.throws(() => f.exception(), {
        name: "InvalidStateError",
        message: "Exception is not set.",
      });
      f.setException(exc);
      assert.equal(f.cancelled(), false);
      assert.equal(f.done(), true);
      assert.throws(
        () => f.result(),
        (error) => error === exc,
      );
      assert.equal(f.exception(), exc);
      assert.throws(() => f.setResult(undefined), asyncio.InvalidStateError);
      assert.throws(() => f.setException(new Error()), asyncio.InvalidStateError);
      assert.equal(f.cancel(), false);
    });
  });

  // mirrors test_futures.BaseFutureTests.test_exception_class
  test("setException(ErrorClass) stores an instance of the class", async () => {
    await runVirtual(async () => {
      const f = new asyncio.Future();
      f.setException(asyncio.RuntimeError);
      assert.ok(f.exception() instanceof asyncio.RuntimeError);
    });
  });

  test("setException(null) is a TypeError and leaves the Future pending", async () => {
    await runVirtual(async () => {
      const f = new asyncio.Future();
      assert.throws(() => f.setException(null), TypeError);
      assert.equal(f.done(), false);
      f.cancel();
    });
  });

  // mirrors test_futures.BaseFutureTests.test_yield_from_twice
  test("a Future can be awaited twice and gives the same result", async () => {
    await runVirtual(async () => {
      const f = new asyncio.Future<number>();
      const seen: unknown[] = [];
      const task = asyncio.createTask(async () => {
        seen.push("A");
        const x = await f;
        seen.push(["B", x]);
        const y = await f;
        seen.push(["C", y]);
      });
      await asyncio.sleep(0);
      assert.deepEqual(seen, ["A"]);
      f.setResult(42);
      await task;
      assert.deepEqual(seen, ["A", ["B", 42], ["C", 42]]);
    });
  });

  test("awaiting a Future that failed rejects with its error and counts as retrieval", async () => {
    await runVirtual(async () => {
      const f = new asyncio.Future();
      const error = new Error("boom");
      asyncio.getRunningLoop().callSoon(() => f.setException(error));
      assert.equal(await rejection(f), error);
      assert.equal(await rejection(f), error);
    });
  });
});

describe("Future done callbacks (test_futures.BaseFutureDoneCallbackTests)", () => {
  /** Three callbacks added in order, as the callback tests set them up. */
  function threeCallbacks(f: asyncio.Future<string>, bag: unknown[]) {
    const cb1 = makeCallback(bag, 42);
    const cb2 = makeCallback(bag, 17);
    const cb3 = makeCallback(bag, 100);
    f.addDoneCallback(cb1);
    f.addDoneCallback(cb2);
    f.addDoneCallback(cb3);
    return { cb1, cb2, cb3 };
  }

  // mirrors test_futures.BaseFutureDoneCallbackTests.test_callbacks_remove_first_callback
  test("removing the first callback leaves the others, in order", async () => {
    await runVirtual(async () => {
      const bag: unknown[] = [];
      const f = new asyncio.Future<string>();
      const { cb1 } = threeCallbacks(f, bag);
      assert.equal(f.removeDoneCallback(cb1), 1);
      assert.equal(f.removeDoneCallback(cb1), 0);
      assert.deepEqual(bag, []);
      f.setResult("foo");
      await asyncio.sleep(0);
      assert.deepEqual(bag, [17, 100]);
      assert.equal(f.result(), "foo");
    });
  });

  // mirrors test_futures.BaseFutureDoneCallbackTests.test_callbacks_remove_first_and_second_callback
  test("removing the first two callbacks leaves the third", async () => {
    await runVirtual(async () => {
      const bag: unknown[] = [];
      const f = new asyncio.Future<string>();
      const { cb1, cb2 } = threeCallbacks(f, bag);
      f.removeDoneCallback(cb1);
      f.removeDoneCallback(cb2);
      f.removeDoneCallback(cb1);
      assert.deepEqual(bag, []);
      f.setResult("foo");
      await asyncio.sleep(0);
      assert.deepEqual(bag, [100]);
      assert.equal(f.result(), "foo");
    });
  });

  // mirrors test_futures.BaseFutureDoneCallbackTests.test_callbacks_remove_third_callback
  test("removing the last callback leaves the first two", async () => {
    await runVirtual(async () => {
      const bag: unknown[] = [];
      const f = new asyncio.Future<string>();
      const { cb3 } = threeCallbacks(f, bag);
      f.removeDoneCallback(cb3);
      f.removeDoneCallback(cb3);
      assert.deepEqual(bag, []);
      f.setResult("foo");
      await asyncio.sleep(0);
      assert.deepEqual(bag, [42, 17]);
      assert.equal(f.result(), "foo");
    });
  });

  // mirrors test_futures.BaseFutureDoneCallbackTests.test_callbacks_invoked_on_set_result
  test("callbacks run soon after setResult, never synchronously, in order", async () => {
    await runVirtual(async () => {
      const bag: unknown[] = [];
      const f = new asyncio.Future<string>();
      f.addDoneCallback(makeCallback(bag, 42));
      f.addDoneCallback(makeCallback(bag, 17));
      assert.deepEqual(bag, []);
      f.setResult("foo");
      assert.deepEqual(bag, []);
      await asyncio.sleep(0);
      assert.deepEqual(bag, [42, 17]);
      assert.equal(f.result(), "foo");
    });
  });

  // mirrors test_futures.BaseFutureDoneCallbackTests.test_callbacks_invoked_on_set_exception
  test("callbacks run after setException", async () => {
    await runVirtual(async () => {
      const bag: unknown[] = [];
      const f = new asyncio.Future();
      f.addDoneCallback(makeCallback(bag, 100));
      const exc = new asyncio.RuntimeError();
      f.setException(exc);
      await asyncio.sleep(0);
      assert.deepEqual(bag, [100]);
      assert.equal(f.exception(), exc);
    });
  });

  // mirrors test_futures.BaseFutureDoneCallbackTests.test_remove_done_callback
  test("removeDoneCallback removes every registration and says how many", async () => {
    await runVirtual(async () => {
      const bag: unknown[] = [];
      const f = new asyncio.Future<string>();
      const cb1 = makeCallback(bag, 1);
      const cb2 = makeCallback(bag, 2);
      const cb3 = makeCallback(bag, 3);
      f.addDoneCallback(cb1);
      f.addDoneCallback(cb2);
      assert.equal(f.removeDoneCallback(cb2), 1);
      assert.equal(f.removeDoneCallback(cb3), 0);
      f.addDoneCallback(cb2);
      for (let i = 0; i < 5; i++) f.addDoneCallback(cb1);
      assert.equal(f.removeDoneCallback(cb1), 6);
      assert.deepEqual(bag, []);
      f.setResult("foo");
      await asyncio.sleep(0);
      assert.deepEqual(bag, [2]);
      assert.equal(f.result(), "foo");
    });
  });

  // mirrors test_futures.BaseFutureDoneCallbackTests.test_schedule_callbacks_list_mutation_1
  test("a callback removing others once they were scheduled removes nothing", async () => {
    await runVirtual(async () => {
      const bag: unknown[] = [];
      const f = new asyncio.Future<number>();
      const cb = makeCallback(bag, "cb");
      f.addDoneCallback((future) => {
        bag.push("mut", future.removeDoneCallback(cb));
      });
      f.addDoneCallback(cb);
      f.addDoneCallback(cb);
      f.setResult(1);
      await asyncio.sleep(0);
      assert.deepEqual(bag, ["mut", 0, "cb", "cb"]);
    });
  });

  test("a callback added to a done Future runs soon, not synchronously", async () => {
    await runVirtual(async () => {
      const bag: unknown[] = [];
      const f = new asyncio.Future<number>();
      f.setResult(1);
      f.addDoneCallback((future) => bag.push(future));
      assert.deepEqual(bag, []);
      await asyncio.sleep(0);
      assert.deepEqual(bag, [f]);
      assert.equal(f.removeDoneCallback(makeCallback(bag, 0)), 0);
    });
  });

  test("a callback runs in the given context, else in a copy of the current one", async () => {
    await runVirtual(async () => {
      const cvar = new asyncio.ContextVar<string>("cvar", { default: "nope" });
      const seen: string[] = [];
      const context = asyncio.copyContext();
      context.run(() => cvar.set("given"));
      cvar.set("current");
      const f = new asyncio.Future();
      f.addDoneCallback(() => seen.push(cvar.get()), { context });
      f.addDoneCallback(() => {
        seen.push(cvar.get());
        cvar.set("changed by the callback");
      });
      f.setResult(undefined);
      await asyncio.sleep(0);
      assert.deepEqual(seen, ["given", "current"]);
      assert.equal(cvar.get(), "current");
    });
  });

  test("an error thrown by a done callback goes to the exception handler", async () => {
    const error = new Error("callback failed");
    const { reported } = await runCollectingErrors(async () => {
      const f = new asyncio.Future();
      f.addDoneCallback(function failing() {
        throw error;
      });
      f.setResult(undefined);
      await asyncio.sleep(0);
    });
    assert.equal(reported.length, 1);
    assert.match(reported[0]!.message, /Exception in callback failing/);
    assert.equal(reported[0]!.exception, error);
    assert.ok(reported[0]!.handle instanceof asyncio.Handle);
  });

  test("addDoneCallback requires a function", async () => {
    await runVirtual(async () => {
      const f = new asyncio.Future();
      assert.throws(() => f.addDoneCallback(42 as never), {
        name: "TypeError",
        message: /addDoneCallback\(\) callback must be a function, got number 42/,
      });
      f.cancel();
    });
  });
});

describe("Future arguments", () => {
  test("a loop option that is not an EventLoop is a TypeError naming it", () => {
    assert.throws(() => new asyncio.Future({ loop: 5 as unknown as asyncio.EventLoop }), {
      name: "TypeError",
      message: /Future loop must be an EventLoop, got number 5/,
    });
  });
});

describe("Future as a promise: catch, finally, Symbol.toStringTag", () => {
  test("catch handles an error and passes a value through", async () => {
    const { reported } = await runCollectingErrors(async () => {
      const loop = asyncio.getRunningLoop();
      const failing = loop.createFuture<number>();
      loop.callSoon(() => failing.setException(new RangeError("boom")));
      const seen: unknown[] = [];
      const recovered = await failing.catch((error: unknown) => {
        seen.push(error);
        return -1;
      });
      assert.equal(recovered, -1);
      assert.ok(seen[0] instanceof RangeError);

      const working = loop.createFuture<number>();
      loop.callSoon(() => working.setResult(7));
      assert.equal(await working.catch(() => -1), 7);
      // On a Future already done too.
      assert.equal(await working.catch(() => -1), 7);
      assert.equal(await failing.catch(() => -2), -2);
    });
    // The handler looked at the error: it is not reported as never retrieved.
    assert.deepEqual(reported, []);
  });

  test("catch and finally without a handler pass the outcome on; a non-function is a TypeError", async () => {
    await runVirtual(async () => {
      const fut = asyncio.getRunningLoop().createFuture<string>();
      fut.setResult("v");
      assert.equal(await fut.catch(), "v");
      assert.equal(await fut.finally(null), "v");
      const notAFunction = 5 as unknown as () => void;
      assert.throws(() => fut.catch(notAFunction), {
        name: "TypeError",
        message: "catch() expects a function, got number 5",
      });
      assert.throws(() => fut.finally(notAFunction), {
        name: "TypeError",
        message: "finally() expects a function, got number 5",
      });
    });
  });

  test("finally runs once the Future is done and passes its value or error through", async () => {
    await runVirtual(async () => {
      const loop = asyncio.getRunningLoop();
      const calls: string[] = [];
      const good = loop.createFuture<string>();
      const goodFinally = good.finally(() => {
        calls.push(`finally with ${good.done() ? "done" : "pending"} Future`);
        return "ignored";
      });
      loop.callSoon(() => good.setResult("value"));
      assert.equal(await goodFinally, "value");

      const bad = loop.createFuture<string>();
      const error = new RangeError("kept");
      loop.callSoon(() => bad.setException(error));
      assert.equal(await rejection(bad.finally(() => calls.push("finally on error"))), error);

      const cancelled = loop.createFuture<string>();
      loop.callSoon(() => cancelled.cancel("gone"));
      const cancelError = await rejection(cancelled.finally(() => calls.push("finally on cancel")));
      assert.ok(cancelError instanceof asyncio.CancelledError);
      assert.equal(cancelError.message, "gone");
      assert.deepEqual(calls, [
        "finally with done Future",
        "finally on error",
        "finally on cancel",
      ]);
    });
  });

  test("finally waits for the promise onFinally returns; its failure replaces the outcome", async () => {
    await runVirtual(async () => {
      const loop = asyncio.getRunningLoop();
      const fut = loop.createFuture<number>();
      fut.setResult(1);
      const order: string[] = [];
      const value = await fut.finally(async () => {
        await asyncio.sleep(1);
        order.push("cleanup done");
      });
      order.push(`got ${value}`);
      assert.deepEqual(order, ["cleanup done", "got 1"]);

      const replaced = new RangeError("cleanup failed");
      assert.equal(
        await rejection(
          fut.finally(() => {
            throw replaced;
          }),
        ),
        replaced,
      );
      assert.equal(await rejection(fut.finally(() => Promise.reject(replaced))), replaced);
    });
  });

  test("a task awaiting fut.catch(...) is cancelled, and the Future with it, as with await fut", async () => {
    await runVirtual(async () => {
      const loop = asyncio.getRunningLoop();
      const fut = loop.createFuture<number>();
      const seen: unknown[] = [];
      const task = asyncio.createTask(() =>
        fut.catch((error: unknown) => {
          seen.push(error);
          throw error;
        }),
      );
      await asyncio.sleep(0);
      assert.equal(task.cancel("stop"), true);
      const error = await rejection(task);
      assert.ok(error instanceof asyncio.CancelledError);
      assert.equal(task.cancelled(), true);
      assert.equal(fut.cancelled(), true);
      assert.equal(seen.length, 1);
      assert.ok(seen[0] instanceof asyncio.CancelledError);
    });
  });

  test("a task awaiting fut.finally(...) is cancelled, and the Future with it", async () => {
    await runVirtual(async () => {
      const fut = asyncio.getRunningLoop().createFuture<number>();
      let ran = false;
      const task = asyncio.createTask(async () => {
        await fut.finally(() => {
          ran = true;
        });
      });
      await asyncio.sleep(0);
      task.cancel();
      await rejection(task);
      assert.equal(task.cancelled(), true);
      assert.equal(fut.cancelled(), true);
      assert.equal(ran, true);
    });
  });

  test("gather(...).catch(...) recovers from the first failure", async () => {
    await runVirtual(async () => {
      const result = await asyncio
        .gather(
          () => asyncio.sleep(1, "slow"),
          async () => {
            throw new RangeError("fast failure");
          },
        )
        .catch((error: unknown) => (error as Error).message);
      assert.equal(result, "fast failure");
    });
  });

  test("Futures, Tasks and GatheringFutures name their class in Object.prototype.toString", async () => {
    await runVirtual(async () => {
      const loop = asyncio.getRunningLoop();
      const fut = loop.createFuture<number>();
      const task = asyncio.createTask(async () => 1);
      const gathering = asyncio.gather(task);
      assert.equal(Object.prototype.toString.call(fut), "[object Future]");
      assert.equal(Object.prototype.toString.call(task), "[object Task]");
      assert.equal(Object.prototype.toString.call(gathering), "[object GatheringFuture]");
      // The Promise statics take them as they take promises.
      fut.setResult(2);
      assert.deepEqual(await Promise.all([task, fut, gathering]), [1, 2, [1]]);
      assert.equal(await Promise.race([loop.createFuture<number>(), fut]), 2);
    });
  });
});
