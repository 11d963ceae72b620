/**
 * QueueExecutor against a real Redis and a real `asyncio-ts worker`: results, arguments and
 * errors across the queue, map, runInExecutor, shutdown, validation, and the fallbacks that keep
 * a waiting task from hanging when a job is removed or its event is missed.
 *
 * Scenarios after CPython's Lib/test/test_concurrent_futures (executor.py, test_shutdown.py)
 * and arq's tests (test_jobs.py); the queue parts are ours. Not mirrored: the tests of
 * functions sent as source (a QueueExecutor takes { module, export } only), of initializer and
 * max_tasks_per_child (no such worker options), and of pickling lambdas.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as asyncio from "asyncio-ts";
import { JobRemovedError, QueueExecutor } from "asyncio-ts/distributed";
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

describe("QueueExecutor", { skip: REDIS_SKIP, timeout: SUITE_TIMEOUT_MS }, () => {
  let redis: RedisServer;
  const queue = queueName("executor");

  before(async () => {
    redis = await RedisServer.start();
    await WorkerProcess.start(redis, queue, ["--concurrency", "4"]);
  });
  after(stopAll);

  const executor = (options: Partial<ConstructorParameters<typeof QueueExecutor>[0]> = {}) =>
    new QueueExecutor({ connection: redis.url, queue, ...options });

  // mirrors test_concurrent_futures.executor.ExecutorTest.test_submit
  test(
    "submit runs a module's export on a worker and returns its result",
    asyncioTest(async () => {
      await using pool = executor();
      assert.equal(await pool.submit<number>(job("add"), 2, 3), 5);
      const pid = await pool.submit<number>(job("pid"));
      assert.notEqual(pid, process.pid);
    }),
  );

  test(
    "arguments and results are structured-cloned: Date, Map, Set, Buffer, BigInt, cycles",
    asyncioTest(async () => {
      await using pool = executor();
      const cyclic: { self?: unknown; n: bigint } = { n: 2n ** 70n };
      cyclic.self = cyclic;
      const value = {
        when: new Date(86_400_000),
        map: new Map([["a", 1]]),
        set: new Set([1, 2]),
        bytes: Buffer.from("héllo"),
        array: new Float64Array([1.5]),
        cyclic,
      };
      const back = await pool.submit<typeof value>(job("echo"), value);
      assert.deepEqual(back.when, value.when);
      assert.deepEqual(back.map, value.map);
      assert.deepEqual(back.set, value.set);
      assert.equal(Buffer.from(back.bytes).toString(), "héllo");
      assert.deepEqual(back.array, value.array);
      assert.equal(back.cyclic.n, 2n ** 70n);
      assert.equal(back.cyclic.self, back.cyclic);
    }),
  );

  test(
    "values JSON would change still come back as they were: -0, NaN, undefined, holes, strings, null, class instances",
    asyncioTest(async () => {
      await using pool = executor();
      class Point {
        constructor(readonly x: number) {}
      }
      const values: unknown[] = [
        -0,
        Number.NaN,
        Number.POSITIVE_INFINITY,
        undefined,
        null,
        "text",
        "",
        // biome-ignore lint/suspicious/noSparseArray: a hole is what is checked
        [1, , 3],
        [undefined],
        { a: undefined, b: [null, -0] },
        { nested: { list: [1, "two", true, { deep: [] }] } },
        new Point(3),
        Object.assign(Object.create(null), { bare: 1 }),
        [1, 2, 3],
        true,
        12.5,
      ];
      const back = await asyncio.gather(values.map((value) => pool.submit(job("echo"), value)));
      back.forEach((value, i) => {
        assert.deepEqual(value, structuredClone(values[i]), `value ${i}`);
        if (typeof values[i] === "number") assert.ok(Object.is(value, values[i]), `value ${i}`);
      });
      assert.equal(1 in (back[7] as unknown[]), false);
      // A hole or undefined argument reaches the job as it was sent.
      assert.equal(await pool.submit(job("echo"), undefined), undefined);
    }),
  );

  test(
    "thousands of jobs submitted in one turn each come back with their own result; those cancelled at once end cancelled",
    asyncioTest(async () => {
      await using pool = executor();
      const futures = Array.from({ length: 2500 }, (_, i) => pool.submit<number>(job("add"), i, 1));
      const cancelled = futures.filter((_, i) => i % 100 === 7);
      for (const future of cancelled) future.cancel();
      const outcomes = await asyncio.gather(futures, { returnExceptions: true });
      outcomes.forEach((outcome, i) => {
        if (i % 100 === 7) assert.ok(outcome instanceof asyncio.CancelledError, `job ${i}`);
        else assert.equal(outcome, i + 1, `job ${i}`);
      });
      assert.deepEqual(pool.statistics(), { pending: 0, completed: 2500 - cancelled.length });
    }),
  );

  // mirrors test_concurrent_futures.executor.ExecutorTest.test_map_exception (the error part)
  test(
    "a job's error comes back with its name, message, stack, code and cause",
    asyncioTest(async () => {
      await using pool = executor();
      const error = await pool.submit(job("fail"), "bad input").then(
        () => assert.fail("no error"),
        (e: unknown) => e as Error & { code?: string },
      );
      assert.equal(error.name, "ValidationError");
      assert.equal(error.message, "bad input");
      assert.equal(error.code, "E_VALIDATION");
      assert.match(String(error.stack), /fixtures\/jobs\.js/);
      assert.ok(error.cause instanceof RangeError);
      assert.equal((error.cause as Error).message, "out of range");
    }),
  );

  test(
    "a result that cannot be cloned fails the job with a TypeError saying so",
    asyncioTest(async () => {
      await using pool = executor();
      await assert.rejects(pool.submit(job("unclonable")), (e: Error) => {
        assert.equal(e.name, "TypeError");
        assert.match(e.message, /result cannot be sent back through Redis/);
        return true;
      });
    }),
  );

  test(
    "a missing export, or one that is not a function, fails the job",
    asyncioTest(async () => {
      await using pool = executor();
      await assert.rejects(pool.submit(job("nope")), /has no export named "nope"/);
      await assert.rejects(
        pool.submit(job("notAFunction")),
        /export "notAFunction" of .* is not a function/,
      );
    }),
  );

  test(
    "submit() validates the job and the arguments at once",
    asyncioTest(async () => {
      await using pool = executor();
      assert.throws(() => pool.submit((x: number) => x, 1), {
        name: "TypeError",
        message: /\{ module, export \} only/,
      });
      assert.throws(() => pool.submit({ module: "./jobs.js", export: "add" }), /is relative/);
      assert.throws(() => pool.submit(job("echo"), () => 1), {
        name: "TypeError",
        message: /structured-cloneable/,
      });
      assert.equal(pool.statistics().pending, 0);
    }),
  );

  test("constructor options are checked, naming the option", () => {
    assert.throws(() => new QueueExecutor(undefined as never), TypeError);
    assert.throws(() => new QueueExecutor({ connection: "http://x", queue: "q" }), /redis:\/\//);
    assert.throws(() => new QueueExecutor({ connection: redis.url, queue: "" }), /queue/);
    assert.throws(() => new QueueExecutor({ connection: { port: 0 }, queue: "q" }), RangeError);
    assert.throws(
      () => new QueueExecutor({ connection: redis.url, queue: "q", jobOptions: { attempts: 0 } }),
      /attempts/,
    );
    assert.throws(
      () => new QueueExecutor({ connection: redis.url, queue: "q", pollInterval: -1 }),
      /pollInterval/,
    );
  });

  // mirrors test_concurrent_futures.executor.ExecutorTest.test_map
  test(
    "map yields the results in the order of the items",
    asyncioTest(async () => {
      await using pool = executor();
      const results: number[] = [];
      for await (const n of pool.map<number>(job("square"), [1, 2, 3, 4, 5, 6])) results.push(n);
      assert.deepEqual(results, [1, 4, 9, 16, 25, 36]);
    }),
  );

  // mirrors test_concurrent_futures.executor.ExecutorTest.test_map_timeout
  test(
    "map with a timeout throws TimeoutError and cancels the jobs left",
    asyncioTest(async () => {
      await using pool = executor();
      const results: unknown[] = [];
      await assert.rejects(async () => {
        for await (const value of pool.map(job("echo"), [1, 2], { timeout: 5 }))
          results.push(value);
        for await (const value of pool.map(job("follow"), ["map-timeout"], { timeout: 0.5 })) {
          results.push(value);
        }
      }, asyncio.TimeoutError);
      assert.deepEqual(results, [1, 2]);
      assert.equal(pool.statistics().pending, 0);
    }),
  );

  test(
    "loop.runInExecutor takes a QueueExecutor",
    asyncioTest(async () => {
      await using pool = executor();
      const loop = asyncio.getRunningLoop();
      assert.equal(await loop.runInExecutor(pool, job("add"), 20, 22), 42);
    }),
  );

  // mirrors test_concurrent_futures.test_shutdown.ExecutorShutdownTest.test_run_after_shutdown
  test(
    "submit after shutdown raises RuntimeError",
    asyncioTest(async () => {
      const pool = executor();
      assert.equal(await pool.submit(job("add"), 1, 1), 2);
      await pool.shutdown();
      assert.throws(() => pool.submit(job("add"), 1, 1), {
        name: "RuntimeError",
        message: "cannot schedule new futures after shutdown",
      });
      await pool.shutdown(); // again: nothing to do
    }),
  );

  // mirrors test_concurrent_futures.test_shutdown.ExecutorShutdownTest.test_hang_issue12364
  test(
    "shutdown waits for the jobs pending and their results arrive",
    asyncioTest(async () => {
      const pool = executor();
      const futures = [1, 2, 3].map((n) => pool.submit(job("sleepThen"), 0.05 * n, n));
      await pool.shutdown();
      assert.deepEqual(
        futures.map((f) => f.result()),
        [1, 2, 3],
      );
    }),
  );

  test(
    "the executor holds the loop while a job is pending",
    asyncioTest(
      async () => {
        await using pool = executor();
        const future = pool.submit(job("sleepThen"), 0.2, "held");
        const holds = asyncio.getRunningLoop().statistics().inFlight;
        assert.ok(
          holds.some((hold) => hold.description.includes("queue job sleepThen")),
          JSON.stringify(holds),
        );
        assert.equal(await future, "held");
      },
      { clock: "virtual" },
    ),
  );

  test(
    "a job removed from the queue rejects its Future with JobRemovedError",
    asyncioTest(async () => {
      // No worker listens on this queue: the job stays waiting until it is removed.
      const idle = queueName("idle");
      await using pool = new QueueExecutor({ connection: redis.url, queue: idle });
      const future = pool.submit(job("add"), 1, 2);
      const { Queue } = await import("bullmq");
      const other = new Queue(idle, { connection: { host: "127.0.0.1", port: redis.port } });
      try {
        for (let i = 0; i < 200 && (await other.getWaitingCount()) === 0; i++)
          await asyncio.sleep(0.01);
        const [waiting] = await other.getWaiting();
        await other.remove(waiting?.id as string);
      } finally {
        await other.close();
      }
      await assert.rejects(future, (e: unknown) => {
        assert.ok(e instanceof JobRemovedError);
        assert.match(e.message, /is no longer in queue/);
        return true;
      });
    }),
  );

  test(
    "a job deleted without any event is found by the poll (bullmq#2341)",
    asyncioTest(async () => {
      const idle = queueName("idle");
      await using pool = new QueueExecutor({
        connection: redis.url,
        queue: idle,
        pollInterval: 0.1,
      });
      const future = pool.submit(job("add"), 1, 2);
      let keys: string[] = [];
      for (let i = 0; i < 200 && keys.length === 0; i++) {
        await asyncio.sleep(0.01);
        keys = ((await redis.command("KEYS", `bull:${idle}:*-*-*`)) as string[]) ?? [];
      }
      assert.equal(keys.length, 1);
      await redis.command("DEL", keys[0] as string);
      const started = Date.now();
      await assert.rejects(future, JobRemovedError);
      assert.ok(Date.now() - started < 5000);
    }),
  );
});
