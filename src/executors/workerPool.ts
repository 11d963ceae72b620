/**
 * The pool logic shared by `ThreadPoolExecutor` and `ProcessPoolExecutor`: a queue of jobs,
 * workers started lazily up to `maxWorkers`, jobs sent ahead to busy workers when jobs are
 * short, cancellation that removes a queued job and terminates the worker of a running one,
 * and recovery from a worker that dies.
 *
 * Invariants:
 * - a job is in exactly one place: the pool's queue (`QUEUED`), one worker's `outstanding`
 *   (`SENT` or `STARTED`), or nowhere (`FINISHED`); a cancelled job may still sit in the queue
 *   or in `outstanding`, marked `cancelled`, until the queue or the worker drops it;
 * - `worker.running` is the one job of that worker known (or, sent to an idle worker, assumed)
 *   to run; the jobs after it in `outstanding` have not started;
 * - `#live` counts the queued jobs that are not cancelled; workers with jobs are ref'd, idle ones
 *   unref'd, so idle workers never keep the process alive;
 * - each job holds its loop (`loop.inFlight`) from `submit()` until its Future is done.
 */
import type { Transferable } from "node:worker_threads";
import { RuntimeError } from "../core/errors.js";
import { Future, PENDING } from "../core/future.js";
import type { InFlight } from "../core/inFlight.js";
import type { EventLoop } from "../core/loop.js";
import { getRunningLoop } from "../core/scope.js";
import { describeValue } from "../core/validate.js";
import { resourceClosed } from "../debug/resourceWarnings.js";
import type { BrokenExecutor, WorkerExit } from "./errors.js";
import { WorkerCrashedError } from "./errors.js";
import type { Executor, ExecutorShutdownOptions, MapOptions } from "./executor.js";
import { mapJobs, shutdownOptions, shutdownWait, watchUnshutdown } from "./executorShared.js";
import type { EncodedJob, JobFunction, ModuleJob } from "./jobs.js";
import { encodeJob } from "./jobs.js";
import type { FromWorker, FunctionDefinition, JobMessage } from "./protocol.js";
import { reviveError } from "./remoteError.js";
import { takeTransferList } from "./transfer.js";
import type { WorkerChannel, WorkerLauncher } from "./workerChannel.js";

const QUEUED = 0;
const SENT = 1;
const STARTED = 2;
const FINISHED = 3;

/**
 * Jobs are sent ahead to a busy worker only while they are short: a worker holds at most
 * `SEND_AHEAD_MS / (average job milliseconds)` jobs (1 to MAX_SEND_AHEAD), so a long job never
 * waits behind another in a worker while a second worker is free. 10,000 tiny jobs through two
 * threads run 3× faster with it (bench/executor-throughput.bench.ts).
 */
const SEND_AHEAD_MS = 2;
const MAX_SEND_AHEAD = 32;

/** What `statistics()` returns. */
export interface ExecutorStatistics {
  /** The most workers the pool runs at once. */
  readonly maxWorkers: number;
  /** Workers serving the pool now (starting, busy or idle); one being terminated no longer counts. */
  readonly workers: number;
  /** Workers with at least one job. */
  readonly busyWorkers: number;
  /** Jobs waiting in the pool for a worker. */
  readonly queued: number;
  /** Jobs handed to a worker and not finished (running, or sent ahead). */
  readonly inWorkers: number;
  /** Workers started since the pool was made (replacements included). */
  readonly workersStarted: number;
  /** Jobs finished (with a result or an error). */
  readonly completed: number;
}

/** Options both pools take. */
export interface PoolOptions {
  /** The most workers at once (an integer >= 1). */
  maxWorkers?: number;
  /** Runs once in each worker as it starts, before any job; if it fails, the pool is broken. */
  initializer?: JobFunction<never[]> | ModuleJob | null;
  /** The initializer's arguments (structured-cloned). */
  initargs?: readonly unknown[];
}

/** @internal What a concrete pool passes to `WorkerPoolExecutor`. */
export interface PoolSetup {
  readonly kind: "thread" | "process";
  readonly className: string;
  readonly maxWorkers: number;
  readonly launcher: WorkerLauncher;
  readonly initializer: FunctionDefinition | null;
  readonly initargs: unknown[];
  /** Jobs a worker runs before it is replaced (`maxTasksPerChild`), or null. */
  readonly jobsPerWorker: number | null;
  /** The pool's BrokenExecutor class, as a factory. */
  readonly broken: (message: string, cause: unknown) => BrokenExecutor;
}

