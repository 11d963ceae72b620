/**
 * gather(), mirroring CPython's test_tasks.py: GatherTestsBase, FutureGatherTests,
 * CoroutineGatherTests, and the gather tests of BaseTaskTests. "Coroutines" are coroutine
 * functions here (each one started as a child Task).
 *
 * Skipped, with the reason:
 * - GatherTestsBase.test_env_var_debug: about PYTHONASYNCIODEBUG, not gather.
 * - test_constructor_empty_sequence_use_global_loop, test_constructor_use_global_loop: gather,
 *   like createTask, needs a running loop (or Futures of one loop); it does not fall back on the
 *   loop set with setEventLoop().
 * - test_cancel_gather_2's non-string message case: cancel() messages are strings.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { rejection, runVirtual } from "../helpers.js";

class ZeroDivisionError extends Error {}

/** Lets the loop run a few iterations (CPython's `_run_loop` until nothing is ready). */
async function runBriefly(iterations = 4): Promise<void> {
  for (let i = 0; i < iterations; i++) await asyncio.sleep(0);
}

/** Counts the calls of a done callback and remembers the argument. */
function mockCallback(): { calls: unknown[]; callback: (future: unknown) => void } {
  const calls: unknown[] = [];
  return { calls, callback: (future) => calls.push(future) };
}

function futures<T = unknown>(count: number): asyncio.Future<T>[] {
  const loop = asyncio.getRunningLoop();
  return Array.from({ length: count }, () => loop.createFuture<T>());
}

/** The two ways GatherTestsBase runs its scenarios: with the Futures, or coroutine functions. */
const variants: {
  name: string;
  wrap: (fs: asyncio.Future<unknown>[]) => asyncio.AwaitableLike<unknown>[];
}[] = [
  { name: "FutureGatherTests", wrap: (fs) => fs },
  { name: "CoroutineGatherTests", wrap: (fs) => fs.map((fut) => async () => await fut) },
];

for (const { name, wrap } of variants) {
  const checkSuccess = (options?: asyncio.GatherOptions) =>
    runVirtual(async () => {
      const [a, b, c] = futures<number>(3) as [
        asyncio.Future<number>,
        asyncio.Future<number>,
        asyncio.Future<number>,
      ];
      const fut = asyncio.gather(wrap([a, b, c] as asyncio.Future<unknown>[]), options ?? {});
      const cb = mockCallback();
      fut.addDoneCallback(cb.callback);
      b.setResult(1);
      a.setResult(2);
      await runBriefly();
      assert.equal(cb.calls.length, 0);
      assert.ok(!fut.done());
      c.setResult(3);
      await runBriefly();
      assert.deepEqual(cb.calls, [fut]);
      assert.deepEqual(fut.result(), [2, 1, 3]);
    });

  // mirrors test_tasks.GatherTestsBase.test_success
  test(`${name}: results come in argument order`, async () => {
    await checkSuccess();
    await checkSuccess({ returnExceptions: false });
  });

  // mirrors test_tasks.GatherTestsBase.test_result_exception_success
  test(`${name}: returnExceptions with only successes`, () =>
    checkSuccess({ returnExceptions: true }));

  // mirrors test_tasks.GatherTestsBase.test_one_exception
  test(`${name}: the first exception completes the gather at once`, () =>
    runVirtual(async () => {
      const [a, b, c, d, e] = futures<number>(5) as asyncio.Future<number>[] as [
        asyncio.Future<number>,
        asyncio.Future<number>,
        asyncio.Future<number>,
        asyncio.Future<number>,
        asyncio.Future<number>,
      ];
      const fut = asyncio.gather(wrap([a, b, c, d, e] as asyncio.Future<unknown>[]));
      const cb = mockCallback();
      fut.addDoneCallback(cb.callback);
      const exc = new ZeroDivisionError();
      a.setResult(1);
      b.setException(exc);
      await runBriefly();
      assert.ok(fut.done());
      assert.deepEqual(cb.calls, [fut]);
      assert.equal(fut.exception(), exc);
      // Does nothing
      c.setResult(3);
      d.cancel();
      e.setException(new asyncio.RuntimeError());
      e.exception();
      await runBriefly();
    }));

  // mirrors test_tasks.GatherTestsBase.test_return_exceptions
  test(`${name}: returnExceptions puts errors among the results`, () =>
    runVirtual(async () => {
      const [a, b, c, d] = futures<number>(4) as [
        asyncio.Future<number>,
        asyncio.Future<number>,
        asyncio.Future<number>,
        asyncio.Future<number>,
      ];
      const fut = asyncio.gather(wrap([a, b, c, d] as asyncio.Future<unknown>[]), {
        returnExceptions: true,
      });
      const cb = mockCallback();
      fut.addDoneCallback(cb.callback);
      const exc = new ZeroDivisionError();
      const exc2 = new asyncio.RuntimeError();
      b.setResult(1);
      c.setException(exc);
      a.setResult(3);
      await runBriefly();
      assert.ok(!fut.done());
      d.setException(exc2);
      await runBriefly();
      assert.ok(fut.done());
      assert.deepEqual(cb.calls, [fut]);
      assert.deepEqual(fut.result(), [3, 1, exc, exc2]);
    }));
}

