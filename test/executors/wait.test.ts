/**
 * Waiting on executor jobs with `asyncio.wait` and `gather`, mirroring CPython's
 * test_concurrent_futures/test_wait.py (WaitTests for threads and processes,
 * ThreadPoolWaitTests). A pool's Futures are asyncio Futures, so the waits are asyncio's.
 *
 * Differences:
 * - concurrent.futures.wait counts a Future cancelled but not yet notified (CANCELLED_FUTURE)
 *   as pending; asyncio's wait counts every cancelled Future as done. The tests that put
 *   CANCELLED_FUTURE among the pending ones check the jobs alone, or a cancelled Future among
 *   the done ones.
 * - `time.sleep(1.5)` stands for a job that does not finish during the test: here a thread
 *   job held on a gate opened at the end, or a process job cancelled at the end (its process
 *   is terminated).
 *
 * Skipped: test_pending_calls_race's switch interval (a CPython knob); the scenario is kept.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as asyncio from "asyncio-ts";
import { blockFor, bumpThenWait, mul, SharedCells } from "./jobHelpers.js";

const divmod = (a: number, b: number): [number, number] => {
  if (b === 0) throw new RangeError("integer division or modulo by zero");
  return [Math.floor(a / b), a % b];
};

const sleepAndRaise = (ms: number) => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  throw new Error("this is an exception");
};

/** Futures already settled, as test_concurrent_futures/util.py makes them. */
function settledFutures() {
  const loop = asyncio.getRunningLoop();
  const successful = loop.createFuture<number>();
  successful.setResult(42);
  const failed = loop.createFuture<number>();
  failed.setException(new Error("OSError"));
  const cancelled = loop.createFuture<number>();
  cancelled.cancel();
  return { successful, failed, cancelled };
}

interface Harness {
  readonly pool: asyncio.WorkerPoolExecutor;
  /** A job that does not finish until `release()`. */
  block(): asyncio.Future<unknown>;
  /** Lets the blocked jobs go (threads) or stops them (processes). */
  release(): Promise<void>;
}

function threadHarness(pool: asyncio.ThreadPoolExecutor): Harness {
  const cells = new SharedCells();
  return {
    pool,
    block: () => pool.submit(bumpThenWait, cells.shared, 0, 6, null),
    async release() {
      cells.set(6, 1);
      await pool.shutdown();
      cells[Symbol.dispose]();
    },
  };
}

function processHarness(pool: asyncio.ProcessPoolExecutor): Harness {
  const blocked: asyncio.Future<unknown>[] = [];
  return {
    pool,
    block() {
      const future = pool.submit(blockFor, 60_000);
      blocked.push(future);
      return future;
    },
    async release() {
      for (const future of blocked) future.cancel();
      await pool.shutdown();
    },
  };
}

const harnesses = {
  thread: (maxWorkers: number) => threadHarness(new asyncio.ThreadPoolExecutor({ maxWorkers })),
  process: (maxWorkers: number) => processHarness(new asyncio.ProcessPoolExecutor({ maxWorkers })),
};

/** Runs `body` with a harness of `kind`, released at the end whatever happens. */
function withHarness(
  kind: keyof typeof harnesses,
  maxWorkers: number,
  body: (h: Harness) => Promise<void>,
): Promise<void> {
  return asyncio.run(async () => {
    const harness = harnesses[kind](maxWorkers);
    try {
      await asyncio.timeout(20, () => body(harness));
    } finally {
      await harness.release();
    }
  });
}