class PoolJob {
  state = QUEUED;
  cancelled = false;
  worker: PoolWorker | null = null;

  constructor(
    readonly id: number,
    readonly encoded: EncodedJob,
    readonly args: unknown[],
    /**
     * Buffers moved to the worker (`transfer()`): such a job goes only to an idle worker, so it
     * is never sent ahead and then taken back after its buffers left.
     */
    readonly transfer: Transferable[],
    readonly future: JobFuture,
    readonly hold: InFlight,
  ) {}
}

/** The Future of a job: its cancellation reaches the pool at once. */
class JobFuture extends Future<unknown> {
  job: PoolJob | null = null;
  readonly #pool: PoolCore;

  constructor(loop: EventLoop, pool: PoolCore) {
    super(loop._futureOptions);
    this.#pool = pool;
  }

  override _cancel(msg: string | undefined): boolean {
    if (!super._cancel(msg)) return false;
    if (this.job !== null) this.#pool.cancel(this.job);
    return true;
  }
}

// Users see a Future: `<Future pending>`, not the name of this subclass.
Object.defineProperty(JobFuture, "name", { value: "Future" });

class PoolWorker {
  /** Jobs sent and not finished, in the order sent. */
  readonly outstanding = new Map<number, PoolJob>();
  /** Keys of the functions this worker has the definition of. */
  readonly known = new Set<number>();
  running: PoolJob | null = null;
  ready = false;
  /** Taking no more jobs: terminated, or to be once idle. */
  retiring = false;
  terminated = false;
  jobsDone = 0;
  referenced = false;
  channel!: WorkerChannel;
}

/** The state and logic of one pool. */
class PoolCore {
  readonly setup: PoolSetup;
  readonly #queue: PoolJob[] = [];
  #queueHead = 0;
  #live = 0;
  readonly #workers = new Set<PoolWorker>();
  #nextJobId = 1;
  #workersStarted = 0;
  #completed = 0;
  #averageMs = Number.POSITIVE_INFINITY;
  #dispatchScheduled = false;
  #shutdown = false;
  /** Why the pool is broken, once it is. */
  #broken: { readonly message: string; readonly cause: unknown } | null = null;
  #onAllExited: (() => void) | null = null;
  #allExited: Promise<void> | null = null;
  readonly #loops = new WeakSet<EventLoop>();

  constructor(setup: PoolSetup) {
    this.setup = setup;
  }

