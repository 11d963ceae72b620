/**
 * The randomized cancellation stress harness: seeded rounds under virtual time, each a
 * scenario of tasks using one primitive while a chaos task cancels them at random moments,
 * followed by invariant checks.
 *
 * `npm test` runs a few rounds per primitive from a fixed seed, so CI is deterministic.
 * `ASYNCIO_TS_STRESS=long` runs many more rounds, longer ones, from a seed taken from the
 * clock; `ASYNCIO_TS_STRESS_SEED=<n>` replays the one round a failure names.
 */
import { getEventListeners } from "node:events";
import * as asyncio from "asyncio-ts";
import { setWakeHook, waitedOn } from "#internal/core/introspect.js";
import { runVirtual } from "../helpers.js";

/** Whether the long run was asked for. */
export const LONG = process.env["ASYNCIO_TS_STRESS"] === "long";

const REPLAY = process.env["ASYNCIO_TS_STRESS_SEED"];

/** A small seeded generator (mulberry32): the same seed gives the same scenario. */
export class Random {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One item of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** A short pause: none, one loop turn (`sleep(0)`), or a few virtual milliseconds. */
  async pause(): Promise<void> {
    const kind = this.int(0, 3);
    if (kind === 0) return;
    await asyncio.sleep(kind === 1 ? 0 : this.int(1, 5) / 1000);
  }
}

/** How long a round may run, in virtual seconds, before its tasks count as left behind. */
const DEADLINE = 10_000;

/** What a round gets: its generator and the tasks it starts (tracked for the end checks). */
export interface Round {
  readonly random: Random;
  /** Starts a tracked task: it must end by the round's deadline, leaving no abort listener. */
  spawn<T>(fn: () => Promise<T>, name: string): asyncio.Task<T>;
  /**
   * Cancels one of `victims()` at random moments (often in the very next loop turn, and
   * preferably a task woken but not yet resumed) for `duration` virtual seconds. It stops while
   * the tasks still run, so that a lost wake-up shows: nothing else would unblock its waiter.
   * While it runs, and a little after, `quiet` (if given) is checked at quiet moments.
   */
  chaos(options: {
    victims: () => asyncio.Task<unknown>[];
    meanDelay: number;
    duration: number;
    quiet?: () => void;
    /** Also cancel victims, at random, in the very step a primitive wakes them. */
    wakeRaces?: boolean;
  }): void;
  /** Waits until every tracked task has ended; fails, naming them, if some never do. */
  finish(): Promise<void>;
}

/**
 * Runs `rounds` rounds of `scenario` (far more under `ASYNCIO_TS_STRESS=long`), each under a
 * fresh virtual-time loop; a failing round's error names its seed.
 */
export async function stressRounds(
  name: string,
  rounds: { short: number; long: number },
  scenario: (round: Round) => Promise<void>,
): Promise<void> {
  const seeds: number[] = [];
  if (REPLAY !== undefined) {
    seeds.push(Number(REPLAY));
  } else {
    const base = LONG ? Date.now() % 1_000_000_000 : 20_261_122;
    const count = LONG ? rounds.long : rounds.short;
    for (let i = 0; i < count; i++) seeds.push(base + i * 7919);
  }
  for (const seed of seeds) {
    try {
      await runVirtual(() => runRound(seed, scenario));
    } catch (error) {
      const replay = `replay with ASYNCIO_TS_STRESS_SEED=${seed}`;
      console.error(`stress ${name}: round with seed ${seed} failed (${replay})`);
      throw new Error(`${name}: round with seed ${seed} failed (${replay}): ${describe(error)}`, {
        cause: error,
      });
    }
  }
}

