/**
 * ProcessPoolExecutor, mirroring CPython's test_concurrent_futures: the shared ExecutorTest
 * (executor.py) run for processes, ProcessPoolExecutorTest (test_process_pool.py) and the
 * initializer tests of test_init.py, for processes. Processes cost a fork each, so the plain
 * scenarios share one pool of two; the tests that need a pool of their own make a small one.
 *
 * Skipped:
 * - ExecutorTest.test_submit_keyword: JavaScript has no keyword arguments.
 * - ExecutorTest.test_no_stale_references, test_free_reference, and
 *   ProcessPoolExecutorTest.test_ressources_gced_in_workers: arguments and results are copies;
 *   there is no shared reference whose collection could be checked.
 * - test_max_workers_too_large: a Windows limit.
 * - test_map_chunksize: `map()` has no chunksize (short jobs are batched by the pool itself).
 * - test_max_tasks_per_child_defaults_to_spawn_context, test_python_finalization_error, the
 *   fork/forkserver/spawn variants: Node forks a fresh process each time; there are no start
 *   methods and no Python finalization.
 *
 * Differences, tested as such:
 * - test_killed_child: a killed process fails only the job it ran, with WorkerCrashedError,
 *   and the pool replaces it; CPython's pool becomes broken (BrokenProcessPool).
 * - test_traceback: the error comes back with the stack of the child (frames of the job read
 *   `job:<name>`); there is no _RemoteTraceback cause.
 */
import assert from "node:assert/strict";
import { availableParallelism } from "node:os";
import { after, test } from "node:test";
import * as asyncio from "asyncio-ts";
import { rejection } from "../helpers.js";
import { blockFor, mul, ReportServer, reportThenSpin } from "./jobHelpers.js";

/** The pool the plain scenarios share (two processes, started on first use). */
const shared = new asyncio.ProcessPoolExecutor({ maxWorkers: 2 });
after(() => shared.shutdown());

const pid = () => process.pid;

// mirrors executor.ExecutorTest.test_submit (processes)
test("submit runs fn(...args) in a child process", async () => {
  await asyncio.run(async () => {
    assert.equal(await shared.submit((x: number, y: number) => x ** y, 2, 8), 256);
    const childPid = await shared.submit(pid);
    assert.equal(typeof childPid, "number");
    assert.notEqual(childPid, process.pid);
  });
});

// mirrors executor.ExecutorTest.test_map (processes)
test("map yields the results in the order of the items", async () => {
  await asyncio.run(async () => {
    const results: number[] = [];
    for await (const r of shared.map((i: number) => i ** i, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])) {
      results.push(r);
    }
    assert.deepEqual(
      results,
      Array.from({ length: 10 }, (_, i) => i ** i),
    );
  });
});

// mirrors executor.ExecutorTest.test_map_exception (processes)
test("map throws the error of a failing item after the results before it", async () => {
  await asyncio.run(async () => {
    const divmod = ([a, b]: [number, number]) => {
      if (b === 0) throw new RangeError("integer division or modulo by zero");
      return [Math.floor(a / b), a % b];
    };
    const results = shared.map(divmod, [
      [1, 2],
      [1, 3],
      [1, 0],
      [1, 5],
    ] as [number, number][]);
    assert.deepEqual((await results.next()).value, [0, 1]);
    assert.deepEqual((await results.next()).value, [0, 1]);
    const error = await rejection(results.next());
    assert.ok(error instanceof RangeError);
  });
});

// mirrors executor.ExecutorTest.test_map_timeout (processes)
test("map with a timeout throws TimeoutError and stops the process of the late job", async () => {
  await asyncio.run(async () => {
    const job = (ms: number) => {
      if (ms < 0) for (;;) {}
      return ms;
    };
    const results: number[] = [];
    // Both processes started first: the timeout (loose) is for the jobs, not for forking.
    await asyncio.gather(shared.submit(blockFor, 10), shared.submit(blockFor, 10));
    const before = shared.statistics().workersStarted;
    const error = await rejection(
      (async () => {
        for await (const r of shared.map(job, [0, 0, -1], { timeout: 2 })) results.push(r);
      })(),
    );
    assert.ok(error instanceof asyncio.TimeoutError);
    assert.deepEqual(results, [0, 0]);
    // The spinning process was terminated: two jobs at once get two processes again.
    const pidAfter = (ms: number) => {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
      return process.pid;
    };
    const pids = await asyncio.timeout(10, () =>
      asyncio.gather(shared.submit(pidAfter, 50), shared.submit(pidAfter, 50)),
    );
    assert.equal(new Set(pids).size, 2);
    assert.ok(shared.statistics().workersStarted > before);
  });
});

