/**
 * How a job, its arguments and its outcome travel through Redis. BullMQ stores JSON, so the
 * arguments and the result are serialized with `v8.serialize` (what structured cloning carries:
 * Dates, Maps, Sets, typed arrays, Buffers, BigInts, cycles) and stored as base64 text. A job's
 * error goes back as BullMQ's `failedReason`: a readable first line, then the serialized error
 * (name, message, stack, cause, Node fields) after a marker.
 */
import { deserialize, serialize } from "node:v8";
import { describeValue } from "../core/validate.js";
import { reviveError, type SerializedError, serializeError } from "../executors/remoteError.js";
import { JobFailedError, WorkerLostError } from "./errors.js";

/** What a job's BullMQ `data` holds. */
export interface JobData {
  /** The module specifier: a `file:` URL or a package name. */
  readonly m: string;
  /** The export to call. */
  readonly e: string;
  /** The arguments, `v8.serialize`d, base64. */
  readonly a: string;
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

/** A job's result as the worker returns it to BullMQ. */
export function encodeResult(value: unknown): string {
  try {
    return serialize(value).toString("base64");
  } catch (error) {
    throw new TypeError(
      `the job's result cannot be sent back through Redis (it must be structured-cloneable): ${String(error)}`,
      { cause: error },
    );
  }
}

/** The result of a completed job, from its BullMQ `returnvalue`. */
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
