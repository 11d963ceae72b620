/**
 * Barrier, mirroring CPython's test_locks.BarrierTests. `async with barrier as i` is
 * `const i = await barrier.wait()` here (its exit does nothing).
 *
 * Nothing skipped: test_repr and test_barrier are mirrored against this library's own format.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { runVirtual } from "../helpers.js";
import { joinAll, settleAll, startTasks } from "../syncHelpers.js";

const N = 5;

/** Python's `gather_tasks`: starts `n` tasks running `fn` and gathers their results. */
async function gatherTasks<T>(n: number, fn: () => Promise<T>): Promise<T[]> {
  return joinAll(startTasks(n, fn));
}

// mirrors test_locks.BarrierTests.test_barrier
test("a Barrier is not awaitable and starts filling", async () => {
  await runVirtual(async () => {
    const barrier = new asyncio.Barrier(N);
    assert.match(String(barrier), /filling/);
    assert.equal("then" in barrier, false);
    assert.match(String(barrier), /filling/);
  });
});

// mirrors test_locks.BarrierTests.test_repr
test("toString follows the states: filling, draining, resetting, broken", async () => {
  await runVirtual(async () => {
    const barrier = new asyncio.Barrier(N);
    assert.equal(String(barrier), "<Barrier [filling, waiters:0/5]>");
    const waiters: asyncio.Task<number>[] = [];
    const incr = 2;
    for (let i = 0; i < incr; i++) waiters.push(asyncio.createTask(() => barrier.wait()));
    await asyncio.sleep(0);
    assert.equal(String(barrier), `<Barrier [filling, waiters:${incr}/${N}]>`);

    // The missing waiters.
    for (let i = barrier.parties - barrier.nWaiting; i > 0; i--) {
      waiters.push(asyncio.createTask(() => barrier.wait()));
    }
    await asyncio.sleep(0);
    assert.match(String(barrier), /^<Barrier \[draining, waiters:0\/5\]>$/);

    // More waiters, then a reset.
    for (let i = 0; i < incr; i++) waiters.push(asyncio.createTask(() => barrier.wait()));
    await asyncio.sleep(0);
    await barrier.reset();
    assert.match(String(barrier), /^<Barrier \[resetting, waiters:0\/5\]>$/);

    // More waiters again, then an abort.
    for (let i = 0; i < incr; i++) waiters.push(asyncio.createTask(() => barrier.wait()));
    await asyncio.sleep(0);
    await barrier.abort();
    assert.equal(String(barrier), "<Barrier [broken]>");
    assert.equal(barrier.broken, true);

    await settleAll(waiters);
  });
});

// mirrors test_locks.BarrierTests.test_barrier_parties
test("parties must be a positive integer", () => {
  assert.throws(() => new asyncio.Barrier(0), RangeError);
  assert.throws(() => new asyncio.Barrier(-4), /Barrier parties must be >= 1, got -4/);
  assert.throws(() => new asyncio.Barrier(2.5), TypeError);
  assert.throws(() => new asyncio.Barrier(undefined as unknown as number), TypeError);
  assert.ok(new asyncio.Barrier(N) instanceof asyncio.Barrier);
});

// mirrors test_locks.BarrierTests.test_context_manager
test("each task passing together gets a distinct index", async () => {
  await runVirtual(async () => {
    const barrier = new asyncio.Barrier(3);
    const results: number[] = [];
    await gatherTasks(3, async () => {
      results.push(await barrier.wait());
    });
    assert.deepEqual(
      results.sort((a, b) => a - b),
      [0, 1, 2],
    );
    assert.equal(barrier.nWaiting, 0);
    assert.equal(barrier.broken, false);
  });
});

// mirrors test_locks.BarrierTests.test_filling_one_task
test("a barrier of one lets its task through at once", async () => {
  await runVirtual(async () => {
    const barrier = new asyncio.Barrier(1);
    assert.equal(await barrier.wait(), 0);
    assert.equal(barrier.nWaiting, 0);
    assert.equal(barrier.broken, false);
  });
});

