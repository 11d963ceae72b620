/**
 * Executor jobs and the loop: each job holds its loop (an in-flight operation) from submit
 * until its Future is done, so virtual time does not jump over a job, `loop.statistics()`
 * lists it, and a run that waits on a job is no deadlock; idle workers never keep a program
 * alive. What only a whole process shows (the exit, the deadlock report, which node:test
 * hides in the test process) runs in a child Node process.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { runScript } from "../core/childProcess.js";
import { runVirtual } from "../helpers.js";
import { blockFor, bumpThenWait, SharedCells } from "./jobHelpers.js";

test("under virtual time, timeout(5) around a job taking 300 ms of real time does not fire", async () => {
  await runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    const start = loop.time();
    const result = await asyncio.timeout(5, () => asyncio.toThread(blockFor, 300));
    assert.equal(result, 300);
    // Virtual time stood still while the job was in flight.
    assert.ok(loop.time() - start < 5);
  });
});

test("under virtual time, a sleep beside a running job ends once the job is done", async () => {
  await runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    const start = loop.time();
    const order: string[] = [];
    await asyncio.gather(
      async () => {
        await asyncio.sleep(10);
        order.push("sleep");
      },
      async () => {
        await asyncio.toThread(blockFor, 100);
        order.push("job");
      },
    );
    assert.deepEqual(order, ["job", "sleep"]);
    assert.ok(loop.time() - start >= 10);
  });
});

test("loop.statistics().inFlight lists a job while it runs, and not after", async () => {
  await runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    await using pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 1 });
    using cells = new SharedCells();
    assert.deepEqual(loop.statistics().inFlight, []);
    const job = pool.submit(bumpThenWait, cells.shared, 0, 6, "done");
    const queued = pool.submit(function queuedJob() {
      return 1;
    });
    await cells.reach(0, 1);
    const inFlight = loop.statistics().inFlight;
    assert.deepEqual(
      inFlight.map((hold) => [hold.description, hold.kind]),
      [
        ["thread pool job bumpThenWait", "operation"],
        ["thread pool job queuedJob", "operation"],
      ],
    );
    cells.set(6, 1);
    assert.equal(await job, "done");
    assert.equal(await queued, 1);
    assert.deepEqual(loop.statistics().inFlight, []);
    // A cancelled job lets go of the loop at once.
    const cancelled = pool.submit(bumpThenWait, cells.shared, 2, 7, null);
    cancelled.cancel();
    assert.deepEqual(loop.statistics().inFlight, []);
  });
});

test("a process job is listed too", async () => {
  await asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    await using pool = new asyncio.ProcessPoolExecutor({ maxWorkers: 1 });
    const job = pool.submit(function inChild() {
      return process.pid;
    });
    assert.deepEqual(
      loop.statistics().inFlight.map((hold) => hold.description),
      ["process pool job inChild"],
    );
    await job;
    assert.deepEqual(loop.statistics().inFlight, []);
  });
});

test("run() waiting on a job is no deadlock, and ends; idle workers let the process exit", async () => {
  const started = performance.now();
  const result = await runScript(
    `import * as asyncio from "asyncio-ts";
     import { VirtualClock } from "asyncio-ts/testing";
     const threads = new asyncio.ThreadPoolExecutor({ maxWorkers: 2 });
     const processes = new asyncio.ProcessPoolExecutor({ maxWorkers: 1 });
     const wait = (ms) => { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms); return ms; };
     // Nothing but the jobs keeps Node busy: no DeadlockError while they run.
     console.log(await asyncio.run(() => threads.submit(wait, 300)));
     console.log(await asyncio.run(() => processes.submit(wait, 100)));
     console.log(await asyncio.run(() => asyncio.toThread(wait, 50), { clock: new VirtualClock({ autojump: true }) }));
     // The pools are never shut down: their idle workers must not keep the process alive.
     console.log(threads.statistics().workers, processes.statistics().workers);`,
    { timeoutMs: 15_000 },
  );
  assert.equal(result.signal, null, "the process exited by itself");
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.lines, ["300", "100", "50", "1 1"]);
  // Loose: a process kept alive by an idle worker would be killed by the safety net at 15 s.
  assert.ok(performance.now() - started < 12_000);
});

test("a DeadlockError still names what the tasks wait for once the jobs are done", async () => {
  const result = await runScript(
    `import * as asyncio from "asyncio-ts";
     const pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 1 });
     try {
       await asyncio.run(async () => {
         await pool.submit(() => 1);
         await new asyncio.Event().wait();
       });
     } catch (error) {
       console.log(error.name, error.inFlight.length);
     }
     await pool.shutdown();`,
    { timeoutMs: 15_000 },
  );
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.lines, ["DeadlockError 0"]);
});
