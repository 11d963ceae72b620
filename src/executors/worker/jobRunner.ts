/**
 * The worker side of a pool, the same in a worker thread and in a child process: it compiles or
 * imports job functions (each once), runs the jobs it is sent one at a time in order, and
 * reports as `protocol.ts` describes.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Deque } from "../../core/deque.js";
import { importExport } from "../jobs.js";
import type {
  FromWorker,
  FunctionDefinition,
  FunctionRef,
  JobMessage,
  JobOutcome,
  ToWorker,
} from "../protocol.js";
import { serializeError } from "../remoteError.js";

type Send = (message: FromWorker) => void;
/**
 * Takes one message that arrived and was not handled yet, at once (a thread reads its port
 * with `receiveMessageOnPort`); `null` where there is no such way (a child process).
 */
type ReceivePending = (() => ToWorker | undefined) | null;
type Callable = (...args: unknown[]) => unknown;

interface Compiled {
  readonly fn: Callable | null;
  readonly pending: Promise<Callable> | null;
  /** Whether the job was sent as source (a ReferenceError then means it was not self-contained). */
  readonly fromSource: boolean;
}

/** Self-contained functions find `require` as in a CommonJS module of the current directory. */
(globalThis as { require?: NodeJS.Require }).require ??= createRequire(
  pathToFileURL(`${process.cwd()}/`).href,
);

/** Runs the jobs a pool sends; `handle` takes each message, `send` reports. */
export class JobRunner {
  readonly #send: Send;
  readonly #receivePending: ReceivePending;
  readonly #functions = new Map<number, Compiled>();
  /**
   * Every definition received, by key: read from each message as it arrives, so a definition
   * that came with a job dropped unstarted still serves the later jobs naming its key.
   */
  readonly #definitions = new Map<number, FunctionDefinition>();
  readonly #queue = new Deque<JobMessage>();
  readonly #cancelled = new Set<number>();
  #busy = true; // until the initializer ran

  constructor(send: Send, receivePending: ReceivePending = null) {
    this.#send = send;
    this.#receivePending = receivePending;
  }

  handle(message: ToWorker): void {
    switch (message.type) {
      case "init":
        void this.#init(message.initializer, message.initargs);
        return;
      case "jobs":
        for (const job of message.jobs) {
          const ref = job[1];
          if (typeof ref !== "number") this.#definitions.set(ref.key, ref);
          this.#queue.push(job);
        }
        if (!this.#busy) this.#next(null);
        return;
      case "cancel":
        if (this.#queued(message.id)) this.#cancelled.add(message.id);
        return;
    }
  }

  async #init(initializer: FunctionDefinition | null, initargs: unknown[]): Promise<void> {
    if (initializer !== null) {
      try {
        const fn = await this.#resolve(initializer);
        await fn(...initargs);
      } catch (error) {
        this.#send({ type: "initFailed", error: serializeError(error) });
        return;
      }
    }
    this.#send({ type: "ready" });
    this.#next(null);
  }

  /**
   * Reports `done` and the start of the next job that was not cancelled, then runs that job.
   * A job sent ahead (its start reported) may have been cancelled by a message that arrived
   * while this worker was busy and is not handled yet: such a job starts only once those
   * messages are (`messagesHandled`).
   */
  #next(done: JobOutcome | null, messagesHandled = false): void {
    if (!messagesHandled && this.#queue.length > 0 && this.#queue.at(0)[3]) {
      this.#busy = true; // a "jobs" message handled meanwhile only queues its jobs
      this.#afterPendingMessages(() => this.#next(done, true));
      return;
    }
    let skipped: number[] | null = null;
    let job: JobMessage | undefined;
    while (this.#queue.length > 0) {
      job = this.#queue.shift();
      if (!this.#cancelled.delete(job[0])) break;
      skipped ??= [];
      skipped.push(job[0]);
      job = undefined;
    }
    const reportStart = job?.[3] === true;
    if (done !== null || skipped !== null || reportStart) {
      this.#report(done, reportStart ? (job as JobMessage)[0] : -1, skipped);
    }
    this.#busy = job !== undefined;
    if (job !== undefined) this.#run(job);
  }

  /**
   * Runs `then` once the messages that arrived and are not handled yet are. A thread takes them
   * from its port at once. A process waits for a turn of its event loop that reads the IPC
   * channel: after a job that blocked the loop, a single setImmediate would run before it.
   */
  #afterPendingMessages(then: () => void): void {
    const receive = this.#receivePending;
    if (receive === null) {
      setImmediate(() => setImmediate(then));
      return;
    }
    for (let message = receive(); message !== undefined; message = receive()) {
      this.handle(message);
    }
    then();
  }

