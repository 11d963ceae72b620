/**
 * A worker that dies — `process.exit()`, an uncaught error, running out of memory, a signal
 * from outside — fails only the job it ran, with WorkerCrashedError naming the exit code or
 * the signal; the pool replaces the worker and runs the next job. This goes beyond CPython,
 * whose process pool becomes broken (test_process_pool.test_killed_child, the crash tests of
 * test_deadlock.py, mirrored where they apply). Each test runs under a timeout: a crash must
 * never leave a job waiting forever.
 *
 * Mirrored from test_deadlock.ExecutorDeadlockTest, with the outcome of this pool:
 * - test_exit_during_func_exec_on_worker: WorkerCrashedError with the exit code (SystemExit
 *   in CPython);
 * - test_crash_during_func_exec_on_worker: WorkerCrashedError with the signal (a broken pool);
 * - test_error_during_func_exec_on_worker: the job's error;
 * - test_error_at_task_pickle, test_error_during_result_pickle_on_worker: an argument or a
 *   result that cannot be cloned fails the job with TypeError (jobs.test.ts too).
 * Skipped: the (un)pickling crashes — structured clone runs no user code while copying — and
 * test_crash_big_data, test_gh105829 (about CPython's result and wakeup pipes).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as asyncio from "asyncio-ts";
import { rejection } from "../helpers.js";
import { bumpThenWait, SharedCells, warmUp } from "./jobHelpers.js";

type Kind = "thread" | "process";

function makePool(kind: Kind, maxWorkers = 1): asyncio.WorkerPoolExecutor {
  return kind === "thread"
    ? new asyncio.ThreadPoolExecutor({ maxWorkers })
    : new asyncio.ProcessPoolExecutor({ maxWorkers });
}

/** Runs `body` in a loop under a timeout, so that a hang fails the test instead of stalling. */
function guarded(body: () => Promise<void>): Promise<void> {
  return asyncio.run(() => asyncio.timeout(20, body));
}

/** The error of a job that must fail with WorkerCrashedError. */
async function crashOf(job: PromiseLike<unknown>): Promise<asyncio.WorkerCrashedError> {
  const error = await rejection(job);
  assert.ok(error instanceof asyncio.WorkerCrashedError, `got ${String(error)}`);
  assert.ok(error instanceof Error);
  assert.equal(error.name, "WorkerCrashedError");
  return error;
}

/** The pool goes on: the next job runs on a new worker. */
async function goesOn(pool: asyncio.WorkerPoolExecutor, startedBefore: number): Promise<void> {
  assert.equal(await pool.submit((x: number) => x * 2, 21), 42);
  assert.equal(pool.statistics().workersStarted, startedBefore + 1);
}

for (const kind of ["thread", "process"] as const) {
  describe(`a ${kind} that dies`, () => {
    // mirrors test_deadlock.ExecutorDeadlockTest.test_exit_during_func_exec_on_worker
    test("process.exit(n) in a job fails it with the exit code", async () => {
      await guarded(async () => {
        await using pool = makePool(kind);
        const error = await crashOf(pool.submit(() => process.exit(3)));
        assert.equal(error.exitCode, 3);
        assert.equal(error.signal, null);
        assert.match(
          error.message,
          new RegExp(`^the ${kind} .+ running job \\(anonymous\\) exited with code 3$`),
        );
        await goesOn(pool, 1);
      });
    });

    test("an uncaught error thrown from a timer in the job fails it", async () => {
      await guarded(async () => {
        await using pool = makePool(kind);
        const job = () =>
          new Promise(() => {
            setTimeout(() => {
              throw new RangeError("boom from a timer");
            }, 1);
          });
        const error = await crashOf(pool.submit(job));
        assert.equal(error.exitCode, 1);
        assert.equal(error.signal, null);
        assert.match(error.message, /exited with code 1/);
        if (kind === "thread") {
          // A thread's uncaught error is known: it is the cause, and the message names it.
          assert.match(error.message, /after an uncaught error: RangeError: boom from a timer/);
          assert.ok(error.cause instanceof RangeError);
        }
        await goesOn(pool, 1);
      });
    });

    // mirrors test_deadlock.ExecutorDeadlockTest.test_error_during_func_exec_on_worker
    test("an error thrown by the job fails it; the worker lives on", async () => {
      await guarded(async () => {
        await using pool = makePool(kind);
        const error = await rejection(
          pool.submit(() => {
            throw new RangeError("plain error");
          }),
        );
        assert.ok(error instanceof RangeError);
        assert.equal(await pool.submit(() => "same worker"), "same worker");
        assert.equal(pool.statistics().workersStarted, 1);
      });
    });

    test("a worker that dies fails only its own job; the others finish", async () => {
      await guarded(async () => {
        await using pool = makePool(kind, 2);
        const slow = pool.submit((ms: number) => {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
          return "slow done";
        }, 200);
        const dying = pool.submit(() => process.exit(5));
        const error = await crashOf(dying);
        assert.equal(error.exitCode, 5);
        assert.equal(await slow, "slow done");
        assert.equal(await pool.submit(() => "next"), "next");
      });
    });
  });
}