  submit(loop: EventLoop, job: unknown, args: unknown[]): Future<unknown> {
    if (this.#broken !== null) throw this.setup.broken(this.#broken.message, this.#broken.cause);
    if (this.#shutdown) throw new RuntimeError("cannot schedule new futures after shutdown");
    const encoded = encodeJob(job, "submit() job");
    if (loop.isClosed()) throw new RuntimeError("Event loop is closed");
    if (!this.#loops.has(loop)) {
      this.#loops.add(loop);
      loop._onClose(() => this.#abandonLoop(loop));
    }
    const future = new JobFuture(loop, this);
    const hold = loop.inFlight(`${this.setup.kind} pool job ${encoded.name}`);
    const transfer = takeTransferList(args);
    const pooled = new PoolJob(this.#nextJobId++, encoded, args, transfer, future, hold);
    future.job = pooled;
    this.#queue.push(pooled);
    this.#live++;
    this.#dispatch();
    return future;
  }

  /** The Future of `job` was cancelled. */
  cancel(job: PoolJob): void {
    job.hold.release();
    if (job.cancelled || job.state === FINISHED) return;
    job.cancelled = true;
    if (job.state === QUEUED) {
      this.#live--;
    } else if (job.state === SENT) {
      (job.worker as PoolWorker).channel.send({ type: "cancel", id: job.id }, []);
    } else {
      this.#terminate(job.worker as PoolWorker);
    }
  }

  shutdown(wait: boolean, cancelFutures: boolean): Promise<void> {
    this.#shutdown = true;
    if (cancelFutures) {
      for (const job of this.#queued()) job.future.cancel();
      for (const worker of this.#workers) {
        for (const job of [...worker.outstanding.values()]) {
          if (job.state === SENT) job.future.cancel();
        }
      }
    }
    const allExited = this.#whenAllExited();
    this.#retireIdleWorkers();
    return wait ? allExited : Promise.resolve();
  }

  /** Stops every worker now, failing what they run (after a shutdown that took too long). */
  terminateAll(): void {
    for (const worker of this.#workers) this.#terminate(worker);
  }

  statistics(): ExecutorStatistics {
    let busyWorkers = 0;
    let inWorkers = 0;
    let workers = 0;
    for (const worker of this.#workers) {
      // A terminated worker's exit comes moments later; its job is already cancelled or lost.
      if (worker.terminated) continue;
      workers++;
      if (worker.outstanding.size > 0) busyWorkers++;
      inWorkers += worker.outstanding.size;
    }
    return {
      maxWorkers: this.setup.maxWorkers,
      workers,
      busyWorkers,
      queued: this.#live,
      inWorkers,
      workersStarted: this.#workersStarted,
      completed: this.#completed,
    };
  }

  describe(): string {
    const state = this.#broken !== null ? "broken" : this.#shutdown ? "shutdown" : "running";
    const { maxWorkers, workers, queued, inWorkers } = this.statistics();
    return `<${this.setup.className} ${state} workers=${workers}/${maxWorkers} queued=${queued} inWorkers=${inWorkers}>`;
  }

  // Dispatching.

  /** Hands queued jobs to workers, starting workers as needed. */
  #dispatch(): void {
    if (this.#live === 0) return;
    const batches = new Map<
      PoolWorker,
      { jobs: JobMessage[]; sent: PoolJob[]; transfer: Transferable[] }
    >();
    while (this.#live > 0) {
      const worker = this.#pickWorker(this.#peekQueued().transfer.length > 0);
      if (worker === null) break;
      const job = this.#takeQueued();
      const idle = worker.outstanding.size === 0;
      job.worker = worker;
      job.state = idle ? STARTED : SENT;
      if (idle) worker.running = job;
      worker.outstanding.set(job.id, job);
      let batch = batches.get(worker);
      if (batch === undefined) {
        batch = { jobs: [], sent: [], transfer: [] };
        batches.set(worker, batch);
      }
      batch.jobs.push(this.#jobMessage(worker, job, !idle));
      batch.sent.push(job);
      for (const item of job.transfer) batch.transfer.push(item);
    }
    for (const [worker, batch] of batches) {
      this.#reference(worker);
      try {
        worker.channel.send({ type: "jobs", jobs: batch.jobs }, batch.transfer);
      } catch {
        this.#sendOneByOne(worker, batch.sent);
      }
    }
  }

  /** A batch could not be serialized: sends its jobs one at a time, failing those that cannot be. */
  #sendOneByOne(worker: PoolWorker, jobs: PoolJob[]): void {
    for (const job of jobs) worker.known.delete(job.encoded.definition.key);
    for (const job of jobs) {
      try {
        worker.channel.send(
          { type: "jobs", jobs: [this.#jobMessage(worker, job, worker.running !== job)] },
          [],
        );
      } catch (error) {
        // Not delivered: a later job of the same function carries the definition again.
        worker.known.delete(job.encoded.definition.key);
        worker.outstanding.delete(job.id);
        if (worker.running === job) worker.running = null;
        this.#finish(
          job,
          false,
          new TypeError(`the job's arguments could not be sent to the worker: ${String(error)}`),
        );
      }
    }
    this.#idleCheck(worker);
  }

  /**
   * `job` as sent to `worker`: its function's definition the first time that worker gets it,
   * its key afterwards (the worker counts as knowing it from then on).
   */
  #jobMessage(worker: PoolWorker, job: PoolJob, reportStart: boolean): JobMessage {
    const definition = job.encoded.definition;
    if (worker.known.has(definition.key)) return [job.id, definition.key, job.args, reportStart];
    worker.known.add(definition.key);
    return [job.id, definition, job.args, reportStart];
  }

  /**
   * The worker for the next job: an idle one, else a new one, else (unless `idleOnly`) a busy
   * one with room for a job sent ahead.
   */
  #pickWorker(idleOnly: boolean): PoolWorker | null {
    const limit = this.setup.jobsPerWorker;
    let best: PoolWorker | null = null;
    let active = 0;
    for (const worker of this.#workers) {
      if (worker.retiring) continue;
      active++;
      // A worker given all the jobs it may run (maxTasksPerChild) takes no more.
      if (limit !== null && worker.jobsDone + worker.outstanding.size >= limit) continue;
      if (worker.outstanding.size === 0) return worker;
      if (best === null || worker.outstanding.size < best.outstanding.size) best = worker;
    }
    if (active < this.setup.maxWorkers) return this.#startWorker();
    if (idleOnly) return null;
    const sendAhead = Math.max(
      1,
      Math.min(MAX_SEND_AHEAD, Math.floor(SEND_AHEAD_MS / this.#averageMs)),
    );
    return best !== null && best.outstanding.size < sendAhead ? best : null;
  }

  /** The next queued job not cancelled (there is one: `#live > 0`). */
  #peekQueued(): PoolJob {
    for (let i = this.#queueHead; ; i++) {
      const job = this.#queue[i] as PoolJob;
      if (!job.cancelled) return job;
    }
  }

  #takeQueued(): PoolJob {
    for (;;) {
      const job = this.#queue[this.#queueHead] as PoolJob;
      this.#queue[this.#queueHead++] = undefined as unknown as PoolJob;
      if (this.#queueHead === this.#queue.length) {
        this.#queue.length = 0;
        this.#queueHead = 0;
      }
      if (!job.cancelled) {
        this.#live--;
        return job;
      }
    }
  }

  *#queued(): Generator<PoolJob> {
    for (let i = this.#queueHead; i < this.#queue.length; i++) {
      const job = this.#queue[i] as PoolJob;
      if (!job.cancelled) yield job;
    }
  }

  /** Puts jobs that never started back at the front of the queue, in their order. */
  #requeue(jobs: PoolJob[]): void {
    const waiting = jobs.filter((job) => !job.cancelled);
    if (waiting.length === 0) return;
    for (const job of waiting) {
      job.state = QUEUED;
      job.worker = null;
    }
    this.#queue.splice(0, this.#queueHead, ...waiting);
    this.#queueHead = 0;
    this.#live += waiting.length;
  }

  // Workers.

  #startWorker(): PoolWorker {
    const worker = new PoolWorker();
    const index = this.#workersStarted++;
    worker.channel = this.setup.launcher(index, {
      message: (message) => this.#onMessage(worker, message),
      exit: (exit, error) => this.#onExit(worker, exit, error),
    });
    worker.channel.unref();
    this.#workers.add(worker);
    worker.channel.send(
      { type: "init", initializer: this.setup.initializer, initargs: this.setup.initargs },
      [],
    );
    return worker;
  }

  #onMessage(worker: PoolWorker, message: FromWorker): void {
    // A worker being terminated may still report jobs taken back from it, which run again
    // elsewhere: what it says no longer counts.
    if (worker.terminated) return;
    if (message.type === "ready") {
      worker.ready = true;
      return;
    }
    if (message.type === "initFailed") {
      const kind = this.setup.kind;
      const why = `A ${kind} initializer failed, the ${kind} pool is not usable anymore`;
      this.#break(why, reviveError(message.error));
      return;
    }
    if (message.skipped !== null) {
      for (const id of message.skipped) worker.outstanding.delete(id);
    }
    const done = message.done;
    if (done !== null) {
      const [id, ok, value, ms] = done;
      const job = worker.outstanding.get(id) as PoolJob;
      worker.outstanding.delete(id);
      if (worker.running === job) worker.running = null;
      worker.jobsDone++;
      this.#averageMs =
        this.#averageMs === Number.POSITIVE_INFINITY ? ms : this.#averageMs * 0.8 + ms * 0.2;
      this.#finish(job, ok, value);
    }
    if (message.started >= 0) {
      const job = worker.outstanding.get(message.started) as PoolJob;
      job.state = STARTED;
      worker.running = job;
      // Cancelled while sent ahead, but the cancellation came too late to skip it.
      if (job.cancelled) this.#terminate(worker);
    }
    const limit = this.setup.jobsPerWorker;
    if (limit !== null && worker.jobsDone >= limit) worker.retiring = true;
    this.#idleCheck(worker);
    this.#dispatch();
  }

  /** Settles `job` with what its worker sent back (a serialized error when `ok` is false). */
  #finish(job: PoolJob, ok: boolean, value: unknown): void {
    job.state = FINISHED;
    job.worker = null;
    this.#completed++;
    if (job.cancelled) return;
    job.hold.release();
    const future = job.future;
    if (future._state !== PENDING || future._loop.isClosed()) return;
    if (ok) {
      future._resolve(value);
    } else {
      future._reject(
        value instanceof Error ? value : reviveError(value as Parameters<typeof reviveError>[0]),
      );
    }
  }

