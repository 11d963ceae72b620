/**
 * `QueueExecutor`: the executor interface over a BullMQ queue on Redis, whose jobs run in
 * `asyncio-ts worker` processes on any number of machines.
 *
 * How a result comes back: each job has an id chosen here (a UUID), registered before the job is
 * added, so no event can come before its waiter. QueueEvents (one XREAD stream, read from the
 * last event that existed when the executor started) settles the job's Future at once; a poll
 * reads the jobs not heard of for a while (batched, one round trip): each job `pollInterval`
 * seconds after its add, then after twice as long each time, up to MAX_BACKOFF times
 * `pollInterval`, and every job at once after a reconnection, so a missed event or a job
 * removed behind our back never leaves a task waiting (bullmq#2341, #2874), while thousands of
 * jobs waiting their turn do not cost a read each every second.
 *
 * Cancellation: the Future is cancelled at once; then the job is removed if it is still waiting
 * or delayed, or else (a worker holds it) its id is published on the queue's cancellation
 * channel, which every worker of the queue listens to: the worker holding it cancels its task.
 *
 * Invariants: a job is in `#pending` from `submit()` until its Future is settled or cancelled;
 * each pending job holds its loop (`loop.inFlight`) until then; the Redis connections are open
 * from the first `submit()` until the executor is shut down and nothing is pending.
 */
import { randomUUID } from "node:crypto";
import { RuntimeError } from "../core/errors.js";
import { Future, PENDING } from "../core/future.js";
import type { InFlight } from "../core/inFlight.js";
import type { EventLoop } from "../core/loop.js";
import { getRunningLoop } from "../core/scope.js";
import { describeValue, requireOptions } from "../core/validate.js";
import { resourceClosed } from "../debug/resourceWarnings.js";
import type { Executor, ExecutorShutdownOptions, MapOptions } from "../executors/executor.js";
import {
  mapJobs,
  shutdownOptions,
  shutdownWait,
  watchUnshutdown,
} from "../executors/executorShared.js";
import type { JobFunction, ModuleJob } from "../executors/jobs.js";
import { encodeJob } from "../executors/jobs.js";
import { decodeFailure, decodeResult, type JobData, jobData } from "./codec.js";
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
import { JobRemovedError } from "./errors.js";
import { bullmq, type Redis } from "./peers.js";

/** How jobs are queued: our own names for the BullMQ job options that matter here. */
export interface QueueJobOptions {
  /**
   * How many times a job may start: a job whose worker is lost (killed, crashed, cut off from
   * Redis longer than its lock) is given to another worker until it has started this many
   * times, then fails with `WorkerLostError`. Default 3. A job's own error is never retried.
   */
  attempts?: number;
  /** BullMQ priority: 1 (highest) to 2,097,152; omitted: none (first in, first out). */
  priority?: number;
  /** Seconds to wait before the job may start; default 0. */
  delay?: number;
  /** Seconds a finished job stays in Redis (for dashboards and late readers); default 3600. */
  keepFinished?: number;
}

/** Options of `new QueueExecutor()`. */
export interface QueueExecutorOptions {
  /** Where Redis is: a `redis://` URL or `{ host, port, … }`. */
  connection: QueueConnection;
  /** The BullMQ queue's name; the workers run with `--queue` this name. */
  queue: string;
  /** How jobs are queued (see `QueueJobOptions`). */
  jobOptions?: QueueJobOptions;
  /** BullMQ's key prefix; default "bull". The workers must use the same. */
  prefix?: string;
  /**
   * Seconds after which a job not settled yet is first checked in Redis, the fallback for a
   * missed event or a job removed from Redis; each later check of the same job comes twice as
   * long after the previous one, up to 8 times this. Default 1.
   */
  pollInterval?: number;
}

/** The length BullMQ trims the queue's event stream to (its default: 10,000). */
const EVENTS_MAX_LEN = 100_000;

