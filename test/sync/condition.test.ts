/**
 * Condition, mirroring CPython's test_locks.ConditionTests, plus the `with`/`hold` forms and
 * misuse.
 *
 * Nothing skipped: test_repr is mirrored against this library's own format, and
 * test_ambiguous_loops with two runs instead of patching a private `_loop`.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { rejection, runVirtual } from "../helpers.js";
import { settleAll, waitForTimeout, withinTimeout } from "../syncHelpers.js";

// mirrors test_locks.ConditionTests.test_wait
test("notified waiters return one at a time, each holding the lock", async () => {
  await runVirtual(async () => {
    const cond = new asyncio.Condition();
    const result: number[] = [];
    const c = (n: number) => async () => {
      await cond.acquire();
      if (await cond.wait()) result.push(n);
      return true;
    };
    const t1 = asyncio.createTask(c(1));
    const t2 = asyncio.createTask(c(2));
    const t3 = asyncio.createTask(c(3));
    await asyncio.sleep(0);
    assert.deepEqual(result, []);
    assert.equal(cond.locked(), false);

    assert.equal(await cond.acquire(), true);
    cond.notify();
    await asyncio.sleep(0);
    assert.deepEqual(result, []);
    assert.equal(cond.locked(), true);

    cond.release();
    await asyncio.sleep(0);
    assert.deepEqual(result, [1]);
    assert.equal(cond.locked(), true);

    cond.notify(2);
    await asyncio.sleep(0);
    assert.deepEqual(result, [1]);
    assert.equal(cond.locked(), true);

    cond.release();
    await asyncio.sleep(0);
    assert.deepEqual(result, [1, 2]);
    assert.equal(cond.locked(), true);

    cond.release();
    await asyncio.sleep(0);
    assert.deepEqual(result, [1, 2, 3]);
    assert.equal(cond.locked(), true);

    for (const t of [t1, t2, t3]) {
      assert.equal(t.done(), true);
      assert.equal(t.result(), true);
    }
  });
});

// mirrors test_locks.ConditionTests.test_wait_cancel
test("a cancelled wait leaves the line and holds the lock again", async () => {
  await runVirtual(async () => {
    const cond = new asyncio.Condition();
    await cond.acquire();
    const wait = asyncio.createTask(() => cond.wait());
    asyncio.getRunningLoop().callSoon(() => wait.cancel());
    assert.ok((await rejection(wait)) instanceof asyncio.CancelledError);
    assert.equal(cond.statistics().tasksWaiting, 0);
    assert.equal(cond.locked(), true);
  });
});

// mirrors test_locks.ConditionTests.test_wait_cancel_contested
test("a waiter notified and cancelled while the lock is contested ends holding it", async () => {
  await runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    const cond = new asyncio.Condition();
    await cond.acquire();
    assert.equal(cond.locked(), true);
    const waitTask = asyncio.createTask(() => cond.wait());
    await asyncio.sleep(0);
    assert.equal(cond.locked(), false);

    // Notify, but contest the lock before cancelling.
    await cond.acquire();
    assert.equal(cond.locked(), true);
    cond.notify();
    loop.callSoon(() => waitTask.cancel());
    loop.callSoon(() => cond.release());
    await settleAll([waitTask]);
    assert.equal(cond.locked(), true);
  });
});

// mirrors test_locks.ConditionTests.test_wait_cancel_after_notify
test("a waiter cancelled after being notified ends cancelled", async () => {
  await runVirtual(async () => {
    let waited = false;
    const cond = new asyncio.Condition();
    const waiter = asyncio.createTask(() =>
      cond.with(async () => {
        waited = true;
        await cond.wait();
      }),
    );
    await asyncio.sleep(0); // start waiting
    await cond.acquire();
    cond.notify();
    await asyncio.sleep(0); // get to acquire()
    waiter.cancel();
    await asyncio.sleep(0); // activate cancellation
    cond.release();
    await asyncio.sleep(0); // cancellation should occur
    assert.equal(waiter.cancelled(), true);
    assert.equal(waited, true);
  });
});

// mirrors test_locks.ConditionTests.test_wait_unacquired
test("wait without the lock is a RuntimeError and changes nothing", async () => {
  await runVirtual(async () => {
    const cond = new asyncio.Condition();
    const error = await rejection(cond.wait());
    assert.ok(error instanceof asyncio.RuntimeError);
    assert.match((error as Error).message, /cannot wait on un-acquired lock/);
    assert.equal(cond.locked(), false);
    assert.equal(cond.statistics().tasksWaiting, 0);
  });
});

// mirrors test_locks.ConditionTests.test_wait_for
test("waitFor returns once the predicate holds after a notification", async () => {
  await runVirtual(async () => {
    const cond = new asyncio.Condition();
    let presult = false;
    const result: number[] = [];
    const t = asyncio.createTask(async () => {
      await cond.acquire();
      if (await cond.waitFor(() => presult)) {
        result.push(1);
        cond.release();
      }
      return true;
    });
    await asyncio.sleep(0);
    assert.deepEqual(result, []);

    await cond.acquire();
    cond.notify();
    cond.release();
    await asyncio.sleep(0);
    assert.deepEqual(result, []);

    presult = true;
    await cond.acquire();
    cond.notify();
    cond.release();
    await asyncio.sleep(0);
    assert.deepEqual(result, [1]);
    assert.equal(t.done(), true);
    assert.equal(t.result(), true);
  });
});

// mirrors test_locks.ConditionTests.test_wait_for_unacquired
test("waitFor needs the lock only when it must wait", async () => {
  await runVirtual(async () => {
    const cond = new asyncio.Condition();
    // The predicate can hold at once.
    assert.deepEqual(await cond.waitFor(() => [1, 2, 3]), [1, 2, 3]);
    assert.ok((await rejection(cond.waitFor(() => false))) instanceof asyncio.RuntimeError);
    assert.equal(cond.statistics().tasksWaiting, 0);
  });
});

// mirrors test_locks.ConditionTests.test_notify
test("notify(n) wakes n waiters in FIFO order", async () => {
  await runVirtual(async () => {
    const cond = new asyncio.Condition();
    const result: number[] = [];
    const c = (n: number) => async () => {
      await cond.acquire();
      if (await cond.wait()) {
        result.push(n);
        cond.release();
      }
      return true;
    };
    const t1 = asyncio.createTask(c(1));
    const t2 = asyncio.createTask(c(2));
    const t3 = asyncio.createTask(c(3));
    await asyncio.sleep(0);
    assert.deepEqual(result, []);

    await cond.acquire();
    cond.notify(1);
    cond.release();
    await asyncio.sleep(0);
    assert.deepEqual(result, [1]);

    await cond.acquire();
    cond.notify(1);
    cond.notify(2048);
    cond.release();
    await asyncio.sleep(0);
    assert.deepEqual(result, [1, 2, 3]);
    for (const t of [t1, t2, t3]) {
      assert.equal(t.done(), true);
      assert.equal(t.result(), true);
    }
  });
});

// mirrors test_locks.ConditionTests.test_notify_all
test("notifyAll wakes every waiter", async () => {
  await runVirtual(async () => {
    const cond = new asyncio.Condition();
    const result: number[] = [];
    const c = (n: number) => async () => {
      await cond.acquire();
      if (await cond.wait()) {
        result.push(n);
        cond.release();
      }
      return true;
    };
    const t1 = asyncio.createTask(c(1));
    const t2 = asyncio.createTask(c(2));
    await asyncio.sleep(0);
    assert.deepEqual(result, []);

    await cond.acquire();
    cond.notifyAll();
    cond.release();
    await asyncio.sleep(0);
    assert.deepEqual(result, [1, 2]);
    for (const t of [t1, t2]) {
      assert.equal(t.done(), true);
      assert.equal(t.result(), true);
    }
  });
});

// mirrors test_locks.ConditionTests.test_notify_unacquired
test("notify without the lock is a RuntimeError", () => {
  const cond = new asyncio.Condition();
  assert.throws(() => cond.notify(), asyncio.RuntimeError);
  assert.throws(() => cond.notify(), /cannot notify on un-acquired lock/);
  assert.equal(cond.locked(), false);
});

// mirrors test_locks.ConditionTests.test_notify_all_unacquired
test("notifyAll without the lock is a RuntimeError", () => {
  const cond = new asyncio.Condition();
  assert.throws(() => cond.notifyAll(), asyncio.RuntimeError);
  assert.equal(cond.locked(), false);
});

// mirrors test_locks.ConditionTests.test_repr
test("toString shows the lock state and the waiters", async () => {
  await runVirtual(async () => {
    const cond = new asyncio.Condition();
    assert.equal(String(cond), "<Condition [unlocked]>");
    const waiters = [1, 2].map(() => asyncio.createTask(() => cond.with(() => cond.wait())));
    await asyncio.sleep(0);
    assert.equal(String(cond), "<Condition [unlocked, waiters:2]>");
    await cond.acquire();
    assert.equal(String(cond), "<Condition [locked, waiters:2]>");
    cond.release();
    for (const w of waiters) w.cancel();
    await settleAll(waiters);
  });
});

// mirrors test_locks.ConditionTests.test_context_manager
test("with() holds the condition's lock while its function runs", async () => {
  await runVirtual(async () => {
    const cond = new asyncio.Condition();
    assert.equal(cond.locked(), false);
    await cond.with(() => {
      assert.equal(cond.locked(), true);
    });
    assert.equal(cond.locked(), false);
    {
      await using _ = await cond.hold();
      assert.equal(cond.locked(), true);
    }
    assert.equal(cond.locked(), false);
  });
});

// mirrors test_locks.ConditionTests.test_explicit_lock
test("a condition over an explicit lock shares its state", async () => {
  await runVirtual(async () => {
    const check = async (lock?: asyncio.Lock, given?: asyncio.Condition) => {
      const theLock = lock ?? new asyncio.Lock();
      const cond = given ?? new asyncio.Condition(theLock);
      if (lock !== undefined) {
        await theLock.acquire();
        assert.equal(cond.locked(), true);
        theLock.release();
      }
      assert.equal(theLock.locked(), false);
      assert.equal(cond.locked(), false);
      await cond.with(() => {
        assert.equal(theLock.locked(), true);
        assert.equal(cond.locked(), true);
      });
      assert.equal(theLock.locked(), false);
      assert.equal(cond.locked(), false);
      await theLock.with(() => {
        assert.equal(theLock.locked(), true);
        assert.equal(cond.locked(), true);
      });
      assert.equal(theLock.locked(), false);
      assert.equal(cond.locked(), false);
    };
    await check();
    await check(new asyncio.Lock());
    const lock = new asyncio.Lock();
    await check(lock, new asyncio.Condition(lock));
  });
});

test("a Condition takes only a Lock", () => {
  assert.throws(
    () => new asyncio.Condition(new asyncio.Semaphore() as unknown as asyncio.Lock),
    /Condition lock must be a Lock, got an instance of Semaphore/,
  );
  assert.throws(() => new asyncio.Condition(null as unknown as asyncio.Lock), TypeError);
});

// mirrors test_locks.ConditionTests.test_ambiguous_loops
test("a condition and its lock each refuse a second loop", async () => {
  const lock = new asyncio.Lock();
  const cond = new asyncio.Condition(lock);
  await runVirtual(async () => {
    // Bind both to this loop: the waiter waits on the condition, then on the lock.
    const waiter = asyncio.createTask(() => cond.with(() => cond.wait()));
    await asyncio.sleep(0);
    await cond.acquire();
    cond.notify();
    await asyncio.sleep(0);
    assert.equal(lock.statistics().tasksWaiting, 1);
    cond.release();
    await waiter;
  });
  await runVirtual(async () => {
    // The lock's fast path needs no loop...
    await lock.with(async () => {
      // ...but the condition's wait does.
      const error = await rejection(cond.wait());
      assert.ok(error instanceof asyncio.RuntimeError);
      assert.match((error as Error).message, /is bound to a different event loop/);
      assert.equal(cond.locked(), true); // not released by the failed wait
      assert.equal(cond.statistics().tasksWaiting, 0);
      // Waiting on the lock from this loop fails too.
      assert.ok((await rejection(cond.acquire())) instanceof asyncio.RuntimeError);
    });
  });
});

// mirrors test_locks.ConditionTests.test_timeout_in_block
test("a wait that times out holds the lock again", async () => {
  await runVirtual(async () => {
    const condition = new asyncio.Condition();
    await condition.with(async () => {
      const error = await rejection(waitForTimeout(() => condition.wait(), 0.5));
      assert.ok(error instanceof asyncio.TimeoutError);
      assert.equal(condition.locked(), true);
    });
  });
});

// mirrors test_locks.ConditionTests.test_cancelled_error_wakeup
test("a cancellation received while waiting is re-raised unchanged", async () => {
  await runVirtual(async () => {
    const cond = new asyncio.Condition();
    let raised: unknown = null;
    const task = asyncio.createTask(() =>
      cond.with(async () => {
        raised = await rejection(cond.waitFor(() => false));
        assert.ok(raised instanceof asyncio.CancelledError);
        throw raised;
      }),
    );
    await asyncio.sleep(0);
    task.cancel("foo");
    const error = await rejection(task);
    assert.ok(error instanceof asyncio.CancelledError);
    assert.equal((error as Error).message, "foo");
    assert.equal(error, raised);
  });
});

// mirrors test_locks.ConditionTests.test_cancelled_error_re_aquire
test("a cancellation received while re-acquiring is re-raised unchanged", async () => {
  await runVirtual(async () => {
    const cond = new asyncio.Condition();
    let wake = false;
    let raised: unknown = null;
    const task = asyncio.createTask(() =>
      cond.with(async () => {
        raised = await rejection(cond.waitFor(() => wake));
        assert.ok(raised instanceof asyncio.CancelledError);
        throw raised;
      }),
    );
    await asyncio.sleep(0);
    await cond.acquire();
    wake = true;
    cond.notify();
    await asyncio.sleep(0);
    // The task now re-acquires the lock: cancel it there.
    task.cancel("foo");
    cond.release();
    const error = await rejection(task);
    assert.ok(error instanceof asyncio.CancelledError);
    assert.equal((error as Error).message, "foo");
    assert.equal(error, raised);
  });
});

/** The consumer of test_cancelled_wakeup*: takes units of `state` until it goes negative. */
function consumerOf(condition: asyncio.Condition, state: { value: number }) {
  return () =>
    condition.with(async () => {
      for (;;) {
        await condition.waitFor(() => state.value !== 0);
        if (state.value < 0) return;
        state.value--;
      }
    });
}

