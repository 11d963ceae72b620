/**
 * Durations in seconds, as asyncio takes them, or as strings: `"150ms"`, `"2s"`, `"1.5m"`, `"1h"`.
 *
 * A negative number behaves as zero (as in asyncio), `Infinity` never elapses. NaN, a
 * non-number or a malformed string is an error that names the parameter.
 */

import { describeValue } from "./validate.js";

/** A duration: seconds as a number, or a string with a unit (`"150ms"`, `"2s"`, `"1.5m"`, `"1h"`). */
export type Duration = number | `${number}ms` | `${number}s` | `${number}m` | `${number}h`;

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
const DURATION_PATTERN = /^(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h)$/;
const NEGATIVE_PATTERN = /^-\s*(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h)$/;

/**
 * Seconds from a {@link Duration}. `what` names the parameter in error messages.
 *
 * @throws TypeError for a non-number, non-string value or a malformed string.
 * @throws RangeError for NaN or a negative duration string.
 */
export function toSeconds(value: unknown, what: string): number {
  if (typeof value === "number") {
    if (Number.isNaN(value)) {
      throw new RangeError(`${what} must be a number of seconds, got NaN`);
    }
    return value < 0 ? 0 : value;
  }
  if (typeof value === "string") {
    const text = value.trim();
    const match = DURATION_PATTERN.exec(text);
    if (match !== null) {
      return Number(match[1]) * (UNIT_SECONDS[match[2]!] as number);
    }
    if (NEGATIVE_PATTERN.test(text)) {
      throw new RangeError(
        `${what} must not be a negative duration string, got ${JSON.stringify(value)}`,
      );
    }
    throw new TypeError(
      `${what} must be seconds or a duration string like "150ms", "2s", "1.5m" or "1h", ` +
        `got ${JSON.stringify(value)}`,
    );
  }
  throw new TypeError(
    `${what} must be a number of seconds or a duration string like "2s", got ${describeValue(value)}`,
  );
}

/** Like {@link toSeconds}, but `null` (and `undefined`) mean "no deadline" and give `null`. */
export function toSecondsOrNull(value: unknown, what: string): number | null {
  if (value === null || value === undefined) return null;
  return toSeconds(value, what);
}

/**
 * An absolute loop time (seconds) for `timeoutAt`/`callAt`: a finite or infinite number.
 * Unlike a duration it may be negative (a deadline already past).
 */
export function toLoopTime(value: unknown, what: string): number {
  if (typeof value !== "number") {
    throw new TypeError(
      `${what} must be a loop time in seconds (a number), got ${describeValue(value)}`,
    );
  }
  if (Number.isNaN(value)) {
    throw new RangeError(`${what} must be a loop time in seconds, got NaN`);
  }
  return value;
}