  /** Unrefs an idle worker; retires it if it is to go. */
  #idleCheck(worker: PoolWorker): void {
    if (worker.outstanding.size > 0) return;
    // A worker being terminated stays ref'd until its exit is heard (see #terminate).
    if (worker.referenced && !worker.terminated) {
      worker.referenced = false;
      worker.channel.unref();
    }
    if (worker.retiring || (this.#shutdown && this.#live === 0)) this.#terminate(worker);
  }

  #reference(worker: PoolWorker): void {
    if (!worker.referenced) {
      worker.referenced = true;
      worker.channel.ref();
    }
  }

  #retireIdleWorkers(): void {
    for (const worker of this.#workers) this.#idleCheck(worker);
    this.#checkAllExited();
  }

  /**
   * Stops `worker` now. Its running job (if any) is the one being cancelled, or fails when the
   * worker exits; the jobs sent ahead to it go back to the queue.
   */
  #terminate(worker: PoolWorker): void {
    const requeued: PoolJob[] = [];
    for (const job of worker.outstanding.values()) {
      if (job !== worker.running) requeued.push(job);
    }
    for (const job of requeued) worker.outstanding.delete(job.id);
    worker.retiring = true;
    if (!worker.terminated) {
      worker.terminated = true;
      // Its exit must still be heard (a shutdown waits for it): it comes within moments.
      this.#reference(worker);
      worker.channel.terminate();
    }
    if (requeued.length > 0) {
      this.#requeue(requeued);
      this.#dispatchSoon();
    }
  }

  /**
   * Dispatches once the current synchronous run is over: when a whole batch of jobs is
   * cancelled at once (a gather, a map left early), the jobs taken back from a terminated
   * worker are cancelled before a new worker is started for them only to be terminated too.
   */
  #dispatchSoon(): void {
    if (this.#dispatchScheduled) return;
    this.#dispatchScheduled = true;
    queueMicrotask(() => {
      this.#dispatchScheduled = false;
      this.#dispatch();
    });
  }

  #onExit(worker: PoolWorker, exit: WorkerExit, error: unknown): void {
    this.#workers.delete(worker);
    const crashed = !worker.retiring;
    // A worker that died before it was ready never started a job: all its jobs fail with the
    // pool's BrokenExecutor below, as the jobs still queued do.
    const neverReady = crashed && !worker.ready;
    const lost: PoolJob[] = [];
    for (const job of worker.outstanding.values()) {
      if (job === worker.running && !neverReady) {
        if (!job.cancelled) {
          const failure = new WorkerCrashedError(
            job.encoded.name,
            worker.channel.label,
            exit,
            error,
          );
          this.#finish(job, false, failure);
        } else {
          job.state = FINISHED;
        }
      } else {
        lost.push(job);
      }
    }
    worker.outstanding.clear();
    worker.running = null;
    this.#requeue(lost);
    if (neverReady && this.#broken === null) {
      const kind = this.setup.kind;
      this.#break(
        `A ${kind} of the ${kind} pool exited before it was ready (${describeExit(exit)}), the ${kind} pool is not usable anymore`,
        error,
      );
    }
    this.#dispatch();
    this.#checkAllExited();
  }

  /** Settles once the pool is shut down and every worker exited (see `#checkAllExited`). */
  #whenAllExited(): Promise<void> {
    this.#allExited ??= new Promise((resolve) => {
      this.#onAllExited = resolve;
    });
    return this.#allExited;
  }

  #checkAllExited(): void {
    if (this.#shutdown && this.#workers.size === 0 && this.#live === 0) {
      const resolve = this.#onAllExited;
      this.#onAllExited = null;
      resolve?.();
    }
  }

  /** The pool cannot go on: every job waiting fails with `error`, every worker stops. */
  #break(message: string, cause: unknown): void {
    if (this.#broken !== null) return;
    this.#broken = { message, cause };
    this.#shutdown = true;
    this.#whenAllExited();
    const failed: PoolJob[] = [...this.#queued()];
    this.#queue.length = 0;
    this.#queueHead = 0;
    this.#live = 0;
    for (const worker of this.#workers) {
      for (const job of worker.outstanding.values()) failed.push(job);
      worker.outstanding.clear();
      worker.running = null;
      this.#terminate(worker);
    }
    for (const job of failed) {
      if (job.state !== FINISHED) this.#finish(job, false, this.setup.broken(message, cause));
    }
    this.#checkAllExited();
  }

  /** `loop` is closing: nobody can await its jobs any more, so they stop. */
  #abandonLoop(loop: EventLoop): void {
    for (const job of this.#queued()) {
      if (job.future._loop === loop) this.cancel(job);
    }
    for (const worker of [...this.#workers]) {
      for (const job of [...worker.outstanding.values()]) {
        if (job.future._loop === loop) this.cancel(job);
      }
    }
  }
}

