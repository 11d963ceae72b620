/**
 * Real Redis and real workers for the asyncio-ts/distributed tests: a redis-server on a free
 * loopback port in a temporary directory (no persistence unless a restart asks for it), and
 * `asyncio-ts worker` processes started with the command. `stopAll()` (in `after`) stops every
 * server and worker a file started and removes the directories.
 *
 * The binary is `ASYNCIO_TS_REDIS_SERVER` (default "redis-server"). When it cannot be run, each
 * distributed test file skips with the one line `REDIS_SKIP`; with ASYNCIO_TS_REQUIRE_REDIS=1
 * it fails instead (CI).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, REDIS_BINARY, redisServerArgs } from "../../examples/shared/redisServer.js";

/** The command, as `npx asyncio-ts` runs it. */
export const MAIN = fileURLToPath(new URL("../../../dist/cli/main.js", import.meta.url));
/** The job module the tests submit ({ module: JOBS, export }). */
export const JOBS = new URL("./fixtures/jobs.js", import.meta.url);
/** The job `name` of the tests' job module. */
export const job = (name: string) => ({ module: JOBS, export: name });

/** A bound on each distributed test file's suite: a hang fails instead of stalling the run. */
export const SUITE_TIMEOUT_MS = 90_000;

/** What to install when redis-server is missing: the one line a skipped file prints. */
export const INSTALL_HINT =
  "redis-server not found: apt-get install redis-server to run the asyncio-ts/distributed tests";

function redisMissing(): boolean {
  const probe = spawnSync(REDIS_BINARY, ["--version"], { stdio: "ignore", timeout: 10_000 });
  return probe.error !== undefined || probe.status !== 0;
}

/**
 * `false` when redis-server runs here, else the skip message (`{ skip: REDIS_SKIP }` on a file's
 * one `describe`). Throws when ASYNCIO_TS_REQUIRE_REDIS=1 and it is missing.
 */
export const REDIS_SKIP: string | false = (() => {
  if (!redisMissing()) return false;
  if (process.env.ASYNCIO_TS_REQUIRE_REDIS === "1") {
    throw new Error(`${INSTALL_HINT} (ASYNCIO_TS_REQUIRE_REDIS=1: the tests must run)`);
  }
  return INSTALL_HINT;
})();

const servers = new Set<RedisServer>();
const workers = new Set<WorkerProcess>();

/** Output collected from a child, with waits for a line. */
class Output {
  text = "";
  #waiters: (() => void)[] = [];

