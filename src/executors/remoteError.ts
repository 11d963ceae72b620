/**
 * Errors across a worker boundary. A job's error comes back with its class name, message,
 * stack, `cause` and the usual Node fields (`code`, `errno`, `syscall`, `path`): structured
 * cloning alone would turn a user-defined class into a plain `Error` and drop some of them.
 */

/** An error as it travels from a worker to the pool. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  readonly cause: SerializedError | { readonly value: unknown } | undefined;
  readonly fields: Record<string, string | number | boolean>;
  /** A value thrown that was not an Error: sent as is when it can be cloned. */
  readonly thrown?: unknown;
}

const BUILTIN_ERRORS: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  ReferenceError,
  SyntaxError,
  EvalError,
  URIError,
};

const NODE_FIELDS = ["code", "errno", "syscall", "path", "dest", "address", "port"];
const MAX_CAUSE_DEPTH = 8;

/** `error` in a form every structured clone can carry. */
export function serializeError(error: unknown, depth = 0): SerializedError {
  if (!(error instanceof Error)) {
    return {
      name: "Error",
      message: String(error),
      stack: undefined,
      cause: undefined,
      fields: {},
      thrown: cloneable(error),
    };
  }
  const fields: Record<string, string | number | boolean> = {};
  for (const field of NODE_FIELDS) {
    const value = (error as unknown as Record<string, unknown>)[field];
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      fields[field] = value;
    }
  }
  let cause: SerializedError["cause"];
  if ("cause" in error && depth < MAX_CAUSE_DEPTH) {
    cause =
      error.cause instanceof Error
        ? serializeError(error.cause, depth + 1)
        : { value: cloneable(error.cause) };
  }
  return { name: error.name, message: error.message, stack: error.stack, cause, fields };
}

/** The error `serialized` stands for, rebuilt in this thread or process. */
export function reviveError(serialized: SerializedError): unknown {
  if ("thrown" in serialized) return serialized.thrown;
  const Builtin = BUILTIN_ERRORS[serialized.name] ?? Error;
  const error = new Builtin(serialized.message);
  if (!(serialized.name in BUILTIN_ERRORS)) {
    Object.defineProperty(error, "name", {
      value: serialized.name,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  Object.defineProperty(error, "stack", {
    value: serialized.stack ?? `${serialized.name}: ${serialized.message}`,
    writable: true,
    configurable: true,
    enumerable: false,
  });
  Object.assign(error, serialized.fields);
  const cause = serialized.cause;
  if (cause !== undefined) {
    const value = "value" in cause ? cause.value : reviveError(cause);
    Object.defineProperty(error, "cause", {
      value,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  return error;
}

/** `value` if structured cloning can carry it, else its string form. */
function cloneable(value: unknown): unknown {
  try {
    structuredClone(value);
    return value;
  } catch {
    return String(value);
  }
}