/** @internal The initializer and its arguments from a pool's options, checked. */
export function initializerOf(
  options: PoolOptions | undefined,
  className: string,
): { initializer: FunctionDefinition | null; initargs: unknown[] } {
  const initializer = options?.initializer ?? null;
  const initargs = options?.initargs ?? [];
  if (!Array.isArray(initargs)) {
    throw new TypeError(`${className} initargs must be an array, got ${describeValue(initargs)}`);
  }
  return {
    initializer:
      initializer === null ? null : encodeJob(initializer, `${className} initializer`).definition,
    initargs: [...initargs],
  };
}

function describeExit(exit: WorkerExit): string {
  return exit.signal !== null ? `killed by ${exit.signal}` : `exit code ${exit.exitCode}`;
}

/**
 * What `ThreadPoolExecutor` and `ProcessPoolExecutor` share: `submit`, `map`, `shutdown`,
 * `await using`, `statistics()`. Create one of the two; this class is not meant to be used
 * directly.
 */
export abstract class WorkerPoolExecutor implements Executor {
  readonly #core: PoolCore;

  /** @internal */
  constructor(setup: PoolSetup) {
    const core = new PoolCore(setup);
    this.#core = core;
    // The warning asks the core, which does not reference this facade.
    watchUnshutdown(this, () => core.describe());
  }