// mirrors test_tasks.FutureGatherTests.test_constructor_empty_sequence_without_loop
test("gather() outside a running loop is a RuntimeError", () => {
  assert.throws(() => asyncio.gather(), asyncio.RuntimeError);
});

// mirrors test_tasks.FutureGatherTests.test_constructor_empty_sequence_use_running_loop
test("gather() of nothing is a done Future of the running loop", () =>
  runVirtual(async () => {
    const fut = asyncio.gather();
    assert.ok(fut instanceof asyncio.Future);
    assert.equal(fut.getLoop(), asyncio.getRunningLoop());
    assert.ok(fut.done());
    assert.deepEqual(fut.result(), []);
    assert.deepEqual(await asyncio.gather([]), []);
  }));

// mirrors test_tasks.FutureGatherTests.test_constructor_heterogenous_futures
test("Futures of two loops are a RangeError", () =>
  runVirtual(async () => {
    const other = new asyncio.EventLoop();
    const fut1 = asyncio.getRunningLoop().createFuture();
    const fut2 = other.createFuture();
    const error = await rejection(asyncio.gather(fut1, fut2));
    assert.ok(error instanceof RangeError);
    assert.ok(!fut1.done());
    other.close();
  }));

// mirrors test_tasks.FutureGatherTests.test_constructor_homogenous_futures
test("the gather belongs to its Futures' loop", () => {
  const other = new asyncio.EventLoop();
  const children = Array.from({ length: 3 }, () => other.createFuture());
  const fut = asyncio.gather(...children);
  assert.equal(fut.getLoop(), other);
  assert.ok(!fut.done());
  const again = asyncio.gather(...children);
  assert.equal(again.getLoop(), other);
  assert.ok(!again.done());
  other.close();
});

// mirrors test_tasks.FutureGatherTests.test_one_cancellation
test("a cancelled child makes the gather fail with CancelledError, not be cancelled", () =>
  runVirtual(async () => {
    const [a, b, c, d, e] = futures<number>(5) as [
      asyncio.Future<number>,
      asyncio.Future<number>,
      asyncio.Future<number>,
      asyncio.Future<number>,
      asyncio.Future<number>,
    ];
    const fut = asyncio.gather(a, b, c, d, e);
    const cb = mockCallback();
    fut.addDoneCallback(cb.callback);
    a.setResult(1);
    b.cancel();
    await runBriefly();
    assert.ok(fut.done());
    assert.deepEqual(cb.calls, [fut]);
    assert.ok(!fut.cancelled());
    assert.ok(fut.exception() instanceof asyncio.CancelledError);
    // Does nothing
    c.setResult(3);
    d.cancel();
    e.setException(new asyncio.RuntimeError());
    e.exception();
  }));

// mirrors test_tasks.FutureGatherTests.test_result_exception_one_cancellation
test("returnExceptions puts a CancelledError for each cancelled child", () =>
  runVirtual(async () => {
    const [a, b, c, d, e, f] = futures<number>(6) as [
      asyncio.Future<number>,
      asyncio.Future<number>,
      asyncio.Future<number>,
      asyncio.Future<number>,
      asyncio.Future<number>,
      asyncio.Future<number>,
    ];
    const fut = asyncio.gather([a, b, c, d, e, f], { returnExceptions: true });
    const cb = mockCallback();
    fut.addDoneCallback(cb.callback);
    a.setResult(1);
    const zde = new ZeroDivisionError();
    b.setException(zde);
    c.cancel();
    await runBriefly();
    assert.ok(!fut.done());
    d.setResult(3);
    e.cancel("stop");
    const rte = new asyncio.RuntimeError();
    f.setException(rte);
    const res = await fut;
    assert.ok(res[2] instanceof asyncio.CancelledError);
    assert.ok(res[4] instanceof asyncio.CancelledError);
    assert.equal(res[4].message, "stop");
    assert.deepEqual([res[0], res[1], res[3], res[5]], [1, zde, 3, rte]);
    assert.deepEqual(cb.calls, [fut]);
  }));