  #report(done: JobOutcome | null, started: number, skipped: number[] | null): void {
    try {
      this.#send({ type: "progress", done, started, skipped });
    } catch (error) {
      if (done === null || !done[1]) throw error;
      // The result cannot be cloned (a function, a socket, …): the job fails with why.
      const failure = new TypeError(
        `the job's result could not be sent back from the worker: ${String(error)}`,
      );
      this.#send({
        type: "progress",
        done: [done[0], false, serializeError(failure), done[3]],
        started,
        skipped,
      });
    }
  }

  #run(job: JobMessage): void {
    const [id, ref, args] = job;
    const start = performance.now();
    const finish = (ok: boolean, value: unknown): void => {
      const outcome: JobOutcome = [id, ok, value, performance.now() - start];
      this.#next(outcome);
    };
    const fail = (error: unknown): void => finish(false, serializeError(this.#explain(ref, error)));
    try {
      const compiled = this.#compiled(ref);
      if (compiled.fn === null) {
        (compiled.pending as Promise<Callable>).then(
          (fn) => this.#call(fn, args, finish, fail),
          fail,
        );
      } else {
        this.#call(compiled.fn, args, finish, fail);
      }
    } catch (error) {
      fail(error);
    }
  }

  #call(
    fn: Callable,
    args: unknown[],
    finish: (ok: boolean, value: unknown) => void,
    fail: (error: unknown) => void,
  ): void {
    let result: unknown;
    try {
      result = fn(...args);
    } catch (error) {
      fail(error);
      return;
    }
    if (typeof (result as PromiseLike<unknown> | null)?.then === "function") {
      (result as PromiseLike<unknown>).then((value) => finish(true, value), fail);
    } else {
      finish(true, result);
    }
  }

  #compiled(ref: FunctionRef): Compiled {
    const key = typeof ref === "number" ? ref : ref.key;
    const known = this.#functions.get(key);
    if (known !== undefined) return known;
    const definition = typeof ref === "number" ? this.#definitions.get(ref) : ref;
    if (definition === undefined) {
      throw new Error(`internal: job function ${key} unknown to the worker`);
    }
    let compiled: Compiled;
    if ("source" in definition) {
      compiled = {
        fn: compile(definition.source, definition.name),
        pending: null,
        fromSource: true,
      };
    } else {
      const pending = importExport(definition.module, definition.export);
      compiled = { fn: null, pending, fromSource: false };
      pending.then(
        (fn) => this.#functions.set(key, { fn, pending: null, fromSource: false }),
        () => {
          // kept: every job of this function fails with the same import error
        },
      );
    }
    this.#functions.set(key, compiled);
    return compiled;
  }

  #resolve(definition: FunctionDefinition): Promise<Callable> {
    const compiled = this.#compiled(definition);
    return compiled.fn !== null
      ? Promise.resolve(compiled.fn)
      : (compiled.pending as Promise<Callable>);
  }

  /** A ReferenceError of a job sent as source says what went wrong: it used an outer name. */
  #explain(ref: FunctionRef, error: unknown): unknown {
    const key = typeof ref === "number" ? ref : ref.key;
    if (!(error instanceof ReferenceError) || this.#functions.get(key)?.fromSource !== true)
      return error;
    const match = /^(\S+) is not defined$/.exec(error.message);
    if (match === null) return error;
    error.message =
      `${match[1]} is not defined: a job function runs in a worker, so it must be self-contained ` +
      "(its parameters, the worker's globals such as require and import(), nothing from the code " +
      "around it). Pass what it needs as arguments, or export it from a module and run " +
      "{ module, export }";
    error.stack = `ReferenceError: ${error.message}${(error.stack ?? "").replace(/^[^\n]*/, "")}`;
    return error;
  }

  #queued(id: number): boolean {
    for (let i = 0; i < this.#queue.length; i++) {
      if (this.#queue.at(i)[0] === id) return true;
    }
    return false;
  }
}

/** The function `source` defines; its stack frames read `at name (job:name:line:column)`. */
function compile(source: string, name: string): Callable {
  return new Function(`return (${source});\n//# sourceURL=job:${name}`)() as Callable;
}