for (const kind of ["thread", "process"] as const) {
  describe(`asyncio.wait on ${kind} pool jobs (test_wait.WaitTests)`, () => {
    // mirrors test_wait.WaitTests.test_20369
    test("a job given twice is in the done set once", async () => {
      await withHarness(kind, 1, async ({ pool }) => {
        const future = pool.submit(blockFor, 50);
        const [done, pending] = await asyncio.wait([future, future]);
        assert.deepEqual(done, new Set([future]));
        assert.deepEqual(pending, new Set());
      });
    });

    // mirrors test_wait.WaitTests.test_first_completed
    test("FIRST_COMPLETED returns with the job done first", async () => {
      await withHarness(kind, 2, async ({ pool, block }) => {
        const future1 = pool.submit(mul, 21, 2);
        const future2 = block();
        const [done, pending] = await asyncio.wait([future1, future2], {
          returnWhen: asyncio.FIRST_COMPLETED,
        });
        assert.deepEqual(done, new Set([future1]));
        assert.deepEqual(pending, new Set([future2]));
        assert.equal(future1.result(), 42);
      });
    });

    // mirrors test_wait.WaitTests.test_first_completed_some_already_completed
    test("FIRST_COMPLETED with Futures already done returns them at once", async () => {
      await withHarness(kind, 1, async ({ block }) => {
        const { successful, cancelled } = settledFutures();
        const future1 = block();
        const [done, pending] = await asyncio.wait([cancelled, successful, future1], {
          returnWhen: asyncio.FIRST_COMPLETED,
        });
        assert.deepEqual(done, new Set([cancelled, successful]));
        assert.deepEqual(pending, new Set([future1]));
      });
    });

    // mirrors test_wait.WaitTests.test_first_exception
    test("FIRST_EXCEPTION returns once a job fails", async () => {
      // One worker: the jobs run in order, so the first is done when the second fails.
      await withHarness(kind, 1, async ({ pool, block }) => {
        const future1 = pool.submit(mul, 2, 21);
        const future2 = pool.submit(sleepAndRaise, 20);
        const future3 = block();
        const [done, pending] = await asyncio.wait([future1, future2, future3], {
          returnWhen: asyncio.FIRST_EXCEPTION,
        });
        assert.deepEqual(done, new Set([future1, future2]));
        assert.deepEqual(pending, new Set([future3]));
        assert.match(String(future2.exception()), /this is an exception/);
      });
    });

    // mirrors test_wait.WaitTests.test_first_exception_some_already_complete
    test("FIRST_EXCEPTION ignores cancelled Futures and returns on the failing job", async () => {
      await withHarness(kind, 2, async ({ pool, block }) => {
        const { successful, cancelled } = settledFutures();
        const future1 = pool.submit(divmod, 21, 0);
        const future2 = block();
        const [done, pending] = await asyncio.wait(
          [successful, cancelled, future1, future2] as asyncio.Future<unknown>[],
          { returnWhen: asyncio.FIRST_EXCEPTION },
        );
        assert.deepEqual(done, new Set([successful, cancelled, future1]));
        assert.deepEqual(pending, new Set([future2]));
        assert.ok(future1.exception() instanceof RangeError);
      });
    });

    // mirrors test_wait.WaitTests.test_first_exception_one_already_failed
    test("FIRST_EXCEPTION with a Future already failed returns at once", async () => {
      await withHarness(kind, 1, async ({ block }) => {
        const { failed } = settledFutures();
        const future1 = block();
        const [done, pending] = await asyncio.wait([failed, future1] as asyncio.Future<unknown>[], {
          returnWhen: asyncio.FIRST_EXCEPTION,
        });
        assert.deepEqual(done, new Set([failed]));
        assert.deepEqual(pending, new Set([future1]));
        failed.exception();
      });
    });

    // mirrors test_wait.WaitTests.test_all_completed
    test("ALL_COMPLETED returns once every job is done, failed or not", async () => {
      await withHarness(kind, 2, async ({ pool }) => {
        const { successful, failed, cancelled } = settledFutures();
        const future1 = pool.submit(divmod, 2, 0);
        const future2 = pool.submit(mul, 2, 21);
        const all = [successful, cancelled, failed, future1, future2] as asyncio.Future<unknown>[];
        const [done, pending] = await asyncio.wait(all, { returnWhen: asyncio.ALL_COMPLETED });
        assert.deepEqual(done, new Set(all));
        assert.deepEqual(pending, new Set());
        assert.equal(future2.result(), 42);
        failed.exception();
      });
    });

    // mirrors test_wait.WaitTests.test_timeout
    test("a timeout returns with the job still running among the pending", async () => {
      await withHarness(kind, 1, async ({ block }) => {
        const { successful, failed, cancelled } = settledFutures();
        const future = block();
        const [done, pending] = await asyncio.wait(
          [cancelled, failed, successful, future] as asyncio.Future<unknown>[],
          { timeout: 0.05, returnWhen: asyncio.ALL_COMPLETED },
        );
        assert.deepEqual(done, new Set([cancelled, failed, successful]));
        assert.deepEqual(pending, new Set([future]));
        failed.exception();
      });
    });
  });
}

// mirrors test_wait.ThreadPoolWaitTests.test_pending_calls_race
test("waiting on a hundred jobs released together sees them all done", async () => {
  await asyncio.run(async () => {
    await using pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 4 });
    using cells = new SharedCells();
    const futures = new Set(
      Array.from({ length: 100 }, () => pool.submit(bumpThenWait, cells.shared, 0, 6, null)),
    );
    cells.set(6, 1);
    const [done, pending] = await asyncio.wait(futures, { returnWhen: asyncio.ALL_COMPLETED });
    assert.equal(done.size, 100);
    assert.equal(pending.size, 0);
    assert.equal(cells.get(1), 100);
  });
});

test("gather collects the results of jobs in order, and their errors with returnExceptions", async () => {
  await asyncio.run(async () => {
    await using pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 2 });
    assert.deepEqual(await asyncio.gather(pool.submit(mul, 2, 3), pool.submit(divmod, 7, 2)), [
      6,
      [3, 1],
    ]);
    const outcomes = await asyncio.gather(pool.submit(divmod, 1, 0), pool.submit(mul, 1, 1), {
      returnExceptions: true,
    });
    assert.ok(outcomes[0] instanceof RangeError);
    assert.equal(outcomes[1], 1);
  });
});
