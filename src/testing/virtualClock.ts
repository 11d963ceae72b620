/**
 * `VirtualClock`: loop time that moves only when told to, or, with `autojump`, jumps to the
 * next timer as soon as the loop has nothing else to do. Under it `await sleep(3600)` ends at
 * once, timers still fire in deadline order, and a test of timeouts takes no real time.
 */
import type { AlarmHost, Clock } from "../core/clock.js";
import { toSeconds } from "../core/durations.js";
import { describeValue, requireOptions } from "../core/validate.js";

/** Options of {@link VirtualClock}. */
export interface VirtualClockOptions {
  /**
   * Jump to the next timer whenever the loop is idle: nothing ready to run, no microtask
   * pending, no operation in flight (an executor job, a connect, a query, a `wrap()`ped
   * promise: the loop's in-flight holds of kind `"operation"`). A wrapped promise counts as
   * such an operation: do not wrap a promise that itself waits on the loop's timers (await it
   * directly, or run it as a task), or time never moves on.
   */
  autojump?: boolean;
  /**
   * While a wait on the outside world is open (a listening server, a read on an idle
   * connection: holds of kind `"outside"`), jump only once the loop has stayed idle for this
   * many seconds of real time, so that data already on its way arrives first (Trio's
   * `autojump_threshold`). 0.05 by default; 0 jumps at once.
   */
  autojumpThreshold?: number;
  /** The time the clock starts at, in seconds (0 by default). */
  start?: number;
}

/**
 * A clock for tests. Pass it to `run()`: `asyncio.run(main, { clock: new VirtualClock({
 * autojump: true }) })`.
 *
 * @example
 * import { VirtualClock } from "asyncio-ts/testing";
 *
 * await asyncio.run(async () => {
 *   const loop = asyncio.getRunningLoop();
 *   await asyncio.sleep(3600); // returns at once
 *   console.log(loop.time()); // 3600
 * }, { clock: new VirtualClock({ autojump: true }) });
 */
export class VirtualClock implements Clock {
  #now: number;
  readonly #autojump: boolean;
  readonly #thresholdMs: number;
  #deadline: number | null = null;
  #host: AlarmHost | null = null;
  #checkScheduled = false;
  /** The real-time wait before a jump while an outside wait is open (see `autojumpThreshold`). */
  #grace: ReturnType<typeof setTimeout> | null = null;

  constructor(options: VirtualClockOptions = {}) {
    requireOptions(options, "VirtualClock options");
    if (options.autojump !== undefined && typeof options.autojump !== "boolean") {
      throw new TypeError(`autojump must be a boolean, got ${describeValue(options.autojump)}`);
    }
    const start = options.start ?? 0;
    if (typeof start !== "number" || !Number.isFinite(start)) {
      throw new TypeError(`start must be a finite number of seconds, got ${describeValue(start)}`);
    }
    const threshold = options.autojumpThreshold ?? 0.05;
    if (typeof threshold !== "number" || !Number.isFinite(threshold) || threshold < 0) {
      throw new TypeError(
        `autojumpThreshold must be a finite number of seconds >= 0, got ${describeValue(threshold)}`,
      );
    }
    this.#now = start;
    this.#autojump = options.autojump ?? false;
    this.#thresholdMs = threshold * 1000;
  }

  /** The virtual time, in seconds. */
  now(): number {
    return this.#now;
  }

  /** Clock: the loop's next timer is due at `deadline` (null: it has none). */
  setAlarm(deadline: number | null, host: AlarmHost): void {
    this.#deadline = deadline;
    this.#host = host;
    // The loop did something (or a hold was released): an idle wait starts again.
    this.#cancelGrace();
    if (this.#autojump && deadline !== null && Number.isFinite(deadline)) this.#scheduleCheck();
  }

  /**
   * Moves time forward by `seconds` (a number or a duration string); timers that become due
   * fire in the loop's next iteration.
   */
  advance(seconds: number | string): void {
    this.#now += toSeconds(seconds, "advance() seconds");
    const deadline = this.#deadline;
    const host = this.#host;
    if (deadline !== null && host !== null && this.#now >= deadline) {
      this.#deadline = null;
      host.wake();
    }
  }

  #scheduleCheck(): void {
    if (this.#checkScheduled) return;
    this.#checkScheduled = true;
    setImmediate(this.#jumpIfIdle);
  }

  /**
   * Runs after Node polled for I/O once: if the loop is still idle, jump to its deadline — at
   * once, or, while a wait on the outside world is open, after the loop stayed idle for the
   * threshold (any loop activity meanwhile calls `setAlarm`, which starts the wait again).
   */
  readonly #jumpIfIdle = (): void => {
    this.#checkScheduled = false;
    if (!this.#canJump()) return;
    if (this.#thresholdMs > 0 && (this.#host as AlarmHost).waitsOnOutside()) {
      this.#grace ??= setTimeout(this.#jumpAfterGrace, this.#thresholdMs);
      return;
    }
    this.#jump();
  };

  readonly #jumpAfterGrace = (): void => {
    this.#grace = null;
    if (this.#canJump()) this.#jump();
  };

  #canJump(): boolean {
    return this.#deadline !== null && this.#host?.idle() === true;
  }

  #jump(): void {
    const deadline = this.#deadline as number;
    const host = this.#host as AlarmHost;
    if (deadline > this.#now) this.#now = deadline;
    this.#deadline = null;
    host.wake();
  }

  #cancelGrace(): void {
    if (this.#grace !== null) {
      clearTimeout(this.#grace);
      this.#grace = null;
    }
  }
}