// mirrors test_locks.BarrierTests.test_filling_one_task_twice
test("a barrier of one lets each task through in its first step", async () => {
  await runVirtual(async () => {
    const barrier = new asyncio.Barrier(1);
    const t1 = asyncio.createTask(() => barrier.wait());
    await asyncio.sleep(0);
    assert.equal(barrier.nWaiting, 0);
    const t2 = asyncio.createTask(() => barrier.wait());
    await asyncio.sleep(0);
    assert.equal(t1.result(), t2.result());
    assert.equal(t1.done(), t2.done());
    assert.equal(barrier.nWaiting, 0);
    assert.equal(barrier.broken, false);
  });
});

// mirrors test_locks.BarrierTests.test_filling_task_by_task
test("nWaiting counts the tasks as they arrive", async () => {
  await runVirtual(async () => {
    const barrier = new asyncio.Barrier(3);
    const t1 = asyncio.createTask(() => barrier.wait());
    await asyncio.sleep(0);
    assert.equal(barrier.nWaiting, 1);
    assert.match(String(barrier), /filling/);
    const t2 = asyncio.createTask(() => barrier.wait());
    await asyncio.sleep(0);
    assert.equal(barrier.nWaiting, 2);
    assert.match(String(barrier), /filling/);
    const t3 = asyncio.createTask(() => barrier.wait());
    await asyncio.sleep(0);
    await settleAll([t1, t2, t3]);
    assert.equal(barrier.nWaiting, 0);
    assert.equal(barrier.broken, false);
  });
});

// mirrors test_locks.BarrierTests.test_filling_tasks_wait_twice
test("tasks pass the barrier twice", async () => {
  await runVirtual(async () => {
    const barrier = new asyncio.Barrier(N);
    const results: boolean[] = [];
    await gatherTasks(N, async () => {
      await barrier.wait();
      results.push(true);
      await barrier.wait();
      results.push(false);
    });
    assert.equal(results.length, N * 2);
    assert.equal(results.filter((r) => r).length, N);
    assert.equal(results.filter((r) => !r).length, N);
    assert.equal(barrier.nWaiting, 0);
    assert.equal(barrier.broken, false);
  });
});

// mirrors test_locks.BarrierTests.test_filling_tasks_check_return_value
test("the indices of the second pass are distinct too", async () => {
  await runVirtual(async () => {
    const barrier = new asyncio.Barrier(N);
    const results1: boolean[] = [];
    const results2: boolean[] = [];
    const res = await gatherTasks(N, async () => {
      await barrier.wait();
      results1.push(true);
      const i = await barrier.wait();
      results2.push(true);
      return i;
    });
    assert.equal(results1.length, N);
    assert.equal(results2.length, N);
    assert.deepEqual(
      res.sort((a, b) => a - b),
      [0, 1, 2, 3, 4],
    );
    assert.equal(barrier.nWaiting, 0);
    assert.equal(barrier.broken, false);
  });
});

// mirrors test_locks.BarrierTests.test_draining_state
test("the barrier drains until the last task has left", async () => {
  await runVirtual(async () => {
    const barrier = new asyncio.Barrier(N);
    const results: boolean[] = [];
    await gatherTasks(N, async () => {
      await barrier.wait();
      // Back to filling once the last task has left.
      results.push(String(barrier).includes("draining"));
    });
    assert.equal(results.length, N);
    assert.equal(results[N - 1], false);
    assert.ok(results.slice(0, N - 1).every((r) => r));
    assert.equal(barrier.nWaiting, 0);
    assert.equal(barrier.broken, false);
  });
});