// mirrors test_tasks.CoroutineGatherTests.test_constructor_without_loop
test("coroutine functions outside a running loop are a RuntimeError", () => {
  let started = false;
  const coro = async () => {
    started = true;
    return "abc";
  };
  assert.throws(() => asyncio.gather(coro, coro), asyncio.RuntimeError);
  assert.ok(!started);
});

// mirrors test_tasks.CoroutineGatherTests.test_constructor_use_running_loop
test("coroutine functions run on the running loop", () =>
  runVirtual(async () => {
    const coro = async () => "abc";
    const fut = asyncio.gather(coro, coro);
    assert.equal(fut.getLoop(), asyncio.getRunningLoop());
    assert.deepEqual(await fut, ["abc", "abc"]);
  }));

// mirrors test_tasks.CoroutineGatherTests.test_duplicate_coroutines
test("the same promise given several times is one child", () =>
  runVirtual(async () => {
    let runs = 0;
    const coro = async (s: string) => {
      runs++;
      return s;
    };
    const c = coro("abc");
    const fut = asyncio.gather(c, c, coro("def"), c);
    await runBriefly();
    assert.deepEqual(fut.result(), ["abc", "abc", "def", "abc"]);
    assert.equal(runs, 2);
  }));

// mirrors test_tasks.CoroutineGatherTests.test_cancellation_broadcast
test("cancelling the task awaiting the gather cancels every child", () =>
  runVirtual(async () => {
    let proof = 0;
    const waiter = asyncio.getRunningLoop().createFuture<void>();
    const inner = async () => {
      await waiter;
      proof += 1;
    };
    const child1 = asyncio.ensureFuture(inner);
    const child2 = asyncio.ensureFuture(inner);
    let gatherer: asyncio.GatheringFuture<unknown> | null = null;
    const f = asyncio.ensureFuture(async () => {
      gatherer = asyncio.gather(child1, child2);
      await gatherer;
      proof += 100;
    });
    await runBriefly(1);
    assert.ok(f.cancel());
    assert.ok((await rejection(f)) instanceof asyncio.CancelledError);
    assert.ok(!(gatherer as unknown as asyncio.Future).cancel());
    assert.ok(waiter.cancelled());
    assert.ok(child1.cancelled());
    assert.ok(child2.cancelled());
    await runBriefly(1);
    assert.equal(proof, 0);
  }));

// mirrors test_tasks.CoroutineGatherTests.test_exception_marking
test("a second child's error after the gather failed counts as retrieved", () =>
  runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    const reported: asyncio.ExceptionContext[] = [];
    loop.setExceptionHandler((_loop, context) => reported.push(context));
    const a = loop.createFuture<void>();
    const b = loop.createFuture<void>();
    const inner = (f: asyncio.Future<void>) => async () => {
      await f;
      throw new asyncio.RuntimeError("should not be ignored");
    };
    const f = asyncio.ensureFuture(async () => {
      await asyncio.gather(inner(a), inner(b));
    });
    await runBriefly(1);
    a.setResult(undefined);
    await runBriefly(3);
    b.setResult(undefined);
    await runBriefly(3);
    assert.ok(f.exception() instanceof asyncio.RuntimeError);
    assert.deepEqual(reported, []);
  }));

// mirrors test_tasks.CoroutineGatherTests.test_issue46672
test("a bad argument after a coroutine function starts nothing and reports nothing", () =>
  runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    const reported: asyncio.ExceptionContext[] = [];
    loop.setExceptionHandler((_loop, context) => reported.push(context));
    let started = false;
    const coro = async () => {
      started = true;
      return "abc";
    };
    // Python passes `{}` last; here a trailing plain object is gather's options, so it goes
    // between two coroutine functions.
    const notAwaitable = {} as unknown as Promise<void>;
    const error = await rejection(asyncio.gather(coro, notAwaitable, coro));
    assert.ok(error instanceof TypeError);
    await runBriefly();
    assert.ok(!started);
    assert.deepEqual(reported, []);
  }));

// mirrors test_tasks.BaseTaskTests.test_cancel_gather_1
test("a gather refuses to be cancelled once all children are done", () =>
  runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    const fut = loop.createFuture<number>();
    // The indirection fut -> child is needed, else the gather is done with the future.
    const gatherFuture = asyncio.gather(async () => await fut);
    await asyncio.sleep(0);
    let cancelResult: boolean | null = null;
    // Runs in the iteration after the child's last step, which must have finished it.
    fut.addDoneCallback(() => {
      cancelResult = gatherFuture.cancel();
    });
    fut.setResult(42);
    await gatherFuture;
    assert.equal(cancelResult, false);
    assert.ok(!gatherFuture.cancelled());
    assert.deepEqual(gatherFuture.result(), [42]);
  }));

