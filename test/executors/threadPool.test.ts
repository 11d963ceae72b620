/**
 * ThreadPoolExecutor, mirroring CPython's test_concurrent_futures: the shared ExecutorTest
 * (executor.py), ThreadPoolExecutorTest (test_thread_pool.py) and the initializer tests of
 * test_init.py, for threads. Jobs are awaited inside `asyncio.run` (a pool's Futures are
 * asyncio Futures of the running loop, not concurrent.futures ones).
 *
 * Skipped:
 * - ExecutorTest.test_submit_keyword: JavaScript has no keyword arguments.
 * - ExecutorTest.test_map's `chunksize`: `map()` sends each item as its own job (short jobs
 *   are batched to a busy worker by the pool itself).
 * - ExecutorTest.test_no_stale_references, test_free_reference: a job's arguments and result
 *   are copies (structured clone), so the pool cannot hold a user's object alive; there is no
 *   reference to check.
 * - ThreadPoolExecutorTest.test_hang_global_shutdown_lock: about fork() and a Python lock.
 *
 * Adapted:
 * - pow, divmod, abs: Python built-ins; native functions cannot be sent to a worker (jobs.test.ts),
 *   so the jobs are small arrow functions doing the same.
 * - test_max_workers_negative: RangeError (ValueError in Python).
 * - test_saturation, test_idle_thread_reuse: `statistics()` instead of the private `_threads`.
 */
import assert from "node:assert/strict";
import { availableParallelism } from "node:os";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { rejection } from "../helpers.js";
import { blockFor, bump, bumpThenWait, mul, SharedCells } from "./jobHelpers.js";

const pow = (x: number, y: number) => x ** y;

function divmod(pair: [number, number]): [number, number] {
  const [a, b] = pair;
  if (b === 0) throw new RangeError("integer division or modulo by zero");
  return [Math.floor(a / b), a % b];
}

// mirrors executor.ExecutorTest.test_submit
test("submit runs fn(...args) and resolves with the result", async () => {
  await asyncio.run(async () => {
    await using pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 2 });
    const future = pool.submit(pow, 2, 8);
    assert.ok(future instanceof asyncio.Future);
    assert.equal(await future, 256);
    assert.equal(await pool.submit(mul, 6, 7), 42);
  });
});

// mirrors executor.ExecutorTest.test_map
test("map yields fn(item) for every item, in the order of the items", async () => {
  await asyncio.run(async () => {
    await using pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 2 });
    const results: number[] = [];
    for await (const r of pool.map(
      (i: number) => i ** i,
      Array.from({ length: 10 }, (_, i) => i),
    )) {
      results.push(r);
    }
    assert.deepEqual(
      results,
      Array.from({ length: 10 }, (_, i) => i ** i),
    );
    // Any iterable: a generator.
    function* items() {
      yield 3;
      yield 1;
      yield 2;
    }
    const fromGenerator: number[] = [];
    for await (const r of pool.map((i: number) => i * 10, items())) fromGenerator.push(r);
    assert.deepEqual(fromGenerator, [30, 10, 20]);
  });
});

// mirrors executor.ExecutorTest.test_map_exception
test("map yields the results before a failing item, then throws its error", async () => {
  await asyncio.run(async () => {
    await using pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 2 });
    const results = pool.map(divmod, [
      [1, 2],
      [1, 3],
      [1, 0],
      [1, 5],
    ] as [number, number][]);
    assert.deepEqual(await results.next(), { done: false, value: [0, 1] });
    assert.deepEqual(await results.next(), { done: false, value: [0, 1] });
    const error = await rejection(results.next());
    assert.ok(error instanceof RangeError);
    assert.match(error.message, /division or modulo by zero/);
    assert.deepEqual(await results.next(), { done: true, value: undefined });
  });
});

