/**
 * Lock under randomized cancellation: never two holders, queued requests granted in FIFO
 * order (those not cancelled), no request going past a live waiter, the lock free and its
 * line empty at the end, and no task left behind.
 */
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { check, GrantLog, LONG, liveCount, stressRounds, survive } from "./harness.js";

test("Lock: one holder at a time, FIFO grants, nothing left behind", async () => {
  await stressRounds("Lock", { short: 40, long: 1500 }, async (round) => {
    const { random } = round;
    const lock = new asyncio.Lock();
    const workers: asyncio.Task<unknown>[] = [];
    const log = new GrantLog();
    let holders = 0;
    const enter = (id: number): void => {
      holders++;
      check(holders === 1, `${holders} holders of the lock at once`);
      check(lock.locked(), "a holder found the lock unlocked");
      log.grant(id);
    };
    const critical = async (id: number): Promise<void> => {
      enter(id);
      try {
        await random.pause();
      } finally {
        holders--;
      }
    };
    const request = <T>(start: (id: number) => T): T =>
      log.request(
        () => lock._waiters?.length ?? 0,
        () => liveCount(lock._waiters),
        start,
      );
    const operation = async (): Promise<void> => {
      await random.pause();
      switch (random.int(0, 3)) {
        case 0: {
          let id = -1;
          await request((n) => {
            id = n;
            return lock.acquire();
          });
          try {
            await critical(id);
          } finally {
            // Now and then, cancel another worker in the same step as the release.
            if (random.chance(0.25)) random.pick(workers).cancel();
            lock.release();
          }
          break;
        }
        case 1:
          await request((id) => lock.with(() => critical(id)));
          break;
        case 2: {
          let id = -1;
          await using _ = await request((n) => {
            id = n;
            return lock.hold();
          });
          await critical(id);
          break;
        }
        default:
          await request((id) =>
            lock.with(() => {
              enter(id);
              holders--;
            }),
          );
      }
    };
    const operations = LONG ? 60 : 10;
    // Most workers survive cancellations and go on; the others end at the first one.
    const worker = async (): Promise<void> => {
      const resilient = random.chance(0.7);
      for (let i = 0; i < operations; i++) {
        if (resilient) await survive(operation);
        else await operation();
      }
    };
    const count = random.int(2, 8);
    for (let i = 0; i < count; i++) workers.push(round.spawn(worker, `worker-${i}`));
    round.chaos({
      victims: () => workers,
      meanDelay: random.int(2, 20) / 1000,
      duration: random.int(10, 100) / 1000,
      wakeRaces: [lock],
      quiet: () =>
        check(
          lock.locked() || liveCount(lock._waiters) === 0,
          `the lock is free but a waiter was never woken: ${lock}`,
        ),
    });
    await round.finish();

    log.checkFifo("Lock grants");
    check(!lock.locked(), "the lock is still held at the end");
    check((lock._waiters?.length ?? 0) === 0, `waiters left: ${lock}`);
  });
});