// mirrors test_deadlock.ExecutorDeadlockTest.test_crash_during_func_exec_on_worker
test("a process that kills itself with a signal fails its job, naming the signal", async () => {
  await guarded(async () => {
    await using pool = makePool("process");
    const error = await crashOf(pool.submit(() => process.kill(process.pid, "SIGKILL")));
    assert.equal(error.signal, "SIGKILL");
    assert.equal(error.exitCode, null);
    assert.match(error.message, /was killed by SIGKILL$/);
    await goesOn(pool, 1);
  });
});

test("SIGKILL sent from outside to a process worker fails its job; the pool goes on", async () => {
  await guarded(async () => {
    await using pool = makePool("process");
    const pid = await pool.submit(() => process.pid);
    const job = pool.submit(() => {
      for (;;) {}
    });
    process.kill(pid, "SIGKILL");
    const error = await crashOf(job);
    assert.equal(error.signal, "SIGKILL");
    assert.equal(error.exitCode, null);
    assert.match(
      error.message,
      new RegExp(`^the process ${pid} running job \\(anonymous\\) was killed by SIGKILL$`),
    );
    const next = await pool.submit(() => process.pid);
    assert.notEqual(next, pid);
    assert.equal(pool.statistics().workersStarted, 2);
  });
});

test("a thread over its resourceLimits fails its job as out of memory", async () => {
  await guarded(async () => {
    await using pool = new asyncio.ThreadPoolExecutor({
      maxWorkers: 1,
      resourceLimits: { maxOldGenerationSizeMb: 16 },
    });
    const hog = () => {
      const kept: number[][] = [];
      for (;;) kept.push(new Array(10_000).fill(Math.random()));
    };
    const error = await crashOf(pool.submit(hog));
    assert.match(error.message, /ran out of memory \(resourceLimits\)/);
    assert.equal((error.cause as { code?: string } | undefined)?.code, "ERR_WORKER_OUT_OF_MEMORY");
    assert.equal(error.signal, null);
    await goesOn(pool, 1);
  });
});

test("jobs sent ahead to a worker that dies run on its replacement", async () => {
  await guarded(async () => {
    await using pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 1 });
    // Short jobs first, so that the pool sends the next jobs ahead to the busy thread.
    await warmUp(pool);
    using cells = new SharedCells();
    const dying = pool.submit((shared: { buffer: SharedArrayBuffer }) => {
      const cells = new Int32Array(shared.buffer);
      while (Atomics.load(cells, 6) === 0) Atomics.wait(cells, 6, 0);
      process.exit(2);
    }, cells.shared);
    const behind = [
      pool.submit(bumpThenWait, cells.shared, 0, 6, "a"),
      pool.submit(bumpThenWait, cells.shared, 0, 6, "b"),
    ];
    try {
      assert.equal(pool.statistics().inWorkers, 3);
    } finally {
      cells.set(6, 1);
    }
    const error = await crashOf(dying);
    assert.equal(error.exitCode, 2);
    assert.deepEqual(await asyncio.gather(...behind), ["a", "b"]);
    assert.equal(pool.statistics().workersStarted, 2);
  });
});

// mirrors test_deadlock.ExecutorDeadlockTest.test_error_at_task_pickle and
// test_error_during_result_pickle_on_worker
test("an argument or a result that cannot be cloned fails the job, not the worker", async () => {
  await guarded(async () => {
    for (const kind of ["thread", "process"] as const) {
      await using pool = makePool(kind);
      const badArgument = await rejection(
        pool.submit(
          (f: unknown) => typeof f,
          () => 1,
        ),
      );
      assert.ok(badArgument instanceof TypeError, kind);
      assert.match(badArgument.message, /the job's arguments could not be sent to the worker/);
      const badResult = await rejection(pool.submit(() => () => 1));
      assert.ok(badResult instanceof TypeError, kind);
      assert.match(badResult.message, /the job's result could not be sent back from the worker/);
      assert.equal(await pool.submit(() => "fine"), "fine");
      assert.equal(pool.statistics().workersStarted, 1, kind);
    }
  });
});