// mirrors test_locks.BarrierTests.test_blocking_tasks_while_draining
test("tasks arriving while the barrier drains wait for the next round", async () => {
  await runVirtual(async () => {
    const rewait = 2;
    const barrier = new asyncio.Barrier(N);
    const barrierNoWaiting = new asyncio.Barrier(N - rewait);
    let rewaitLeft = rewait;
    await gatherTasks(N, async () => {
      await barrier.wait();
      if (rewaitLeft > 0) {
        rewaitLeft--;
        // Wait again, only these tasks.
        await barrier.wait();
      } else {
        // Wait for the end of draining, then for the waiting tasks.
        await barrierNoWaiting.wait();
        await barrier.wait();
      }
    });
  });
});

// mirrors test_locks.BarrierTests.test_filling_tasks_cancel_one
test("a task cancelled while filling leaves the count", async () => {
  await runVirtual(async () => {
    const barrier = new asyncio.Barrier(3);
    const results: boolean[] = [];
    const coro = async () => {
      await barrier.wait();
      results.push(true);
    };
    const t1 = asyncio.createTask(coro);
    await asyncio.sleep(0);
    assert.equal(barrier.nWaiting, 1);
    const t2 = asyncio.createTask(coro);
    await asyncio.sleep(0);
    assert.equal(barrier.nWaiting, 2);

    t1.cancel();
    await asyncio.sleep(0);
    assert.equal(barrier.nWaiting, 1);
    const [outcome] = await settleAll([t1]);
    assert.ok(outcome && !outcome.ok && outcome.error instanceof asyncio.CancelledError);
    assert.equal(t1.cancelled(), true);

    const t3 = asyncio.createTask(coro);
    await asyncio.sleep(0);
    assert.equal(barrier.nWaiting, 2);
    const t4 = asyncio.createTask(coro);
    await joinAll([t2, t3, t4]);
    assert.equal(results.length, 3);
    assert.equal(barrier.nWaiting, 0);
    assert.equal(barrier.broken, false);
  });
});

// mirrors test_locks.BarrierTests.test_reset_barrier
test("reset of an empty barrier leaves it filling", async () => {
  await runVirtual(async () => {
    const barrier = new asyncio.Barrier(1);
    asyncio.createTask(() => barrier.reset());
    await asyncio.sleep(0);
    assert.equal(barrier.nWaiting, 0);
    assert.equal(barrier.broken, false);
  });
});

// mirrors test_locks.BarrierTests.test_reset_barrier_while_tasks_waiting
test("reset makes the waiting tasks fail with BrokenBarrierError", async () => {
  await runVirtual(async () => {
    const barrier = new asyncio.Barrier(N);
    const results: boolean[] = [];
    const tasks = startTasks(N - 1, async () => {
      try {
        await barrier.wait();
      } catch (error) {
        if (error instanceof asyncio.BrokenBarrierError) results.push(true);
        else throw error;
      }
    });
    await asyncio.sleep(0);
    asyncio.createTask(() => barrier.reset());
    await joinAll(tasks);
    assert.equal(results.length, N - 1);
    assert.equal(barrier.nWaiting, 0);
    assert.doesNotMatch(String(barrier), /resetting/);
    assert.equal(barrier.broken, false);
  });
});

// mirrors test_locks.BarrierTests.test_reset_barrier_when_tasks_half_draining
test("a reset while half the tasks drain breaks only the waiting ones", async () => {
  await runVirtual(async () => {
    const barrier = new asyncio.Barrier(N);
    const results1: boolean[] = [];
    const restOfTasks = Math.floor(N / 2);
    await gatherTasks(N, async () => {
      try {
        await barrier.wait();
      } catch (error) {
        if (!(error instanceof asyncio.BrokenBarrierError)) throw error;
        // The tasks still waiting.
        results1.push(true);
        return;
      }
      // A drained task outside the barrier.
      if (restOfTasks === barrier.statistics().tasksInside) await barrier.reset();
    });
    assert.deepEqual(results1, Array(restOfTasks).fill(true));
    assert.equal(barrier.nWaiting, 0);
    assert.doesNotMatch(String(barrier), /resetting/);
    assert.equal(barrier.broken, false);
  });
});