  /** The most workers this pool runs at once. */
  get maxWorkers(): number {
    return this.#core.setup.maxWorkers;
  }

  /**
   * Schedules `fn(...args)` on a worker and returns a Future of its result, bound to the running
   * loop. Cancelling the Future (or the task awaiting it) removes a queued job, or terminates the
   * worker of a running one and starts a replacement.
   *
   * @throws RuntimeError after `shutdown()`; the pool's `BrokenExecutor` once it is broken;
   *   TypeError if `fn` is not a function or `{ module, export }`.
   * @example
   * const n = await pool.submit((a: number, b: number) => a + b, 1, 2); // 3
   */
  submit<A extends unknown[], R>(fn: JobFunction<A, R>, ...args: A): Future<Awaited<R>>;
  submit<R = unknown>(job: ModuleJob, ...args: unknown[]): Future<R>;
  submit(job: JobFunction | ModuleJob, ...args: unknown[]): Future<unknown> {
    return this.#core.submit(getRunningLoop(), job, args);
  }

  /** @internal `submit()` on `loop`, for `loop.runInExecutor()`. */
  _submitOn(loop: EventLoop, job: unknown, args: unknown[]): Future<unknown> {
    return this.#core.submit(loop, job, args);
  }

  /**
   * Runs `fn(item)` for every item — all submitted now, as CPython's `Executor.map` — and yields
   * the results in the order of the items. With `timeout`, a result not in within that many
   * seconds of this call throws `TimeoutError`; an error, a timeout or leaving the loop early
   * cancels the jobs left.
   *
   * @example
   * for await (const square of pool.map((n: number) => n * n, [1, 2, 3])) console.log(square);
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
   * Takes no new jobs and frees the workers once the jobs left are done. With `cancelFutures`,
   * the jobs not yet started are cancelled instead. The promise settles at once with
   * `wait: false`, else once every worker exited.
   */
  shutdown(options?: ExecutorShutdownOptions): Promise<void> {
    const { wait, cancelFutures } = shutdownOptions(options);
    resourceClosed(this);
    const exited = this.#core.shutdown(wait, cancelFutures);
    return wait ? shutdownWait(exited, this.#core.setup.className) : exited;
  }

  /** @internal Stops every worker now (the default executor's shutdown timed out). */
  _terminateAll(): void {
    this.#core.terminateAll();
  }

  /** `await using pool = new ThreadPoolExecutor()`: `shutdown({ wait: true })` at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  /** Counts of workers and jobs, for tests and monitoring. */
  statistics(): ExecutorStatistics {
    return this.#core.statistics();
  }

  toString(): string {
    return this.#core.describe();
  }
}