// mirrors executor.ExecutorTest.test_shutdown_race_issue12456 (processes)
test("shutdown right after a map over more items than workers finishes them", async () => {
  await asyncio.run(async () => {
    const pool = new asyncio.ProcessPoolExecutor({ maxWorkers: 1 });
    const results = pool.map((n: number) => String(n), [2, 2]);
    await pool.shutdown();
    const strings: string[] = [];
    for await (const s of results) strings.push(s);
    assert.deepEqual(strings, ["2", "2"]);
    assert.equal(pool.statistics().workers, 0);
  });
});

// mirrors executor.ExecutorTest.test_max_workers_negative (processes)
test("maxWorkers 0 or negative throws RangeError", () => {
  for (const maxWorkers of [0, -1]) {
    assert.throws(() => new asyncio.ProcessPoolExecutor({ maxWorkers }), {
      name: "RangeError",
      message: `ProcessPoolExecutor maxWorkers must be >= 1, got ${maxWorkers}`,
    });
  }
});

test("maxWorkers defaults to the number of CPUs", async () => {
  const pool = new asyncio.ProcessPoolExecutor();
  assert.equal(pool.maxWorkers, availableParallelism());
  await pool.shutdown();
  assert.equal(pool.statistics().workersStarted, 0);
});

// mirrors test_process_pool.ProcessPoolExecutorTest.test_killed_child
test("a killed child fails only its job; the pool replaces it (CPython's breaks)", async () => {
  await asyncio.run(async () => {
    await using reports = await ReportServer.open();
    const before = shared.statistics().workersStarted;
    const job = shared.submit(reportThenSpin, reports.port);
    const childPid = Number(await reports.next());
    process.kill(childPid, "SIGTERM");
    const error = await rejection(job);
    assert.ok(error instanceof asyncio.WorkerCrashedError);
    assert.equal(error.signal, "SIGTERM");
    assert.equal(error.exitCode, null);
    // Submitting goes on working.
    assert.equal(await shared.submit((x: number, y: number) => x ** y, 2, 8), 256);
    assert.ok(shared.statistics().workersStarted <= before + 1);
  });
});

// mirrors test_process_pool.ProcessPoolExecutorTest.test_traceback
test("a job's error comes back with its class, message and the child's stack", async () => {
  await asyncio.run(async () => {
    const error = await rejection(
      shared.submit(function raiseInChild() {
        throw new RangeError("123"); // some comment
      }),
    );
    assert.ok(error instanceof RangeError);
    assert.equal(error.message, "123");
    assert.match(error.stack ?? "", /^RangeError: 123\n/);
    assert.match(error.stack ?? "", /at raiseInChild \(job:raiseInChild:\d+:\d+\)/);
  });
});

// mirrors test_process_pool.ProcessPoolExecutorTest.test_saturation
test("a saturated pool starts maxWorkers processes, no more", async () => {
  await asyncio.run(async () => {
    const pool = new asyncio.ProcessPoolExecutor({ maxWorkers: 2 });
    const futures = Array.from({ length: 15 * 2 }, () => pool.submit(blockFor, 1));
    assert.equal(pool.statistics().workers, 2);
    await asyncio.gather(...futures);
    assert.equal(pool.statistics().workersStarted, 2);
    await pool.shutdown();
  });
});

// mirrors test_process_pool.ProcessPoolExecutorTest.test_idle_process_reuse_one
test("an idle process is reused", async () => {
  await asyncio.run(async () => {
    const pool = new asyncio.ProcessPoolExecutor({ maxWorkers: 2 });
    const pids = [await pool.submit(pid), await pool.submit(pid), await pool.submit(pid)];
    assert.equal(new Set(pids).size, 1);
    assert.equal(pool.statistics().workersStarted, 1);
    await pool.shutdown();
  });
});

