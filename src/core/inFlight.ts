/**
 * In-flight holds: how the loop knows about work that happens outside it (a socket connect, a
 * DNS lookup, an executor job, a query, an open connection, a listening server), which no
 * Future of its own stands for until it ends.
 *
 * An I/O module takes a hold with `loop.inFlight(description, { kind })` when such work starts
 * and releases it once when it ends (`release()`, or a `using` declaration). While holds are
 * open the loop knows that something may still wake a task: a `VirtualClock` does not jump time
 * over an operation in flight, `loop.statistics()` lists the open holds, and a `DeadlockError`
 * names those still open when Node ran out of work. The test helpers' leak check reads the
 * same list.
 *
 * The two kinds, and the rule virtual time follows (after Trio's
 * `MockClock(autojump_threshold)`, which jumps once the run loop has been idle for a while):
 * - `"operation"`: work whose end is expected without anything more from the program — a
 *   connect, a DNS lookup, a TLS handshake, an executor job, a query, a `wrap()`ped promise. Virtual
 *   time never jumps while one is open: a `timeout(5)` around a job that really takes two
 *   seconds must not fire because the loop was idle meanwhile.
 * - `"outside"`: a wait on the outside world, which may never end — a listening server, a read
 *   on an idle connection, a signal handler. It must not freeze virtual time (a test with a
 *   server open would never see `sleep(3600)` end), so time still jumps when the loop is
 *   idle, but only after the loop stayed idle for the clock's `autojumpThreshold` of real time:
 *   data already on its way over loopback arrives first.
 *
 * Invariants: a hold is open from `inFlight()` until its first `release()`; the loop's
 * `InFlightHolds` holds exactly the open ones, and `operations` counts the open holds of kind
 * `"operation"`.
 */
import { captureSourceTraceback, type SourceTraceback } from "../debug/sourceTraceback.js";
import { describeValue, requireOptions } from "./validate.js";

/** The two kinds of in-flight work (see `EventLoop.inFlight`). */
export type InFlightKind = "operation" | "outside";

/** Options of `loop.inFlight()`. */
export interface InFlightOptions {
  /**
   * `"operation"` (the default): work expected to end by itself (a connect, a job, a query);
   * virtual time waits for it. `"outside"`: a wait on the outside world that may never end (a
   * listening server, a read on an idle connection); virtual time is not held by it.
   */
  kind?: InFlightKind;
}

/** An open hold as `loop.statistics()` lists it. */
export interface InFlightRecord {
  /** What is in flight, e.g. `"connect 127.0.0.1:5432"`. */
  readonly description: string;
  /** `"operation"` or `"outside"`. */
  readonly kind: InFlightKind;
  /** The loop time at which the hold was taken. */
  readonly since: number;
}

/**
 * @internal What an I/O object held open for as long as it lives (a connection) gives instead
 * of a description: the text is made only when somebody reads it, so 10,000 idle connections
 * keep no 10,000 strings for it.
 */
export interface DescribedHolder {
  /** @internal The hold's description, e.g. `"connection 127.0.0.1:5432"`. */
  _holdDescription(): string;
}

/**
 * A hold on the loop for work in flight outside it, taken with `loop.inFlight()`; release it
 * once the work ends (or let a `using` declaration release it).
 *
 * @example
 * const loop = asyncio.getRunningLoop();
 * using _ = loop.inFlight(`lookup ${host}`);
 * const addresses = await asyncio.wrap(dns.promises.lookup(host, { all: true }));
 */
export class InFlight implements Disposable, InFlightRecord {
  readonly #description: string | DescribedHolder;
  readonly kind: InFlightKind;
  readonly since: number;
  #holds: InFlightHolds | null;
  /** @internal Where the hold was taken, recorded in debug mode only; null on the prototype. */
  declare _sourceTraceback: SourceTraceback | null;

  static {
    InFlight.prototype._sourceTraceback = null;
  }

  /** @internal Use `loop.inFlight()`. */
  constructor(
    holds: InFlightHolds,
    description: string | DescribedHolder,
    kind: InFlightKind,
    since: number,
  ) {
    this.#holds = holds;
    this.#description = description;
    this.kind = kind;
    this.since = since;
  }

  /** What is in flight, e.g. `"connect 127.0.0.1:5432"`. */
  get description(): string {
    const description = this.#description;
    return typeof description === "string" ? description : description._holdDescription();
  }

  /** Whether the hold was released. */
  get released(): boolean {
    return this.#holds === null;
  }

  /** Releases the hold: the work ended. Later calls do nothing. */
  release(): void {
    const holds = this.#holds;
    if (holds === null) return;
    this.#holds = null;
    holds._released(this);
  }

  /** `using`: releases the hold (see `release()`). */
  [Symbol.dispose](): void {
    this.release();
  }

  toString(): string {
    const state = this.#holds === null ? "released" : "open";
    return `<InFlight ${state} ${this.kind}: ${this.description}>`;
  }
}

/** @internal The open holds of one loop. */
export class InFlightHolds {
  readonly #open = new Set<InFlight>();
  #operations = 0;
  readonly #onReleased: () => void;

  /** `onReleased` runs after each release (the loop gives its clock another look). */
  constructor(onReleased: () => void) {
    this.#onReleased = onReleased;
  }

  /** How many holds of kind `"operation"` are open. */
  get operations(): number {
    return this.#operations;
  }

  /** How many holds of kind `"outside"` are open. */
  get outside(): number {
    return this.#open.size - this.#operations;
  }

  /** Takes a hold, checking the public arguments; `debug`: record where it is taken. */
  open(
    description: unknown,
    options: InFlightOptions | undefined,
    now: number,
    debug: boolean,
  ): InFlight {
    if (typeof description !== "string" || description === "") {
      throw new TypeError(
        `inFlight() description must be a non-empty string, got ${describeValue(description)}`,
      );
    }
    requireOptions(options, "inFlight() options");
    const kind = options?.kind ?? "operation";
    if (kind !== "operation" && kind !== "outside") {
      throw new TypeError(
        `inFlight() kind must be "operation" or "outside", got ${describeValue(kind)}`,
      );
    }
    return this._open(description, kind, now, debug);
  }

  /** @internal Takes a hold with checked arguments (for the library's own I/O objects). */
  _open(
    description: string | DescribedHolder,
    kind: InFlightKind,
    now: number,
    debug: boolean,
  ): InFlight {
    const hold = new InFlight(this, description, kind, now);
    if (debug) hold._sourceTraceback = captureSourceTraceback();
    this.#open.add(hold);
    if (kind === "operation") this.#operations++;
    return hold;
  }

  /** The holds open, oldest first. */
  holds(): InFlight[] {
    return [...this.#open];
  }

  /** Snapshots of the open holds, oldest first. */
  records(): InFlightRecord[] {
    return [...this.#open].map(({ description, kind, since }) => ({ description, kind, since }));
  }

  /** @internal `hold` was released (called once, by the hold). */
  _released(hold: InFlight): void {
    this.#open.delete(hold);
    if (hold.kind === "operation") this.#operations--;
    this.#onReleased();
  }
}