/** Jobs added per `addBulk` at most (one pipelined round trip). */
const ADD_BATCH = 1000;

/** Jobs read per poll at most (one pipelined round trip). */
const POLL_BATCH = 500;

/** A job is checked again at most this many `pollInterval`s after its previous check. */
const MAX_BACKOFF = 8;

class PendingJob {
  added = false;
  /** When the poll checks the job next (`performance.now()` milliseconds), once added. */
  checkAt = 0;
  /** Milliseconds from the job's last check to its next. */
  checkEvery = 0;
  cancelled = false;
  /** Being removed (or removed) by `shutdown({ cancelFutures })`: its removal is no error. */
  removing = false;
  removed = false;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly future: QueueJobFuture,
    readonly hold: InFlight,
  ) {}
}

/** The Future of a queued job: its cancellation reaches the queue at once. */
class QueueJobFuture extends Future<unknown> {
  job: PendingJob | null = null;
  readonly #core: QueueCore;

  constructor(loop: EventLoop, core: QueueCore) {
    super(loop._futureOptions);
    this.#core = core;
  }

  override _cancel(msg: string | undefined): boolean {
    if (!super._cancel(msg)) return false;
    if (this.job !== null) this.#core.cancel(this.job);
    return true;
  }
}
Object.defineProperty(QueueJobFuture, "name", { value: "Future" });

/** A job's add, waiting for the others of its turn of the loop. */
interface QueuedAdd {
  readonly job: PendingJob;
  readonly name: string;
  readonly data: JobData;
  readonly opts: Record<string, unknown>;
}

/** What is used of BullMQ's Queue. */
interface BullQueue {
  add(name: string, data: unknown, options: Record<string, unknown>): Promise<unknown>;
  addBulk(
    jobs: readonly { name: string; data: unknown; opts: Record<string, unknown> }[],
  ): Promise<unknown>;
  remove(jobId: string): Promise<number>;
  waitUntilReady(): Promise<unknown>;
  close(): Promise<void>;
}
/** What is used of BullMQ's QueueEvents. */
interface BullQueueEvents {
  waitUntilReady(): Promise<unknown>;
  close(): Promise<void>;
}
type RedisClient = InstanceType<typeof Redis>;

interface Connections {
  readonly queue: BullQueue;
  readonly events: BullQueueEvents;
  /** Publishes cancellations and reads jobs for the poll. */
  readonly redis: RedisClient;
}

class QueueCore {
  readonly connection: ResolvedConnection;
  readonly queueName: string;
  readonly prefix: string;
  readonly attempts: number;
  readonly bullJobOptions: Record<string, unknown>;
  readonly pollMs: number;
  readonly #pending = new Map<string, PendingJob>();
  #connections: Promise<Connections> | null = null;
  #open: Connections | null = null;
  /** `#open` once its connections are ready. */
  #ready: Connections | null = null;
  #shutdown = false;
  #closed: Promise<void> | null = null;
  #onIdle: (() => void) | null = null;
  #pollTimer: NodeJS.Timeout | null = null;
  #polling = false;
  #completed = 0;
  /** Adds and cancellations on their way to Redis: closing waits for them. */
  readonly #background = new Set<Promise<unknown>>();
  /** Adds on their way to Redis, and what resolves when none is left. */
  #adding = 0;
  /** The adds of this turn of the loop, not sent yet. */
  #batch: QueuedAdd[] | null = null;
  #onAddsDone: (() => void) | null = null;
  readonly #loops = new WeakSet<EventLoop>();