// mirrors test_process_pool.ProcessPoolExecutorTest.test_idle_process_reuse_multiple
test("jobs awaited or not reuse idle processes: never more than needed", async () => {
  await asyncio.run(async () => {
    const pool = new asyncio.ProcessPoolExecutor({ maxWorkers: 4 });
    await pool.submit(mul, 12, 7);
    const a = pool.submit(mul, 33, 25);
    await pool.submit(mul, 25, 26);
    const b = pool.submit(mul, 18, 29);
    await pool.submit(mul, 1, 2);
    const c = pool.submit(mul, 0, 9);
    assert.deepEqual(await asyncio.gather(a, b, c), [825, 522, 0]);
    assert.ok(pool.statistics().workersStarted <= 3);
    await pool.shutdown();
  });
});

// mirrors test_process_pool.ProcessPoolExecutorTest.test_max_tasks_per_child
test("maxTasksPerChild replaces a process after that many jobs", async () => {
  await asyncio.run(async () => {
    const pool = new asyncio.ProcessPoolExecutor({ maxWorkers: 1, maxTasksPerChild: 3 });
    const original = await pool.submit(pid);
    assert.equal(await pool.submit(pid), original);
    assert.equal(pool.statistics().workers, 1);
    assert.equal(await pool.submit(pid), original);
    // A new process, while the previous one was reaped.
    const next = await pool.submit(pid);
    assert.notEqual(next, original);
    assert.equal(pool.statistics().workers, 1);
    assert.equal(pool.statistics().workersStarted, 2);
    await pool.shutdown();
  });
});

// mirrors test_process_pool.ProcessPoolExecutorTest.test_max_tasks_early_shutdown
test("maxTasksPerChild with a shutdown right after the submits runs every job", async () => {
  await asyncio.run(async () => {
    const pool = new asyncio.ProcessPoolExecutor({ maxWorkers: 2, maxTasksPerChild: 1 });
    const futures = [0, 1, 2, 3].map((i) => pool.submit(mul, i, i));
    await pool.shutdown();
    for (const [i, future] of futures.entries()) assert.equal(future.result(), i * i);
    assert.equal(pool.statistics().workersStarted, 4);
    assert.equal(pool.statistics().workers, 0);
  });
});

test("maxTasksPerChild and killGracePeriod are checked", () => {
  for (const maxTasksPerChild of [0, -1]) {
    assert.throws(() => new asyncio.ProcessPoolExecutor({ maxTasksPerChild }), {
      name: "RangeError",
      message: /ProcessPoolExecutor maxTasksPerChild must be >= 1/,
    });
  }
  assert.throws(() => new asyncio.ProcessPoolExecutor({ maxTasksPerChild: 1.5 }), {
    name: "TypeError",
    message: /ProcessPoolExecutor maxTasksPerChild must be an integer/,
  });
  for (const killGracePeriod of [-1, Number.NaN, Number.POSITIVE_INFINITY, "2"]) {
    assert.throws(
      () => new asyncio.ProcessPoolExecutor({ killGracePeriod: killGracePeriod as number }),
      { name: "TypeError", message: /ProcessPoolExecutor killGracePeriod must be a number/ },
    );
  }
});

// mirrors test_init.InitializerMixin.test_initializer (processes)
test("the initializer runs in each process with initargs before its jobs", async () => {
  await asyncio.run(async () => {
    const module = new URL("./fixtures/jobModule.js", import.meta.url);
    await using pool = new asyncio.ProcessPoolExecutor({
      maxWorkers: 1,
      initializer: { module, export: "init" },
      initargs: ["initialized"],
    });
    assert.equal(await pool.submit({ module, export: "getStatus" }), "initialized");
  });
});

// mirrors test_init.FailingInitializerMixin.test_initializer (processes)
test("a failing initializer breaks the pool with BrokenProcessPool", async () => {
  await asyncio.run(async () => {
    const pool = new asyncio.ProcessPoolExecutor({
      maxWorkers: 1,
      initializer: () => {
        throw new Error("error in initializer");
      },
    });
    const error = await rejection(pool.submit(pid));
    assert.ok(error instanceof asyncio.BrokenProcessPool);
    assert.ok(error instanceof asyncio.BrokenExecutor);
    assert.equal(
      error.message,
      "A process initializer failed, the process pool is not usable anymore",
    );
    assert.match(String(error.cause), /error in initializer/);
    assert.throws(() => pool.submit(pid), asyncio.BrokenProcessPool);
    await pool.shutdown();
    assert.equal(pool.statistics().workers, 0);
  });
});
