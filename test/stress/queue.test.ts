/**
 * Queue, LifoQueue and PriorityQueue under randomized cancellation of producers and
 * consumers: no item lost or delivered twice (every item whose put succeeded is delivered
 * once, still queued, or dropped by an immediate shutdown; no item of a failed put ever
 * appears), a FIFO queue keeps each producer's order for each consumer, no waiter left behind
 * once things settle (no live getter while items wait, no live putter while slots are free),
 * `taskDone` accounting matches, and shutdown releases everybody.
 */
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { check, checkLineEmpty, LONG, stressRounds, survive } from "./harness.js";

/** An item: which producer made it, and its number there (increasing per producer). */
interface Item {
  producer: number;
  seq: number;
  /** The priority a PriorityQueue orders it by. */
  priority: number;
}

const KINDS = [
  ["Queue", (maxsize: number) => new asyncio.Queue<Item>(maxsize)],
  ["LifoQueue", (maxsize: number) => new asyncio.LifoQueue<Item>(maxsize)],
  [
    "PriorityQueue",
    (maxsize: number) =>
      new asyncio.PriorityQueue<Item>({ maxsize, compare: (a, b) => a.priority - b.priority }),
  ],
] as const;

/** Runs `fn` until the queue is shut down (returns false then). */
async function untilShutDown(fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (error) {
    if (error instanceof asyncio.QueueShutDown) return false;
    throw error;
  }
}

for (const [name, make] of KINDS) {
  test(`${name}: no item lost or delivered twice, nothing left behind`, async () => {
    await stressRounds(name, { short: 40, long: 1500 }, async (round) => {
      const { random } = round;
      const q = make(random.int(0, 4));
      const putOk = new Set<Item>();
      const putFailed = new Set<Item>();
      const delivered = new Set<Item>();
      // For the FIFO check: the last seq each consumer saw from each producer.
      const lastSeen = new Map<string, number>();
      const perProducer = LONG ? 80 : 12;

      const producer = (p: number) => async (): Promise<void> => {
        const resilient = random.chance(0.7);
        for (let seq = 0; seq < perProducer; seq++) {
          const item: Item = { producer: p, seq, priority: random.int(0, 5) };
          const put = async (): Promise<void> => {
            await random.pause();
            try {
              if (random.chance(0.2) && !q.full()) q.putNowait(item);
              else await q.put(item);
            } catch (error) {
              putFailed.add(item);
              throw error;
            }
            putOk.add(item);
          };
          const going = await untilShutDown(() => (resilient ? survive(put) : put()));
          if (!going) return;
        }
      };
      const receive = (c: number, item: Item): void => {
        check(!delivered.has(item), `item ${item.producer}/${item.seq} delivered twice`);
        check(!putFailed.has(item), `item ${item.producer}/${item.seq} of a failed put delivered`);
        delivered.add(item);
        q.taskDone();
        if (name === "Queue") {
          const key = `${c}/${item.producer}`;
          const last = lastSeen.get(key) ?? -1;
          check(item.seq > last, `consumer ${c} got ${item.seq} after ${last} of ${item.producer}`);
          lastSeen.set(key, item.seq);
        }
      };
      const consumer = (c: number) => async (): Promise<void> => {
        const resilient = random.chance(0.7);
        const take = async (): Promise<void> => {
          await random.pause();
          if (random.chance(0.2) && !q.empty()) receive(c, q.getNowait());
          else receive(c, await q.get());
        };
        while (await untilShutDown(() => (resilient ? survive(take) : take()))) {
          // next item
        }
      };

      const producers = Array.from({ length: random.int(1, 4) }, (_, p) =>
        round.spawn(producer(p), `producer-${p}`),
      );
      const consumers = Array.from({ length: random.int(1, 4) }, (_, c) =>
        round.spawn(consumer(c), `consumer-${c}`),
      );
      const settled = (): void => {
        const { gettersWaiting, puttersWaiting } = q.statistics();
        check(
          q.empty() || gettersWaiting === 0,
          `a getter waits while ${q.qsize()} item(s) are queued: ${q}`,
        );
        check(q.full() || puttersWaiting === 0, `a putter waits while the queue has room: ${q}`);
      };
      round.chaos({
        victims: () => [...producers, ...consumers],
        meanDelay: random.int(2, 20) / 1000,
        duration: random.int(10, 100) / 1000,
        wakeRaces: true,
        quiet: settled,
      });
      // Let everything settle: the cancellations are over and nothing else runs after this.
      await asyncio.sleep(5);
      settled();
      const immediate = random.chance(0.5);
      const queuedAtShutdown = q.qsize();
      q.shutdown({ immediate });
      await round.finish();

      const remaining: Item[] = [];
      while (!q.empty()) remaining.push(q.getNowait());
      for (const item of remaining) {
        check(!delivered.has(item), "an item both delivered and still queued");
      }
      const dropped = immediate ? queuedAtShutdown : 0;
      check(
        delivered.size + remaining.length + dropped === putOk.size,
        `${putOk.size} items put, ${delivered.size} delivered, ${remaining.length} left, ` +
          `${dropped} dropped by the shutdown`,
      );
      for (const item of delivered) check(putOk.has(item), "an item delivered but never put");
      const { unfinishedTasks } = q.statistics();
      check(unfinishedTasks === remaining.length, `unfinished ${unfinishedTasks}`);
      checkLineEmpty(q);
    });
  });
}
