/**
 * The `asyncio-ts worker` command: its help and usage errors, --module, --concurrency, jobs
 * spread over several workers, and SIGTERM draining (running jobs finish, no new one is taken,
 * exit 0). Ours: CPython has no such command; arq's worker tests (tests/test_worker.py) gave
 * the draining and concurrency scenarios.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import * as asyncio from "asyncio-ts";
import { QueueExecutor } from "asyncio-ts/distributed";
import { asyncioTest } from "asyncio-ts/testing";
import {
  JOBS,
  job,
  MAIN,
  queueName,
  REDIS_SKIP,
  RedisServer,
  SUITE_TIMEOUT_MS,
  stopAll,
  WorkerProcess,
} from "./redisServer.js";

const run = promisify(execFile);
async function command(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [MAIN, ...args], { timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test("asyncio-ts worker --help documents every option", async () => {
  const { code, stdout } = await command(["worker", "--help"]);
  assert.equal(code, 0);
  for (const option of [
    "--redis URL",
    "--queue NAME",
    "--concurrency N",
    "--module PATH",
    "--prefix PREFIX",
    "--lock-duration SECONDS",
    "--stalled-interval SECONDS",
    "SIGTERM",
  ]) {
    assert.ok(stdout.includes(option), option);
  }
  const main = await command(["--help"]);
  assert.match(main.stdout, /worker/);
});

test("a bad flag is a usage error with exit code 2", async () => {
  const { code, stderr } = await command([
    "worker",
    "--redis",
    "redis://127.0.0.1:1",
    "--queue",
    "q",
    "--bogus",
  ]);
  assert.equal(code, 2);
  assert.match(
    stderr,
    /^asyncio-ts worker: unexpected argument: --bogus\n\nusage: asyncio-ts worker/,
  );
});

test("every bad command line is a WorkerUsageError naming the problem", async () => {
  const { workerCommand, WorkerUsageError } = await import("#internal/cli/worker.js");
  const cases: [string[], RegExp][] = [
    [[], /--redis URL is required/],
    [["--redis", "redis://127.0.0.1:1"], /--queue NAME is required/],
    [["--redis", "http://x", "--queue", "q"], /--redis takes a redis:\/\/ URL/],
    [["--redis", "redis://h", "--queue", "a:b"], /--queue takes a name without ":"/],
    [
      ["--redis", "redis://h", "--queue", "q", "--concurrency", "0"],
      /--concurrency takes an integer >= 1/,
    ],
    [
      ["--redis", "redis://h", "--queue", "q", "--lock-duration", "-1"],
      /--lock-duration takes a positive number of seconds, got -1/,
    ],
    [
      ["--redis", "redis://h", "--queue", "q", "--stalled-interval", "x"],
      /--stalled-interval takes a positive number/,
    ],
    [["--redis", "redis://h", "--queue"], /--queue needs a value/],
  ];
  for (const [args, message] of cases) {
    await assert.rejects(workerCommand(args), (e: unknown) => {
      assert.ok(e instanceof WorkerUsageError, String(e));
      assert.match(e.message, message);
      return true;
    });
  }
});

describe("asyncio-ts worker with Redis", { skip: REDIS_SKIP, timeout: SUITE_TIMEOUT_MS }, () => {
  let redis: RedisServer;
  const queues = {
    modules: queueName("modules"),
    spread: queueName("spread"),
    drain: queueName("drain"),
  };
  const workersOf: Record<string, WorkerProcess[]> = {};

  before(async () => {
    redis = await RedisServer.start();
    // Every worker these tests need, started at once.
    const start = async (queue: string, count: number, args: string[]) => {
      workersOf[queue] = await WorkerProcess.startMany(redis, queue, count, args);
    };
    await Promise.all([
      start(queues.modules, 1, ["--module", fileURLToPath(JOBS)]),
      start(queues.spread, 2, ["--concurrency", "3"]),
      start(queues.drain, 1, []),
    ]);
  });
  after(stopAll);

  test("a --module that cannot be imported stops the worker at once", async () => {
    const worker = WorkerProcess.spawn([
      "--redis",
      redis.url,
      "--queue",
      queueName("bad-module"),
      "--module",
      "/nonexistent/jobs.js",
    ]);
    const { code } = await worker.exited;
    assert.equal(code, 1);
    assert.match(
      worker.output.text,
      /^asyncio-ts worker: cannot start: Cannot find module '\/nonexistent\/jobs\.js'/m,
    );
  });

  test(
    "with --module, jobs of other modules fail",
    asyncioTest(async () => {
      const queue = queues.modules;
      await using pool = new QueueExecutor({ connection: redis.url, queue });
      assert.equal(await pool.submit(job("add"), 1, 1), 2);
      const other = { module: new URL("./redisServer.js", import.meta.url), export: "queueName" };
      await assert.rejects(pool.submit(other, "x"), /not one this worker runs jobs of/);
    }),
  );

  test(
    "jobs spread over two workers; --concurrency runs that many at once",
    asyncioTest(async () => {
      const queue = queues.spread;
      const [a, b] = workersOf[queue] as WorkerProcess[];
      await using pool = new QueueExecutor({ connection: redis.url, queue });
      const started = Date.now();
      const tags = ["c1", "c2", "c3", "c4", "c5", "c6"];
      await asyncio.gather(...tags.map((tag) => pool.submit(job("follow"), tag, 0.5)));
      // Six half-second jobs on 2 × 3 slots: about half a second, not three.
      assert.ok(Date.now() - started < 2800, `${Date.now() - started} ms`);
      const ran = (w: WorkerProcess) =>
        tags.filter((tag) => w.output.text.includes(`job ${tag} started`)).length;
      assert.equal(ran(a as WorkerProcess) + ran(b as WorkerProcess), 6);
      assert.ok(ran(a as WorkerProcess) >= 1 && ran(b as WorkerProcess) >= 1);
    }),
  );

  test(
    "SIGTERM drains: the running job finishes, no new one is taken, exit code 0",
    asyncioTest(async () => {
      const queue = queues.drain;
      const worker = (workersOf[queue] as WorkerProcess[])[0] as WorkerProcess;
      await using pool = new QueueExecutor({ connection: redis.url, queue });
      const running = pool.submit(job("follow"), "drain-1", 0.5);
      await asyncio.wrap(worker.waitFor(/job drain-1 started/));
      worker.kill("SIGTERM");
      await asyncio.wrap(worker.waitFor(/SIGTERM, draining \(1 running\)/));
      const next = pool.submit(job("add"), 1, 2);
      assert.equal(await running, "drain-1 done");
      const { code } = await asyncio.wrap(worker.exited);
      assert.equal(code, 0);
      assert.match(worker.output.text, /stopped after 1 jobs/);
      // The job submitted while draining waits for another worker.
      assert.equal(next.done(), false);
      await WorkerProcess.start(redis, queue);
      assert.equal(await next, 3);
    }),
  );
});