  add(chunk: string): void {
    this.text += chunk;
    for (const waiter of this.#waiters.splice(0)) waiter();
  }

  /** Resolves with the match once `pattern` appears; rejects after `timeoutMs`. */
  async waitFor(
    pattern: RegExp,
    timeoutMs: number,
    what: string,
    exited: () => boolean,
  ): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = this.text.match(pattern);
      if (match !== null) return match;
      if (exited()) throw new Error(`${what} exited before printing ${pattern}:\n${this.text}`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`${what} did not print ${pattern} within ${timeoutMs} ms:\n${this.text}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

/** A redis-server of one test file. */
export class RedisServer {
  readonly port: number;
  readonly dir: string;
  #child: ChildProcess | null = null;
  #exited: Promise<void> = Promise.resolve();

  private constructor(port: number, dir: string) {
    this.port = port;
    this.dir = dir;
  }

  /** `redis://127.0.0.1:PORT`. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<RedisServer> {
    const dir = mkdtempSync(join(tmpdir(), "asyncio-ts-redis-"));
    const server = new RedisServer(await freePort(), dir);
    servers.add(server);
    await server.#spawn();
    return server;
  }

  async #spawn(): Promise<void> {
    const child = spawn(REDIS_BINARY, redisServerArgs(this.port, this.dir), {
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.#child = child;
    const output = new Output();
    let exited = false;
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => output.add(chunk));
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => output.add(chunk));
    this.#exited = new Promise((resolve) => {
      child.on("exit", () => {
        exited = true;
        output.add("");
        resolve();
      });
    });
    await output.waitFor(/Ready to accept connections/, 15_000, "redis-server", () => exited);
  }

  /** A Redis command through redis-cli-like raw protocol: uses a short ioredis client. */
  async command(...args: (string | number)[]): Promise<unknown> {
    const { Redis } = await import("ioredis");
    const client = new Redis(this.url, {
      maxRetriesPerRequest: 3,
      lazyConnect: true,
      connectTimeout: 5000,
    });
    try {
      await client.connect();
      return await client.call(String(args[0]), ...args.slice(1).map(String));
    } finally {
      client.disconnect();
    }
  }

  /** Stops the server; with `save`, writes its data first (SHUTDOWN SAVE) so a restart keeps it. */
  async stop(save = false): Promise<void> {
    const child = this.#child;
    if (child === null) return;
    this.#child = null;
    if (save) {
      await this.command("SHUTDOWN", "SAVE").catch(() => {});
      // Bounded: a server that did not take the command is killed (the test then sees its loss).
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await this.#exited;
      clearTimeout(timer);
    } else {
      child.kill("SIGKILL");
      await this.#exited;
    }
  }

  /** Starts the server again on the same port and directory (after `stop()`). */
  async restart(): Promise<void> {
    await this.#spawn();
  }

  async close(): Promise<void> {
    await this.stop();
    servers.delete(this);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** An `asyncio-ts worker` process. */
export class WorkerProcess {
  readonly child: ChildProcess;
  readonly output = new Output();
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #exited = false;

  private constructor(args: string[]) {
    this.child = spawn(process.execPath, [MAIN, "worker", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child.stdout?.setEncoding("utf8").on("data", (chunk: string) => this.output.add(chunk));
    this.child.stderr?.setEncoding("utf8").on("data", (chunk: string) => this.output.add(chunk));
    this.exited = new Promise((resolve) => {
      this.child.on("exit", (code, signal) => {
        this.#exited = true;
        workers.delete(this);
        this.output.add("");
        resolve({ code, signal });
      });
    });
    workers.add(this);
  }

  get pid(): number {
    return this.child.pid as number;
  }

  /**
   * Starts `asyncio-ts worker --redis URL --queue QUEUE ARGS` and waits for its ready line. Fast
   * lost-worker recovery by default (lock 1 s, stalled check every 0.5 s).
   */
  static async start(
    redis: RedisServer,
    queue: string,
    args: string[] = [],
  ): Promise<WorkerProcess> {
    const worker = new WorkerProcess([
      "--redis",
      redis.url,
      "--queue",
      queue,
      "--lock-duration",
      "1",
      "--stalled-interval",
      "0.5",
      ...args,
    ]);
    await worker.waitFor(/: ready, /);
    return worker;
  }

  /** `count` workers of `queue`, started at once (each takes a second or two to start). */
  static startMany(
    redis: RedisServer,
    queue: string,
    count: number,
    args: string[] = [],
  ): Promise<WorkerProcess[]> {
    return Promise.all(
      Array.from({ length: count }, () => WorkerProcess.start(redis, queue, args)),
    );
  }

  /** Runs the command with `args` as given, without waiting for anything. */
  static spawn(args: string[]): WorkerProcess {
    return new WorkerProcess(args);
  }

  waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    return this.output.waitFor(pattern, timeoutMs, `worker ${this.pid}`, () => this.#exited);
  }

  kill(signal: NodeJS.Signals = "SIGKILL"): void {
    if (!this.#exited) this.child.kill(signal);
  }
}

/** A queue name of its own for each test. */
let queues = 0;
export function queueName(what: string): string {
  return `${what}-${process.pid}-${++queues}`;
}

/** Stops every worker and server this file started (in `after`). */
export async function stopAll(): Promise<void> {
  await Promise.all(
    [...workers].map((worker) => {
      worker.kill();
      return worker.exited;
    }),
  );
  await Promise.all([...servers].map((server) => server.close()));
}
