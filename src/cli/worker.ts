/**
 * `asyncio-ts worker`: runs the jobs of a `QueueExecutor`'s queue, each as a task of one
 * asyncio loop per process. SIGTERM (or SIGINT) drains: the running jobs finish, no new one is
 * taken, and the process exits 0; a second signal exits at once (exit code 1), and the jobs it
 * held go to another worker once their lock expires.
 */

import { ModuleNotFoundError } from "../core/peerDependency.js";
import { run } from "../core/runner.js";
import { getRunningLoop } from "../core/scope.js";

export const WORKER_USAGE = `usage: asyncio-ts worker --redis URL --queue NAME [--concurrency N] [--module PATH ...]
                         [--prefix PREFIX] [--lock-duration SECONDS] [--stalled-interval SECONDS]

Runs the jobs a QueueExecutor (asyncio-ts/distributed) puts on a BullMQ queue in Redis:
each job is a task of this process's asyncio loop, calling the exported function the
job names ({ module, export }) with its arguments. Start as many workers as you like,
on any machine that reaches Redis and has the job modules at the same paths.

options:
  --redis URL                 Redis, as redis://[user:password@]host:port[/db]
                              (rediss:// for TLS)
  --queue NAME                the queue's name (QueueExecutor's "queue")
  --concurrency N             jobs run at once, as tasks of the loop (default 1; CPU-bound
                              jobs: 1 per process, and one process per core)
  --module PATH               a module whose jobs this worker runs (repeat for several):
                              imported at start, so a missing one fails at once, and jobs
                              of other modules fail. PATH: a file path (relative to the
                              current directory), a file: URL, or a package name.
                              Without --module, the worker runs jobs of any module.
  --prefix PREFIX             BullMQ's key prefix (default "bull"), as the executor's
  --lock-duration SECONDS     how long a job's lock lasts unrenewed: a worker lost for
                              this long loses its jobs to the others (default 30). A job
                              that computes longer than this without awaiting cannot renew
                              it: give such workers a longer lock
  --stalled-interval SECONDS  how often to look for jobs of lost workers (default 30)
  -h, --help                  show this help

Prints one line once it is ready. SIGTERM or SIGINT drains: the running jobs finish,
no new job is taken, and the worker exits 0. A second signal exits at once (code 1):
the jobs it held run again on another worker once their lock expires (at least once).
A cancelled job's task is cancelled and asyncio.currentSignal() aborts.`;

/** A bad command line: the message, then the usage line, exit code 2. */
export class WorkerUsageError extends Error {}

interface WorkerArgs {
  redis: string;
  queue: string;
  concurrency: number;
  modules: string[];
  prefix: string;
  lockDuration: number;
  stalledInterval: number;
}

function parseArgs(args: string[]): WorkerArgs | "help" {
  let redis: string | undefined;
  let queue: string | undefined;
  let concurrency = 1;
  const modules: string[] = [];
  let prefix = "bull";
  let lockDuration = 30;
  let stalledInterval = 30;
  const value = (i: number, flag: string): string => {
    const next = args[i];
    if (next === undefined || next.startsWith("--"))
      throw new WorkerUsageError(`${flag} needs a value`);
    return next;
  };
  const positive = (text: string, flag: string): number => {
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0)
      throw new WorkerUsageError(`${flag} takes a positive number of seconds, got ${text}`);
    return n;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const eq = arg.indexOf("=");
    const flag = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith("--") && eq > 0 ? arg.slice(eq + 1) : undefined;
    const take = (): string => inline ?? value(++i, flag);
    switch (flag) {
      case "-h":
      case "--help":
        return "help";
      case "--redis":
        redis = take();
        if (!/^rediss?:\/\//.test(redis))
          throw new WorkerUsageError(`--redis takes a redis:// URL, got ${redis}`);
        break;
      case "--queue":
        queue = take();
        if (queue === "" || queue.includes(":"))
          throw new WorkerUsageError(`--queue takes a name without ":", got ${queue}`);
        break;
      case "--concurrency": {
        const text = take();
        concurrency = Number(text);
        if (!Number.isInteger(concurrency) || concurrency < 1) {
          throw new WorkerUsageError(`--concurrency takes an integer >= 1, got ${text}`);
        }
        break;
      }
      case "--module":
        modules.push(take());
        break;
      case "--prefix":
        prefix = take();
        break;
      case "--lock-duration":
        lockDuration = positive(take(), flag);
        break;
      case "--stalled-interval":
        stalledInterval = positive(take(), flag);
        break;
      default:
        throw new WorkerUsageError(`unexpected argument: ${arg}`);
    }
  }
  if (redis === undefined) throw new WorkerUsageError("--redis URL is required");
  if (queue === undefined) throw new WorkerUsageError("--queue NAME is required");
  return { redis, queue, concurrency, modules, prefix, lockDuration, stalledInterval };
}

/** Runs `asyncio-ts worker ARGS`; returns the exit code. */
export async function workerCommand(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (parsed === "help") {
    console.log(WORKER_USAGE);
    return 0;
  }
  // Loaded only now: the other commands need neither bullmq nor ioredis.
  let QueueWorker: typeof import("../distributed/queueWorker.js").QueueWorker;
  try {
    ({ QueueWorker } = await import("../distributed/queueWorker.js"));
  } catch (error) {
    if (!(error instanceof ModuleNotFoundError)) throw error;
    console.error(`asyncio-ts worker: ${error.message}`);
    return 1;
  }
  return await run(async () => {
    const loop = getRunningLoop();
    const worker = new QueueWorker({
      connection: parsed.redis,
      queue: parsed.queue,
      concurrency: parsed.concurrency,
      modules: parsed.modules,
      prefix: parsed.prefix,
      lockDuration: parsed.lockDuration,
      stalledInterval: parsed.stalledInterval,
    });
    const stop = loop.createFuture<string>();
    let signals = 0;
    const onSignal = (signal: string): void => {
      signals++;
      if (signals > 1) {
        console.error(
          `asyncio-ts worker ${process.pid}: ${signal} again, exiting without draining`,
        );
        process.exit(1);
      }
      if (!stop.done()) stop.setResult(signal);
    };
    loop.addSignalHandler("SIGTERM", onSignal, "SIGTERM");
    loop.addSignalHandler("SIGINT", onSignal, "SIGINT");
    try {
      try {
        await worker.start();
      } catch (error) {
        console.error(
          `asyncio-ts worker: cannot start: ${error instanceof Error ? error.message : String(error)}`,
        );
        return 1;
      }
      console.log(
        `asyncio-ts worker ${process.pid}: ready, queue ${JSON.stringify(parsed.queue)} on ${worker.toString().match(/redis=(\S+)/)?.[1] ?? parsed.redis}, concurrency ${parsed.concurrency}`,
      );
      const signal = await stop;
      console.log(
        `asyncio-ts worker ${process.pid}: ${signal}, draining (${worker.running} running)`,
      );
      await worker.close();
      console.log(`asyncio-ts worker ${process.pid}: stopped after ${worker.jobsDone} jobs`);
      return 0;
    } finally {
      await worker.close();
      loop.removeSignalHandler("SIGTERM");
      loop.removeSignalHandler("SIGINT");
    }
  });
}
