/**
 * asCompleted(), mirroring the as_completed tests of CPython's test_tasks.py (BaseTaskTests).
 * Each scenario runs with both forms: `for await` (done Tasks and Futures) and `for`
 * (promises of the next result).
 *
 * Notes: CPython moves its test loop's clock by hand (`advance_time`); virtual time jumps to
 * the next timer by itself, so the same deadlines are reached without it. The plain-iterator
 * half of test_as_completed_concurrent runs in real time: it turns the promises into Futures
 * with ensureFuture(), and a promise made a Future counts as work outside the loop, which a
 * virtual clock waits for.
 *
 * The `for await` loops go through `completed()`, typed as an AsyncIterable: once a program
 * iterates an AsCompletedIterator<T> with plain `for`, TypeScript types later `for await`
 * loops over the same T through the sync iterator (see docs/differences.md).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { rejection, runVirtual } from "../helpers.js";

type Awaitables<T> = asyncio.AwaitableLike<T>[];

/** asCompleted() for `for await`. */
function completed<T>(
  aws: Iterable<asyncio.AwaitableLike<T>>,
  options?: asyncio.AsCompletedOptions,
): AsyncIterable<asyncio.CompletedFuture<T>> {
  return asyncio.asCompleted(aws, options);
}

/** for (const f of asCompleted(aws)) values.push(await f) */
async function tryIterator<T>(aws: Awaitables<T>): Promise<T[]> {
  const values: T[] = [];
  for (const f of asyncio.asCompleted(aws)) values.push(await f);
  return values;
}

/** for await (const f of asCompleted(aws)) values.push(await f) */
async function tryAsyncIterator<T>(aws: Awaitables<T>): Promise<T[]> {
  const values: T[] = [];
  // The yielded object is the Future itself: awaiting it gives its result.
  for await (const f of completed(aws)) values.push(await (f as asyncio.Future<T>));
  return values;
}

const forms = [
  { name: "for", collect: tryIterator },
  { name: "for await", collect: tryAsyncIterator },
];

for (const { name, collect } of forms) {
  // mirrors test_tasks.BaseTaskTests.test_as_completed
  test(`${name}: results come in completion order`, () =>
    runVirtual(async () => {
      const loop = asyncio.getRunningLoop();
      const sleeper = (dt: number, x: string) => () => asyncio.sleep(dt, x);
      const res = await asyncio.createTask(() =>
        collect([sleeper(0.01, "b"), sleeper(0.15, "c"), sleeper(0.01, "a")]),
      );
      assert.ok(Math.abs(loop.time() - 0.15) < 1e-9);
      assert.ok(res.slice(0, 2).includes("a"));
      assert.ok(res.slice(0, 2).includes("b"));
      assert.equal(res[2], "c");
    }));

  // mirrors test_tasks.BaseTaskTests.test_as_completed_with_unused_timeout
  test(`${name}: a timeout that is not reached changes nothing`, () =>
    runVirtual(async () => {
      const a = () => asyncio.sleep(0.01, "a");
      const values: string[] = [];
      if (name === "for") {
        for (const f of asyncio.asCompleted([a], { timeout: 1 })) values.push(await f);
      } else {
        for await (const f of completed([a], { timeout: 1 })) values.push(f.result());
      }
      assert.deepEqual(values, ["a"]);
    }));

  // mirrors test_tasks.BaseTaskTests.test_as_completed_duplicate_coroutines
  test(`${name}: the same promise twice is one awaitable`, () =>
    runVirtual(async () => {
      const coro = async (s: string) => s;
      const c = coro("ham");
      const result = await asyncio.createTask(() => collect([c, c, coro("spam")]));
      assert.deepEqual(new Set(result), new Set(["ham", "spam"]));
      assert.equal(result.length, 2);
    }));
}

