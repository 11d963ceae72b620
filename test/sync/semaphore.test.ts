/**
 * Semaphore and BoundedSemaphore, mirroring CPython's test_locks.SemaphoreTests, plus the
 * `with`/`hold` forms and misuse.
 *
 * Nothing skipped: test_repr is mirrored against this library's own format.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { rejection, runVirtual } from "../helpers.js";
import { joinAll, settleAll, waitForTimeout } from "../syncHelpers.js";

function waiterCount(sem: asyncio.Semaphore): number {
  return sem.statistics().tasksWaiting;
}

// mirrors test_locks.SemaphoreTests.test_initial_value_zero
test("a semaphore with no permit is locked", () => {
  assert.equal(new asyncio.Semaphore(0).locked(), true);
});

// mirrors test_locks.SemaphoreTests.test_repr
test("toString shows the value and the waiters", async () => {
  await runVirtual(async () => {
    const sem = new asyncio.Semaphore();
    assert.equal(String(sem), "<Semaphore [unlocked, value:1]>");
    await sem.acquire();
    assert.equal(String(sem), "<Semaphore [locked]>");
    const waiters = [1, 2].map(() => asyncio.createTask(() => sem.acquire()));
    await asyncio.sleep(0);
    assert.equal(String(sem), "<Semaphore [locked, waiters:2]>");
    for (const w of waiters) w.cancel();
    await settleAll(waiters);
    assert.equal(String(new asyncio.BoundedSemaphore(2)), "<BoundedSemaphore [unlocked, value:2]>");
  });
});

// mirrors test_locks.SemaphoreTests.test_semaphore
test("a Semaphore is not awaitable and starts with one permit", async () => {
  await runVirtual(async () => {
    const sem = new asyncio.Semaphore();
    assert.equal(sem.statistics().value, 1);
    assert.equal("then" in sem, false);
    assert.equal(sem.locked(), false);
    assert.equal(sem.statistics().value, 1);
  });
});

// mirrors test_locks.SemaphoreTests.test_semaphore_value
test("a negative or fractional initial value is refused", () => {
  assert.throws(() => new asyncio.Semaphore(-1), RangeError);
  assert.throws(() => new asyncio.Semaphore(-1), /Semaphore value must be >= 0, got -1/);
  assert.throws(() => new asyncio.BoundedSemaphore(-1), /BoundedSemaphore value must be >= 0/);
  assert.throws(() => new asyncio.Semaphore(1.5), TypeError);
  assert.throws(() => new asyncio.Semaphore("3" as unknown as number), TypeError);
});

// mirrors test_locks.SemaphoreTests.test_acquire
test("acquire takes permits, then queues; releases hand them to waiters", async () => {
  await runVirtual(async () => {
    const sem = new asyncio.Semaphore(3);
    const result: number[] = [];
    assert.equal(await sem.acquire(), true);
    assert.equal(await sem.acquire(), true);
    assert.equal(sem.locked(), false);
    const c = (n: number) => async () => {
      await sem.acquire();
      result.push(n);
      return true;
    };
    const t1 = asyncio.createTask(c(1));
    const t2 = asyncio.createTask(c(2));
    const t3 = asyncio.createTask(c(3));
    await asyncio.sleep(0);
    assert.deepEqual(result, [1]);
    assert.equal(sem.locked(), true);
    assert.equal(waiterCount(sem), 2);
    assert.equal(sem.statistics().value, 0);

    const t4 = asyncio.createTask(c(4));
    sem.release();
    sem.release();
    assert.equal(sem.statistics().value, 0);

    await asyncio.sleep(0);
    assert.equal(sem.statistics().value, 0);
    assert.equal(result.length, 3);
    assert.equal(sem.locked(), true);
    assert.equal(waiterCount(sem), 1);
    assert.equal(sem.statistics().value, 0);

    assert.equal(t1.done(), true);
    assert.equal(t1.result(), true);
    const raceTasks = [t2, t3, t4];
    assert.equal(raceTasks.filter((t) => t.done() && t.result()).length, 2);

    sem.release();
    await joinAll(raceTasks);
  });
});

// mirrors test_locks.SemaphoreTests.test_acquire_cancel
test("a waiter cancelled in acquire leaves the line", async () => {
  await runVirtual(async () => {
    const sem = new asyncio.Semaphore();
    await sem.acquire();
    const acquire = asyncio.createTask(() => sem.acquire());
    asyncio.getRunningLoop().callSoon(() => acquire.cancel());
    assert.ok((await rejection(acquire)) instanceof asyncio.CancelledError);
    assert.equal(waiterCount(sem), 0);
    assert.equal(sem.statistics().value, 0);
  });
});

// mirrors test_locks.SemaphoreTests.test_acquire_cancel_before_awoken
test("waiters cancelled before a release do not take its permit", async () => {
  await runVirtual(async () => {
    const sem = new asyncio.Semaphore(0);
    const [t1, t2, t3, t4] = [1, 2, 3, 4].map(() => asyncio.createTask(() => sem.acquire()));
    await asyncio.sleep(0);
    t1?.cancel();
    t2?.cancel();
    sem.release();
    await asyncio.sleep(0);
    await asyncio.sleep(0);
    assert.equal([t3, t4].filter((t) => t?.done()).length, 1);
    assert.equal(t3?.done(), true);
    assert.equal(t4?.done(), false);
    t3?.cancel();
    t4?.cancel();
    await asyncio.sleep(0);
  });
});

// mirrors test_locks.SemaphoreTests.test_acquire_hang
test("a release after a cancelled waiter reaches the next waiter", async () => {
  await runVirtual(async () => {
    const sem = new asyncio.Semaphore(0);
    const t1 = asyncio.createTask(() => sem.acquire());
    const t2 = asyncio.createTask(() => sem.acquire());
    await asyncio.sleep(0);
    t1.cancel();
    sem.release();
    await asyncio.sleep(0);
    await asyncio.sleep(0);
    assert.equal(sem.locked(), true);
    assert.equal(t2.done(), true);
  });
});

// mirrors test_locks.SemaphoreTests.test_acquire_no_hang
test("a waiter cancelled right after the holder released does not lose the permit", async () => {
  await runVirtual(async () => {
    const sem = new asyncio.Semaphore(1);
    let t2: asyncio.Task<void> | null = null;
    const t1 = asyncio.createTask(async () => {
      await sem.with(() => asyncio.sleep(0));
      t2?.cancel();
    });
    t2 = asyncio.createTask(() =>
      sem.with(() => {
        assert.fail("the cancelled task must not get the permit");
      }),
    );
    const [r1, r2] = await settleAll<void>([t1, t2]);
    assert.deepEqual(r1, { ok: true, value: undefined });
    assert.ok(r2 && !r2.ok && r2.error instanceof asyncio.CancelledError);
    await waitForTimeout(() => sem.acquire(), 1);
  });
});

// mirrors test_locks.SemaphoreTests.test_release_not_acquired
test("releasing a BoundedSemaphore beyond its value is a RangeError and changes nothing", async () => {
  await runVirtual(async () => {
    const sem = new asyncio.BoundedSemaphore();
    assert.throws(() => sem.release(), RangeError);
    assert.throws(() => sem.release(), /BoundedSemaphore released too many times/);
    assert.equal(sem.statistics().value, 1);
    await sem.acquire();
    sem.release();
    assert.throws(() => sem.release(), RangeError);
    assert.equal(sem.statistics().value, 1);
    assert.equal(sem.locked(), false);
  });
});

// mirrors test_locks.SemaphoreTests.test_release_no_waiters
test("release without waiters unlocks", async () => {
  await runVirtual(async () => {
    const sem = new asyncio.Semaphore();
    await sem.acquire();
    assert.equal(sem.locked(), true);
    sem.release();
    assert.equal(sem.locked(), false);
  });
});

// mirrors test_locks.SemaphoreTests.test_acquire_fifo_order
test("tasks acquiring twice take turns in FIFO order", async () => {
  await runVirtual(async () => {
    const sem = new asyncio.Semaphore(1);
    const result: string[] = [];
    const coro = (tag: string) => async () => {
      await sem.acquire();
      result.push(`${tag}_1`);
      await asyncio.sleep(0.01);
      sem.release();
      await sem.acquire();
      result.push(`${tag}_2`);
      await asyncio.sleep(0.01);
      sem.release();
    };
    await joinAll(["c1", "c2", "c3"].map((tag) => asyncio.createTask(coro(tag))));
    assert.deepEqual(result, ["c1_1", "c2_1", "c3_1", "c1_2", "c2_2", "c3_2"]);
  });
});

// mirrors test_locks.SemaphoreTests.test_acquire_fifo_order_2
test("a task that releases and re-acquires goes behind the waiters", async () => {
  await runVirtual(async () => {
    const sem = new asyncio.Semaphore(1);
    const result: number[] = [];
    const t1 = asyncio.createTask(async () => {
      await sem.acquire();
      result.push(1);
      return true;
    });
    const t2 = asyncio.createTask(async () => {
      await sem.acquire();
      result.push(2);
      sem.release();
      await sem.acquire();
      result.push(4);
      return true;
    });
    const t3 = asyncio.createTask(async () => {
      await sem.acquire();
      result.push(3);
      return true;
    });
    await asyncio.sleep(0);
    sem.release();
    sem.release();
    await joinAll([t1, t2, t3]);
    assert.deepEqual(result, [1, 2, 3, 4]);
  });
});

// mirrors test_locks.SemaphoreTests.test_acquire_fifo_order_3
test("a cancelled waiter does not keep its turn", async () => {
  await runVirtual(async () => {
    const sem = new asyncio.Semaphore(0);
    const result: number[] = [];
    const c = (n: number) => async () => {
      await sem.acquire();
      result.push(n);
      return true;
    };
    const t1 = asyncio.createTask(c(1));
    const t2 = asyncio.createTask(c(2));
    const t3 = asyncio.createTask(c(3));
    await asyncio.sleep(0);
    t1.cancel();
    await asyncio.sleep(0);
    sem.release();
    sem.release();
    await settleAll([t1, t2, t3]);
    assert.deepEqual(result, [2, 3]);
  });
});

// mirrors test_locks.SemaphoreTests.test_acquire_fifo_order_4
test("a successful acquire wakes the waiters queued behind it by FIFO", async () => {
  await runVirtual(async () => {
    const sem = new asyncio.Semaphore(0);
    const result: number[] = [];
    let t4: asyncio.Task<boolean> | null = null;
    const c4 = async () => {
      result.push(4);
      return true;
    };
    const t1 = asyncio.createTask(async () => {
      // The first task waits at once; c2 wakes it.
      assert.equal(sem.statistics().value, 0);
      await sem.acquire();
      // Every waiting task has been woken by now.
      assert.equal(sem.statistics().value, 0);
      // A fourth task, which must run after c3, not c2.
      t4 = asyncio.createTask(c4);
      result.push(1);
      return true;
    });
    const t2 = asyncio.createTask(async () => {
      // Release three times: for c1, c2 and c3.
      sem.release();
      sem.release();
      sem.release();
      assert.equal(sem.statistics().value, 2);
      // Locked: c1 has not woken up yet.
      assert.equal(sem.locked(), true);
      await sem.acquire();
      result.push(2);
      return true;
    });
    const t3 = asyncio.createTask(async () => {
      await sem.acquire();
      assert.equal(sem.locked(), true);
      result.push(3);
      return true;
    });
    await asyncio.sleep(0);
    // Three tasks in line; the first has not woken up yet.
    assert.equal(sem.statistics().value, 2);
    assert.equal(waiterCount(sem), 3);
    await asyncio.sleep(0);
    await joinAll([t1, t2, t3]);
    assert.ok(t4 !== null);
    await t4;
    assert.deepEqual(result, [1, 2, 3, 4]);
  });
});

test("with() and hold() take a permit and give it back however the body ends", async () => {
  await runVirtual(async () => {
    const sem = new asyncio.Semaphore(2);
    const boom = new Error("boom");
    assert.equal(
      await sem.with(async () => {
        assert.equal(sem.statistics().value, 1);
        return "done";
      }),
      "done",
    );
    assert.equal(sem.statistics().value, 2);
    assert.equal(
      await rejection(
        sem.with(async () => {
          throw boom;
        }),
      ),
      boom,
    );
    assert.equal(sem.statistics().value, 2);
    {
      await using _a = await sem.hold();
      await using _b = await sem.hold();
      assert.equal(sem.locked(), true);
    }
    assert.equal(sem.statistics().value, 2);
  });
});

test("with() on a BoundedSemaphore reports an over-release made inside", async () => {
  await runVirtual(async () => {
    const sem = new asyncio.BoundedSemaphore(1);
    const error = await rejection(sem.with(() => sem.release()));
    assert.ok(error instanceof RangeError);
    assert.equal(sem.statistics().value, 1);
  });
});

test("a free permit is taken without a loop iteration", async () => {
  await runVirtual(async () => {
    const sem = new asyncio.Semaphore(5);
    let otherRan = false;
    asyncio.getRunningLoop().callSoon(() => {
      otherRan = true;
    });
    for (let i = 0; i < 5; i++) await sem.acquire();
    for (let i = 0; i < 5; i++) sem.release();
    assert.equal(otherRan, false);
    assert.equal(String(sem), "<Semaphore [unlocked, value:5]>");
  });
});

test("a semaphore refuses to wait from a second loop", async () => {
  const sem = new asyncio.Semaphore(0);
  await runVirtual(async () => {
    const waiter = asyncio.createTask(() => sem.acquire());
    await asyncio.sleep(0);
    sem.release();
    await waiter;
  });
  await runVirtual(async () => {
    const error = await rejection(sem.acquire());
    assert.ok(error instanceof asyncio.RuntimeError);
    assert.equal(waiterCount(sem), 0);
    assert.equal(sem.statistics().value, 0);
  });
});
