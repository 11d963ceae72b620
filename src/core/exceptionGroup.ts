/**
 * `ExceptionGroup`: several errors raised together, as Python 3.11's `ExceptionGroup`.
 *
 * It extends `AggregateError`, so code that knows JavaScript's aggregate errors handles it too;
 * `exceptions` is the very same array as `errors`.
 */

// biome-ignore lint/suspicious/noExplicitAny: constructor signatures of arbitrary error classes.
type ErrorClass = abstract new (...args: any[]) => unknown;

/** What `subgroup` and `split` match: an error class, a list of classes, or a predicate. */
export type ExceptionMatcher = ErrorClass | readonly ErrorClass[] | ((error: unknown) => boolean);

function isErrorClass(value: unknown): value is ErrorClass {
  return (
    typeof value === "function" &&
    (value === Error || (value as { prototype?: unknown }).prototype instanceof Error)
  );
}

function toPredicate(matcher: ExceptionMatcher): (error: unknown) => boolean {
  if (Array.isArray(matcher)) {
    const classes = matcher as readonly unknown[];
    for (const cls of classes) {
      if (!isErrorClass(cls)) {
        throw new TypeError(
          `expected a list of error classes, got an element of type ${typeof cls}`,
        );
      }
    }
    return (error) => (classes as readonly ErrorClass[]).some((cls) => error instanceof cls);
  }
  if (isErrorClass(matcher)) {
    return (error) => error instanceof matcher;
  }
  if (typeof matcher === "function") {
    return matcher as (error: unknown) => boolean;
  }
  throw new TypeError(
    `expected an error class, a list of error classes or a predicate, got ${typeof matcher}`,
  );
}

/**
 * A group of errors raised together, e.g. by a `TaskGroup` whose children failed.
 *
 * @example
 * try {
 *   await asyncio.taskGroup(async (tg) => {
 *     tg.createTask(async () => { throw new TypeError("a") });
 *     tg.createTask(async () => { throw new RangeError("b") });
 *   });
 * } catch (err) {
 *   if (err instanceof asyncio.ExceptionGroup) {
 *     const [types, rest] = err.split(TypeError);
 *     console.log(types?.exceptions.length, rest?.exceptions.length); // 1 1
 *   }
 * }
 */
export class ExceptionGroup<E = unknown> extends AggregateError {
  /** The errors of the group: the same array as `exceptions`. */
  declare errors: E[];

  constructor(message: string, exceptions: readonly E[]) {
    if (typeof message !== "string") {
      throw new TypeError(`ExceptionGroup message must be a string, got ${typeof message}`);
    }
    if (!Array.isArray(exceptions)) {
      throw new TypeError("ExceptionGroup exceptions must be an array");
    }
    if (exceptions.length === 0) {
      throw new TypeError("ExceptionGroup exceptions must be a non-empty array");
    }
    super(exceptions, message);
  }

  /** The grouped errors: the same array as `errors`. */
  get exceptions(): E[] {
    return this.errors;
  }

  /**
   * A new group with the same message (and cause) holding `exceptions`; `subgroup` and `split`
   * build their results with it, so subclasses can override it to keep their type.
   */
  derive<F>(exceptions: readonly F[]): ExceptionGroup<F> {
    return new ExceptionGroup(this.message, exceptions);
  }

  /**
   * The errors that match, with the nesting kept, or `null` when none do. Returns `this` when
   * the group itself matches; otherwise a new group (even when every error in it matches).
   */
  subgroup(matcher: ExceptionMatcher): ExceptionGroup<E> | null {
    return this.split(matcher)[0];
  }

  /** `[matching, rest]`, each a group with the nesting kept, or `null` when empty. */
  split(matcher: ExceptionMatcher): [ExceptionGroup<E> | null, ExceptionGroup<E> | null] {
    return splitGroup(this, toPredicate(matcher));
  }
}
Object.defineProperty(ExceptionGroup.prototype, "name", {
  value: "ExceptionGroup",
  writable: true,
  configurable: true,
});

function splitGroup<E>(
  group: ExceptionGroup<E>,
  matches: (error: unknown) => boolean,
): [ExceptionGroup<E> | null, ExceptionGroup<E> | null] {
  if (matches(group)) {
    return [group, null];
  }
  const matched: E[] = [];
  const rest: E[] = [];
  for (const error of group.exceptions) {
    if (error instanceof ExceptionGroup) {
      const [m, r] = splitGroup(error as ExceptionGroup<unknown>, matches);
      if (m !== null) matched.push(m as E);
      if (r !== null) rest.push(r as E);
    } else if (matches(error)) {
      matched.push(error);
    } else {
      rest.push(error);
    }
  }
  return [rebuild(group, matched), rebuild(group, rest)];
}

/** A group derived from `group` with `exceptions` (always a new one, as CPython derives). */
function rebuild<E>(group: ExceptionGroup<E>, exceptions: E[]): ExceptionGroup<E> | null {
  if (exceptions.length === 0) return null;
  const derived = group.derive(exceptions);
  if (group.cause !== undefined) derived.cause = group.cause;
  if (group.stack !== undefined) derived.stack = group.stack;
  return derived;
}