// mirrors test_locks.ConditionTests.test_cancelled_wakeup
test("a waiter cancelled as it is notified passes the notification on", async () => {
  await runVirtual(async () => {
    const condition = new asyncio.Condition();
    const state = { value: 0 };
    const c = [0, 1].map(() => asyncio.createTask(consumerOf(condition, state)));
    await asyncio.sleep(0);
    await condition.with(async () => {
      // Produce one item and wake one consumer, then cancel it before it runs.
      state.value++;
      condition.notify(1);
      c[0]?.cancel();
      // The item must still be consumed (by the other consumer).
      try {
        await withinTimeout(0.01, () => condition.waitFor(() => state.value === 0));
      } catch (error) {
        if (!(error instanceof asyncio.TimeoutError)) throw error;
      }
      assert.equal(state.value, 0);
      state.value = -1;
      condition.notifyAll();
    });
    await c[1];
    assert.equal(c[0]?.cancelled(), true);
  });
});

// mirrors test_locks.ConditionTests.test_cancelled_wakeup_relock
test("a waiter cancelled while re-acquiring passes the notification on", async () => {
  await runVirtual(async () => {
    const condition = new asyncio.Condition();
    const state = { value: 0 };
    const c = [0, 1].map(() => asyncio.createTask(consumerOf(condition, state)));
    await asyncio.sleep(0);
    await condition.with(async () => {
      state.value++;
      condition.notify(1);
      // Let the notified consumer wake up and queue for the lock, then cancel it there.
      await asyncio.sleep(0);
      c[0]?.cancel();
      try {
        await withinTimeout(0.01, () => condition.waitFor(() => state.value === 0));
      } catch (error) {
        if (!(error instanceof asyncio.TimeoutError)) throw error;
      }
      assert.equal(state.value, 0);
      state.value = -1;
      condition.notifyAll();
    });
    await c[1];
    assert.equal(c[0]?.cancelled(), true);
  });
});