// mirrors test_locks.BarrierTests.test_reset_barrier_when_tasks_half_draining_half_blocking
test("a reset while tasks drain and others block lets the blocked ones wait anew", async () => {
  await runVirtual(async () => {
    const barrier = new asyncio.Barrier(N);
    const results1: boolean[] = [];
    const results2: boolean[] = [];
    const blockingTasks = Math.floor(N / 2);
    let count = 0;
    await gatherTasks(N, async () => {
      try {
        await barrier.wait();
      } catch (error) {
        if (!(error instanceof asyncio.BrokenBarrierError)) throw error;
        // The tasks still waiting, which wait again to reach the parties.
        results1.push(true);
        await barrier.wait();
        return;
      }
      count++;
      if (count > blockingTasks) {
        // Reset now: the waiting tasks get BrokenBarrierError; then wait again.
        await barrier.reset();
        await barrier.wait();
      } else {
        try {
          await barrier.wait();
        } catch (error) {
          // The blocked tasks go on waiting: never here.
          if (error instanceof asyncio.BrokenBarrierError) results2.push(true);
          else throw error;
        }
      }
    });
    assert.deepEqual(results1, Array(blockingTasks).fill(true));
    assert.deepEqual(results2, []);
    assert.equal(barrier.nWaiting, 0);
    assert.doesNotMatch(String(barrier), /resetting/);
    assert.equal(barrier.broken, false);
  });
});

// mirrors test_locks.BarrierTests.test_reset_barrier_while_tasks_waiting_and_waiting_again
test("tasks broken by a reset pass the barrier on their next wait", async () => {
  await runVirtual(async () => {
    const barrier = new asyncio.Barrier(N);
    const results1: boolean[] = [];
    const results2: boolean[] = [];
    const tasks = startTasks(N - 1, async () => {
      try {
        await barrier.wait();
      } catch (error) {
        if (error instanceof asyncio.BrokenBarrierError) results1.push(true);
        else throw error;
      } finally {
        await barrier.wait();
        results2.push(true);
      }
    });
    // Reset: the N-1 waiting tasks get BrokenBarrierError.
    asyncio.createTask(() => barrier.reset());
    await asyncio.sleep(0);
    // Complete the waits of the `finally` blocks.
    asyncio.createTask(async () => {
      await barrier.wait();
      results2.push(true);
    });
    await joinAll(tasks);
    assert.equal(barrier.broken, false);
    assert.equal(results1.length, N - 1);
    assert.equal(results2.length, N);
    assert.equal(barrier.nWaiting, 0);
  });
});

// mirrors test_locks.BarrierTests.test_reset_barrier_while_tasks_draining
test("a reset by the last task to leave does not break the others' next wait", async () => {
  await runVirtual(async () => {
    const barrier = new asyncio.Barrier(N);
    const results1: boolean[] = [];
    const results2: boolean[] = [];
    const results3: boolean[] = [];
    let count = 0;
    await gatherTasks(N, async () => {
      await barrier.wait();
      count++;
      if (count === N) {
        // The last task out resets, then waits to reach the parties.
        await barrier.reset();
        await barrier.wait();
      } else {
        try {
          // The second wait: N-1 tasks here.
          await barrier.wait();
          results1.push(true);
        } catch {
          // Never here.
          results2.push(true);
        }
      }
      // The last wait must complete.
      await barrier.wait();
      results3.push(true);
    });
    assert.equal(barrier.broken, false);
    assert.equal(results1.length, N - 1);
    assert.equal(results2.length, 0);
    assert.equal(results3.length, N);
    assert.equal(barrier.nWaiting, 0);
  });
});