// mirrors executor.ExecutorTest.test_map_timeout
test("map with a timeout throws TimeoutError for a result not in time and cancels the rest", async () => {
  await asyncio.run(async () => {
    await using pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 2 });
    using cells = new SharedCells();
    // Items: [index of the started cell, value]; the third waits for a gate never opened.
    const job = (item: [SharedArrayBuffer, number]) => {
      const cells = new Int32Array(item[0]);
      if (item[1] === 2) {
        Atomics.add(cells, 0, 1);
        Atomics.notify(cells, 0);
        while (Atomics.load(cells, 7) === 0) Atomics.wait(cells, 7, 0);
      }
      return item[1];
    };
    const results: number[] = [];
    const items: [SharedArrayBuffer, number][] = [0, 1, 2, 3].map((i) => [cells.shared.buffer, i]);
    // Threads started first: the timeout (loose) is for the jobs, not for starting threads.
    await asyncio.gather(pool.submit(blockFor, 10), pool.submit(blockFor, 10));
    const error = await rejection(
      (async () => {
        for await (const r of pool.map(job, items, { timeout: 1 })) results.push(r);
      })(),
    );
    assert.ok(error instanceof asyncio.TimeoutError);
    assert.deepEqual(results, [0, 1]);
    // The job that timed out was stopped (its thread terminated): the pool shuts down.
  });
});

// mirrors test_thread_pool.ThreadPoolExecutorTest.test_executor_map_current_future_cancel
test("map with timeout 0 on a busy pool cancels its jobs before they start", async () => {
  await asyncio.run(async () => {
    await using pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 1 });
    using cells = new SharedCells();
    // cell 0/1: first started/stopped; cell 2/3: the mapped jobs started/stopped; cell 6: gate.
    const first = pool.submit(bumpThenWait, cells.shared, 0, 6, "first");
    await cells.reach(0, 1);
    const mapped = pool.map(
      (buffer: SharedArrayBuffer) => {
        const cells = new Int32Array(buffer);
        Atomics.add(cells, 2, 1);
        return Atomics.add(cells, 3, 1);
      },
      [cells.shared.buffer, cells.shared.buffer],
      { timeout: 0 },
    );
    try {
      const error = await rejection(mapped.next());
      assert.ok(error instanceof asyncio.TimeoutError);
    } finally {
      cells.set(6, 1);
    }
    assert.equal(await first, "first");
    assert.equal(pool.statistics().queued, 0);
    await pool.shutdown();
    assert.deepEqual([cells.get(0), cells.get(1), cells.get(2), cells.get(3)], [1, 1, 0, 0]);
  });
});

// mirrors executor.ExecutorTest.test_shutdown_race_issue12456
test("shutdown right after a map over more items than workers finishes them", async () => {
  await asyncio.run(async () => {
    const pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 2 });
    const results = pool.map((n: number) => String(n), [2, 2, 2]);
    await pool.shutdown();
    const strings: string[] = [];
    for await (const s of results) strings.push(s);
    assert.deepEqual(strings, ["2", "2", "2"]);
  });
});

// mirrors test_thread_pool.ThreadPoolExecutorTest.test_map_submits_without_iteration
test("map submits every job at once, without iteration", async () => {
  await asyncio.run(async () => {
    const pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 2 });
    using cells = new SharedCells();
    const recordFinished = (item: [SharedArrayBuffer, number]) => {
      const cells = new Int32Array(item[0]);
      Atomics.add(cells, 0, 1);
      Atomics.or(cells, 1, 1 << item[1]);
    };
    pool.map(
      recordFinished,
      Array.from({ length: 10 }, (_, i) => [cells.shared.buffer, i] as [SharedArrayBuffer, number]),
    );
    await pool.shutdown();
    assert.equal(cells.get(0), 10);
    assert.equal(cells.get(1), (1 << 10) - 1);
  });
});

// mirrors executor.ExecutorTest.test_max_workers_negative
test("maxWorkers 0 or negative throws RangeError", () => {
  for (const maxWorkers of [0, -1]) {
    assert.throws(() => new asyncio.ThreadPoolExecutor({ maxWorkers }), {
      name: "RangeError",
      message: `ThreadPoolExecutor maxWorkers must be >= 1, got ${maxWorkers}`,
    });
  }
});

// mirrors test_thread_pool.ThreadPoolExecutorTest.test_default_workers
test("maxWorkers defaults to min(32, cpus + 4)", async () => {
  const pool = new asyncio.ThreadPoolExecutor();
  assert.equal(pool.maxWorkers, Math.min(32, availableParallelism() + 4));
  assert.equal(pool.statistics().maxWorkers, pool.maxWorkers);
  await pool.shutdown();
});