test("notify validates n and leaves the waiters alone on bad input", async () => {
  await runVirtual(async () => {
    const cond = new asyncio.Condition();
    const waiter = asyncio.createTask(() => cond.with(() => cond.wait()));
    await asyncio.sleep(0);
    await cond.with(() => {
      assert.throws(() => cond.notify(-1), RangeError);
      assert.throws(() => cond.notify(1.5), TypeError);
      assert.throws(() => cond.notify("2" as unknown as number), TypeError);
      assert.equal(cond.statistics().tasksWaiting, 1);
      cond.notify(0);
    });
    // Neither the refused calls nor notify(0) woke the waiter.
    await asyncio.sleep(0);
    await asyncio.sleep(0);
    assert.equal(waiter.done(), false);
    assert.equal(cond.statistics().tasksWaiting, 1);
    await cond.with(() => cond.notify());
    await waiter;
  });
});

test("waitFor rejects a predicate that is not a function", async () => {
  await runVirtual(async () => {
    const cond = new asyncio.Condition();
    await cond.with(async () => {
      const error = await rejection(cond.waitFor(true as unknown as () => boolean));
      assert.ok(error instanceof TypeError);
      assert.equal(cond.locked(), true);
    });
  });
});

test("hold() on a taken condition waits for its lock", async () => {
  await runVirtual(async () => {
    const cond = new asyncio.Condition();
    await cond.acquire();
    const holder = asyncio.createTask(async () => {
      await using _ = await cond.hold();
      return cond.locked();
    });
    await asyncio.sleep(0);
    assert.equal(holder.done(), false);
    cond.release();
    assert.equal(await holder, true);
    assert.equal(cond.locked(), false);
  });
});

