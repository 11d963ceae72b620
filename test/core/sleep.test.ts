/**
 * `sleep(delay, result?)`, mirroring the sleep tests of CPython's test_tasks.py
 * (BaseTaskTests.test_sleep*, test_task_cancel_sleeping_task, SleepTests).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { VirtualClock } from "asyncio-ts/testing";
import { rejection, runVirtual } from "../helpers.js";

/** A virtual clock that records every alarm the loop asks for. */
class RecordingClock implements asyncio.Clock {
  readonly alarms: (number | null)[] = [];
  readonly #inner = new VirtualClock({ autojump: true });

  now(): number {
    return this.#inner.now();
  }

  setAlarm(deadline: number | null, host: asyncio.AlarmHost): void {
    this.alarms.push(deadline);
    this.#inner.setAlarm(deadline, host);
  }
}

// mirrors test_tasks.BaseTaskTests.test_sleep
test("sleep waits the delay and resolves with the result", async () => {
  await runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    const sleeper = async (dt: number, arg: string) => {
      await asyncio.sleep(dt / 2);
      return await asyncio.sleep(dt / 2, arg);
    };
    const t = asyncio.createTask(() => sleeper(0.1, "yeah"));
    assert.equal(await t, "yeah");
    assert.ok(Math.abs(loop.time() - 0.1) < 1e-9);
  });
});

// mirrors test_tasks.BaseTaskTests.test_sleep_when_delay_is_nan
test("sleep(NaN) rejects with a RangeError", async () => {
  await runVirtual(async () => {
    const error = await rejection(asyncio.sleep(Number.NaN));
    assert.ok(error instanceof RangeError);
    assert.match(error.message, /sleep\(\) delay must be a number of seconds, got NaN/);
  });
});

// mirrors test_tasks.BaseTaskTests.test_sleep_cancel
test("cancelling a sleeping task takes its timer off the loop", async () => {
  const clock = new RecordingClock();
  await asyncio.run(
    async () => {
      const loop = asyncio.getRunningLoop();
      const t = asyncio.createTask(() => asyncio.sleep(2, "yeah"));
      await asyncio.sleep(1);
      t.cancel();
      assert.ok((await rejection(t)) instanceof asyncio.CancelledError);
      assert.equal(loop.time(), 1);
      await asyncio.sleep(5);
      assert.equal(loop.time(), 6);
    },
    { clock },
  );
  // The loop asked for an alarm at 1 (main's sleep, before t's at 2), then at 6: never at 2.
  const deadlines = clock.alarms.filter((deadline) => deadline !== null);
  assert.deepEqual([...new Set(deadlines)], [1, 6]);
});

// mirrors test_tasks.BaseTaskTests.test_task_cancel_sleeping_task
test("a sleeping task cancelled by a timer ends at that timer's time", async () => {
  const result = await runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    const sleeper = asyncio.createTask(() => asyncio.sleep(5000));
    loop.callLater(0.1, () => sleeper.cancel());
    let outcome: string;
    try {
      await sleeper;
      outcome = "slept in";
    } catch (error) {
      if (!(error instanceof asyncio.CancelledError)) throw error;
      outcome = "cancelled";
    }
    return { outcome, time: loop.time() };
  });
  assert.equal(result.outcome, "cancelled");
  assert.ok(Math.abs(result.time - 0.1) < 1e-9);
});

// mirrors test_tasks.SleepTests.test_sleep_zero
test("sleep(0) lets the callbacks already scheduled run, then resolves with the result", async () => {
  let result = 0;
  const incResult = (num: number) => {
    result += num;
  };
  await runVirtual(async () => {
    asyncio.getRunningLoop().callSoon(incResult, 1);
    assert.equal(result, 0);
    const num = await asyncio.sleep(0, 10);
    assert.equal(result, 1);
    incResult(num);
  });
  assert.equal(result, 11);
});

test("sleep(0) yields exactly one loop iteration: two tasks alternate", async () => {
  await runVirtual(async () => {
    const order: string[] = [];
    const worker = async (name: string) => {
      for (let i = 0; i < 3; i++) {
        order.push(`${name}${i}`);
        await asyncio.sleep(0);
      }
    };
    const a = asyncio.createTask(() => worker("a"));
    const b = asyncio.createTask(() => worker("b"));
    await a;
    await b;
    assert.deepEqual(order, ["a0", "b0", "a1", "b1", "a2", "b2"]);
  });
});

test("sleep(0) does not wait for callbacks scheduled after it", async () => {
  await runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    const order: string[] = [];
    const resumed = asyncio.sleep(0).then(() => order.push("sleep(0) resumed"));
    loop.callSoon(() => order.push("callback scheduled after sleep(0)"));
    await resumed;
    assert.equal(order[0], "sleep(0) resumed");
    await asyncio.sleep(0);
    assert.deepEqual(order, ["sleep(0) resumed", "callback scheduled after sleep(0)"]);
  });
});

test("a negative delay behaves as sleep(0)", async () => {
  await runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    const order: string[] = [];
    loop.callSoon(() => order.push("callback"));
    assert.equal(await asyncio.sleep(-5, "result"), "result");
    assert.deepEqual(order, ["callback"]);
    assert.equal(loop.time(), 0);
  });
});

test("sleeps of different tasks end in deadline order, equal deadlines in start order", async () => {
  await runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    const woke: string[] = [];
    const sleeper = async (name: string, delay: number) => {
      await asyncio.sleep(delay);
      woke.push(`${name}@${loop.time()}`);
    };
    const tasks = [
      asyncio.createTask(() => sleeper("c", 3)),
      asyncio.createTask(() => sleeper("a1", 1)),
      asyncio.createTask(() => sleeper("b", 2)),
      asyncio.createTask(() => sleeper("a2", 1)),
    ];
    for (const task of tasks) await task;
    assert.deepEqual(woke, ["a1@1", "a2@1", "b@2", "c@3"]);
  });
});

test("sleep outside a running loop rejects with a RuntimeError", async () => {
  const error = await rejection(asyncio.sleep(1));
  assert.ok(error instanceof asyncio.RuntimeError);
  assert.match(error.message, /no running event loop/);
});

test("sleep resolves undefined without a result", async () => {
  await runVirtual(async () => {
    assert.equal(await asyncio.sleep(1), undefined);
    assert.equal(await asyncio.sleep(0), undefined);
  });
});

test("sleep from a plain loop callback works without a task", async () => {
  await runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    const done = loop.createFuture<number>();
    loop.callSoon(() => {
      asyncio.sleep(2, "late").then(() => done.setResult(loop.time()));
    });
    assert.equal(await done, 2);
  });
});
