/**
 * The messages between a `Connection` and its thread. The connection sends calls in batches
 * (all the calls made in one turn of the loop travel in one message); the thread runs them one
 * at a time, in the order sent, and sends the results back in batches too. Before each call
 * the thread reads the cancellations that arrived meanwhile: a call cancelled before it started
 * is dropped, never run.
 */
import type { SerializedError } from "../executors/remoteError.js";
import type { PackedRows } from "./packedRows.js";

/** Positional (`?`) or named (`:name`) parameters, as they travel. */
export type WireParams = unknown[] | Record<string, unknown> | null;

/** What the thread opens, from `connect()`. */
export interface OpenRequest {
  readonly path: string;
  readonly readonly: boolean;
  /** Busy timeout in milliseconds. */
  readonly timeout: number;
  /** `""`, `"DEFERRED"`, `"IMMEDIATE"`, `"EXCLUSIVE"`, or null for autocommit. */
  readonly isolationLevel: string | null;
}

/** One call, by operation. `id` identifies its result. */
export type Call =
  | {
      readonly op: "execute";
      readonly id: number;
      readonly cursor: number;
      readonly sql: string;
      readonly params: WireParams;
      /** Rows to send with the result at most. */
      readonly batch: number;
    }
  | {
      readonly op: "executemany";
      readonly id: number;
      readonly sql: string;
      /** The parameter sets; or, when all are arrays of one width, null and `rows`. */
      readonly params: WireParams[] | null;
      /** The parameter sets packed (they travel much faster so). */
      readonly rows: PackedRows | null;
      /**
       * A long `executemany` travels in parts, each in a message of its own, so the thread
       * inserts the first rows while the next are still being sent: `group` is the id of the
       * last part (the one answered), `first`/`last` mark the ends.
       */
      readonly group: number;
      readonly first: boolean;
      readonly last: boolean;
    }
  | { readonly op: "executescript"; readonly id: number; readonly sql: string }
  /** The next `n` rows of a cursor (`n` -1: all that remain). */
  | { readonly op: "fetch"; readonly id: number; readonly cursor: number; readonly n: number }
  | { readonly op: "closeCursor"; readonly id: number; readonly cursor: number }
  | { readonly op: "commit" | "rollback" | "close"; readonly id: number }
  | { readonly op: "isolation"; readonly id: number; readonly level: string | null }
  | { readonly op: "backup"; readonly id: number; readonly target: string; readonly name: string };

/** Connection → thread. */
export type ToThread =
  | { readonly type: "calls"; readonly calls: Call[] }
  | { readonly type: "cancel"; readonly id: number }
  /** The loop is closing: drop what is queued, close the database (rolling back), exit. */
  | { readonly type: "abort" };

/** An error as it travels: one of this module's classes, or any other error. */
export type WireError =
  | { readonly cls: string; readonly message: string; readonly code: string | null }
  | { readonly cls: null; readonly error: SerializedError };

/** What `execute` returns: the columns, the first rows, whether more remain, the counts. */
export interface ExecuteResult {
  readonly columns: string[] | null;
  readonly rows: unknown[][];
  readonly more: boolean;
  readonly rowcount: number;
  readonly lastrowid: number;
}

/** What `fetch` returns. */
export interface FetchResult {
  readonly rows: unknown[][];
  readonly more: boolean;
}

/** One call's outcome: id, success, value (a `WireError` on failure), then the connection's state. */
export type CallResult = [
  id: number,
  ok: boolean,
  value: unknown,
  inTransaction: boolean,
  totalChanges: number,
];

/** Thread → connection. */
export type FromThread =
  | { readonly type: "opened" }
  | { readonly type: "openFailed"; readonly error: WireError }
  | { readonly type: "results"; readonly results: CallResult[] };
