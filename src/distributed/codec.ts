/**
 * How a job, its arguments and its outcome travel through Redis. BullMQ stores JSON: arguments
 * and results that JSON carries unchanged (finite numbers, booleans, strings, null, plain arrays
 * and objects of those) go as they are, in BullMQ's own JSON; anything else is serialized with
 * `v8.serialize` (what structured cloning carries: Dates, Maps, Sets, typed arrays, Buffers,
 * BigInts, cycles, undefined, -0, NaN) and stored as base64 text, which its field or type marks
 * (arguments in `a` instead of `j`; a result that is a string). A job's
 * error goes back as BullMQ's `failedReason`: a readable first line, then the serialized error
 * (name, message, stack, cause, Node fields) after a marker.
 */
import { deserialize, serialize } from "node:v8";
import { describeValue, isPlainObject } from "../core/validate.js";
import { reviveError, type SerializedError, serializeError } from "../executors/remoteError.js";
import { JobFailedError, WorkerLostError } from "./errors.js";

/** What a job's BullMQ `data` holds. */
export interface JobData {
  /** The module specifier: a `file:` URL or a package name. */
  readonly m: string;
  /** The export to call. */
  readonly e: string;
  /** The arguments when JSON carries them unchanged (see `jsonSafe`). */
  readonly j?: unknown[];
  /** Otherwise the arguments, `v8.serialize`d, base64. */
  readonly a?: string;
}

/** How deep `jsonSafe` looks before it leaves a value to `v8.serialize` (cycles end there). */
const JSON_DEPTH = 16;
/** How many items and keys `jsonSafe` looks at in all before it gives up. */
const JSON_ITEMS = 1000;

/**
 * Whether JSON carries `value` unchanged: finite numbers other than -0, booleans, strings, null,
 * and arrays (no holes) and plain objects of those, not too deep nor too large to check cheaply.
 */
export function jsonSafe(value: unknown): boolean {
  let budget = JSON_ITEMS;
  const check = (v: unknown, depth: number): boolean => {
    switch (typeof v) {
      case "string":
      case "boolean":
        return true;
      case "number":
        return Number.isFinite(v) && !Object.is(v, -0);
      case "object": {
        if (v === null) return true;
        if (depth === 0) return false;
        if (Array.isArray(v)) {
          if (Object.getPrototypeOf(v) !== Array.prototype) return false;
          budget -= v.length;
          if (budget < 0) return false;
          for (let i = 0; i < v.length; i++) {
            if (!(i in v) || !check(v[i], depth - 1)) return false;
          }
          return Object.keys(v).length === v.length;
        }
        if (!isPlainObject(v)) return false;
        if (Object.getOwnPropertySymbols(v).length > 0) return false;
        const keys = Object.keys(v);
        budget -= keys.length;
        if (budget < 0) return false;
        for (const key of keys) {
          if (key === "__proto__" || !check((v as Record<string, unknown>)[key], depth - 1)) {
            return false;
          }
        }
        return true;
      }
      default:
        return false;
    }
  };
  return check(value, JSON_DEPTH);
}

/** A job's data: the module, the export and the arguments (TypeError as for `encodeArgs`). */
export function jobData(module: string, name: string, args: unknown[], what: string): JobData {
  return jsonSafe(args)
    ? { m: module, e: name, j: args }
    : { m: module, e: name, a: encodeArgs(args, what) };
}

/** The arguments of a job's data. */
export function jobArgs(data: JobData): unknown[] {
  if (Array.isArray(data.j)) return data.j;
  if (typeof data.a !== "string") throw new TypeError(`job data has no arguments`);
  return decodeArgs(data.a);
}

const ERROR_MARKER = "\nasyncio-ts-error:";
const CANCELLED_REASON = "cancelled: the task awaiting the job was cancelled";

/** `args` for a job's data; TypeError naming `what` when they cannot be cloned. */
export function encodeArgs(args: unknown[], what: string): string {
  try {
    return serialize(args).toString("base64");
  } catch (error) {
    throw new TypeError(
      `${what} arguments cannot be sent to a worker through Redis (they must be structured-cloneable): ${String(error)}`,
      { cause: error },
    );
  }
}

/** The arguments of a job's data. */
export function decodeArgs(encoded: string): unknown[] {
  const args = deserialize(Buffer.from(encoded, "base64"));
  if (!Array.isArray(args)) throw new TypeError(`job arguments are ${describeValue(args)}`);
  return args;
}

/**
 * A job's result as the worker returns it to BullMQ: the value itself when JSON carries it
 * unchanged and it is no string (nor null), else its `v8.serialize`d base64 text.
 */
export function encodeResult(value: unknown): unknown {
  if (typeof value !== "string" && value !== null && jsonSafe(value)) return value;
  try {
    return serialize(value).toString("base64");
  } catch (error) {
    throw new TypeError(
      `the job's result cannot be sent back through Redis (it must be structured-cloneable): ${String(error)}`,
      { cause: error },
    );
  }
}

/** The result of a completed job, from its BullMQ `returnvalue` (parsed from JSON). */
export function decodeResult(returnvalue: unknown): unknown {
  if (typeof returnvalue !== "string") return returnvalue;
  return deserialize(Buffer.from(returnvalue, "base64"));
}

/** The `failedReason` of a job that failed with `error`. */
export function encodeFailure(error: unknown): string {
  const serialized = serializeError(error);
  let payload: string;
  try {
    payload = serialize(serialized).toString("base64");
  } catch {
    payload = serialize({ ...serialized, thrown: String(serialized.thrown) }).toString("base64");
  }
  const first = `${serialized.name}: ${serialized.message}`.split("\n")[0];
  return `${first}${ERROR_MARKER}${payload}`;
}

/** The `failedReason` of a job whose awaiting task was cancelled. */
export function cancelledFailure(): string {
  return CANCELLED_REASON;
}

const LOCAL_ERRORS: Record<string, new (message: string) => Error> = {
  WorkerLostError,
};

/** The error a failed job stands for, from its `failedReason`. */
export function decodeFailure(failedReason: string, jobId: string, jobName: string): unknown {
  const at = failedReason.indexOf(ERROR_MARKER);
  if (at < 0) {
    return new JobFailedError(
      `job ${jobId} (${jobName}) failed in the queue: ${failedReason}`,
      jobId,
      failedReason,
    );
  }
  const serialized = deserialize(
    Buffer.from(failedReason.slice(at + ERROR_MARKER.length), "base64"),
  ) as SerializedError;
  const Local = LOCAL_ERRORS[serialized.name];
  if (Local !== undefined) {
    const error = new Local(serialized.message);
    if (serialized.stack !== undefined) error.stack = serialized.stack;
    return error;
  }
  return reviveError(serialized);
}