async function runRound(seed: number, scenario: (round: Round) => Promise<void>): Promise<void> {
  aborting = false;
  const random = new Random(seed);
  const tracked: asyncio.Task<unknown>[] = [];
  let probeFailure: unknown = null;
  const signals: AbortSignal[] = [];
  const round: Round = {
    random,
    spawn<T>(fn: () => Promise<T>, name: string): asyncio.Task<T> {
      const task = asyncio.createTask(
        async () => {
          // Take the task's signal, as code passing it to fetch() would: whatever the
          // primitives do, no listener may be left on it.
          signals.push(asyncio.currentSignal());
          return fn();
        },
        { name },
      );
      tracked.push(task as asyncio.Task<unknown>);
      return task;
    },
    chaos({ victims, meanDelay, duration, quiet, wakeRaces = false }) {
      const loop = asyncio.getRunningLoop();
      const end = loop.time() + duration;
      if (wakeRaces) {
        raceWakeUps(
          (waiter) => victims().find((task) => waitedOn(task) === waiter),
          () => loop.time() < end && random.chance(0.3),
        );
      }
      const meanMs = Math.max(1, Math.round(meanDelay * 1000));
      const strike = (): void => {
        if (loop.time() >= end) return;
        const pending = victims().filter((task) => !task.done());
        // Prefer a task that was just woken and has not resumed yet: the race each waiting
        // method must handle by passing its wake-up on.
        const woken = pending.filter((task) => waitedOn(task)?.done() === true);
        const targets = woken.length > 0 && random.chance(0.7) ? woken : pending;
        if (targets.length > 0) random.pick(targets).cancel();
        schedule();
      };
      const schedule = (): void => {
        // Sometimes in the very next turn, so cancellations land next to wake-ups.
        if (random.chance(0.3)) loop.callSoon(strike);
        else loop.callLater(random.int(0, 2 * meanMs) / 1000, strike);
      };
      schedule();
      if (quiet !== undefined) {
        probeQuietly(loop, quiet, end + 0.05, random, (error) => {
          probeFailure ??= error;
        });
      }
    },
    async finish() {
      await awaitAll(tracked);
      if (probeFailure !== null) throw probeFailure;
      for (const signal of signals) {
        const listeners = getEventListeners(signal, "abort").length;
        if (listeners !== 0)
          throw new Error(`${listeners} abort listener(s) left on a task signal`);
      }
    },
  };
  try {
    await scenario(round);
    await round.finish();
    setWakeHook(null);
  } catch (error) {
    setWakeHook(null);
    // Stop every task, the resilient ones included, so that the loop can close.
    aborting = true;
    for (const task of tracked) task.cancel();
    await asyncio.sleep(0);
    throw error;
  }
}

/** A failed round is being torn down: `survive` lets cancellations through. */
let aborting = false;

/**
 * Cancels the task parked on a waiter in the very step a primitive wakes it, when `strike()`
 * says so: the task then resumes with a CancelledError although it was handed
 * the resource, and the primitive must pass the wake-up on (CPython's hardest race).
 */
function raceWakeUps(
  taskOf: (waiter: asyncio.Future<unknown>) => asyncio.Task<unknown> | undefined,
  strike: () => boolean,
): void {
  setWakeHook((waiter) => {
    const task = taskOf(waiter);
    if (task !== undefined && strike()) task.cancel();
  });
}

/**
 * Runs `check` at quiet moments until `until`: timers half a millisecond off the grid of whole
 * milliseconds that every scenario keeps its own timers on (`Random.pause`, the chaos). Virtual
 * time moves only when the loop is idle (nothing ready, no microtask pending), and nothing else
 * is due at such a time, so when a probe runs every task is parked and every wake-up has been
 * delivered: a free resource with a live waiter in line can only be a lost wake-up.
 */
function probeQuietly(
  loop: asyncio.EventLoop,
  check: () => void,
  until: number,
  random: Random,
  failed: (error: unknown) => void,
): void {
  const next = (): void => {
    const grid = Math.round(loop.time() * 1000 - 0.5);
    const at = (grid + random.int(1, 3) + 0.5) / 1000;
    if (at <= until) loop.callAt(at, probe);
  };
  const probe = (): void => {
    try {
      check();
    } catch (error) {
      failed(error);
      return;
    }
    next();
  };
  next();
}

