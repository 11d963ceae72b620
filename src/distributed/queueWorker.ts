/**
 * `QueueWorker`: takes the jobs of a BullMQ queue that `QueueExecutor` fills and runs each as a
 * task of the running asyncio loop (what `asyncio-ts worker` runs, one per process).
 *
 * A job's task is cancelled (and its `AbortSignal`, `asyncio.currentSignal()`, aborts) when the
 * executor publishes its id on the queue's cancellation channel. A
 * job started more times than its `attempts` (its earlier workers were lost) fails with
 * `WorkerLostError` instead of running again. Draining (`close()`) finishes the running jobs and
 * takes no new ones.
 */
import { isAbsolute, resolve as resolvePath } from "node:path";
import { pathToFileURL } from "node:url";
import { RuntimeError } from "../core/errors.js";
import type { InFlight } from "../core/inFlight.js";
import type { EventLoop } from "../core/loop.js";
import { getRunningLoop } from "../core/scope.js";
import type { Task } from "../core/task.js";
import { describeValue } from "../core/validate.js";
import { importExport } from "../executors/jobs.js";
import { cancelledFailure, encodeFailure, encodeResult, type JobData, jobArgs } from "./codec.js";
import {
  bullmqConnection,
  cancelChannel,
  createRedis,
  type QueueConnection,
  type ResolvedConnection,
  requirePrefix,
  requireQueueName,
  resolveConnection,
} from "./connection.js";
import { WorkerLostError } from "./errors.js";
import { bullmq, type Redis } from "./peers.js";

/** Options of `new QueueWorker()` (and of `asyncio-ts worker`). */
export interface QueueWorkerOptions {
  /** Where Redis is: a `redis://` URL or `{ host, port, … }`. */
  connection: QueueConnection;
  /** The queue's name, as the executor's `queue`. */
  queue: string;
  /** Jobs run at once (tasks of the loop); default 1. */
  concurrency?: number;
  /**
   * The modules whose jobs this worker runs: each imported at `start()` (so a missing one fails
   * at once), and a job of any other module fails. Paths are resolved against the current
   * directory; package names as by `import()`. Empty (the default): any module.
   */
  modules?: readonly string[];
  /** BullMQ's key prefix; default "bull". */
  prefix?: string;
  /**
   * Seconds a job's lock lasts without renewal (renewed every half of it while the job runs): a
   * worker lost for this long loses its jobs to the others. Default 30.
   */
  lockDuration?: number;
  /** Seconds between two checks for jobs whose worker was lost; default 30. */
  stalledInterval?: number;
}

/** Lost workers: a job goes back to the queue up to its own `attempts`; this only bounds BullMQ's count. */
const MAX_STALLED_COUNT = 1_000_000;
/** How long a cancellation heard is remembered for a job not started yet, in milliseconds. */
const CANCEL_MEMORY_MS = 10 * 60 * 1000;

type Callable = (...args: unknown[]) => unknown;
type BullJob = InstanceType<typeof bullmq.Job>;
/** What is used of BullMQ's Worker. */
interface BullWorker {
  run(): Promise<unknown>;
  waitUntilReady(): Promise<unknown>;
  close(force?: boolean): Promise<void>;
}
type RedisClient = InstanceType<typeof Redis>;

/** @internal The `file:` URL or package name a module given as a path or specifier stands for. */
export function moduleSpecifier(module: string): string {
  if (module.startsWith("file:")) return new URL(module).href;
  if (
    isAbsolute(module) ||
    module.startsWith("./") ||
    module.startsWith("../") ||
    module.endsWith(".js") ||
    module.endsWith(".mjs") ||
    module.endsWith(".cjs")
  ) {
    return pathToFileURL(resolvePath(module)).href;
  }
  return module;
}

/**
 * Runs the jobs of a queue as tasks of the running loop.
 *
 * @example
 * await using worker = new QueueWorker({ connection: "redis://127.0.0.1:6379", queue: "cpu" });
 * await worker.start();
 * await stopRequested; // then the block's end drains it
 */
export class QueueWorker {
  readonly #connection: ResolvedConnection;
  readonly #queue: string;
  readonly #concurrency: number;
  readonly #modules: ReadonlySet<string> | null;
  readonly #prefix: string;
  readonly #lockMs: number;
  readonly #stalledMs: number;
  /** The job functions by `module#export`: imported, or being imported. */
  readonly #functions = new Map<string, Callable | Promise<Callable>>();
  readonly #running = new Map<string, Task<unknown>>();
  readonly #cancelled = new Map<string, number>();
  #loop: EventLoop | null = null;
  #hold: InFlight | null = null;
  #worker: BullWorker | null = null;
  #subscriber: RedisClient | null = null;
  #closing: Promise<void> | null = null;
  #jobsDone = 0;