// mirrors test_thread_pool.ThreadPoolExecutorTest.test_saturation
test("a saturated pool runs maxWorkers threads, no more", async () => {
  await asyncio.run(async () => {
    const pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 4 });
    using cells = new SharedCells();
    const futures = Array.from({ length: 15 * 4 }, () =>
      pool.submit(bumpThenWait, cells.shared, 0, 6, null),
    );
    await cells.reach(0, 4);
    const stats = pool.statistics();
    assert.equal(stats.workers, 4);
    assert.equal(stats.busyWorkers, 4);
    assert.equal(stats.workersStarted, 4);
    assert.equal(stats.queued + stats.inWorkers, 60);
    cells.set(6, 1);
    await asyncio.gather(...futures);
    await pool.shutdown();
    assert.equal(cells.get(1), 60);
    assert.equal(pool.statistics().workersStarted, 4);
  });
});

// mirrors test_thread_pool.ThreadPoolExecutorTest.test_idle_thread_reuse
test("an idle thread is reused", async () => {
  await asyncio.run(async () => {
    await using pool = new asyncio.ThreadPoolExecutor();
    assert.equal(await pool.submit(mul, 21, 2), 42);
    assert.equal(await pool.submit(mul, 6, 7), 42);
    assert.equal(await pool.submit(mul, 3, 14), 42);
    assert.equal(pool.statistics().workers, 1);
    assert.equal(pool.statistics().workersStarted, 1);
  });
});

// mirrors test_shutdown.ThreadPoolShutdownTest.test_thread_names_assigned
test("the threads are named after the name option", async () => {
  await asyncio.run(async () => {
    await using pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 2, name: "SpecialPool" });
    // A thread's name shows in what the pool reports about it, e.g. when it dies.
    const error = await rejection(pool.submit(() => process.exit(1)));
    assert.ok(error instanceof asyncio.WorkerCrashedError);
    assert.match(error.message, /thread SpecialPool_0 /);
  });
});

// mirrors test_shutdown.ThreadPoolShutdownTest.test_thread_names_default
test("threads are named ThreadPoolExecutor-N_i by default", async () => {
  await asyncio.run(async () => {
    await using pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 2 });
    const error = await rejection(pool.submit(() => process.exit(1)));
    assert.match((error as Error).message, /thread ThreadPoolExecutor-\d+_0 /);
  });
});

// mirrors test_init.InitializerMixin.test_initializer (threads)
test("the initializer runs in each thread with initargs before its jobs", async () => {
  await asyncio.run(async () => {
    await using pool = new asyncio.ThreadPoolExecutor({
      maxWorkers: 2,
      initializer: (status: string) => {
        (globalThis as { status?: string }).status = status;
      },
      initargs: ["initialized"],
    });
    using cells = new SharedCells();
    // Two jobs held until both started: one in each thread.
    const futures = [0, 1].map(() =>
      pool.submit((buffer: SharedArrayBuffer) => {
        const cells = new Int32Array(buffer);
        Atomics.add(cells, 0, 1);
        Atomics.notify(cells, 0);
        while (Atomics.load(cells, 0) < 2) Atomics.wait(cells, 0, 1);
        return (globalThis as { status?: string }).status;
      }, cells.shared.buffer),
    );
    assert.deepEqual(await asyncio.gather(...futures), ["initialized", "initialized"]);
    assert.equal(pool.statistics().workersStarted, 2);
  });
});

test("the initializer may be async, or a module's export", async () => {
  await asyncio.run(async () => {
    const module = new URL("./fixtures/jobModule.js", import.meta.url);
    await using fromModule = new asyncio.ThreadPoolExecutor({
      maxWorkers: 1,
      initializer: { module, export: "init" },
      initargs: ["from module"],
    });
    assert.equal(await fromModule.submit({ module, export: "getStatus" }), "from module");
    await using asyncInit = new asyncio.ThreadPoolExecutor({
      maxWorkers: 1,
      initializer: async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        (globalThis as { ready?: boolean }).ready = true;
      },
    });
    assert.equal(await asyncInit.submit(() => (globalThis as { ready?: boolean }).ready), true);
  });
});

