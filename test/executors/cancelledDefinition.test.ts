/**
 * A job sent ahead to a busy worker carries its function's definition the first time that
 * function goes to that worker; later jobs of the function name it by key only. If that first
 * job is cancelled before it starts, the worker drops it, and must still keep the definition for
 * the jobs that follow (otherwise the worker fails with "job function … unknown to the worker").
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as asyncio from "asyncio-ts";

function scenario(makePool: () => asyncio.ThreadPoolExecutor | asyncio.ProcessPoolExecutor) {
  return asyncio.run(async () => {
    await using pool = makePool();
    // A finished job makes the pool's average job time short: jobs are sent ahead from now on.
    assert.equal(await pool.submit((n: number) => n, 1), 1);
    // Cancelling a running job replaces its worker: the jobs below all go to a fresh worker,
    // before it has started, so it reads them (and the cancellation) in this order.
    pool.submit((n: number) => n, 2).cancel();
    const first = pool.submit(() => new Promise((resolve) => setTimeout(resolve, 50, "first")));
    const double = (n: number): number => n * 2;
    const dropped = pool.submit(double, 1); // sent ahead with double's source
    dropped.cancel(); // the worker drops it unstarted
    const kept = pool.submit(double, 21); // sent ahead naming double by key
    assert.equal(await first, "first");
    assert.equal(await kept, 42);
    assert.ok(dropped.cancelled());
    assert.equal(pool.statistics().workersStarted, 2);
  });
}

describe("a cancelled job that carried its function's definition", () => {
  test("ThreadPoolExecutor: later jobs of the function still run", async () => {
    await scenario(() => new asyncio.ThreadPoolExecutor({ maxWorkers: 1 }));
  });

  test("ProcessPoolExecutor: later jobs of the function still run", async () => {
    await scenario(() => new asyncio.ProcessPoolExecutor({ maxWorkers: 1 }));
  });
});
