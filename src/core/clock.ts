/**
 * Where the loop reads the time, and how it waits for its next timer.
 *
 * The loop never calls Node timers itself: it asks its Clock for an alarm at the earliest
 * deadline whenever it has nothing ready to run. The real clock arms one Node timer; the
 * virtual clock of `asyncio-ts/testing` moves time forward instead.
 */

/** The side of the loop an alarm talks to. */
export interface AlarmHost {
  /**
   * True when the loop has nothing ready to run and no operation in flight (an in-flight hold
   * of kind `"operation"`: see `EventLoop.inFlight`).
   */
  idle(): boolean;
  /**
   * True while a wait on the outside world is open (an in-flight hold of kind `"outside"`: a
   * listening server, a read on an idle connection): data may still arrive from it.
   */
  waitsOnOutside(): boolean;
  /** Runs a loop iteration (timers that are due fire in it). */
  wake(): void;
}

/**
 * A source of monotonic time in seconds and of wake-ups at a deadline.
 *
 * Contract: the loop calls `setAlarm(deadline, host)` when its earliest timer is due at
 * `deadline` (it may be `Infinity`), and `setAlarm(null, host)` when it has no timer or stops.
 * A call replaces the alarm set before. When the alarm goes off the clock calls
 * `host.wake()` once; it may go off late, never before `now() >= deadline` holds.
 */
export interface Clock {
  /** Monotonic time in seconds. */
  now(): number;
  /** Arms (or with `null` disarms) the alarm described above. */
  setAlarm(deadline: number | null, host: AlarmHost): void;
}

/** Node refuses timers longer than this many milliseconds (2^31 - 1). */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * The default clock: `performance.now()` in seconds, and a single Node timer for the alarm.
 * The Node timer keeps the process alive while the loop has timers pending, as asyncio's
 * loop does while it waits for them.
 */
export class MonotonicClock implements Clock {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #deadline: number | null = null;

  now(): number {
    return performance.now() / 1000;
  }

  setAlarm(deadline: number | null, host: AlarmHost): void {
    if (deadline === this.#deadline) return;
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#deadline = deadline;
    if (deadline !== null) this.#arm(deadline, host);
  }

  #arm(deadline: number, host: AlarmHost): void {
    const ms = Math.ceil((deadline - this.now()) * 1000);
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        // Node timers have millisecond granularity and may fire a little early: wait on.
        if (this.now() < deadline) {
          this.#arm(deadline, host);
          return;
        }
        this.#deadline = null;
        host.wake();
      },
      Math.min(MAX_TIMER_MS, Math.max(1, ms)),
    );
  }
}
