/**
 * What the executor tests share: cells of shared memory through which thread jobs report and
 * wait (no sleeps as synchronisation), a local TCP server to which process jobs report, and
 * the self-contained job functions the tests send to workers.
 *
 * The job functions at the bottom run in workers: each uses only its parameters and the
 * worker's globals, as every job must.
 */
import { createServer, type Server, type Socket } from "node:net";
import * as asyncio from "asyncio-ts";

/** What a thread job gets to share cells with the test: the memory, and a channel to signal on. */
export interface Shared {
  readonly buffer: SharedArrayBuffer;
  /** The name of a BroadcastChannel the test listens on: a job posts to it after a change. */
  readonly channel: string;
}

let channels = 0;

/**
 * A few Int32 cells in a SharedArrayBuffer, shared with thread jobs (pass `cells.shared`): a
 * job bumps a counter or waits for a flag (`Atomics.wait`), and posts on the cells'
 * BroadcastChannel after each change, so the test awaits a count with `reach()`.
 * (`Atomics.waitAsync` would be the direct way, but Node 20 can miss its wake-up.)
 */
export class SharedCells implements Disposable {
  readonly shared: Shared;
  readonly #cells: Int32Array;
  readonly #channel: InstanceType<typeof BroadcastChannel>;
  readonly #waiters = new Set<{ index: number; value: number; resolve: () => void }>();

  constructor(count = 8) {
    const buffer = new SharedArrayBuffer(count * 4);
    this.shared = { buffer, channel: `asyncio-ts-test-${process.pid}-${channels++}` };
    this.#cells = new Int32Array(buffer);
    this.#channel = new BroadcastChannel(this.shared.channel);
    (this.#channel as unknown as { unref(): void }).unref();
    this.#channel.onmessage = () => {
      for (const waiter of this.#waiters) {
        if (this.get(waiter.index) >= waiter.value) {
          this.#waiters.delete(waiter);
          waiter.resolve();
        }
      }
    };
  }

  get(index: number): number {
    return Atomics.load(this.#cells, index);
  }

  /** Sets cell `index` and wakes the jobs waiting on it. */
  set(index: number, value: number): void {
    Atomics.store(this.#cells, index, value);
    Atomics.notify(this.#cells, index);
  }

  /** Resolves once cell `index` is at least `value`. */
  async reach(index: number, value: number): Promise<void> {
    if (this.get(index) >= value) return;
    await asyncio.wrap(
      new Promise<void>((resolve) => this.#waiters.add({ index, value, resolve })),
    );
  }

  [Symbol.dispose](): void {
    this.#channel.close();
  }
}

/**
 * A local TCP server to which process jobs report (a process shares no memory with us): each
 * connection sends one text, which `next()` returns in arrival order.
 */
export class ReportServer {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #texts: string[] = [];
  readonly #waiters: ((text: string) => void)[] = [];

  private constructor(server: Server) {
    this.#server = server;
    server.on("connection", (socket) => {
      this.#sockets.add(socket);
      let text = "";
      socket.setEncoding("utf8");
      socket.on("data", (chunk: string) => {
        text += chunk;
      });
      socket.on("close", () => {
        this.#sockets.delete(socket);
        const waiter = this.#waiters.shift();
        if (waiter !== undefined) waiter(text);
        else this.#texts.push(text);
      });
    });
  }

  /** A server listening on a free port of 127.0.0.1. */
  static async open(): Promise<ReportServer> {
    const server = createServer();
    await asyncio.wrap(new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve)));
    return new ReportServer(server);
  }

  get port(): number {
    return (this.#server.address() as { port: number }).port;
  }

  /** The next report. */
  next(): asyncio.Future<string> {
    const text = this.#texts.shift();
    if (text !== undefined) return asyncio.wrap(Promise.resolve(text));
    return asyncio.wrap(new Promise<string>((resolve) => this.#waiters.push(resolve)));
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await asyncio.wrap(new Promise((resolve) => this.#server.close(resolve)));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Runs a hundred tiny jobs one after another, so that the pool's average job time (a moving
 * average that a slow first job weighs on for a while) is far below the threshold under which
 * it sends jobs ahead to busy workers.
 */
export async function warmUp(pool: asyncio.WorkerPoolExecutor): Promise<void> {
  for (let i = 0; i < 100; i++) await pool.submit((n: number) => n, i);
}

/** Cancels `task` and waits until it is done, returning how many milliseconds that took. */
export async function cancelAndTime(task: asyncio.Future<unknown>): Promise<number> {
  const start = performance.now();
  task.cancel();
  try {
    await task;
  } catch (error) {
    if (!(error instanceof asyncio.CancelledError)) throw error;
  }
  return performance.now() - start;
}

// ---- Jobs: self-contained functions run in workers ----

/** Returns `a * b`. */
export function mul(a: number, b: number): number {
  return a * b;
}

/** Blocks its worker for `ms` milliseconds, then returns `ms`. */
export function blockFor(ms: number): number {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  return ms;
}

/** Adds one to cell `index` (and signals it); returns the new count. */
export function bump(shared: Shared, index: number): number {
  const cells = new Int32Array(shared.buffer);
  const count = Atomics.add(cells, index, 1) + 1;
  const channel = new BroadcastChannel(shared.channel);
  channel.postMessage(index);
  channel.close();
  return count;
}

/**
 * Adds one to cell `started` (and signals it), waits until cell `gate` is not 0, then adds one
 * to cell `started + 1` (finished) and returns `value`.
 */
export function bumpThenWait<T>(shared: Shared, started: number, gate: number, value: T): T {
  const cells = new Int32Array(shared.buffer);
  const channel = new BroadcastChannel(shared.channel);
  Atomics.add(cells, started, 1);
  channel.postMessage(started);
  while (Atomics.load(cells, gate) === 0) Atomics.wait(cells, gate, 0);
  Atomics.add(cells, started + 1, 1);
  channel.postMessage(started + 1);
  channel.close();
  return value;
}

/** Adds one to cell `started` (and signals it), then loops forever: only terminating the worker stops it. */
export function bumpThenSpin(shared: Shared, started: number): never {
  const cells = new Int32Array(shared.buffer);
  Atomics.add(cells, started, 1);
  const channel = new BroadcastChannel(shared.channel);
  channel.postMessage(started);
  channel.close();
  for (;;) {
    // spin
  }
}

/** Tells the ReportServer on `port` its process id, then loops forever. */
export async function reportThenSpin(port: number): Promise<never> {
  const net = require("node:net") as typeof import("node:net");
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.end(String(process.pid), resolve));
    socket.on("error", reject);
  });
  for (;;) {
    // spin
  }
}