  constructor(options: QueueExecutorOptions) {
    this.connection = resolveConnection(options.connection, "QueueExecutor connection");
    this.queueName = requireQueueName(options.queue, "QueueExecutor queue");
    this.prefix = requirePrefix(options.prefix, "QueueExecutor prefix");
    const poll = options.pollInterval ?? 1;
    if (typeof poll !== "number" || !(poll > 0) || !Number.isFinite(poll)) {
      throw new RangeError(
        `QueueExecutor pollInterval must be a positive number of seconds, got ${describeValue(poll)}`,
      );
    }
    this.pollMs = poll * 1000;
    const jobOptions = options.jobOptions ?? {};
    requireOptions(jobOptions, "QueueExecutor jobOptions");
    const attempts = jobOptions.attempts ?? 3;
    if (!Number.isInteger(attempts) || attempts < 1) {
      throw new RangeError(
        `QueueExecutor jobOptions.attempts must be an integer >= 1, got ${describeValue(attempts)}`,
      );
    }
    this.attempts = attempts;
    const keep = jobOptions.keepFinished ?? 3600;
    if (typeof keep !== "number" || !(keep >= 0)) {
      throw new RangeError(
        `QueueExecutor jobOptions.keepFinished must be a number of seconds >= 0, got ${describeValue(keep)}`,
      );
    }
    const bull: Record<string, unknown> = {
      attempts,
      removeOnComplete: { age: Math.ceil(keep) },
      removeOnFail: { age: Math.ceil(keep) },
    };
    if (jobOptions.priority !== undefined) {
      const priority = jobOptions.priority;
      if (!Number.isInteger(priority) || priority < 1 || priority > 2_097_152) {
        throw new RangeError(
          `QueueExecutor jobOptions.priority must be an integer from 1 to 2097152, got ${describeValue(priority)}`,
        );
      }
      bull.priority = priority;
    }
    if (jobOptions.delay !== undefined) {
      const delay = jobOptions.delay;
      if (typeof delay !== "number" || !(delay >= 0) || !Number.isFinite(delay)) {
        throw new RangeError(
          `QueueExecutor jobOptions.delay must be a number of seconds >= 0, got ${describeValue(delay)}`,
        );
      }
      if (delay > 0) bull.delay = Math.round(delay * 1000);
    }
    this.bullJobOptions = bull;
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  get completed(): number {
    return this.#completed;
  }

  submit(loop: EventLoop, job: unknown, args: unknown[]): Future<unknown> {
    if (this.#shutdown) throw new RuntimeError("cannot schedule new futures after shutdown");
    if (typeof job === "function") {
      throw new TypeError(
        "QueueExecutor runs jobs of the form { module, export } only: a worker on another machine " +
          "imports the module, a function's source is not sent through Redis",
      );
    }
    const encoded = encodeJob(job, "submit() job");
    const definition = encoded.definition as { module: string; export: string };
    const data = jobData(definition.module, definition.export, args, "submit()");
    if (loop.isClosed()) throw new RuntimeError("Event loop is closed");
    if (!this.#loops.has(loop)) {
      this.#loops.add(loop);
      loop._onClose(() => this.#abandonLoop(loop));
    }
    const id = randomUUID();
    const future = new QueueJobFuture(loop, this);
    const hold = loop.inFlight(`queue job ${definition.export} ${id} (queue ${this.queueName})`);
    const pending = new PendingJob(id, encoded.name, future, hold);
    future.job = pending;
    this.#pending.set(id, pending);
    this.#queueAdd(pending, definition.export, data);
    return future;
  }

  /**
   * Queues the add of `job`: the adds of one turn of the loop go to Redis together, in one
   * `addBulk` (one pipelined round trip per ADD_BATCH jobs, no promise per job).
   */
  #queueAdd(job: PendingJob, name: string, data: JobData): void {
    let batch = this.#batch;
    if (batch === null || batch.length === ADD_BATCH) {
      batch = [];
      this.#batch = batch;
      // Counted, not tracked one by one: closing waits until no add is on its way.
      this.#adding++;
      queueMicrotask(() => this.#flush(batch as QueuedAdd[]));
    }
    batch.push({ job, name, data, opts: { ...this.bullJobOptions, jobId: job.id } });
  }

  #flush(queued: QueuedAdd[]): void {
    if (this.#batch === queued) this.#batch = null;
    // A job cancelled before it went out (by its Future or by shutdown) is never added.
    const batch = queued.filter((add) => !add.job.cancelled);
    if (batch.length === 0) {
      this.#addDone();
      return;
    }
    const ready = this.#ready;
    const adding =
      ready !== null
        ? this.#addBatch(ready.queue, batch)
        : this.#connect().then(({ queue }) => this.#addBatch(queue, batch));
    adding.then(
      () => this.#addDone(),
      (error: unknown) => {
        // No connection: no job of the batch went out.
        for (const { job } of batch) this.#settle(job, false, error);
        this.#addDone();
      },
    );
  }

  /**
   * Adds `batch` with `addBulk`; if that fails, adds each job alone (a job already added is not
   * added twice: its id is taken) so that each job settles with its own outcome.
   */
  async #addBatch(queue: BullQueue, batch: QueuedAdd[]): Promise<void> {
    let bulk = batch.length > 1;
    if (bulk) {
      try {
        await queue.addBulk(batch);
      } catch {
        bulk = false;
      }
    }
    if (bulk) {
      for (const { job } of batch) this.#added(job);
    } else {
      const outcomes = await Promise.allSettled(
        batch.map(({ name, data, opts }) => queue.add(name, data, opts)),
      );
      outcomes.forEach((outcome, i) => {
        const { job } = batch[i] as QueuedAdd;
        if (outcome.status === "fulfilled") this.#added(job);
        else this.#settle(job, false, outcome.reason);
      });
    }
    this.#schedulePoll();
  }

  #added(job: PendingJob): void {
    job.added = true;
    job.checkEvery = this.pollMs;
    job.checkAt = performance.now() + this.pollMs;
    if (job.cancelled) this.#stop(job);
  }

  /** The Future of `job` was cancelled. */
  cancel(job: PendingJob): void {
    job.hold.release();
    if (job.cancelled) return;
    job.cancelled = true;
    this.#forget(job);
    if (job.added && !job.removed) this.#stop(job);
  }

  /** Removes `job` from the queue if no worker took it yet, else tells the workers to cancel it. */
  #stop(job: PendingJob): void {
    const open = this.#open;
    if (open === null) return;
    this.#track(
      open.queue
        .remove(job.id)
        .then(
          (removed) => {
            if (removed !== 1)
              return open.redis.publish(cancelChannel(this.prefix, this.queueName), job.id);
          },
          () => open.redis.publish(cancelChannel(this.prefix, this.queueName), job.id),
        )
        .catch(() => {
          // Redis is gone for good (the executor was closed): nothing left to stop.
        }),
    );
  }

  #addDone(): void {
    if (--this.#adding === 0) {
      const resolve = this.#onAddsDone;
      this.#onAddsDone = null;
      resolve?.();
    }
  }

  #track(promise: Promise<unknown>): void {
    this.#background.add(promise);
    const done = (): void => {
      this.#background.delete(promise);
    };
    promise.then(done, done);
  }

  shutdown(cancelFutures: boolean): Promise<void> {
    this.#shutdown = true;
    if (cancelFutures) {
      for (const job of this.#pending.values()) {
        if (!job.added) {
          job.future.cancel();
          continue;
        }
        // Only the jobs no worker took yet: remove() fails for a job a worker holds.
        job.removing = true;
        const removal = this.#open?.queue.remove(job.id).then(
          (removed) => {
            job.removing = false;
            if (removed === 1) {
              job.removed = true;
              job.future.cancel();
            }
          },
          () => {
            job.removing = false;
          },
        );
        if (removal !== undefined) this.#track(removal);
      }
    }
    this.#closed ??= this.#whenIdle().then(() => this.#close());
    return this.#closed;
  }

  describe(className: string): string {
    const state = this.#shutdown ? "shutdown" : "running";
    return `<${className} ${state} queue=${JSON.stringify(this.queueName)} redis=${this.connection.label} pending=${this.#pending.size}>`;
  }

  // Connections.

  #connect(): Promise<Connections> {
    this.#connections ??= this.#open_();
    return this.#connections;
  }

  async #open_(): Promise<Connections> {
    const redis = createRedis(this.connection);
    let connectedBefore = false;
    redis.on("ready", () => {
      // After a reconnection an event may have been missed: look at every job now.
      if (connectedBefore) {
        for (const job of this.#pending.values()) {
          job.checkAt = 0;
          job.checkEvery = this.pollMs;
        }
        this.#pollSoon(0);
      }
      connectedBefore = true;
    });
    const streamKey = `${this.prefix}:${this.queueName}:events`;
    // QueueEvents reads from this id on: no event of a job added from now on can be missed
    // between its connection and its first read (its default, "$", could).
    const last = (await redis.xrevrange(streamKey, "+", "-", "COUNT", 1)) as [string, string[]][];
    const lastEventId = last[0]?.[0] ?? "0-0";
    const connection = bullmqConnection(this.connection);
    // BullMQ trims a queue's event stream to 10,000 events by default: a batch of a few thousand
    // jobs writes more than that before QueueEvents reads them, and the poll would have to find
    // each result. A longer stream (about 10 MB at most) keeps them.
    const queue = new bullmq.Queue(this.queueName, {
      connection,
      prefix: this.prefix,
      streams: { events: { maxLen: EVENTS_MAX_LEN } },
    });
    queue.on("error", () => {});
    const events = new bullmq.QueueEvents(this.queueName, {
      connection,
      prefix: this.prefix,
      lastEventId,
    });
    events.on("error", () => {});
    events.on("completed", ({ jobId, returnvalue }) => {
      const job = this.#pending.get(jobId);
      if (job !== undefined) this.#settleDecoded(job, true, returnvalue);
    });
    events.on("failed", ({ jobId, failedReason }) => {
      const job = this.#pending.get(jobId);
      if (job !== undefined) this.#settleDecoded(job, false, failedReason);
    });
    events.on("removed", ({ jobId }) => {
      const job = this.#pending.get(jobId);
      if (job !== undefined && !job.removing) this.#settle(job, false, this.#removedError(job));
    });
    const open: Connections = { queue: queue as unknown as BullQueue, events, redis };
    this.#open = open;
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    this.#ready = open;
    return open;
  }

  async #close(): Promise<void> {
    this.#stopPolling();
    while (this.#adding > 0 || this.#background.size > 0) {
      if (this.#adding > 0) {
        await new Promise<void>((resolve) => {
          this.#onAddsDone = resolve;
        });
      }
      await Promise.allSettled([...this.#background]);
    }
    const connecting = this.#connections;
    if (connecting === null) return;
    let open: Connections;
    try {
      open = await connecting;
    } catch {
      return;
    }
    await Promise.allSettled([open.events.close(), open.queue.close()]);
    await open.redis.quit().catch(() => open.redis.disconnect());
  }

  // Results.

  #settleDecoded(job: PendingJob, completed: boolean, value: unknown): void {
    let outcome: unknown;
    let ok = completed;
    try {
      outcome = completed ? decodeResult(value) : decodeFailure(String(value), job.id, job.name);
    } catch (error) {
      ok = false;
      outcome = new TypeError(
        `the result of job ${job.id} (${job.name}) could not be read: ${String(error)}`,
        { cause: error },
      );
    }
    this.#settle(job, ok, outcome);
  }

  #settle(job: PendingJob, ok: boolean, value: unknown): void {
    if (job.cancelled) return;
    this.#forget(job);
    this.#completed++;
    job.hold.release();
    const future = job.future;
    if (future._state !== PENDING || future._loop.isClosed()) return;
    if (ok) future._resolve(value);
    else future._reject(value);
  }

  #forget(job: PendingJob): void {
    if (this.#pending.get(job.id) !== job) return;
    this.#pending.delete(job.id);
    if (this.#pending.size === 0) {
      this.#stopPolling();
      const idle = this.#onIdle;
      this.#onIdle = null;
      idle?.();
    }
  }

  #removedError(job: PendingJob): JobRemovedError {
    return new JobRemovedError(
      `job ${job.id} (${job.name}) is no longer in queue ${JSON.stringify(this.queueName)}: ` +
        "it was removed before it finished, or Redis lost its data",
      job.id,
    );
  }

  #whenIdle(): Promise<void> {
    if (this.#pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const previous = this.#onIdle;
      this.#onIdle = () => {
        previous?.();
        resolve();
      };
    });
  }

  // The poll: the fallback for missed events and removed jobs.

  #schedulePoll(): void {
    if (this.#pollTimer === null && !this.#polling) this.#pollSoon(this.pollMs);
  }

  #pollSoon(ms: number): void {
    if (this.#pollTimer !== null) clearTimeout(this.#pollTimer);
    this.#pollTimer = setTimeout(() => {
      this.#pollTimer = null;
      void this.#poll();
    }, ms);
    // The jobs' holds keep the loop; the timer alone keeps no process alive.
    this.#pollTimer.unref();
  }

  #stopPolling(): void {
    if (this.#pollTimer !== null) clearTimeout(this.#pollTimer);
    this.#pollTimer = null;
  }

  /** Reads up to POLL_BATCH pending jobs due for a check and settles the finished. */
  async #poll(): Promise<void> {
    const open = this.#open;
    if (open === null || this.#pending.size === 0 || this.#polling) return;
    this.#polling = true;
    let full = false;
    try {
      const batch: PendingJob[] = [];
      const now = performance.now();
      for (const job of this.#pending.values()) {
        if (!job.added || job.checkAt > now) continue;
        batch.push(job);
        job.checkEvery = Math.min(job.checkEvery * 2, this.pollMs * MAX_BACKOFF);
        job.checkAt = now + job.checkEvery;
        if (batch.length === POLL_BATCH) break;
      }
      full = batch.length === POLL_BATCH;
      if (batch.length === 0) return;
      const pipeline = open.redis.pipeline();
      for (const job of batch) {
        pipeline.hmget(
          `${this.prefix}:${this.queueName}:${job.id}`,
          "name",
          "finishedOn",
          "returnvalue",
          "failedReason",
        );
      }
      const replies = (await pipeline.exec()) ?? [];
      replies.forEach(([error, fields], i) => {
        const job = batch[i] as PendingJob;
        if (error !== null || this.#pending.get(job.id) !== job) return;
        const [name, finishedOn, returnvalue, failedReason] = fields as (string | null)[];
        if (name === null) {
          if (!job.removing) this.#settle(job, false, this.#removedError(job));
        } else if (finishedOn !== null && returnvalue !== null) {
          let parsed: unknown;
          try {
            parsed = JSON.parse(returnvalue);
          } catch {
            parsed = returnvalue;
          }
          this.#settleDecoded(job, true, parsed);
        } else if (finishedOn !== null) {
          this.#settleDecoded(job, false, failedReason ?? "unknown failure");
        }
      });
    } catch {
      // Redis unreachable: the next poll (or the reconnection) tries again.
    } finally {
      this.#polling = false;
      if (this.#pending.size > 0) this.#pollSoon(full ? 0 : this.pollMs);
    }
  }

  /** `loop` is closing: nobody can await its jobs any more, so they stop. */
  #abandonLoop(loop: EventLoop): void {
    for (const job of [...this.#pending.values()]) {
      if (job.future._loop === loop) this.cancel(job);
    }
  }
}

/**
 * Runs `{ module, export }` jobs on `asyncio-ts worker` processes through a BullMQ queue on
 * Redis: the executor interface of the local pools (`submit`, `map`, `shutdown`, `await using`,
 * `loop.runInExecutor(executor, …)`) with workers on any number of machines. Arguments and
 * results are structured-cloned (through `v8.serialize`); errors come back with their name,
 * message, stack and cause. Cancelling the Future (or the task awaiting it) removes a waiting
 * job, or cancels the running one on the worker that holds it. Delivery is at least once: a job
 * whose worker is lost runs again on another (see `QueueJobOptions.attempts`).
 *
 * @example
 * await using executor = new QueueExecutor({ connection: "redis://127.0.0.1:6379", queue: "cpu" });
 * const job = { module: new URL("./jobs.js", import.meta.url), export: "fib" };
 * const n = await executor.submit<number>(job, 30);
 */
export class QueueExecutor implements Executor {
  readonly #core: QueueCore;

  /** @throws TypeError or RangeError for a bad option. */
  constructor(options: QueueExecutorOptions) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError(`QueueExecutor options must be an object, got ${describeValue(options)}`);
    }
    const core = new QueueCore(options);
    this.#core = core;
    watchUnshutdown(this, () => core.describe("QueueExecutor"));
  }

  /** The queue's name. */
  get queue(): string {
    return this.#core.queueName;
  }

  /**
   * Queues `job` with `args` and returns a Future of its result, bound to the running loop.
   *
   * @throws RuntimeError after `shutdown()` or outside a running loop; TypeError for a job that
   *   is not `{ module, export }` or arguments that cannot be cloned.
   */
  submit<A extends unknown[], R>(fn: JobFunction<A, R>, ...args: A): Future<Awaited<R>>;
  submit<R = unknown>(job: ModuleJob, ...args: unknown[]): Future<R>;
  submit(job: JobFunction | ModuleJob, ...args: unknown[]): Future<unknown> {
    return this.#core.submit(getRunningLoop(), job, args);
  }

  /**
   * Queues `job(item)` for every item (all at once) and yields the results in the order of the
   * items. With `timeout`, a result not in within that many seconds of this call throws
   * `TimeoutError`; an error, a timeout or leaving the loop early cancels the jobs left.
   */
  map<T, R>(
    fn: JobFunction<[T], R>,
    items: Iterable<T>,
    options?: MapOptions,
  ): AsyncIterableIterator<Awaited<R>>;
  map<R = unknown>(
    job: ModuleJob,
    items: Iterable<unknown>,
    options?: MapOptions,
  ): AsyncIterableIterator<R>;
  map(
    job: JobFunction | ModuleJob,
    items: Iterable<unknown>,
    options?: MapOptions,
  ): AsyncIterableIterator<unknown> {
    return mapJobs(items, options, (loop, item) => this.#core.submit(loop, job, [item]));
  }

  /**
   * Takes no new jobs; closes the Redis connections once the jobs pending are settled. With
   * `cancelFutures`, the jobs no worker took yet are removed from the queue and their Futures
   * cancelled (running jobs go on). The promise settles at once with `wait: false`.
   */
  shutdown(options?: ExecutorShutdownOptions): Promise<void> {
    const { wait, cancelFutures } = shutdownOptions(options);
    resourceClosed(this);
    const closed = this.#core.shutdown(cancelFutures);
    return wait ? shutdownWait(closed, "QueueExecutor") : Promise.resolve();
  }

  /** `await using executor = new QueueExecutor(…)`: `shutdown({ wait: true })` at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  /** Jobs submitted and not settled yet, and jobs settled since the executor was made. */
  statistics(): {
    /** Jobs submitted and not settled yet. */
    readonly pending: number;
    /** Jobs settled since the executor was made. */
    readonly completed: number;
  } {
    return { pending: this.#core.pendingCount, completed: this.#core.completed };
  }

  toString(): string {
    return this.#core.describe("QueueExecutor");
  }
}
