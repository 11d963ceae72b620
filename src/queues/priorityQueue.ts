/**
 * `PriorityQueue`, as asyncio's: a Queue that returns the smallest item first.
 *
 * Items are ordered as Python orders them (numbers, strings, and arrays compared
 * lexicographically like tuples, so `[priority, data]` entries work) or by a `compare`
 * function. Python's `heapq` leaves the order of equal items unspecified; here they come out
 * in the order they were put (each item carries its insertion number), so entries need no
 * tie-breaking counter.
 */
import { describeValue } from "../core/validate.js";
import type { ItemStore, QueueOptions } from "./queue.js";
import { Queue } from "./queue.js";

/** Options of the PriorityQueue constructor. */
export interface PriorityQueueOptions<T> extends QueueOptions {
  /**
   * Orders two items: negative if `a` comes out first, positive if `b` does, 0 if they are
   * equal (equal items come out in the order they were put). Python's ordering by default.
   */
  compare?: (a: T, b: T) => number;
}

/**
 * The default order of a PriorityQueue, Python's `<`: numbers (and bigints and booleans)
 * numerically, strings by UTF-16 code unit, arrays lexicographically (a prefix first), each
 * only against its own kind. Throws a TypeError for values of different kinds, or of a kind
 * with no order.
 */
function pythonOrder(a: unknown, b: unknown): number {
  if (a === b) return 0;
  const kindA = orderKind(a);
  const kindB = orderKind(b);
  if (kindA !== kindB || kindA === UNORDERED) {
    throw new TypeError(
      `PriorityQueue cannot order ${describeValue(a)} and ${describeValue(b)}: items must be ` +
        "numbers, strings or arrays of them (compared like Python tuples), all of one kind; " +
        "pass { compare } to order anything else",
    );
  }
  if (kindA === ARRAY) return compareArrays(a as unknown[], b as unknown[]);
  // Numbers (NaN included, which is neither smaller nor larger, as in Python) and strings.
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

const NUMERIC = 0;
const STRING = 1;
const ARRAY = 2;
const UNORDERED = 3;

function orderKind(value: unknown): number {
  switch (typeof value) {
    case "number":
    case "bigint":
    case "boolean":
      return NUMERIC;
    case "string":
      return STRING;
    default:
      return Array.isArray(value) ? ARRAY : UNORDERED;
  }
}

function compareArrays(a: unknown[], b: unknown[]): number {
  const shorter = Math.min(a.length, b.length);
  for (let i = 0; i < shorter; i++) {
    const order = pythonOrder(a[i], b[i]);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

/**
 * The items of a priority queue: a binary min-heap. Each item is kept with its insertion
 * number (`#order`, a parallel array) so that equal items leave in FIFO order. Invariant: no
 * item precedes its parent. `put` and `get` run every comparison before moving anything, so a
 * comparison that throws leaves the heap as it was.
 */
class PriorityStore<T> implements ItemStore<T> {
  readonly #items: T[] = [];
  readonly #order: number[] = [];
  readonly #compare: (a: T, b: T) => number;
  readonly #path: number[] = [];
  #inserted = 0;

  constructor(compare: (a: T, b: T) => number) {
    this.#compare = compare;
  }

  get length(): number {
    return this.#items.length;
  }

  put(item: T): void {
    const items = this.#items;
    const order = this.#order;
    const seq = this.#inserted;
    let target = items.length;
    while (target > 0) {
      const parent = (target - 1) >> 1;
      if (!this.#precedes(item, seq, items[parent] as T, order[parent] as number)) break;
      target = parent;
    }
    this.#inserted++;
    let hole = items.length;
    items.push(item);
    order.push(seq);
    while (hole > target) {
      const parent = (hole - 1) >> 1;
      items[hole] = items[parent] as T;
      order[hole] = order[parent] as number;
      hole = parent;
    }
    items[target] = item;
    order[target] = seq;
  }

  get(): T {
    const items = this.#items;
    const order = this.#order;
    const top = items[0] as T;
    const last = items.length - 1;
    const moving = items[last] as T;
    const movingSeq = order[last] as number;
    // Find where the last item settles once it replaces the top, comparing only.
    const path = this.#path;
    let depth = 0;
    let pos = 0;
    for (;;) {
      let child = 2 * pos + 1;
      if (child >= last) break;
      const right = child + 1;
      if (
        right < last &&
        this.#precedes(
          items[right] as T,
          order[right] as number,
          items[child] as T,
          order[child] as number,
        )
      ) {
        child = right;
      }
      if (!this.#precedes(items[child] as T, order[child] as number, moving, movingSeq)) break;
      path[depth++] = child;
      pos = child;
    }
    items.pop();
    order.pop();
    if (last === 0) return top;
    let hole = 0;
    for (let i = 0; i < depth; i++) {
      const child = path[i] as number;
      items[hole] = items[child] as T;
      order[hole] = order[child] as number;
      hole = child;
    }
    items[hole] = moving;
    order[hole] = movingSeq;
    return top;
  }

  clear(): void {
    this.#items.length = 0;
    this.#order.length = 0;
  }

  toArray(): T[] {
    return this.#items.slice();
  }

  #precedes(a: T, aSeq: number, b: T, bSeq: number): boolean {
    const order = this.#compare(a, b);
    return order < 0 || (order === 0 && aSeq < bSeq);
  }
}

/**
 * A queue that returns its smallest item first: numbers, strings, or arrays such as
 * `[priority, data]` compared like Python tuples, or anything with `{ compare }`. Equal items
 * come out in the order they were put. Everything else is as in {@link Queue}.
 *
 * @example
 * const jobs = new asyncio.PriorityQueue<[number, string]>();
 * jobs.putNowait([2, "write report"]);
 * jobs.putNowait([1, "fix bug"]);
 * console.log(await jobs.get()); // [1, "fix bug"]
 *
 * const byDeadline = new asyncio.PriorityQueue<Job>({ compare: (a, b) => a.deadline - b.deadline });
 */
export class PriorityQueue<T = unknown> extends Queue<T> {
  /**
   * `options` is a maxsize number, or `{ maxsize, compare }`.
   *
   * @throws TypeError if `compare` is not a function or `maxsize` is not an integer;
   * RangeError if `maxsize` is negative.
   */
  constructor(options?: number | PriorityQueueOptions<T>) {
    super(options);
  }

  /** @internal */
  override _init(options: PriorityQueueOptions<T>): ItemStore<T> {
    const compare = options.compare ?? (pythonOrder as (a: T, b: T) => number);
    if (typeof compare !== "function") {
      throw new TypeError(
        `PriorityQueue compare must be a function, got ${describeValue(options.compare)}`,
      );
    }
    return new PriorityStore<T>(compare);
  }
}