// mirrors test_init.FailingInitializerMixin.test_initializer (threads)
test("a failing initializer breaks the pool: jobs and later submits get BrokenThreadPool", async () => {
  await asyncio.run(async () => {
    const pool = new asyncio.ThreadPoolExecutor({
      maxWorkers: 2,
      initializer: () => {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20); // let jobs queue
        throw new RangeError("error in initializer");
      },
    });
    const futures = [pool.submit(() => 1), pool.submit(() => 2), pool.submit(() => 3)];
    for (const future of futures) {
      const error = await rejection(future);
      assert.ok(error instanceof asyncio.BrokenThreadPool);
      assert.ok(error instanceof asyncio.BrokenExecutor);
      assert.equal(
        (error as Error).message,
        "A thread initializer failed, the thread pool is not usable anymore",
      );
      // The initializer's error says why.
      const cause = (error as Error).cause;
      assert.ok(cause instanceof RangeError);
      assert.equal(cause.message, "error in initializer");
    }
    const thrown = (() => {
      try {
        pool.submit(() => 4);
      } catch (error) {
        return error;
      }
      return null;
    })();
    assert.ok(thrown instanceof asyncio.BrokenThreadPool);
    assert.ok((thrown as Error).cause instanceof RangeError);
    assert.match(String(pool), /^<ThreadPoolExecutor broken /);
    await pool.shutdown();
    assert.equal(pool.statistics().workers, 0);
  });
});

test("a thread that exits before it is ready breaks the pool with BrokenThreadPool", async () => {
  await asyncio.run(async () => {
    const pool = new asyncio.ThreadPoolExecutor({
      maxWorkers: 1,
      initializer: () => process.exit(3),
    });
    const futures = [pool.submit(() => 1), pool.submit(() => 2)];
    for (const future of futures) {
      const error = await rejection(future);
      assert.ok(error instanceof asyncio.BrokenThreadPool, String(error));
      assert.match((error as Error).message, /exited before it was ready \(exit code 3\)/);
    }
    assert.throws(() => pool.submit(() => 3), asyncio.BrokenThreadPool);
    await pool.shutdown();
  });
});

test("statistics() counts workers and jobs; toString() shows the state", async () => {
  await asyncio.run(async () => {
    const pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 2 });
    assert.deepEqual(pool.statistics(), {
      maxWorkers: 2,
      workers: 0,
      busyWorkers: 0,
      queued: 0,
      inWorkers: 0,
      workersStarted: 0,
      completed: 0,
    });
    assert.equal(String(pool), "<ThreadPoolExecutor running workers=0/2 queued=0 inWorkers=0>");
    using cells = new SharedCells();
    const held = [0, 1, 2].map(() => pool.submit(bumpThenWait, cells.shared, 0, 6, 0));
    await cells.reach(0, 2);
    assert.deepEqual(pool.statistics(), {
      maxWorkers: 2,
      workers: 2,
      busyWorkers: 2,
      queued: 1,
      inWorkers: 2,
      workersStarted: 2,
      completed: 0,
    });
    assert.equal(String(pool), "<ThreadPoolExecutor running workers=2/2 queued=1 inWorkers=2>");
    cells.set(6, 1);
    await asyncio.gather(...held);
    await pool.submit(bump, cells.shared, 5);
    const idle = pool.statistics();
    assert.equal(idle.busyWorkers, 0);
    assert.equal(idle.completed, 4);
    await pool.shutdown();
    assert.equal(String(pool), "<ThreadPoolExecutor shutdown workers=0/2 queued=0 inWorkers=0>");
  });
});

test("a pool serves several loops, one after another", async () => {
  const pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 1 });
  for (const n of [1, 2, 3]) {
    assert.equal(await asyncio.run(async () => pool.submit((x: number) => x * 2, n)), n * 2);
  }
  assert.equal(pool.statistics().workersStarted, 1);
  await pool.shutdown();
});

test("submit and map outside a running loop throw RuntimeError", async () => {
  const pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 1 });
  assert.throws(() => pool.submit(() => 1), {
    name: "RuntimeError",
    message: /no running event loop/,
  });
  assert.throws(() => pool.map((x: number) => x, [1]), { name: "RuntimeError" });
  await pool.shutdown();
});
