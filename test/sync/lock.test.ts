/**
 * Lock, mirroring CPython's test_locks.LockTests, plus the `with`/`hold` forms, loop binding
 * and misuse.
 *
 * Skipped from test_locks.LockTests:
 * - test_lock_doesnt_accept_loop_parameter: the deprecated `loop=` argument does not exist here.
 * - test_lock_by_with_statement: Python's synchronous `with await lock` form has no
 *   JavaScript counterpart (there is no synchronous `with`).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { waitedOn } from "#internal/core/introspect.js";
import { rejection, runVirtual } from "../helpers.js";
import { settleAll } from "../syncHelpers.js";

function waiterCount(lock: asyncio.Lock): number {
  return lock.statistics().tasksWaiting;
}

// mirrors test_locks.LockTests.test_repr
test("toString shows locked/unlocked and the waiters", async () => {
  await runVirtual(async () => {
    const lock = new asyncio.Lock();
    assert.equal(String(lock), "<Lock [unlocked]>");
    await lock.acquire();
    assert.equal(String(lock), "<Lock [locked]>");
    const waiter = asyncio.createTask(() => lock.acquire());
    await asyncio.sleep(0);
    assert.equal(String(lock), "<Lock [locked, waiters:1]>");
    waiter.cancel();
    await settleAll([waiter]);
  });
});

// mirrors test_locks.LockTests.test_lock
test("a Lock is not awaitable and starts unlocked", async () => {
  await runVirtual(async () => {
    const lock = new asyncio.Lock();
    assert.equal("then" in lock, false);
    assert.equal(lock.locked(), false);
  });
});

// mirrors test_locks.LockTests.test_acquire
test("acquire hands the lock to waiters in FIFO order, one release at a time", async () => {
  await runVirtual(async () => {
    const lock = new asyncio.Lock();
    const result: number[] = [];
    assert.equal(await lock.acquire(), true);
    const c = (n: number) => async () => {
      if (await lock.acquire()) result.push(n);
      return true;
    };
    const t1 = asyncio.createTask(c(1));
    const t2 = asyncio.createTask(c(2));
    await asyncio.sleep(0);
    assert.deepEqual(result, []);

    lock.release();
    await asyncio.sleep(0);
    assert.deepEqual(result, [1]);
    await asyncio.sleep(0);
    assert.deepEqual(result, [1]);

    const t3 = asyncio.createTask(c(3));
    lock.release();
    await asyncio.sleep(0);
    assert.deepEqual(result, [1, 2]);

    lock.release();
    await asyncio.sleep(0);
    assert.deepEqual(result, [1, 2, 3]);

    for (const t of [t1, t2, t3]) {
      assert.equal(t.done(), true);
      assert.equal(t.result(), true);
    }
  });
});

// mirrors test_locks.LockTests.test_acquire_cancel
test("a waiter cancelled in acquire leaves the line", async () => {
  await runVirtual(async () => {
    const lock = new asyncio.Lock();
    assert.equal(await lock.acquire(), true);
    const task = asyncio.createTask(() => lock.acquire());
    asyncio.getRunningLoop().callSoon(() => task.cancel());
    assert.ok((await rejection(task)) instanceof asyncio.CancelledError);
    assert.equal(waiterCount(lock), 0);
  });
});

// mirrors test_locks.LockTests.test_cancel_race
test("a waiter cancelled as the lock is released does not block the next one", async () => {
  await runVirtual(async () => {
    const lock = new asyncio.Lock();
    const lockit = async (blocker: asyncio.Future<null> | null) => {
      await lock.acquire();
      try {
        if (blocker !== null) await blocker;
      } finally {
        lock.release();
      }
    };
    const fa = asyncio.getRunningLoop().createFuture<null>();
    const ta = asyncio.createTask(() => lockit(fa));
    await asyncio.sleep(0);
    assert.equal(lock.locked(), true);
    const tb = asyncio.createTask(() => lockit(null));
    await asyncio.sleep(0);
    assert.equal(waiterCount(lock), 1);
    const tc = asyncio.createTask(() => lockit(null));
    await asyncio.sleep(0);
    assert.equal(waiterCount(lock), 2);

    // Create the race: A releases while B's waiter is cancelled but still in line.
    fa.setResult(null);
    tb.cancel();
    // B's cancelled waiter is still in line (the repr counts it), but no longer waiting.
    assert.equal(String(lock), "<Lock [locked, waiters:2]>");
    assert.equal(waiterCount(lock), 1);
    await asyncio.sleep(0);
    assert.equal(lock.locked(), false);
    assert.equal(ta.done(), true);
    assert.equal(tb.cancelled(), true);
    await tc;
  });
});

// mirrors test_locks.LockTests.test_cancel_release_race
test("cancelling the first waiter while releasing lets exactly one other task in", async () => {
  await runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    const lock = new asyncio.Lock();
    let lockCount = 0;
    let callCount = 0;
    const lockit = async () => {
      callCount++;
      await lock.acquire();
      lockCount++;
    };
    await lock.acquire();
    const t1 = asyncio.createTask(lockit);
    const t2 = asyncio.createTask(lockit);
    const t3 = asyncio.createTask(lockit);
    await asyncio.sleep(0);

    loop.callSoon(() => {
      t1.cancel();
      lock.release();
    });
    assert.ok((await rejection(t1)) instanceof asyncio.CancelledError);
    assert.equal(lockCount, 1);
    assert.equal(callCount, 3);
    assert.equal(t1.cancelled() && t2.done(), true);

    t3.cancel();
    await asyncio.sleep(0);
    assert.equal(t3.cancelled(), true);
  });
});

// mirrors test_locks.LockTests.test_finished_waiter_cancelled
test("a woken waiter that is cancelled passes the lock on", async () => {
  await runVirtual(async () => {
    const lock = new asyncio.Lock();
    await lock.acquire();
    assert.equal(lock.locked(), true);
    const tb = asyncio.createTask(() => lock.acquire());
    await asyncio.sleep(0);
    assert.equal(waiterCount(lock), 1);

    // A second waiter; wake the first and cancel it.
    const tc = asyncio.createTask(() => lock.acquire());
    tb.cancel();
    lock.release();
    await asyncio.sleep(0);
    assert.equal(lock.locked(), true);
    assert.equal(tb.cancelled(), true);
    await tc;
  });
});

// mirrors test_locks.LockTests.test_release_not_acquired
test("releasing an unlocked lock is a RuntimeError and changes nothing", async () => {
  await runVirtual(async () => {
    const lock = new asyncio.Lock();
    assert.throws(() => lock.release(), asyncio.RuntimeError);
    assert.throws(() => lock.release(), /Lock is not acquired/);
    assert.equal(lock.locked(), false);
    assert.equal(await lock.acquire(), true);
  });
});

// mirrors test_locks.LockTests.test_release_no_waiters
test("release without waiters unlocks", async () => {
  await runVirtual(async () => {
    const lock = new asyncio.Lock();
    await lock.acquire();
    assert.equal(lock.locked(), true);
    lock.release();
    assert.equal(lock.locked(), false);
  });
});

// mirrors test_locks.LockTests.test_context_manager
test("with() holds the lock while its function runs", async () => {
  await runVirtual(async () => {
    const lock = new asyncio.Lock();
    assert.equal(lock.locked(), false);
    const value = await lock.with(async () => {
      assert.equal(lock.locked(), true);
      await asyncio.sleep(1);
      return 42;
    });
    assert.equal(value, 42);
    assert.equal(lock.locked(), false);
  });
});

// mirrors test_locks.LockTests.test_context_manager (the `await using` form)
test("hold() keeps the lock until the end of an await using block", async () => {
  await runVirtual(async () => {
    const lock = new asyncio.Lock();
    {
      await using held = await lock.hold();
      assert.equal(lock.locked(), true);
      assert.equal(held.released, false);
    }
    assert.equal(lock.locked(), false);
    // Released early, the disposal does nothing more.
    {
      await using held = await lock.hold();
      held.release();
      assert.equal(lock.locked(), false);
      assert.equal(held.released, true);
    }
    assert.equal(lock.locked(), false);
  });
});

test("with() and hold() release the lock when the body throws", async () => {
  await runVirtual(async () => {
    const lock = new asyncio.Lock();
    const boom = new Error("boom");
    assert.equal(
      await rejection(
        lock.with(async () => {
          await asyncio.sleep(0);
          throw boom;
        }),
      ),
      boom,
    );
    assert.equal(lock.locked(), false);
    assert.equal(
      await rejection(
        lock.with(() => {
          throw boom;
        }),
      ),
      boom,
    );
    assert.equal(lock.locked(), false);
    const thrown = await rejection(
      (async () => {
        await using _ = await lock.hold();
        throw boom;
      })(),
    );
    assert.equal(thrown, boom);
    assert.equal(lock.locked(), false);
  });
});

test("with() releases the lock when the task is cancelled inside", async () => {
  await runVirtual(async () => {
    const lock = new asyncio.Lock();
    const task = asyncio.createTask(() => lock.with(() => asyncio.sleep(10)));
    await asyncio.sleep(1);
    assert.equal(lock.locked(), true);
    task.cancel();
    assert.ok((await rejection(task)) instanceof asyncio.CancelledError);
    assert.equal(lock.locked(), false);
  });
});

test("with() runs a function that returns no promise and releases in the same step", async () => {
  await runVirtual(async () => {
    const lock = new asyncio.Lock();
    let inside = false;
    const pending = lock.with(() => {
      inside = lock.locked();
      return "sync";
    });
    // Taken, run and released before with() returned.
    assert.equal(inside, true);
    assert.equal(lock.locked(), false);
    assert.equal(await pending, "sync");
  });
});

test("with() waits its turn behind earlier waiters", async () => {
  await runVirtual(async () => {
    const lock = new asyncio.Lock();
    const order: string[] = [];
    await lock.acquire();
    const a = asyncio.createTask(() => lock.with(() => order.push("a")));
    const b = asyncio.createTask(() => lock.with(() => order.push("b")));
    await asyncio.sleep(0);
    lock.release();
    await settleAll([a, b]);
    assert.deepEqual(order, ["a", "b"]);
    assert.equal(lock.locked(), false);
  });
});

test("with() rejects a non-function with a TypeError and leaves the lock free", async () => {
  await runVirtual(async () => {
    const lock = new asyncio.Lock();
    const error = await rejection(lock.with("nope" as unknown as () => void));
    assert.ok(error instanceof TypeError);
    assert.match((error as Error).message, /Lock\.with\(\) expects a function/);
    assert.equal(lock.locked(), false);
  });
});

test("a free lock is taken without a loop iteration", async () => {
  await runVirtual(async () => {
    const lock = new asyncio.Lock();
    let otherRan = false;
    asyncio.getRunningLoop().callSoon(() => {
      otherRan = true;
    });
    for (let i = 0; i < 100; i++) {
      await lock.acquire();
      lock.release();
    }
    assert.equal(otherRan, false);
    assert.equal(String(lock), "<Lock [unlocked]>");
  });
});

// mirrors test_locks.ConditionTests.test_ambiguous_loops (the Lock half)
test("a lock created outside any loop binds to the first loop it waits on", async () => {
  const lock = new asyncio.Lock();
  await runVirtual(async () => {
    await lock.acquire();
    const waiter = asyncio.createTask(() => lock.acquire());
    await asyncio.sleep(0);
    lock.release();
    await waiter;
    lock.release();
  });
  await runVirtual(async () => {
    // The fast path needs no loop...
    await lock.acquire();
    // ...but waiting from another loop is an error.
    const error = await rejection(lock.acquire());
    assert.ok(error instanceof asyncio.RuntimeError);
    assert.match((error as Error).message, /is bound to a different event loop/);
    assert.equal(lock.locked(), true);
    assert.equal(waiterCount(lock), 0);
    lock.release();
  });
});

test("a task blocked on a lock shows what it waits for (as a DeadlockError lists it)", async () => {
  await runVirtual(async () => {
    const lock = new asyncio.Lock();
    await lock.acquire();
    const blocked = asyncio.createTask(() => lock.acquire());
    await asyncio.sleep(0);
    assert.equal(
      String(waitedOn(blocked)),
      "<Future pending: Lock.acquire() on <Lock [locked, waiters:1]>>",
    );
    lock.release();
    await blocked;
  });
});

test("a Hold also works with a synchronous using block", async () => {
  await runVirtual(async () => {
    const lock = new asyncio.Lock();
    {
      using held = await lock.hold();
      assert.equal(held.released, false);
      assert.equal(lock.locked(), true);
    }
    assert.equal(lock.locked(), false);
  });
});

test("await using reports an error of the release it makes", async () => {
  await runVirtual(async () => {
    const sem = new asyncio.BoundedSemaphore(1);
    const error = await rejection(
      (async () => {
        await using _ = await sem.hold();
        sem.release(); // released behind the Hold's back: its own release is one too many
      })(),
    );
    assert.ok(error instanceof RangeError);
    assert.equal(sem.statistics().value, 1);
  });
});

test("inspect shows each primitive's state", async () => {
  const { inspect } = await import("node:util");
  assert.equal(inspect(new asyncio.Lock()), "<Lock [unlocked]>");
  assert.equal(inspect(new asyncio.Event()), "<Event [unset]>");
  assert.equal(inspect(new asyncio.Condition()), "<Condition [unlocked]>");
  assert.equal(inspect(new asyncio.Semaphore(2)), "<Semaphore [unlocked, value:2]>");
  assert.equal(inspect(new asyncio.Barrier(2)), "<Barrier [filling, waiters:0/2]>");
  assert.equal(inspect(new asyncio.Queue(3)), "<Queue maxsize=3>");
});
