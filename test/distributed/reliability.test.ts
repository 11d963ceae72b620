/**
 * Reliability across the queue: a worker killed mid-job (its job goes to another worker, up to
 * the job's attempts, then fails with WorkerLostError), and Redis restarted mid-run (the
 * executor and the workers reconnect; every result arrives, once). Ours: arq's
 * tests/test_worker.py retry tests gave the scenarios; BullMQ's stalled-job recovery does the
 * work.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as asyncio from "asyncio-ts";
import { QueueExecutor, WorkerLostError } from "asyncio-ts/distributed";
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

/** The worker that started the job tagged `tag`. */
function startedOn(workers: WorkerProcess[], tag: string): Promise<WorkerProcess> {
  return Promise.any(
    workers.map(async (worker) => {
      await worker.waitFor(new RegExp(`job ${tag} started`));
      return worker;
    }),
  );
}

describe("QueueExecutor reliability", { skip: REDIS_SKIP, timeout: SUITE_TIMEOUT_MS }, () => {
  let redis: RedisServer;
  const queues = {
    killed: queueName("killed"),
    lost: queueName("lost"),
    restart: queueName("restart"),
  };
  /** Two workers per queue, all started at once (a worker takes a second or two to start). */
  const workersOf: Record<string, WorkerProcess[]> = {};

  before(async () => {
    redis = await RedisServer.start();
    await Promise.all(
      Object.values(queues).map(async (queue) => {
        workersOf[queue] = await WorkerProcess.startMany(redis, queue, 2);
      }),
    );
  });
  after(stopAll);

  test(
    "a worker killed mid-job: the job runs again on another worker",
    asyncioTest(async () => {
      const queue = queues.killed;
      const workers = workersOf[queue] as WorkerProcess[];
      await using pool = new QueueExecutor({
        connection: redis.url,
        queue,
        jobOptions: { attempts: 2 },
      });
      const future = pool.submit(job("follow"), "killed-1", 0.3);
      const first = await asyncio.wrap(startedOn(workers, "killed-1"));
      first.kill("SIGKILL");
      assert.equal(await future, "killed-1 done");
      const second = workers.find((worker) => worker !== first) as WorkerProcess;
      assert.match(second.output.text, /job killed-1 finished/);
    }),
  );

  test(
    "a job whose workers are lost more often than its attempts fails with WorkerLostError",
    asyncioTest(async () => {
      const queue = queues.lost;
      await using pool = new QueueExecutor({
        connection: redis.url,
        queue,
        jobOptions: { attempts: 1 },
      });
      const workers = workersOf[queue] as WorkerProcess[];
      const future = pool.submit(job("follow"), "lost-1");
      (await asyncio.wrap(startedOn(workers, "lost-1"))).kill("SIGKILL");
      await assert.rejects(future, (e: unknown) => {
        assert.ok(e instanceof WorkerLostError, String(e));
        assert.match(e.message, /lost with its worker once/);
        return true;
      });
    }),
  );

  test(
    "Redis restarted mid-run: executor and workers reconnect, each result arrives once",
    asyncioTest(async () => {
      const queue = queues.restart;
      await using pool = new QueueExecutor({ connection: redis.url, queue, pollInterval: 0.2 });
      const inputs = Array.from({ length: 20 }, (_, i) => i);
      const futures = inputs.map((n) => pool.submit(job("sleepThen"), 0.05, n));
      await asyncio.sleep(0.1);
      await asyncio.wrap(redis.stop(true));
      // Jobs submitted while Redis is down go through once it is back.
      const late = pool.submit(job("add"), 40, 2);
      await asyncio.sleep(0.3);
      await asyncio.wrap(redis.restart());
      const results = await asyncio.timeout(20, () => asyncio.gather(...futures));
      assert.deepEqual(results, inputs);
      assert.equal(await late, 42);
      // Each job settled once, however many times Redis told of it.
      assert.deepEqual(pool.statistics(), { pending: 0, completed: 21 });
    }),
  );
});