// mirrors test_tasks.BaseTaskTests.test_cancel_gather_2
for (const [args, expected] of [
  [[], ""],
  [["my message"], "my message"],
] as const) {
  test(`cancelling a task awaiting gather with ${JSON.stringify(args)} propagates the message`, () =>
    runVirtual(async () => {
      const inner = asyncio.createTask(async () => {
        let time = 0;
        for (;;) {
          time += 0.05;
          await asyncio.gather([() => asyncio.sleep(0.05)], { returnExceptions: true });
          if (time > 1) return;
        }
      });
      await asyncio.sleep(0.2);
      inner.cancel(...(args as readonly string[]));
      const error = await rejection(inner);
      assert.ok(error instanceof asyncio.CancelledError);
      assert.equal(error.message, expected);
    }));
}

// mirrors test_tasks.BaseTaskTests.test_shield_gather
test("a shielded gather completes after the shield was cancelled", () =>
  runVirtual(async () => {
    const [child1, child2] = futures<number>(2) as [asyncio.Future<number>, asyncio.Future<number>];
    const parent = asyncio.gather(child1, child2);
    const outer = asyncio.shield(parent);
    await runBriefly(1);
    outer.cancel();
    await runBriefly(1);
    assert.ok(outer.cancelled());
    child1.setResult(1);
    child2.setResult(2);
    await runBriefly();
    assert.deepEqual(parent.result(), [1, 2]);
  }));

// mirrors test_tasks.BaseTaskTests.test_gather_shield
test("cancelling a gather of shields cancels the shields, not what they shield", () =>
  runVirtual(async () => {
    const [child1, child2] = futures<number>(2) as [asyncio.Future<number>, asyncio.Future<number>];
    const inner1 = asyncio.shield(child1);
    const inner2 = asyncio.shield(child2);
    const parent = asyncio.gather(inner1, inner2);
    await runBriefly(1);
    parent.cancel();
    await runBriefly();
    assert.ok(parent.exception() instanceof asyncio.CancelledError);
    assert.ok(inner1.cancelled());
    assert.ok(inner2.cancelled());
    assert.ok(!child1.done() && !child2.done());
    child1.setResult(1);
    child2.setResult(2);
    await runBriefly();
  }));

test("a child's failure propagates at once while the others run on", () =>
  runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    let slowFinished = false;
    const slow = asyncio.createTask(async () => {
      await asyncio.sleep(5);
      slowFinished = true;
    });
    const error = await rejection(
      asyncio.gather(slow, async () => {
        await asyncio.sleep(1);
        throw new ZeroDivisionError();
      }),
    );
    assert.ok(error instanceof ZeroDivisionError);
    assert.ok(loop.time() < 2);
    assert.ok(!slow.done());
    await slow;
    assert.ok(slowFinished);
  }));

test("cancel() on the gather cancels the children and ends in a CancelledError", () =>
  runVirtual(async () => {
    const tasks = [1, 2, 3].map((s) => asyncio.createTask(() => asyncio.sleep(s, s)));
    const gathering = asyncio.gather(...tasks);
    await asyncio.sleep(0);
    assert.ok(gathering.cancel("enough"));
    assert.ok(!gathering.done(), "it completes once the children report back");
    const error = await rejection(gathering);
    assert.ok(error instanceof asyncio.CancelledError);
    assert.equal(error.message, "enough");
    assert.ok(tasks.every((task) => task.cancelled()));
    const notAString = 5 as unknown as string;
    assert.throws(() => gathering.cancel(notAString), TypeError);
  }));

test("each occurrence of a coroutine function is its own child task", () =>
  runVirtual(async () => {
    let runs = 0;
    const tick = async () => ++runs;
    const results = await asyncio.gather(tick, tick, tick);
    assert.equal(runs, 3);
    assert.deepEqual([...results].sort(), [1, 2, 3]);
  }));

test("tasks, futures, promises and coroutine functions mix, typed as a tuple", () =>
  runVirtual(async () => {
    const fut = asyncio.getRunningLoop().createFuture<boolean>();
    fut.setResult(true);
    const [n, s, b, d] = await asyncio.gather(
      () => asyncio.sleep(1, 42),
      asyncio.createTask(async () => "text"),
      fut,
      Promise.resolve(new Date(0)),
    );
    assert.equal(n + 1, 43);
    assert.equal(s.toUpperCase(), "TEXT");
    assert.equal(b, true);
    assert.equal(d.getTime(), 0);
  }));

