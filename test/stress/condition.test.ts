/**
 * Condition under randomized cancellation of consumers: never two holders of its lock, the
 * lock held again whenever `wait()` returns or throws, no notification lost (no consumer
 * waits un-notified while units are left, and every unit is consumed while a consumer is
 * alive to take it), nothing left behind.
 */
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { check, checkLineEmpty, LONG, stressRounds, survive } from "./harness.js";

test("Condition: notifications never lost, the lock always re-acquired", async () => {
  await stressRounds("Condition", { short: 40, long: 1500 }, async (round) => {
    const { random } = round;
    const cond = new asyncio.Condition();
    let holders = 0;
    let units = 0;
    let produced = 0;
    let consumed = 0;
    let closing = false;
    const inside = async (body: () => Promise<void>): Promise<void> => {
      await cond.with(async () => {
        holders++;
        check(holders === 1, `${holders} holders of the condition's lock`);
        try {
          await body();
        } finally {
          holders--;
        }
      });
    };
    const waitHolding = async (predicate: () => boolean): Promise<void> => {
      // wait()/waitFor() give the lock up while waiting: account for it around the call.
      holders--;
      try {
        if (random.chance(0.5)) {
          await cond.waitFor(predicate);
        } else {
          while (!predicate()) await cond.wait();
        }
      } finally {
        check(cond.locked(), "a wait ended without the lock");
        holders++;
        check(holders === 1, `${holders} holders after a wait`);
      }
    };
    const producerCount = random.int(1, 3);
    const perProducer = LONG ? 60 : 10;
    const producers = Array.from({ length: producerCount }, (_, p) =>
      round.spawn(async () => {
        for (let i = 0; i < perProducer; i++) {
          await random.pause();
          await inside(async () => {
            const n = random.int(1, 2);
            units += n;
            produced += n;
            if (random.chance(0.3)) cond.notifyAll();
            else cond.notify(n);
          });
        }
      }, `producer-${p}`),
    );
    // Most consumers survive cancellations and go on; the others end at the first one.
    const consumer = async (): Promise<void> => {
      const resilient = random.chance(0.7);
      const take = (): Promise<void> =>
        inside(async () => {
          await waitHolding(() => units > 0 || closing);
          if (units > 0) {
            units--;
            consumed++;
          }
        });
      while (!closing || units > 0) {
        if (resilient) await survive(take);
        else await take();
      }
    };
    const consumers = Array.from({ length: random.int(1, 4) }, (_, c) =>
      round.spawn(consumer, `consumer-${c}`),
    );
    round.chaos({
      victims: () => consumers,
      meanDelay: random.int(2, 20) / 1000,
      duration: random.int(10, 100) / 1000,
      wakeRaces: true,
      quiet: () => {
        const { tasksWaiting, lockStatistics } = cond.statistics();
        check(
          units === 0 || tasksWaiting === 0,
          `${units} unit(s) left while a consumer waits un-notified: ${cond}`,
        );
        check(
          lockStatistics.locked || lockStatistics.tasksWaiting === 0,
          `the lock is free but a waiter was never woken: ${cond}`,
        );
      },
    });
    for (const task of producers) await task;
    // No more cancellations now: the consumers must take every unit left, woken by the
    // producers' notifications alone (a lost one leaves them waiting with units > 0).
    await asyncio.sleep(1);
    const alive = consumers.filter((task) => !task.done()).length;
    check(
      units === 0 || alive === 0,
      `${units} unit(s) never consumed by ${alive} consumer(s): a notification was lost (${cond})`,
    );
    await cond.with(() => {
      closing = true;
      cond.notifyAll();
    });
    await round.finish();
    check(
      consumed + units === produced,
      `${produced} produced, ${consumed} consumed, ${units} left`,
    );
    check(!cond.locked(), "the lock is still held at the end");
    checkLineEmpty(cond);
    check(cond.statistics().lockStatistics.tasksWaiting === 0, `lock waiters left: ${cond}`);
  });
});