test("a wait whose lock cannot be re-acquired fails with that error and notifies another", async () => {
  const lock = new asyncio.Lock();
  await runVirtual(async () => {
    // Bind the lock to this first loop.
    await lock.acquire();
    const waiter = asyncio.createTask(() => lock.acquire());
    await asyncio.sleep(0);
    lock.release();
    await waiter;
    lock.release();
  });
  await runVirtual(async () => {
    const cond = new asyncio.Condition(lock);
    const waitOnce = async () => {
      await cond.acquire();
      await cond.wait();
    };
    const first = asyncio.createTask(waitOnce);
    const second = asyncio.createTask(waitOnce);
    await asyncio.sleep(0);
    assert.equal(cond.statistics().tasksWaiting, 2);
    await cond.acquire(); // free: taken without waiting, so without a loop
    cond.notify(1);
    // The notified task cannot wait for the taken lock (bound to the first loop): it fails
    // with that error...
    const error = await rejection(first);
    assert.ok(error instanceof asyncio.RuntimeError);
    assert.match((error as Error).message, /bound to a different event loop/);
    // ...and passes its notification on: the second one wakes (and fails the same way).
    assert.ok((await rejection(second)) instanceof asyncio.RuntimeError);
    assert.equal(cond.statistics().tasksWaiting, 0);
    assert.equal(cond.locked(), true);
    lock.release();
  });
});

// Checked against CPython 3.13: a notified waiter re-acquires the lock when it runs, so a task
// that takes the free lock first goes ahead of it (no Trio-style repark at notify time).
test("a newcomer takes the lock before a notified waiter", async () => {
  await runVirtual(async () => {
    const cond = new asyncio.Condition();
    const order: string[] = [];
    const waiter = asyncio.createTask(() =>
      cond.with(async () => {
        await cond.wait();
        order.push("waiter");
      }),
    );
    await asyncio.sleep(0);
    await cond.with(() => cond.notify());
    await cond.acquire(); // the notified waiter has not run yet: the lock is free
    order.push("newcomer");
    await asyncio.sleep(0);
    order.push("newcomer releases");
    cond.release();
    await waiter;
    assert.deepEqual(order, ["newcomer", "newcomer releases", "waiter"]);
  });
});
