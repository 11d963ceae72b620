/**
 * `shutdown()`, mirroring CPython's test_concurrent_futures/test_shutdown.py
 * (ExecutorShutdownTest, ThreadPoolShutdownTest, ProcessPoolShutdownTest), for both pools.
 * What happens to a process that ends with a pool still open runs in a child Node process.
 *
 * Skipped:
 * - test_submit_after_interpreter_shutdown: there is no atexit stage at which a submit could
 *   come late.
 * - test_del_shutdown (threads and processes): a pool is not shut down by garbage collection;
 *   its idle workers simply never keep the process alive (test_interpreter_shutdown's
 *   counterpart below, and loopIntegration.test.ts).
 * - thread_names tests: in threadPool.test.ts.
 *
 * Differences, tested as such:
 * - test_interpreter_shutdown, test_hang_gh83386: CPython's atexit hook waits for the jobs a
 *   program left running. Here a job belongs to the loop it was submitted on: when `run()`
 *   ends and closes that loop, the job is stopped. A program that wants its jobs finished
 *   awaits them, or `await pool.shutdown()` (then the job's output appears).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as asyncio from "asyncio-ts";
import { runScript } from "../core/childProcess.js";
import { rejection } from "../helpers.js";
import { blockFor, bumpThenWait, SharedCells } from "./jobHelpers.js";

type Kind = "thread" | "process";

function makePool(kind: Kind, maxWorkers: number): asyncio.WorkerPoolExecutor {
  return kind === "thread"
    ? new asyncio.ThreadPoolExecutor({ maxWorkers })
    : new asyncio.ProcessPoolExecutor({ maxWorkers });
}

for (const kind of ["thread", "process"] as const) {
  describe(`shutdown of a ${kind} pool`, () => {
    // mirrors test_shutdown.ExecutorShutdownTest.test_run_after_shutdown
    test("submit and map after shutdown throw RuntimeError", async () => {
      await asyncio.run(async () => {
        const pool = makePool(kind, 1);
        await pool.shutdown();
        assert.throws(() => pool.submit((x: number) => x ** 5, 2), {
          name: "RuntimeError",
          message: "cannot schedule new futures after shutdown",
        });
        assert.throws(() => pool.map((x: number) => x, [1]), { name: "RuntimeError" });
        assert.match(String(pool), /^<\w+ shutdown /);
      });
    });

    // mirrors test_shutdown.ExecutorShutdownTest.test_hang_issue12364
    test("shutdown waits for every job queued, then every worker exits", async () => {
      await asyncio.run(async () => {
        const pool = makePool(kind, 2);
        const futures = Array.from({ length: 20 }, () => pool.submit(blockFor, 5));
        await pool.shutdown();
        for (const future of futures) assert.equal(future.result(), 5);
        assert.equal(pool.statistics().workers, 0);
        assert.equal(pool.statistics().completed, 20);
      });
    });

    // mirrors test_shutdown.ExecutorShutdownTest.test_cancel_futures
    test("shutdown({ cancelFutures: true }) cancels the jobs not started", async () => {
      await asyncio.run(async () => {
        const pool = makePool(kind, 2);
        const futures = Array.from({ length: 20 }, () => pool.submit(blockFor, 20));
        await pool.shutdown({ cancelFutures: true });
        const cancelled = futures.filter((f) => f.cancelled());
        const others = futures.filter((f) => !f.cancelled());
        // Only the jobs already running (one a worker) finish.
        assert.ok(cancelled.length >= 16, `${cancelled.length} cancelled`);
        assert.ok(others.length > 0);
        for (const future of others) {
          assert.ok(future.done());
          assert.equal(future.exception(), null);
        }
      });
    });

    // mirrors test_shutdown.ExecutorShutdownTest.test_hang_gh94440
    test("shutdown does not hang after a job cancelled right after its submit", async () => {
      await asyncio.run(async () => {
        const pool = makePool(kind, 1);
        await pool.submit(() => 0);
        pool.submit(() => 0).cancel();
        await asyncio.timeout(10, () => pool.shutdown());
        assert.equal(pool.statistics().workers, 0);
      });
    });

    test("a task waiting in shutdown() can be cancelled there; the shutdown goes on", async () => {
      await asyncio.run(async () => {
        const pool = makePool(kind, 1);
        const job = pool.submit(blockFor, 300);
        const waiting = asyncio.createTask(() => pool.shutdown());
        await asyncio.sleep(0);
        const holds = asyncio.getRunningLoop().statistics().inFlight;
        assert.ok(holds.some((hold) => hold.description.startsWith("shutdown of")));
        waiting.cancel();
        assert.ok((await rejection(waiting)) instanceof asyncio.CancelledError);
        // Cancelled at its await, not once the shutdown was over.
        assert.equal(job.done(), false);
        await pool.shutdown();
        assert.equal(job.result(), 300);
        assert.equal(pool.statistics().workers, 0);
      });
    });

    // mirrors test_shutdown.ThreadPoolShutdownTest.test_context_manager_shutdown and
    // ProcessPoolShutdownTest.test_context_manager_shutdown
    test("await using shuts the pool down at the end of the block", async () => {
      await asyncio.run(async () => {
        let escaped: asyncio.WorkerPoolExecutor;
        {
          await using pool = makePool(kind, 2);
          escaped = pool;
          const results: number[] = [];
          for await (const r of pool.map(
            (n: number) => Math.abs(n),
            [-5, -4, -3, -2, -1, 0, 1, 2, 3, 4],
          )) {
            results.push(r);
          }
          assert.deepEqual(results, [5, 4, 3, 2, 1, 0, 1, 2, 3, 4]);
        }
        assert.equal(escaped.statistics().workers, 0);
        assert.throws(() => escaped.submit(() => 1), { name: "RuntimeError" });
      });
    });

    // mirrors test_shutdown.ThreadPoolShutdownTest.test_shutdown_no_wait and
    // ProcessPoolShutdownTest.test_shutdown_no_wait
    test("shutdown({ wait: false }) resolves at once; the jobs still finish", async () => {
      await asyncio.run(async () => {
        const pool = makePool(kind, 2);
        const results = pool.map((n: number) => Math.abs(n), [-5, -4, -3, -2, -1, 0, 1, 2, 3, 4]);
        await pool.shutdown({ wait: false });
        const values: number[] = [];
        for await (const r of results) values.push(r);
        assert.deepEqual(values, [5, 4, 3, 2, 1, 0, 1, 2, 3, 4]);
        // The workers exit once their jobs are done: a second shutdown waits for that.
        await pool.shutdown();
        assert.equal(pool.statistics().workers, 0);
      });
    });

    test("shutdown({ wait: false, cancelFutures: true }) cancels the queued jobs at once", async () => {
      await asyncio.run(async () => {
        const pool = makePool(kind, 1);
        const running = pool.submit(blockFor, 20);
        const queued = [pool.submit(blockFor, 20), pool.submit(blockFor, 20)];
        await pool.shutdown({ wait: false, cancelFutures: true });
        assert.ok(queued.every((f) => f.cancelled()));
        assert.equal(await running, 20);
        await pool.shutdown();
      });
    });

    test("shutdown twice, or concurrently, settles each call once the workers exited", async () => {
      await asyncio.run(async () => {
        const pool = makePool(kind, 1);
        const job = pool.submit(blockFor, 30);
        await Promise.all([pool.shutdown(), pool.shutdown()]);
        assert.equal(job.result(), 30);
        assert.equal(pool.statistics().workers, 0);
        await pool.shutdown();
      });
    });

    // mirrors test_deadlock.ExecutorDeadlockTest.test_shutdown_deadlock
    test("a worker that dies after shutdown fails its job; shutdown still resolves", async () => {
      await asyncio.run(async () => {
        const pool = makePool(kind, 2);
        const crash = pool.submit((ms: number) => {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
          process.exit(9);
        }, 50);
        await asyncio.timeout(10, () => pool.shutdown());
        const error = await rejection(crash);
        assert.ok(error instanceof asyncio.WorkerCrashedError);
        assert.equal(error.exitCode, 9);
      });
    });
  });
}

// mirrors test_shutdown.ThreadPoolShutdownTest.test_threads_terminate
test("the threads of a pool exit at shutdown", async () => {
  await asyncio.run(async () => {
    const pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 3 });
    using cells = new SharedCells();
    const futures = [0, 1, 2].map(() => pool.submit(bumpThenWait, cells.shared, 0, 6, null));
    await cells.reach(0, 3);
    assert.equal(pool.statistics().workers, 3);
    cells.set(6, 1);
    await pool.shutdown();
    assert.equal(pool.statistics().workers, 0);
    assert.ok(futures.every((f) => f.done()));
  });
});

// mirrors test_shutdown.ProcessPoolShutdownTest.test_processes_terminate
test("the processes of a pool exit at shutdown", async () => {
  await asyncio.run(async () => {
    const pool = new asyncio.ProcessPoolExecutor({ maxWorkers: 2 });
    const pids = await asyncio.gather(
      pool.submit(() => process.pid),
      pool.submit(() => process.pid),
    );
    await pool.shutdown();
    assert.equal(pool.statistics().workers, 0);
    for (const pid of pids) {
      assert.throws(() => process.kill(pid, 0), { code: "ESRCH" });
    }
  });
});

// mirrors test_shutdown.ExecutorShutdownTest.test_interpreter_shutdown
test("a job left running when run() ends is stopped; awaiting shutdown lets it finish", async () => {
  for (const kind of ["ThreadPoolExecutor", "ProcessPoolExecutor"]) {
    const left = await runScript(
      `import * as asyncio from "asyncio-ts";
       await asyncio.run(async () => {
         const pool = new asyncio.${kind}({ maxWorkers: 5 });
         pool.submit(() => { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300); console.log("apple"); });
       });`,
      { timeoutMs: 10_000 },
    );
    assert.equal(left.code, 0, left.stderr);
    assert.deepEqual(left.lines, [], kind);
    const awaited = await runScript(
      `import * as asyncio from "asyncio-ts";
       await asyncio.run(async () => {
         const pool = new asyncio.${kind}({ maxWorkers: 5 });
         pool.submit(() => { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100); console.log("apple"); });
         await pool.shutdown();
       });`,
      { timeoutMs: 10_000 },
    );
    assert.equal(awaited.code, 0, awaited.stderr);
    assert.deepEqual(awaited.lines, ["apple"], kind);
  }
});

// mirrors test_shutdown.ThreadPoolShutdownTest.test_cancel_futures_wait_false
test("shutdown({ wait: false, cancelFutures: true }) then the end of the program exits cleanly", async () => {
  const result = await runScript(
    `import * as asyncio from "asyncio-ts";
     await asyncio.run(async () => {
       const pool = new asyncio.ThreadPoolExecutor();
       const job = pool.submit(() => { console.log("apple"); });
       await pool.shutdown({ wait: false, cancelFutures: true });
       await job;
     });`,
    { timeoutMs: 10_000 },
  );
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.lines, ["apple"]);
});

test("shutdown of a process pool resolves when nothing else keeps Node alive", async () => {
  const result = await runScript(
    `import * as asyncio from "asyncio-ts";
     await asyncio.run(async () => {
       const pool = new asyncio.ProcessPoolExecutor({ maxWorkers: 2 });
       await asyncio.gather(pool.submit(() => 1), pool.submit(() => 2));
       await pool.shutdown();
       console.log("shut down", pool.statistics().workers);
     });`,
    { timeoutMs: 10_000 },
  );
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.lines, ["shut down 0"]);
});

test("shutdown of a broken pool whose workers are still exiting resolves", async () => {
  // The workers are being terminated when shutdown() is called: they must keep Node up until
  // their exit is heard, else run() ends in a DeadlockError.
  for (const kind of ["ThreadPoolExecutor", "ProcessPoolExecutor"]) {
    const result = await runScript(
      `import * as asyncio from "asyncio-ts";
       await asyncio.run(async () => {
         const pool = new asyncio.${kind}({ maxWorkers: 2, initializer: () => { throw new Error("no"); } });
         const jobs = [pool.submit(() => 1), pool.submit(() => 2)];
         await asyncio.gather(...jobs, { returnExceptions: true });
         await pool.shutdown();
         console.log("shut down", pool.statistics().workers);
       });`,
      { timeoutMs: 10_000 },
    );
    assert.equal(result.code, 0, `${kind}: ${result.stderr}`);
    assert.deepEqual(result.lines, ["shut down 0"], kind);
  }
});