test("bad arguments give a Future rejected with a typed error", () =>
  runVirtual(async () => {
    const bad = 5 as unknown as Promise<number>;
    let error = await rejection(asyncio.gather(bad));
    assert.ok(error instanceof TypeError);
    assert.match(error.message, /awaitable 0 must be a Task, a Future, a promise or a coroutine/);
    const options = { returnExceptions: true } as unknown as Promise<number>;
    error = await rejection(asyncio.gather(options, async () => 1));
    assert.ok(error instanceof TypeError);
    assert.match(error.message, /takes options last: gather\(a, b, \{ returnExceptions: true \}\)/);
    const notBoolean = { returnExceptions: "yes" } as unknown as asyncio.GatherOptions;
    error = await rejection(asyncio.gather([async () => 1], notBoolean));
    assert.ok(error instanceof TypeError);
    const notOptions = 3 as unknown as asyncio.GatherOptions;
    error = await rejection(asyncio.gather([async () => 1], notOptions));
    assert.ok(error instanceof TypeError);
    const tooMany = asyncio.gather as unknown as (...args: unknown[]) => asyncio.Future<unknown>;
    error = await rejection(tooMany([], {}, {}));
    assert.ok(error instanceof TypeError);
  }));

test("gather(...aws, { returnExceptions: true }) takes options last, as Python's keyword", () =>
  runVirtual(async () => {
    const failure = new ZeroDivisionError();
    const tasks = [
      asyncio.createTask(async () => 1),
      asyncio.createTask(async () => {
        throw failure;
      }),
      asyncio.createTask(() => asyncio.sleep(10, 3)),
    ];
    (tasks[2] as asyncio.Task<number>).cancel("stop");
    const outcomes = await asyncio.gather(...tasks, { returnExceptions: true });
    assert.equal(outcomes.length, 3);
    assert.equal(outcomes[0], 1);
    assert.equal(outcomes[1], failure);
    assert.ok(outcomes[2] instanceof asyncio.CancelledError);
    assert.equal(outcomes[2].message, "stop");
    // Without returnExceptions (false, or no option set), the first error rejects the gather.
    assert.equal(await rejection(asyncio.gather(...tasks, { returnExceptions: false })), failure);
    assert.equal(await rejection(asyncio.gather(...tasks, {})), failure);
    assert.deepEqual(await asyncio.gather(() => asyncio.sleep(1, "a"), {}), ["a"]);
    // Options alone: nothing to wait for.
    assert.deepEqual(await asyncio.gather({ returnExceptions: true }), []);
  }));

test("a trailing thenable or Future is an awaitable, not options", () =>
  runVirtual(async () => {
    const fut = asyncio.getRunningLoop().createFuture<string>();
    fut.setResult("future");
    const thenable = {
      returnExceptions: true,
      // biome-ignore lint/suspicious/noThenProperty: a foreign thenable, on purpose.
      then(resolve: (value: string) => void) {
        resolve("thenable");
      },
    };
    assert.deepEqual(await asyncio.gather(Promise.resolve(1), fut, thenable), [
      1,
      "future",
      "thenable",
    ]);
    // A class instance is not a plain object: it is refused as an awaitable.
    const notPlain = new Date(0) as unknown as Promise<number>;
    const error = await rejection(asyncio.gather(Promise.resolve(1), notPlain));
    assert.ok(error instanceof TypeError);
    assert.match(error.message, /awaitable 1 must be a Task, a Future, a promise/);
  }));

test("gather options are checked in both forms: unknown keys and non-booleans are TypeErrors", () =>
  runVirtual(async () => {
    const started: string[] = [];
    const work = async () => {
      started.push("work");
      return 1;
    };
    const typo = { returnException: true } as unknown as asyncio.GatherOptions;
    for (const fut of [asyncio.gather(work, typo), asyncio.gather([work], typo)]) {
      const error = await rejection(fut);
      assert.ok(error instanceof TypeError);
      assert.equal(
        error.message,
        'gather() got an unknown option "returnException" (its one option is returnExceptions); ' +
          "a plain object is not an awaitable",
      );
    }
    const notBoolean = { returnExceptions: "yes" } as unknown as asyncio.GatherOptions;
    const error = await rejection(asyncio.gather(work, notBoolean));
    assert.ok(error instanceof TypeError);
    assert.equal(error.message, 'gather() returnExceptions must be a boolean, got string "yes"');
    // Nothing was started by a refused gather.
    await asyncio.sleep(0);
    assert.deepEqual(started, []);
  }));
