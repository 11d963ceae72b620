/**
 * Where Redis is and which queue: the `connection`, `queue` and `prefix` options of
 * `QueueExecutor` and `QueueWorker`, checked the same way for both.
 */
import { describeValue } from "../core/validate.js";
import { Redis } from "./peers.js";

/** Redis as an object (host, port, …): a subset of ioredis' options, passed on as they are. */
export interface RedisConnectionOptions {
  /** Default "127.0.0.1". */
  host?: string;
  /** Default 6379. */
  port?: number;
  /** The user of Redis ACLs (Redis 6+); none by default. */
  username?: string;
  /** The password (`AUTH`); none by default. */
  password?: string;
  /** The database number; default 0. */
  db?: number;
  /** TLS options (as `tls.connect`'s), or `true` for the defaults; omitted: no TLS. */
  tls?: boolean | Record<string, unknown>;
}

/** A Redis URL (`redis://host:port/db`, `rediss://` for TLS) or its parts. */
export type QueueConnection = string | RedisConnectionOptions;

/** @internal ioredis options for `connection`, checked (naming `what` in errors). */
export interface ResolvedConnection {
  /** For ioredis: `new Redis(url, options)` or `new Redis(options)`. */
  readonly url: string | null;
  readonly options: Record<string, unknown>;
  /** For messages: the URL, password left out. */
  readonly label: string;
}

/** @internal */
export function resolveConnection(connection: unknown, what: string): ResolvedConnection {
  // Commands wait for a lost connection to come back instead of failing after some retries:
  // BullMQ's workers need it, and a submit made while Redis restarts then goes through.
  const base = { maxRetriesPerRequest: null, enableOfflineQueue: true };
  if (typeof connection === "string") {
    let url: URL;
    try {
      url = new URL(connection);
    } catch {
      throw new TypeError(`${what} must be a redis:// URL, got ${JSON.stringify(connection)}`);
    }
    if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
      throw new TypeError(
        `${what} must be a redis:// or rediss:// URL, got ${JSON.stringify(connection)}`,
      );
    }
    const label = `${url.protocol}//${url.host}${url.pathname === "/" ? "" : url.pathname}`;
    return { url: connection, options: base, label };
  }
  if (typeof connection !== "object" || connection === null || Array.isArray(connection)) {
    throw new TypeError(
      `${what} must be a redis:// URL or { host, port, … }, got ${describeValue(connection)}`,
    );
  }
  const given = connection as RedisConnectionOptions;
  if (
    given.port !== undefined &&
    (!Number.isInteger(given.port) || given.port < 1 || given.port > 65535)
  ) {
    throw new RangeError(
      `${what}.port must be an integer from 1 to 65535, got ${describeValue(given.port)}`,
    );
  }
  if (given.host !== undefined && typeof given.host !== "string") {
    throw new TypeError(`${what}.host must be a string, got ${describeValue(given.host)}`);
  }
  const options: Record<string, unknown> = { ...base, ...given };
  if (given.tls === true) options.tls = {};
  if (given.tls === false) delete options.tls;
  const host = given.host ?? "127.0.0.1";
  const label = `redis${options.tls !== undefined ? "s" : ""}://${host}:${given.port ?? 6379}${given.db ? `/${given.db}` : ""}`;
  return { url: null, options, label };
}

/** @internal `queue`, checked: a non-empty string without ":" (`what`: "QueueWorker queue"). */
export function requireQueueName(queue: unknown, what: string): string {
  if (typeof queue !== "string" || queue === "" || queue.includes(":")) {
    throw new TypeError(
      `${what} must be a non-empty string without ":", got ${describeValue(queue)}`,
    );
  }
  return queue;
}

/** @internal BullMQ's key prefix, checked; "bull" when undefined. */
export function requirePrefix(prefix: unknown, what: string): string {
  const value = prefix ?? "bull";
  if (typeof value !== "string" || value === "") {
    throw new TypeError(`${what} must be a non-empty string, got ${describeValue(value)}`);
  }
  return value;
}

/** @internal An ioredis client for `resolved`; its errors are left to its reconnection. */
export function createRedis(resolved: ResolvedConnection): InstanceType<typeof Redis> {
  const { url, options } = resolved;
  const redis = url === null ? new Redis(options) : new Redis(url, options);
  redis.on("error", () => {
    // ioredis reconnects by itself; commands wait meanwhile.
  });
  return redis;
}

/** @internal The `connection` BullMQ takes for `resolved`. */
export function bullmqConnection(resolved: ResolvedConnection): Record<string, unknown> {
  return resolved.url === null
    ? { ...resolved.options }
    : { url: resolved.url, ...resolved.options };
}

/** @internal The name of the pub/sub channel the workers of `queue` hear cancellations on. */
export function cancelChannel(prefix: string, queue: string): string {
  return `${prefix}:${queue}:asyncio-ts:cancel`;
}
