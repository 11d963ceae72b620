/**
 * The retry policy of a session: on by default for what is safe to repeat (as got and ky do;
 * aiohttp has none, so its users write the notes' `max_tries` loop).
 *
 * Defaults: 3 attempts in all, for GET, HEAD, OPTIONS, PUT, DELETE and TRACE, after a connection
 * error (refused, reset on a reused keep-alive socket, a server that closed before answering) or
 * a response of status 408, 429, 500, 502, 503 or 504. The pause before attempt n+1 is
 * `min(max, base * factor ** (n - 1))`, spread by ±`jitter` (a fraction), or the response's
 * `Retry-After` (seconds, 0 meaning now, or an HTTP date). Every pause goes through
 * `asyncio.sleep`, so virtual time drives it and cancellation ends it; a pause that would end
 * after the total timeout ends the retries instead (the last response or error is the result).
 */
import { type Duration, toSeconds } from "../core/durations.js";
import { describeValue, requireInteger, requireOptions } from "../core/validate.js";

/** The pause between attempts (seconds, or duration strings). */
export interface BackoffOptions {
  /** The first pause (default 0.5 s). */
  readonly base?: Duration;
  /** How much each pause grows over the one before (default 2). */
  readonly factor?: number;
  /** The longest pause (default 30 s). */
  readonly max?: Duration;
  /** How far a pause is moved at random, as a fraction of it: 0.25 is ±25% (default 0.25). */
  readonly jitter?: number;
}

/** What `retry` takes in a session's or a request's options (`false` turns retries off). */
export interface RetryOptions {
  /** Attempts in all, the first included (default 3; 1: no retry). */
  readonly attempts?: number;
  /** The methods retried (default GET, HEAD, OPTIONS, PUT, DELETE, TRACE). */
  readonly methods?: readonly string[];
  /** The statuses retried (default 408, 429, 500, 502, 503, 504). */
  readonly statuses?: readonly number[];
  /** The pause between attempts. */
  readonly backoff?: BackoffOptions;
  /** Whether a `Retry-After` header sets the pause (default true). */
  readonly respectRetryAfter?: boolean;
}

/** @internal A retry policy with every field set. */
export interface RetryPolicy {
  readonly attempts: number;
  readonly methods: ReadonlySet<string>;
  readonly statuses: ReadonlySet<number>;
  readonly base: number;
  readonly factor: number;
  readonly max: number;
  readonly jitter: number;
  readonly respectRetryAfter: boolean;
}

/** @internal The defaults. */
export const DEFAULT_RETRY: RetryPolicy = Object.freeze({
  attempts: 3,
  methods: new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]),
  statuses: new Set([408, 429, 500, 502, 503, 504]),
  base: 0.5,
  factor: 2,
  max: 30,
  jitter: 0.25,
  respectRetryAfter: true,
});

/** @internal No retries. */
export const NO_RETRY: RetryPolicy = Object.freeze({ ...DEFAULT_RETRY, attempts: 1 });

/** @internal The policy from what the user gave, over `base` (the session's policy). */
export function toRetryPolicy(value: unknown, what: string, base: RetryPolicy): RetryPolicy {
  if (value === undefined) return base;
  if (value === false) return NO_RETRY;
  if (value === true) return base === NO_RETRY ? DEFAULT_RETRY : base;
  requireOptions(value, what);
  const options = value as RetryOptions;
  const attempts = options.attempts ?? base.attempts;
  requireInteger(attempts, `${what} attempts`, 1);
  let methods = base.methods;
  if (options.methods !== undefined) {
    if (!Array.isArray(options.methods) || options.methods.some((m) => typeof m !== "string")) {
      throw new TypeError(
        `${what} methods must be an array of strings, got ${describeValue(options.methods)}`,
      );
    }
    methods = new Set(options.methods.map((m: string) => m.toUpperCase()));
  }
  let statuses = base.statuses;
  if (options.statuses !== undefined) {
    if (!Array.isArray(options.statuses) || options.statuses.some((s) => !Number.isInteger(s))) {
      throw new TypeError(
        `${what} statuses must be an array of integers, got ${describeValue(options.statuses)}`,
      );
    }
    statuses = new Set(options.statuses);
  }
  const backoff = options.backoff ?? {};
  requireOptions(backoff, `${what} backoff`);
  const factor = backoff.factor ?? base.factor;
  const jitter = backoff.jitter ?? base.jitter;
  if (typeof factor !== "number" || !(factor >= 1)) {
    throw new RangeError(
      `${what} backoff factor must be a number >= 1, got ${describeValue(factor)}`,
    );
  }
  if (typeof jitter !== "number" || !(jitter >= 0 && jitter <= 1)) {
    throw new RangeError(
      `${what} backoff jitter must be a number from 0 to 1, got ${describeValue(jitter)}`,
    );
  }
  const respectRetryAfter = options.respectRetryAfter ?? base.respectRetryAfter;
  if (typeof respectRetryAfter !== "boolean") {
    throw new TypeError(
      `${what} respectRetryAfter must be a boolean, got ${describeValue(respectRetryAfter)}`,
    );
  }
  return Object.freeze({
    attempts,
    methods,
    statuses,
    base: backoff.base === undefined ? base.base : toSeconds(backoff.base, `${what} backoff base`),
    factor,
    max: backoff.max === undefined ? base.max : toSeconds(backoff.max, `${what} backoff max`),
    jitter,
    respectRetryAfter,
  });
}

/** @internal The pause before attempt `attempt + 1` (attempt counts from 1), in seconds. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const delay = Math.min(policy.max, policy.base * policy.factor ** (attempt - 1));
  if (policy.jitter === 0) return delay;
  return delay * (1 + policy.jitter * (2 * Math.random() - 1));
}

/**
 * @internal The pause a `Retry-After` value asks for, in seconds: an integer of seconds or an
 * HTTP date (`now` in epoch milliseconds); null when it is neither.
 */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const when = Date.parse(text);
  if (Number.isNaN(when)) return null;
  return Math.max(0, (when - now) / 1000);
}
