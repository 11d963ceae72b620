/**
 * One producer and one consumer move 1,000,000 items through a bounded `Queue(100)`, against
 * a minimal hand-written promise queue bounded the same way (raw Node, and raw Node with the
 * producer and consumer each in an `AsyncLocalStorage.run`, the floor of the one-store model)
 * and CPython's `asyncio.Queue` (bench/queue_pingpong.py).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import * as asyncio from "asyncio-ts";
import type { Report } from "./harness.js";
import { measureInChild, measurePython, runVariantIfAsked, timeRuns } from "./harness.js";

const ITEMS = 1_000_000;
const MAXSIZE = 100;

/**
 * The smallest correct bounded queue on plain promises: `put` waits while `maxsize` items are
 * queued, `get` while none is; each wakes one waiter of the other side, in FIFO order.
 */
class PromiseQueue<T> {
  readonly #items: T[] = [];
  #head = 0;
  readonly #getters: (() => void)[] = [];
  readonly #putters: (() => void)[] = [];
  readonly #maxsize: number;

  constructor(maxsize: number) {
    this.#maxsize = maxsize;
  }

  get #size(): number {
    return this.#items.length - this.#head;
  }

  async put(item: T): Promise<void> {
    while (this.#size >= this.#maxsize) {
      await new Promise<void>((resolve) => this.#putters.push(resolve));
    }
    this.#items.push(item);
    this.#getters.shift()?.();
  }

  async get(): Promise<T> {
    while (this.#size === 0) {
      await new Promise<void>((resolve) => this.#getters.push(resolve));
    }
    const item = this.#items[this.#head] as T;
    this.#head++;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items.splice(0, this.#head);
      this.#head = 0;
    }
    this.#putters.shift()?.();
    return item;
  }
}

interface AnyQueue {
  put(item: number): Promise<void>;
  get(): Promise<number>;
}

async function produce(queue: AnyQueue): Promise<void> {
  for (let i = 0; i < ITEMS; i++) await queue.put(i);
}

async function consume(queue: AnyQueue): Promise<void> {
  let sum = 0;
  for (let i = 0; i < ITEMS; i++) sum += await queue.get();
  if (sum !== (ITEMS * (ITEMS - 1)) / 2) throw new Error(`lost items: sum ${sum}`);
}

const storage = new AsyncLocalStorage<object>();

await runVariantIfAsked(import.meta.url, {
  async asyncio() {
    const ms = await timeRuns(() =>
      asyncio.run(async () => {
        const queue = new asyncio.Queue<number>(MAXSIZE);
        const producer = asyncio.createTask(() => produce(queue));
        const consumer = asyncio.createTask(() => consume(queue));
        await producer;
        await consumer;
      }),
    );
    return { ms };
  },
  async raw() {
    const ms = await timeRuns(async () => {
      const queue = new PromiseQueue<number>(MAXSIZE);
      await Promise.all([produce(queue), consume(queue)]);
    });
    return { ms };
  },
  async rawWithStorage() {
    const ms = await timeRuns(async () => {
      const queue = new PromiseQueue<number>(MAXSIZE);
      await Promise.all([
        storage.run({}, () => produce(queue)),
        storage.run({}, () => consume(queue)),
      ]);
    });
    return { ms };
  },
});

export function collect(): Report {
  return {
    title: "Producer and consumer through a Queue(100), 1,000,000 items",
    description:
      "One task puts 1,000,000 numbers into a queue bounded at 100 items, another gets them.",
    subject: "asyncio-ts",
    rows: [
      { label: "asyncio-ts", measurement: measureInChild(import.meta.url, "asyncio") },
      {
        label: "hand-written promise queue (raw Node)",
        measurement: measureInChild(import.meta.url, "raw"),
      },
      {
        label: "hand-written promise queue + AsyncLocalStorage.run per task",
        measurement: measureInChild(import.meta.url, "rawWithStorage"),
      },
      {
        label: "CPython asyncio.Queue",
        measurement: measurePython(
          new URL("../../bench/queue_pingpong.py", import.meta.url).pathname,
          [String(ITEMS), String(MAXSIZE)],
        ),
      },
    ],
    targets: [">= 0.8× the hand-written promise queue", ">= 3.5× CPython"],
  };
}