// mirrors test_locks.BarrierTests.test_abort_barrier
test("abort breaks the barrier", async () => {
  await runVirtual(async () => {
    const barrier = new asyncio.Barrier(1);
    asyncio.createTask(() => barrier.abort());
    await asyncio.sleep(0);
    assert.equal(barrier.nWaiting, 0);
    assert.equal(barrier.broken, true);
  });
});

// mirrors test_locks.BarrierTests.test_abort_barrier_when_tasks_half_draining_half_blocking
test("an abort while tasks drain and others block breaks every one of them", async () => {
  await runVirtual(async () => {
    const barrier = new asyncio.Barrier(N);
    const results1: boolean[] = [];
    const results2: boolean[] = [];
    const blockingTasks = Math.floor(N / 2);
    let count = 0;
    await gatherTasks(N, async () => {
      try {
        await barrier.wait();
      } catch (error) {
        // The tasks waiting to drain.
        if (error instanceof asyncio.BrokenBarrierError) results1.push(true);
        else throw error;
        return;
      }
      count++;
      if (count > blockingTasks) {
        // Abort now: every task gets BrokenBarrierError.
        await barrier.abort();
      } else {
        try {
          await barrier.wait();
        } catch (error) {
          // The blocked (already drained) tasks.
          if (error instanceof asyncio.BrokenBarrierError) results2.push(true);
          else throw error;
        }
      }
    });
    assert.equal(barrier.broken, true);
    assert.deepEqual(results1, Array(blockingTasks).fill(true));
    assert.deepEqual(results2, Array(N - blockingTasks - 1).fill(true));
    assert.equal(barrier.nWaiting, 0);
    assert.doesNotMatch(String(barrier), /resetting/);
  });
});

// mirrors test_locks.BarrierTests.test_abort_barrier_when_exception
test("a task that fails inside aborts the barrier for the others", async () => {
  await runVirtual(async () => {
    const barrier = new asyncio.Barrier(N);
    const results1: boolean[] = [];
    const results2: boolean[] = [];
    class Failure extends Error {}
    await gatherTasks(N, async () => {
      try {
        const i = await barrier.wait();
        if (i === Math.floor(N / 2)) throw new Failure();
        await barrier.wait();
        results1.push(true);
      } catch (error) {
        if (error instanceof asyncio.BrokenBarrierError) results2.push(true);
        else if (error instanceof Failure) await barrier.abort();
        else throw error;
      }
    });
    assert.equal(barrier.broken, true);
    assert.equal(results1.length, 0);
    assert.equal(results2.length, N - 1);
    assert.equal(barrier.nWaiting, 0);
  });
});

// mirrors test_locks.BarrierTests.test_abort_barrier_when_exception_then_resetting
test("a reset repairs an aborted barrier", async () => {
  await runVirtual(async () => {
    const barrier1 = new asyncio.Barrier(N);
    const barrier2 = new asyncio.Barrier(N);
    const results1: boolean[] = [];
    const results2: boolean[] = [];
    const results3: boolean[] = [];
    class Failure extends Error {}
    await gatherTasks(N, async () => {
      try {
        const i = await barrier1.wait();
        if (i === Math.floor(N / 2)) throw new Failure();
        await barrier1.wait();
        results1.push(true);
      } catch (error) {
        if (error instanceof asyncio.BrokenBarrierError) results2.push(true);
        else if (error instanceof Failure) await barrier1.abort();
        else throw error;
      }
      // Synchronise and reset: everyone has left barrier1 before the reset, and nobody
      // enters it again before.
      const i = await barrier2.wait();
      if (i === Math.floor(N / 2)) await barrier1.reset();
      await barrier2.wait();
      await barrier1.wait();
      results3.push(true);
    });
    assert.equal(barrier1.broken, false);
    assert.equal(results1.length, 0);
    assert.equal(results2.length, N - 1);
    assert.equal(results3.length, N);
    assert.equal(barrier1.nWaiting, 0);
  });
});
