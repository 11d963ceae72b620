/**
 * `loop.runInExecutor()`, `setDefaultExecutor()` and `shutdownDefaultExecutor()`, mirroring
 * the executor tests of CPython's test_base_events.py and test_events.py, and what `run()` and
 * `Runner.close()` do with the default executor (asyncio's runners call
 * `shutdown_default_executor`).
 *
 * Differences from CPython, tested as such:
 * - `setDefaultExecutor` takes only a `ThreadPoolExecutor` (TypeError otherwise), as CPython
 *   3.11+; CPython's test subclasses it with a `submit` that raises, which needs no
 *   counterpart here: the test checks that the pool set is the one used.
 * - An async job function is awaited by the worker (CPython's run_in_executor rejects a
 *   coroutine function with TypeError, test_call_coroutine).
 * - When `shutdownDefaultExecutor(timeout)` times out, CPython warns and leaves the threads
 *   running; here it warns and terminates them, failing their jobs.
 * - Cancelling the Future of a running job stops the job (CPython cannot stop a thread).
 *
 * Skipped:
 * - test_events.test_run_in_executor_cancel's patched `call_soon_threadsafe`: there is no
 *   thread-safe callback path to patch; the test checks that the cancelled job's Future stays
 *   cancelled and the executor shuts down.
 * - test_events.AbstractEventLoopTests.test_not_implemented(_async): there is no abstract
 *   loop class.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { runScript } from "../core/childProcess.js";
import { rejection } from "../helpers.js";
import { blockFor, bump, bumpThenSpin, bumpThenWait, SharedCells } from "./jobHelpers.js";

// mirrors test_events.EventLoopTestsMixin.test_run_in_executor
test("runInExecutor(null, fn, ...args) runs fn in another thread", async () => {
  await asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    const run = (arg: string) => [arg, require("node:worker_threads").threadId] as const;
    const future = loop.runInExecutor(null, run, "yo");
    assert.ok(future instanceof asyncio.Future);
    assert.equal(future.getLoop(), loop);
    const [result, threadId] = await future;
    assert.equal(result, "yo");
    assert.notEqual(threadId, 0); // the main thread's id is 0
  });
});

// mirrors test_events.EventLoopTestsMixin.test_run_in_executor_cancel
test("a job cancelled at once stays cancelled and the default executor shuts down", async () => {
  await asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    using cells = new SharedCells();
    const future = loop.runInExecutor(null, bumpThenWait, cells.shared, 0, 2, "never");
    assert.equal(future.cancel(), true);
    await loop.shutdownDefaultExecutor();
    assert.ok(future.cancelled());
    assert.equal(cells.get(1), 0, "the job never finished");
  });
});

// mirrors test_base_events.BaseEventLoopTests.test_set_default_executor
test("setDefaultExecutor makes runInExecutor(null) and toThread use that pool", async () => {
  await asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    await using pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 1 });
    loop.setDefaultExecutor(pool);
    await loop.runInExecutor(null, () => 1);
    await asyncio.toThread(() => 2);
    assert.equal(pool.statistics().completed, 2);
    // shutdownDefaultExecutor shuts down the pool that was set.
    await loop.shutdownDefaultExecutor();
    assert.throws(() => pool.submit(() => 3), {
      name: "RuntimeError",
      message: /cannot schedule new futures after shutdown/,
    });
  });
});

test("setDefaultExecutor does not shut down the default executor it replaces", async () => {
  await asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    const first = new asyncio.ThreadPoolExecutor({ maxWorkers: 1 });
    const second = new asyncio.ThreadPoolExecutor({ maxWorkers: 1 });
    loop.setDefaultExecutor(first);
    loop.setDefaultExecutor(second);
    assert.equal(await first.submit(() => "first still runs"), "first still runs");
    await asyncio.toThread(() => 0);
    assert.equal(second.statistics().completed, 1);
    await first.shutdown();
  });
});

// mirrors test_base_events.BaseEventLoopTests.test_set_default_executor_error
test("setDefaultExecutor of anything but a ThreadPoolExecutor throws TypeError", async () => {
  await asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    await using processes = new asyncio.ProcessPoolExecutor({ maxWorkers: 1 });
    const executorLike = { submit: () => Promise.resolve(1) };
    for (const executor of [processes, executorLike, null, undefined, "pool"]) {
      assert.throws(() => loop.setDefaultExecutor(executor as never), {
        name: "TypeError",
        message: /^executor must be ThreadPoolExecutor, got /,
      });
    }
    assert.equal(processes.statistics().workersStarted, 0);
    // The default executor is still the loop's own thread pool.
    const threadId = await loop.runInExecutor(
      null,
      () => require("node:worker_threads").threadId as number,
    );
    assert.notEqual(threadId, 0);
  });
});

// mirrors test_base_events.BaseEventLoopTests.test_shutdown_default_executor_timeout
test("shutdownDefaultExecutor(timeout) warns once the timeout passes and stops the threads", async () => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error) => warnings.push(warning);
  process.on("warning", onWarning);
  try {
    await asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      using cells = new SharedCells();
      const job = loop.runInExecutor(null, bumpThenSpin, cells.shared, 0);
      await cells.reach(0, 1);
      const start = performance.now();
      await loop.shutdownDefaultExecutor(0.1);
      assert.ok(performance.now() - start < 5000);
      // Beyond CPython: the thread still running was terminated, failing its job.
      const error = await rejection(job);
      assert.ok(error instanceof asyncio.WorkerCrashedError);
      // The warning is emitted on the next tick.
      await asyncio.wrap(new Promise((resolve) => setImmediate(resolve)));
    });
  } finally {
    process.off("warning", onWarning);
  }
  const warning = warnings.find((w) => w.name === "RuntimeWarning");
  assert.ok(warning !== undefined, "a RuntimeWarning was emitted");
  assert.match(warning.message, /The executor did not finishing joining its threads within 0.1/);
});

test("shutdownDefaultExecutor waits for the jobs running and the threads", async () => {
  await asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    const job = loop.runInExecutor(null, blockFor, 100);
    await loop.shutdownDefaultExecutor();
    assert.ok(job.done());
    assert.equal(job.result(), 100);
  });
});

test("shutdownDefaultExecutor without a default executor resolves at once", async () => {
  await asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    const done = loop.shutdownDefaultExecutor();
    assert.ok(done instanceof asyncio.Future);
    await done;
    // A second call is fine too.
    await loop.shutdownDefaultExecutor(1);
  });
});

test("runInExecutor(null) after shutdownDefaultExecutor throws RuntimeError", async () => {
  // Without a default executor yet.
  await asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    await loop.shutdownDefaultExecutor();
    assert.throws(() => loop.runInExecutor(null, () => 1), {
      name: "RuntimeError",
      message: "Executor shutdown has been called",
    });
    assert.throws(() => asyncio.toThread(() => 1), { name: "RuntimeError" });
  });
  // With one, as CPython's _check_default_executor: the same error.
  await asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    await asyncio.toThread(() => 1);
    await loop.shutdownDefaultExecutor();
    assert.throws(() => loop.runInExecutor(null, () => 1), {
      name: "RuntimeError",
      message: "Executor shutdown has been called",
    });
  });
});

// mirrors test_events.EventLoopTestsMixin.test_close (its run_in_executor part)
test("runInExecutor on a closed loop throws RuntimeError", () => {
  const loop = asyncio.newEventLoop();
  loop.close();
  assert.throws(() => loop.runInExecutor(null, () => 1), {
    name: "RuntimeError",
    message: /Event loop is closed/,
  });
});

// mirrors test_base_events.BaseEventLoopTests.test_call_coroutine (its run_in_executor part)
test("an async job function is awaited in the worker (CPython rejects coroutine functions)", async () => {
  await asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    const simple = async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return "awaited";
    };
    assert.equal(await loop.runInExecutor(null, simple), "awaited");
  });
});

// mirrors test_events.TestPyGetEventLoop.test_get_event_loop_new_process
test("runInExecutor takes a ProcessPoolExecutor", async () => {
  await asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    await using pool = new asyncio.ProcessPoolExecutor({ maxWorkers: 1 });
    const [hello, pid] = await loop.runInExecutor(pool, () => ["hello", process.pid] as const);
    assert.equal(hello, "hello");
    assert.notEqual(pid, process.pid);
  });
});

test("runInExecutor takes any Executor: a promise from its submit becomes a Future of the loop", async () => {
  await asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    const calls: unknown[][] = [];
    const executor = {
      submit(fn: (...args: unknown[]) => unknown, ...args: unknown[]) {
        calls.push(args);
        return Promise.resolve(fn(...args));
      },
    } as unknown as asyncio.Executor;
    const future = loop.runInExecutor(executor, (a: number, b: number) => a + b, 1, 2);
    assert.ok(future instanceof asyncio.Future);
    assert.equal(future.getLoop(), loop);
    assert.equal(await future, 3);
    assert.deepEqual(calls, [[1, 2]]);
    // A Future of this loop from submit is returned as is.
    const own = loop.createFuture<number>();
    const returning = { submit: () => own } as unknown as asyncio.Executor;
    assert.equal(
      loop.runInExecutor(returning, () => 0),
      own,
    );
    own.cancel();
  });
});

test("runInExecutor with something that is not an executor throws TypeError", async () => {
  await asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    for (const executor of [{}, 1, "pool", () => 1]) {
      assert.throws(() => loop.runInExecutor(executor as never, () => 1), {
        name: "TypeError",
        message: /^runInExecutor\(\) executor must be an Executor or null, got /,
      });
    }
  });
});

test("run() waits for the default executor's jobs before it resolves", async () => {
  using cells = new SharedCells();
  await asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    // Submitted and never awaited: run() still waits for it (shutdown_default_executor).
    loop.runInExecutor(
      null,
      (buffer: SharedArrayBuffer) => {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
        Atomics.store(new Int32Array(buffer), 0, 1);
      },
      cells.shared.buffer,
    );
  });
  assert.equal(cells.get(0), 1);
});

test("Runner.close() waits for the default executor's jobs", async () => {
  using cells = new SharedCells();
  const runner = new asyncio.Runner();
  await runner.run(async () => {
    asyncio.getRunningLoop().runInExecutor(null, bump, cells.shared, 0);
  });
  await runner.close();
  assert.equal(cells.get(0), 1);
});

test("run() cancels a task still awaiting a running job and stops the job", async () => {
  using cells = new SharedCells();
  const start = performance.now();
  await asyncio.run(async () => {
    asyncio.createTask(() => asyncio.toThread(bumpThenSpin, cells.shared, 0));
    await cells.reach(0, 1);
  });
  // Not the 300 seconds of shutdownDefaultExecutor's timeout: the job's thread was stopped.
  assert.ok(performance.now() - start < 5000);
});

test("loop.close() abandons the loop's jobs: a queued one never runs, a running one stops", async () => {
  const pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 1 });
  using cells = new SharedCells();
  const loop = asyncio.newEventLoop();
  const running = loop.runInExecutor(pool, bumpThenSpin, cells.shared, 0);
  const queued = loop.runInExecutor(pool, bump, cells.shared, 1);
  await asyncio.run(async () => {
    await cells.reach(0, 1);
  });
  assert.equal(pool.statistics().queued, 1);
  loop.close();
  assert.equal(pool.statistics().queued, 0);
  // The Futures belong to a closed loop: nobody can await them, they are left as they were.
  assert.equal(running.done(), false);
  assert.equal(queued.done(), false);
  // The pool goes on with a new thread; the spinning one was terminated, so shutdown ends.
  await asyncio.run(async () => {
    assert.equal(await pool.submit(() => "next"), "next");
  });
  await pool.shutdown();
  assert.equal(cells.get(1), 0, "the queued job never ran");
  assert.equal(pool.statistics().workersStarted, 2);
});

test("loop.close() shuts the default executor down and stops its jobs", async () => {
  const result = await runScript(
    `import * as asyncio from "asyncio-ts";
     const loop = asyncio.newEventLoop();
     loop.runInExecutor(null, () => { for (;;) {} });
     loop.close();
     console.log("closed");`,
    { timeoutMs: 10_000 },
  );
  // A thread left spinning would keep the process alive until the safety net killed it.
  assert.equal(result.signal, null, result.stderr);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.lines, ["closed"]);
});