// mirrors test_tasks.BaseTaskTests.test_as_completed_same_tasks_in_as_out
test("for await yields the Tasks passed in, and new Tasks for the rest", () =>
  runVirtual(async () => {
    const coro = (i: string) => async () => i;
    const collectOut = async (aws: Awaitables<string>) => {
      const out = new Set<unknown>();
      for await (const f of completed(aws)) out.add(f);
      return out;
    };
    let awaitablesIn: Awaitables<string> = [coro("0"), coro("1"), coro("2"), coro("3")];
    let out = await collectOut(awaitablesIn);
    assert.equal(out.size, 4);
    for (const aw of awaitablesIn) assert.ok(!out.has(aw));
    for (const f of out) assert.ok(f instanceof asyncio.Task);
    const taskB = asyncio.createTask(coro("b"));
    const taskD = asyncio.createTask(coro("d"));
    const promiseA = coro("a")();
    awaitablesIn = [promiseA, taskB, coro("c"), taskD];
    out = await collectOut(awaitablesIn);
    assert.deepEqual(new Set(awaitablesIn.filter((aw) => out.has(aw))), new Set([taskB, taskD]));
  }));

// mirrors test_tasks.BaseTaskTests.test_as_completed_with_timeout
test("for: the step past the timeout rejects with TimeoutError", () =>
  runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    const a = asyncio.createTask(() => asyncio.sleep(0.1, "a"));
    const b = asyncio.createTask(() => asyncio.sleep(0.15, "b"));
    const values: [number, unknown][] = [];
    await asyncio.createTask(async () => {
      for (const f of asyncio.asCompleted([a, b], { timeout: 0.12 })) {
        try {
          values.push([1, await f]);
        } catch (error) {
          values.push([2, error]);
        }
      }
    });
    assert.equal(values.length, 2);
    assert.deepEqual(values[0], [1, "a"]);
    assert.equal(values[1]?.[0], 2);
    assert.ok(values[1]?.[1] instanceof asyncio.TimeoutError);
    assert.ok(Math.abs(loop.time() - 0.12) < 1e-9);
    await asyncio.wait([a, b]);
  }));

// mirrors test_tasks.BaseTaskTests.test_as_completed_with_timeout
test("for await: the iteration past the timeout rejects with TimeoutError", () =>
  runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    const a = asyncio.createTask(() => asyncio.sleep(0.1, "a"));
    const b = asyncio.createTask(() => asyncio.sleep(0.15, "b"));
    const values: [number, unknown][] = [];
    await asyncio.createTask(async () => {
      try {
        for await (const f of completed([a, b], { timeout: 0.12 })) {
          values.push([1, await f]);
        }
      } catch (error) {
        values.push([2, error]);
      }
    });
    assert.equal(values.length, 2);
    assert.deepEqual(values[0], [1, "a"]);
    assert.ok(values[1]?.[1] instanceof asyncio.TimeoutError);
    assert.ok(Math.abs(loop.time() - 0.12) < 1e-9);
    await asyncio.wait([a, b]);
  }));

// mirrors test_tasks.BaseTaskTests.test_as_completed_resume_iterator
test("an iteration left with break can be resumed, in both forms", () =>
  runVirtual(async () => {
    const coro = (i: number) => async () => i;
    const awaitables = () => [coro(0), coro(1), coro(2), coro(3)];

    const iterator = asyncio.asCompleted(awaitables());
    let collected: number[] = [];
    for (const f of iterator) {
      collected.push(await f);
      if (collected.length === 2) break;
    }
    assert.equal(collected.length, 2);
    for (const f of iterator) collected.push(await f);
    assert.deepEqual([...collected].sort(), [0, 1, 2, 3]);

    const asyncIterator = completed(awaitables());
    collected = [];
    for await (const f of asyncIterator) {
      collected.push(f.result());
      if (collected.length === 2) break;
    }
    assert.equal(collected.length, 2);
    for await (const f of asyncIterator) collected.push(f.result());
    assert.deepEqual([...collected].sort(), [0, 1, 2, 3]);
  }));

// mirrors test_tasks.BaseTaskTests.test_as_completed_reverse_wait
test("the first promise awaited gets the first result, whichever it is", () =>
  runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    const a = () => asyncio.sleep(0.05, "a");
    const b = () => asyncio.sleep(0.1, "b");
    const futs = [...asyncio.asCompleted([a, b])];
    assert.equal(futs.length, 2);
    assert.equal(await futs[1], "a");
    assert.ok(Math.abs(loop.time() - 0.05) < 1e-9);
    assert.equal(await futs[0], "b");
    assert.ok(Math.abs(loop.time() - 0.1) < 1e-9);
  }));

