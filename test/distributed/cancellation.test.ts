/**
 * Cancellation through the queue, as with the local pools: cancelling the awaiting task removes
 * a waiting job from Redis, or cancels the running one on whichever worker holds it (its task is
 * cancelled, its AbortSignal aborts); timeout() and waitFor() take the same path; shutdown's
 * cancelFutures removes the jobs not started.
 *
 * After CPython's test_concurrent_futures (test_future.py cancel tests, test_shutdown.py
 * test_cancel_futures) and arq's test_jobs.py abort tests. Not mirrored: cancelling a running
 * job of a process pool (CPython cannot; ours terminates the process — here the worker stays).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as asyncio from "asyncio-ts";
import { QueueExecutor } from "asyncio-ts/distributed";
import { asyncioTest } from "asyncio-ts/testing";
import {
  job,
  queueName,
  REDIS_SKIP,
  RedisServer,
  SUITE_TIMEOUT_MS,
  stopAll,
  WorkerProcess,
} from "./redisServer.js";

describe("QueueExecutor cancellation", { skip: REDIS_SKIP, timeout: SUITE_TIMEOUT_MS }, () => {
  let redis: RedisServer;
  let workers: WorkerProcess[];
  const queue = queueName("cancel");

  before(async () => {
    redis = await RedisServer.start();
    workers = await WorkerProcess.startMany(redis, queue, 2, ["--concurrency", "2"]);
  });
  after(stopAll);

  const executor = () => new QueueExecutor({ connection: redis.url, queue });
  const jobKeys = async (name: string): Promise<string[]> =>
    ((await redis.command("KEYS", `bull:${name}:*-*-*`)) as string[]) ?? [];
  /** Resolves with the worker whose output matches `pattern`. */
  const onSomeWorker = (pattern: RegExp): Promise<WorkerProcess> =>
    Promise.any(
      workers.map(async (worker) => {
        await worker.waitFor(pattern);
        return worker;
      }),
    );

  // mirrors test_concurrent_futures.test_future.FutureTests.test_cancel (a pending future)
  test(
    "cancelling a waiting job removes it from the queue",
    asyncioTest(async () => {
      const idle = queueName("idle"); // no worker: the job waits
      await using pool = new QueueExecutor({ connection: redis.url, queue: idle });
      const future = pool.submit(job("add"), 1, 2);
      for (let i = 0; i < 200 && (await jobKeys(idle)).length === 0; i++) await asyncio.sleep(0.01);
      assert.equal((await jobKeys(idle)).length, 1);
      assert.equal(future.cancel(), true);
      assert.equal(future.cancelled(), true);
      await pool.shutdown();
      assert.deepEqual(await jobKeys(idle), []);
      assert.equal(await redis.command("LLEN", `bull:${idle}:wait`), 0);
    }),
  );

  test(
    "cancelling a delayed job removes it from the queue",
    asyncioTest(async () => {
      await using pool = new QueueExecutor({
        connection: redis.url,
        queue,
        jobOptions: { delay: 3600 },
      });
      const future = pool.submit(job("follow"), "delayed-1");
      for (
        let i = 0;
        i < 200 && (await redis.command("ZCARD", `bull:${queue}:delayed`)) === 0;
        i++
      ) {
        await asyncio.sleep(0.01);
      }
      assert.equal(await redis.command("ZCARD", `bull:${queue}:delayed`), 1);
      future.cancel();
      await pool.shutdown();
      assert.equal(await redis.command("ZCARD", `bull:${queue}:delayed`), 0);
    }),
  );

  test(
    "a job cancelled before it reached Redis is never run",
    asyncioTest(async () => {
      await using pool = executor();
      const future = pool.submit(job("follow"), "never-run");
      future.cancel();
      await pool.shutdown();
      const ran = workers.some((worker) => worker.output.text.includes("job never-run started"));
      assert.equal(ran, false);
    }),
  );

  test(
    "cancelling the task awaiting a running job cancels the job's task on its worker",
    asyncioTest(async () => {
      await using pool = executor();
      const task = asyncio.createTask(() => pool.submit(job("follow"), "running-1"));
      const worker = await onSomeWorker(/job running-1 started/);
      task.cancel();
      await assert.rejects(task, asyncio.CancelledError);
      await worker.waitFor(/job running-1 cancelled, signal aborted: true/);
      // The worker goes on with the next jobs.
      assert.equal(await pool.submit(job("add"), 2, 2), 4);
    }),
  );

  // mirrors test_asyncio.test_waitfor.AsyncioWaitForTest.test_wait_for_timeout_less_then_0_or_0_coroutine_do_not_started (the "cancel reaches the job" part)
  test(
    "timeout() around a running job cancels it on its worker",
    asyncioTest(async () => {
      await using pool = executor();
      const started = Date.now();
      await assert.rejects(
        asyncio.timeout(0.5, () => pool.submit(job("follow"), "timeout-1")),
        asyncio.TimeoutError,
      );
      assert.ok(Date.now() - started < 5000);
      await onSomeWorker(/job timeout-1 cancelled, signal aborted: true/);
    }),
  );

  test(
    "waitFor() around a running job cancels it on its worker",
    asyncioTest(async () => {
      await using pool = executor();
      await assert.rejects(
        asyncio.waitFor(pool.submit(job("follow"), "waitfor-1"), 0.5),
        asyncio.TimeoutError,
      );
      await onSomeWorker(/job waitfor-1 cancelled, signal aborted: true/);
    }),
  );

  // mirrors test_concurrent_futures.executor.ExecutorTest.test_map (early exit part)
  test(
    "leaving map early cancels the jobs left, running or waiting",
    asyncioTest(async () => {
      await using pool = executor();
      const tags = ["map-0", "map-1", "map-2", "map-3", "map-4", "map-5"];
      let first: unknown;
      for await (const value of pool.map(job("quickOrFollow"), tags)) {
        first = value;
        break;
      }
      assert.equal(first, "map-0");
      assert.equal(pool.statistics().pending, 0);
      await pool.shutdown();
      // Every job that had started on a worker is cancelled there.
      for (const tag of tags.slice(1)) {
        const worker = workers.find((w) => w.output.text.includes(`job ${tag} started`));
        if (worker !== undefined)
          await worker.waitFor(new RegExp(`job ${tag} cancelled, signal aborted: true`));
      }
    }),
  );

  // mirrors test_concurrent_futures.test_shutdown.ExecutorShutdownTest.test_cancel_futures
  test(
    "shutdown({ cancelFutures }) cancels the waiting jobs; the running ones finish",
    asyncioTest(async () => {
      const pool = executor();
      // Four worker slots: the first four run, the other four wait.
      const futures = [0, 1, 2, 3, 4, 5, 6, 7].map((n) => pool.submit(job("sleepThen"), 0.5, n));
      for (let i = 0; i < 300; i++) {
        const active = (await redis.command("LLEN", `bull:${queue}:active`)) as number;
        if (active >= 4) break;
        await asyncio.sleep(0.01);
      }
      await pool.shutdown({ cancelFutures: true });
      const cancelled = futures.filter((f) => f.cancelled()).length;
      const finished = futures.filter((f) => !f.cancelled()).map((f) => f.result());
      assert.equal(cancelled + finished.length, 8);
      assert.ok(cancelled >= 1, `cancelled ${cancelled}`);
      assert.ok(finished.length >= 4, `finished ${finished.length}`);
    }),
  );

  test(
    "shutdown({ wait: false }) returns at once; the jobs still come back",
    asyncioTest(async () => {
      const pool = executor();
      const future = pool.submit(job("sleepThen"), 0.2, "later");
      await pool.shutdown({ wait: false });
      assert.equal(future.done(), false);
      assert.equal(await future, "later");
    }),
  );
});