  /** @throws TypeError or RangeError for a bad option. */
  constructor(options: QueueWorkerOptions) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError(`QueueWorker options must be an object, got ${describeValue(options)}`);
    }
    this.#connection = resolveConnection(options.connection, "QueueWorker connection");
    this.#queue = requireQueueName(options.queue, "QueueWorker queue");
    const concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(
        `QueueWorker concurrency must be an integer >= 1, got ${describeValue(concurrency)}`,
      );
    }
    this.#concurrency = concurrency;
    const modules = options.modules ?? [];
    if (!Array.isArray(modules) || modules.some((m) => typeof m !== "string" || m === "")) {
      throw new TypeError(
        `QueueWorker modules must be an array of module paths or names, got ${describeValue(modules)}`,
      );
    }
    this.#modules = modules.length === 0 ? null : new Set(modules.map(moduleSpecifier));
    this.#prefix = requirePrefix(options.prefix, "QueueWorker prefix");
    this.#lockMs = seconds(options.lockDuration ?? 30, "lockDuration");
    this.#stalledMs = seconds(options.stalledInterval ?? 30, "stalledInterval");
  }

  /** Jobs running now. */
  get running(): number {
    return this.#running.size;
  }

  /** Jobs finished (with a result or an error) since the worker started. */
  get jobsDone(): number {
    return this.#jobsDone;
  }

  /**
   * Imports the `modules`, connects to Redis and starts taking jobs; resolves once it is ready.
   *
   * @throws RuntimeError if called twice or outside a running loop; the error of a module that
   *   cannot be imported.
   */
  async start(): Promise<void> {
    if (this.#loop !== null) throw new RuntimeError("QueueWorker.start() was already called");
    const loop = getRunningLoop();
    this.#loop = loop;
    for (const specifier of this.#modules ?? []) await import(specifier);
    this.#hold = loop.inFlight(`queue worker ${this.#queue} on ${this.#connection.label}`, {
      kind: "outside",
    });
    const subscriber = createRedis(this.#connection);
    this.#subscriber = subscriber;
    subscriber.on("message", (_channel: string, jobId: string) => this.#onCancel(jobId));
    // Subscribed before the first job is taken: no cancellation of a job it runs can be missed.
    await subscriber.subscribe(cancelChannel(this.#prefix, this.#queue));
    const worker = new bullmq.Worker(
      this.#queue,
      // Two parameters: BullMQ then makes no AbortController per job (its cancelJob() is not
      // used: cancellations come over the channel above).
      (job: BullJob) => this.#process(job),
      {
        connection: bullmqConnection(this.#connection),
        prefix: this.#prefix,
        concurrency: this.#concurrency,
        lockDuration: this.#lockMs,
        stalledInterval: this.#stalledMs,
        maxStalledCount: MAX_STALLED_COUNT,
        autorun: false,
      },
    );
    worker.on("error", () => {});
    this.#worker = worker as unknown as BullWorker;
    void this.#worker.run().catch(() => {});
    await this.#worker.waitUntilReady();
  }

  /**
   * Drains: takes no new job, waits for the running ones to finish, then disconnects.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      try {
        await this.#worker?.close();
      } finally {
        await this.#subscriber?.quit().catch(() => this.#subscriber?.disconnect());
        this.#hold?.release();
      }
    })();
    return this.#closing;
  }

  /** `await using`: `close()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** A description for logs and the REPL, as Python's `repr()`. */
  toString(): string {
    const state = this.#closing !== null ? "closing" : this.#loop !== null ? "running" : "new";
    return `<QueueWorker ${state} queue=${JSON.stringify(this.#queue)} redis=${this.#connection.label} running=${this.#running.size}>`;
  }

  #onCancel(jobId: string): void {
    const now = Date.now();
    this.#cancelled.set(jobId, now);
    for (const [id, at] of this.#cancelled) {
      if (now - at < CANCEL_MEMORY_MS) break;
      this.#cancelled.delete(id);
    }
    this.#running.get(jobId)?.cancel("the job was cancelled by its executor");
  }

  /** BullMQ's processor: runs `job` as a task of the loop; a failure is never retried by BullMQ. */
  #process(job: BullJob): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const fail = (reason: string): void => reject(new bullmq.UnrecoverableError(reason));
      const id = job.id as string;
      if (this.#cancelled.has(id)) {
        fail(cancelledFailure());
        return;
      }
      const attempts = job.opts.attempts ?? 1;
      if (job.attemptsStarted > attempts) {
        fail(
          encodeFailure(
            new WorkerLostError(
              `job ${id} (${job.name}) was lost with its worker ${attempts === 1 ? "once" : `${attempts} times`} ` +
                "(killed, crashed, or cut off from Redis longer than its lock): no attempt left",
            ),
          ),
        );
        return;
      }
      const loop = this.#loop as EventLoop;
      const data = job.data as JobData;
      const task = loop.createTask(() => this.#run(data), { name: `job ${id} ${data.e}` });
      this.#running.set(id, task);
      task.addDoneCallback(() => {
        this.#running.delete(id);
        this.#jobsDone++;
        if (task.cancelled()) {
          fail(cancelledFailure());
          return;
        }
        const error = task.exception();
        if (error !== null) {
          fail(encodeFailure(error));
          return;
        }
        try {
          resolve(encodeResult(task.result()));
        } catch (failure) {
          fail(encodeFailure(failure));
        }
      });
    });
  }

  async #run(data: JobData): Promise<unknown> {
    if (this.#modules !== null && !this.#modules.has(data.m)) {
      throw new TypeError(
        `module ${data.m} is not one this worker runs jobs of (its --module list: ${[...this.#modules].join(", ")})`,
      );
    }
    const key = `${data.m}#${data.e}`;
    // Imported already (every job but the first of a function): no await, no turn of the loop.
    let fn = this.#functions.get(key) ?? this.#import(key, data.m, data.e);
    if (typeof fn !== "function") fn = await fn;
    return await fn(...jobArgs(data));
  }

  #import(key: string, specifier: string, name: string): Promise<Callable> {
    const pending = importExport(specifier, name);
    this.#functions.set(key, pending);
    pending.then(
      (fn) => this.#functions.set(key, fn),
      () => {
        // each job of the function fails with the import's error
      },
    );
    return pending;
  }
}

function seconds(value: unknown, name: string): number {
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(
      `QueueWorker ${name} must be a positive number of seconds, got ${describeValue(value)}`,
    );
  }
  return Math.max(1, Math.round(value * 1000));
}