// mirrors test_tasks.BaseTaskTests.test_as_completed_concurrent
test("for await: the yielded Futures can be awaited together", () =>
  runVirtual(async () => {
    const a = () => asyncio.sleep(0.05, "a");
    const b = () => asyncio.sleep(0.05, "b");
    const futs: asyncio.Future<string>[] = [];
    for await (const f of completed([a, b])) futs.push(f as asyncio.Future<string>);
    assert.equal(futs.length, 2);
    const [done] = await asyncio.wait(futs);
    assert.deepEqual(new Set([...done].map((f) => f.result())), new Set(["a", "b"]));
  }));

// mirrors test_tasks.BaseTaskTests.test_as_completed_concurrent (real time, see the top)
test("for: the promises can be awaited together", () =>
  asyncio.run(async () => {
    const a = () => asyncio.sleep(0.05, "a");
    const b = () => asyncio.sleep(0.05, "b");
    const futs = [...asyncio.asCompleted([a, b])];
    assert.equal(futs.length, 2);
    const [done] = await asyncio.wait(futs.map((f) => asyncio.ensureFuture(f)));
    assert.deepEqual(new Set([...done].map((f) => f.result())), new Set(["a", "b"]));
  }));

// mirrors test_tasks.BaseTaskTests.test_as_completed_coroutine_without_loop
test("asCompleted outside a running loop is a RuntimeError", () => {
  let started = false;
  const coro = async () => {
    started = true;
    return 42;
  };
  assert.throws(() => asyncio.asCompleted([coro]), asyncio.RuntimeError);
  assert.ok(!started);
});

// mirrors test_tasks.BaseTaskTests.test_as_completed_coroutine_use_running_loop
test("asCompleted uses the running loop", () =>
  runVirtual(async () => {
    const futs = [...asyncio.asCompleted([async () => 42])];
    assert.equal(futs.length, 1);
    assert.equal(await futs[0], 42);
  }));

// mirrors test_tasks.BaseTaskTests.test_as_completed_invalid_args
test("a single awaitable instead of a collection is a TypeError", () =>
  runVirtual(async () => {
    const fut = asyncio
      .getRunningLoop()
      .createFuture() as unknown as asyncio.AwaitableLike<unknown>[];
    assert.throws(() => asyncio.asCompleted(fut), { name: "TypeError", message: /iterable/ });
    const coro = (async () => {})() as unknown as asyncio.AwaitableLike<unknown>[];
    assert.throws(() => asyncio.asCompleted(coro), TypeError);
  }));

test("an empty collection ends at once", () =>
  runVirtual(async () => {
    assert.deepEqual(await tryIterator([]), []);
    assert.deepEqual(await tryAsyncIterator([]), []);
  }));

test("a cancelled wait passes its turn on, so no result is lost", () =>
  runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    const iterator = asyncio.asCompleted([
      () => asyncio.sleep(1, "a"),
      () => asyncio.sleep(2, "b"),
    ]);
    const [first, second] = [...iterator] as [PromiseLike<string>, PromiseLike<string>];
    const waiting = asyncio.createTask(async () => await first);
    await asyncio.sleep(0.5);
    waiting.cancel();
    assert.ok((await rejection(waiting)) instanceof asyncio.CancelledError);
    assert.equal(await second, "a");
    assert.ok(Math.abs(loop.time() - 1) < 1e-9);
  }));

test("a failed awaitable rejects its step with its error", () =>
  runVirtual(async () => {
    class Boom extends Error {}
    const failing = async (): Promise<number> => {
      await asyncio.sleep(1);
      throw new Boom();
    };
    const errors: unknown[] = [];
    for (const f of asyncio.asCompleted([failing])) errors.push(await rejection(f));
    for await (const f of completed([failing])) errors.push(f.exception());
    assert.ok(errors.every((error) => error instanceof Boom));
    assert.equal(errors.length, 2);
  }));

test("bad awaitables and timeouts are typed errors", () =>
  runVirtual(async () => {
    const bad = [async () => 1, 7 as unknown as Promise<number>];
    assert.throws(() => asyncio.asCompleted(bad), { name: "TypeError", message: /awaitable 1/ });
    assert.throws(() => asyncio.asCompleted([], { timeout: Number.NaN }), RangeError);
    const soon = "soon" as asyncio.Duration;
    assert.throws(() => asyncio.asCompleted([], { timeout: soon }), TypeError);
    const notIterable = 3 as unknown as asyncio.AwaitableLike<unknown>[];
    assert.throws(() => asyncio.asCompleted(notIterable), TypeError);
  }));
