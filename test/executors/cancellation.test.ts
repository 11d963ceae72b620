/**
 * Cancelling executor jobs — beyond CPython, whose executors cannot stop a running job:
 * cancelling the Future of a job (or the task awaiting it) removes a queued job, tells a
 * worker to skip a job sent ahead to it, and terminates the worker of a running job (SIGTERM
 * for a process), which the pool replaces. Every test shows that a cancelled job did not run
 * by a side effect it would have had (a counter in shared memory, a file).
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import * as asyncio from "asyncio-ts";
import { rejection } from "../helpers.js";
import {
  blockFor,
  bump,
  bumpThenSpin,
  bumpThenWait,
  cancelAndTime,
  ReportServer,
  reportThenSpin,
  type Shared,
  SharedCells,
  warmUp,
} from "./jobHelpers.js";

const scratch = mkdtempSync(join(tmpdir(), "asyncio-ts-cancel-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

test("cancelling the task awaiting a queued job removes the job: it never runs", async () => {
  await asyncio.run(async () => {
    await using pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 1 });
    using cells = new SharedCells();
    // cell 0/1: the first job started/finished; cell 2: the queued job's counter; cell 6: gate.
    const first = pool.submit(bumpThenWait, cells.shared, 0, 6, "first");
    try {
      await cells.reach(0, 1);
      const waiter = asyncio.createTask(() => pool.submit(bump, cells.shared, 2));
      await asyncio.sleep(0);
      assert.equal(pool.statistics().queued, 1);
      await cancelAndTime(waiter);
      assert.ok(waiter.cancelled());
      assert.equal(pool.statistics().queued, 0);
    } finally {
      cells.set(6, 1);
    }
    assert.equal(await first, "first");
    assert.equal(await pool.submit(() => "after"), "after");
    assert.equal(cells.get(2), 0, "the cancelled job never ran");
    assert.equal(pool.statistics().workersStarted, 1);
    assert.equal(pool.statistics().completed, 2);
  });
});

test("cancelling a job sent ahead to a busy thread makes the thread skip it", async () => {
  await asyncio.run(async () => {
    await using pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 1 });
    await warmUp(pool);
    using cells = new SharedCells();
    const first = pool.submit(bumpThenWait, cells.shared, 0, 6, "first");
    const ahead = pool.submit(bump, cells.shared, 2);
    try {
      // Short jobs are sent ahead: the second is already in the thread, behind the first.
      assert.equal(pool.statistics().inWorkers, 2);
      assert.equal(pool.statistics().queued, 0);
      await cells.reach(0, 1);
      assert.equal(ahead.cancel(), true);
    } finally {
      cells.set(6, 1);
    }
    assert.equal(await first, "first");
    assert.equal(await pool.submit(() => "after"), "after");
    assert.equal(cells.get(2), 0, "the cancelled job was skipped");
    // Skipping needs no new thread.
    assert.equal(pool.statistics().workersStarted, 1);
  });
});

test("cancelling a running thread job delivers CancelledError promptly and replaces the thread", async () => {
  await asyncio.run(async () => {
    await using pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 1 });
    using cells = new SharedCells();
    const task = asyncio.createTask(() => pool.submit(bumpThenSpin, cells.shared, 0));
    await cells.reach(0, 1);
    const ms = await cancelAndTime(task);
    assert.ok(task.cancelled());
    assert.ok(ms < 1000, `cancelled in ${ms} ms`);
    // The spinning thread was terminated; the pool goes on with a new one.
    assert.equal(await pool.submit((x: number) => x + 1, 41), 42);
    assert.equal(pool.statistics().workersStarted, 2);
    assert.equal(pool.statistics().workers, 1);
  });
});

test("jobs sent ahead to a thread that is terminated run on its replacement", async () => {
  await asyncio.run(async () => {
    await using pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 1 });
    await warmUp(pool);
    using cells = new SharedCells();
    const spinning = pool.submit(bumpThenSpin, cells.shared, 0);
    const behind = [pool.submit(bump, cells.shared, 2), pool.submit(bump, cells.shared, 2)];
    try {
      assert.equal(pool.statistics().inWorkers, 3);
      await cells.reach(0, 1);
    } finally {
      spinning.cancel();
    }
    assert.deepEqual((await asyncio.gather(...behind)).sort(), [1, 2]);
    assert.equal(pool.statistics().workersStarted, 2);
  });
});

test("timeout() and waitFor() around a running job stop it", async () => {
  await asyncio.run(async () => {
    await using pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 1 });
    using cells = new SharedCells();
    const loop = asyncio.getRunningLoop();
    // The deadlines are set once each job runs (a thread takes a while to start).
    const viaTimeout = await rejection(
      asyncio.timeout(null, async (cm) => {
        const job = pool.submit(bumpThenSpin, cells.shared, 0);
        await cells.reach(0, 1);
        cm.reschedule(loop.time() + 0.1);
        return await job;
      }),
    );
    assert.ok(viaTimeout instanceof asyncio.TimeoutError);
    const job = pool.submit(bumpThenSpin, cells.shared, 0);
    await cells.reach(0, 2);
    const viaWaitFor = await rejection(asyncio.waitFor(job, 0.1));
    assert.ok(viaWaitFor instanceof asyncio.TimeoutError);
    assert.ok(job.cancelled());
    // Each spinning thread was terminated: one thread serves the next job.
    assert.equal(await pool.submit(() => "free"), "free");
    assert.equal(pool.statistics().workersStarted, 3);
    assert.equal(pool.statistics().workers, 1);
  });
});

test("the awaiting task's currentSignal() aborts when the job's task is cancelled", async () => {
  await asyncio.run(async () => {
    await using pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 1 });
    using cells = new SharedCells();
    let signal: AbortSignal | null = null;
    const task = asyncio.createTask(async () => {
      signal = asyncio.currentSignal();
      try {
        return await pool.submit(bumpThenSpin, cells.shared, 0);
      } finally {
        assert.equal(signal.aborted, true);
      }
    });
    await cells.reach(0, 1);
    assert.equal((signal as AbortSignal | null)?.aborted, false);
    await cancelAndTime(task);
    assert.equal((signal as AbortSignal | null)?.aborted, true);
  });
});

test("shutdown({ cancelFutures: true }) cancels the jobs waiting; the running one finishes", async () => {
  await asyncio.run(async () => {
    const pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 1 });
    using cells = new SharedCells();
    const running = pool.submit(bumpThenWait, cells.shared, 0, 6, "ran");
    const waiting = [0, 1, 2].map(() => pool.submit(bump, cells.shared, 2));
    try {
      await cells.reach(0, 1);
      const shutdown = pool.shutdown({ cancelFutures: true });
      assert.ok(waiting.every((f) => f.cancelled()));
      cells.set(6, 1);
      await shutdown;
    } finally {
      cells.set(6, 1);
    }
    assert.equal(running.result(), "ran");
    assert.equal(cells.get(2), 0);
    assert.equal(pool.statistics().workers, 0);
  });
});

test("leaving a map loop early cancels the jobs left, without starting threads for them", async () => {
  await asyncio.run(async () => {
    await using pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 1 });
    await warmUp(pool);
    using cells = new SharedCells();
    const job = (item: [Shared, number]) => {
      const cells = new Int32Array(item[0].buffer);
      Atomics.add(cells, 2, 1);
      const channel = new BroadcastChannel(item[0].channel);
      channel.postMessage(2);
      channel.close();
      if (item[1] > 0) {
        // The jobs after the first wait until the test lets them go (it never does).
        while (Atomics.load(cells, 6) === 0) Atomics.wait(cells, 6, 0);
      }
      return item[1];
    };
    const items = [0, 1, 2, 3, 4].map((i): [Shared, number] => [cells.shared, i]);
    for await (const value of pool.map(job, items)) {
      assert.equal(value, 0);
      await cells.reach(2, 2); // the second job is running
      break;
    }
    const stats = pool.statistics();
    assert.equal(stats.queued, 0);
    assert.equal(await pool.submit(() => "next"), "next");
    assert.equal(cells.get(2), 2, "the third, fourth and fifth jobs never ran");
    // One replacement for the thread stopped in the second job, none for the jobs cancelled.
    assert.equal(pool.statistics().workersStarted, 2);
  });
});

test("cancelling a gather of running and queued jobs starts no thread for the cancelled ones", async () => {
  await asyncio.run(async () => {
    await using pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 2 });
    await warmUp(pool); // so that the queued jobs are sent ahead to the two threads
    using cells = new SharedCells();
    const task = asyncio.createTask(() =>
      asyncio.gather(
        ...Array.from({ length: 6 }, () => pool.submit(bumpThenSpin, cells.shared, 0)),
      ),
    );
    try {
      await cells.reach(0, 2);
      assert.equal(pool.statistics().inWorkers, 6);
    } finally {
      await cancelAndTime(task);
    }
    assert.equal(pool.statistics().queued, 0);
    assert.equal(await pool.submit(() => "next"), "next");
    assert.equal(cells.get(0), 2, "only the two running jobs ran");
    assert.equal(pool.statistics().workersStarted, 3);
  });
});

test("cancelling a running process job sends SIGTERM; the pool starts another process", async () => {
  await asyncio.run(async () => {
    await using reports = await ReportServer.open();
    await using pool = new asyncio.ProcessPoolExecutor({ maxWorkers: 1 });
    const task = asyncio.createTask(() => pool.submit(reportThenSpin, reports.port));
    const spinningPid = Number(await reports.next());
    const ms = await cancelAndTime(task);
    assert.ok(ms < 1000, `cancelled in ${ms} ms`);
    const nextPid = await pool.submit(() => process.pid);
    assert.notEqual(nextPid, spinningPid);
    assert.equal(pool.statistics().workersStarted, 2);
  });
});

test("a cancelled queued process job never runs", async () => {
  await asyncio.run(async () => {
    await using pool = new asyncio.ProcessPoolExecutor({ maxWorkers: 1 });
    const path = join(scratch, "queued-job-ran");
    const write = (file: string) => require("node:fs").writeFileSync(file, "ran");
    const first = pool.submit(() => "first");
    const waiter = asyncio.createTask(() => pool.submit(write, path));
    await asyncio.sleep(0);
    assert.equal(pool.statistics().queued, 1);
    await cancelAndTime(waiter);
    assert.equal(await first, "first");
    // The worker runs jobs in order: once a later job is done, the cancelled one would be too.
    assert.equal(await pool.submit(() => "after"), "after");
    assert.equal(existsSync(path), false);
    assert.equal(pool.statistics().workersStarted, 1);
  });
});

test("cancelling a job sent ahead to a busy process makes the process skip it", async () => {
  await asyncio.run(async () => {
    await using pool = new asyncio.ProcessPoolExecutor({ maxWorkers: 1 });
    await warmUp(pool);
    const path = join(scratch, "sent-ahead-job-ran");
    const first = pool.submit(blockFor, 200);
    const ahead = pool.submit(
      (file: string) => require("node:fs").writeFileSync(file, "ran"),
      path,
    );
    assert.equal(pool.statistics().inWorkers, 2);
    // The process reads the cancellation before it would start the job.
    assert.equal(ahead.cancel(), true);
    assert.equal(await first, 200);
    assert.equal(await pool.submit(() => "after"), "after");
    assert.equal(existsSync(path), false);
    assert.equal(pool.statistics().workersStarted, 1);
  });
});

test("a process that ignores SIGTERM is killed after killGracePeriod", async () => {
  await asyncio.run(async () => {
    await using reports = await ReportServer.open();
    const pool = new asyncio.ProcessPoolExecutor({ maxWorkers: 1, killGracePeriod: 0.2 });
    const stubborn = async (port: number) => {
      process.on("SIGTERM", () => {});
      const net = require("node:net") as typeof import("node:net");
      await new Promise<void>((resolve) => {
        const socket = net.connect(port, "127.0.0.1", () =>
          socket.end(String(process.pid), resolve),
        );
      });
      for (;;) {}
    };
    const task = asyncio.createTask(() => pool.submit(stubborn, reports.port));
    const pid = Number(await reports.next());
    const start = performance.now();
    const ms = await cancelAndTime(task);
    assert.ok(ms < 1000, `cancelled in ${ms} ms`);
    // The cancellation is delivered at once; the process goes after the grace period (SIGKILL).
    await asyncio.timeout(10, () => pool.shutdown());
    assert.ok(performance.now() - start >= 150);
    assert.throws(() => process.kill(pid, 0), { code: "ESRCH" });
  });
});