/** Waits for every task to end, or fails at the deadline naming those still waiting. */
async function awaitAll(tasks: readonly asyncio.Task<unknown>[]): Promise<void> {
  const loop = asyncio.getRunningLoop();
  const allEnded = new asyncio.Event();
  let left = tasks.length;
  const ended = (): void => {
    if (--left === 0) allEnded.set();
  };
  for (const task of tasks) task.addDoneCallback(ended);
  if (left === 0) allEnded.set();
  const watchdog = loop.callLater(DEADLINE, () => allEnded.set());
  await allEnded.wait();
  watchdog.cancel();
  const stuck = tasks.filter((task) => !task.done());
  if (stuck.length > 0) {
    const lines = stuck.map((task) => `${task} waits on ${String(waitedOn(task))}`);
    for (const task of stuck) task.cancel();
    throw new Error(`tasks left behind:\n  ${lines.join("\n  ")}`);
  }
  for (const task of tasks) {
    if (!task.cancelled() && task.exception() !== null) throw task.exception();
  }
}

/**
 * Runs one operation of a worker that survives cancellation: a CancelledError ends the
 * operation (after its own cleanup), is withdrawn with `uncancel()`, and the worker goes on.
 * Returns whether the operation completed.
 */
export async function survive(operation: () => Promise<void>): Promise<boolean> {
  try {
    await operation();
    return true;
  } catch (error) {
    if (!(error instanceof asyncio.CancelledError) || aborting) throw error;
    asyncio.currentTask()?.uncancel();
    return false;
  }
}

/**
 * Records the requests and grants of a primitive with a FIFO line (Lock, Semaphore), to check
 * that requests that had to queue are granted in the order they queued, and that a request
 * that did not queue never went past a live waiter.
 */
export class GrantLog {
  #next = 0;
  readonly #queued = new Set<number>();
  readonly #granted: number[] = [];

  /**
   * Makes request number `id` on `primitive`: `start(id)` begins the acquisition. A request
   * that queued made the line longer (its waiter may be cancelled at once, by a cancellation
   * already requested); one that did not must have found no task waiting.
   */
  request<T>(primitive: asyncio.Lock | asyncio.Semaphore, start: (id: number) => T): T {
    const id = this.#next++;
    const before = lineLength(primitive);
    const waiting = primitive.statistics().tasksWaiting;
    const result = start(id);
    if (lineLength(primitive) > before) this.#queued.add(id);
    else check(waiting === 0, `request ${id} went past ${waiting} waiting task(s)`);
    return result;
  }

  /** Request `id` is now held (called at the start of its critical section). */
  grant(id: number): void {
    this.#granted.push(id);
  }

  /** Checks the FIFO order of the queued requests that were granted. */
  checkFifo(what: string): void {
    checkIncreasing(
      this.#granted.filter((id) => this.#queued.has(id)),
      what,
    );
  }
}

/**
 * The length of `primitive`'s line as its text (asyncio's repr) shows it: every waiter in line,
 * the cancelled ones that have not left yet included (`tasksWaiting` leaves those out).
 */
function lineLength(primitive: object): number {
  const match = /waiters:(\d+)/.exec(String(primitive));
  return match === null ? 0 : Number(match[1]);
}

/** Fails unless `primitive` has nobody in line any more, not even a cancelled waiter. */
export function checkLineEmpty(primitive: object): void {
  const text = String(primitive);
  check(!/waiters:|getters\[|putters\[/.test(text), `waiters left: ${text}`);
}

/** Throws `message` unless `condition` holds. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** Checks that `values` strictly increase (the FIFO order of granted requests). */
export function checkIncreasing(values: readonly number[], what: string): void {
  for (let i = 1; i < values.length; i++) {
    const [a, b] = [values[i - 1] as number, values[i] as number];
    check(a < b, `${what} out of order at ${i}: ${a} then ${b} in [${values.join(", ")}]`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
