/**
 * Semaphore and BoundedSemaphore under randomized cancellation: never more holders than
 * permits, permits conserved, queued requests granted in FIFO order (those not cancelled), no
 * request going past a live waiter, the line empty at the end, and no task left behind.
 */
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { check, GrantLog, LONG, liveCount, stressRounds, survive } from "./harness.js";

for (const Kind of [asyncio.Semaphore, asyncio.BoundedSemaphore]) {
  test(`${Kind.name}: permits conserved, FIFO grants, nothing left behind`, async () => {
    await stressRounds(Kind.name, { short: 40, long: 1500 }, async (round) => {
      const { random } = round;
      const permits = random.int(1, 4);
      const sem = new Kind(permits);
      const workers: asyncio.Task<unknown>[] = [];
      const log = new GrantLog();
      let holders = 0;
      const enter = (id: number): void => {
        holders++;
        check(holders <= permits, `${holders} holders of ${permits} permits`);
        check(sem._value + holders <= permits, `value ${sem._value} with ${holders} holders`);
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
          () => sem._waiters?.length ?? 0,
          () => liveCount(sem._waiters),
          start,
        );
      const operation = async (): Promise<void> => {
        await random.pause();
        switch (random.int(0, 3)) {
          case 0: {
            let id = -1;
            await request((n) => {
              id = n;
              return sem.acquire();
            });
            try {
              await critical(id);
            } finally {
              if (random.chance(0.25)) random.pick(workers).cancel();
              sem.release();
            }
            break;
          }
          case 1:
            await request((id) => sem.with(() => critical(id)));
            break;
          case 2: {
            let id = -1;
            await using _ = await request((n) => {
              id = n;
              return sem.hold();
            });
            await critical(id);
            break;
          }
          default:
            await request((id) =>
              sem.with(() => {
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
      const count = random.int(2, 9);
      for (let i = 0; i < count; i++) workers.push(round.spawn(worker, `worker-${i}`));
      round.chaos({
        victims: () => workers,
        meanDelay: random.int(2, 20) / 1000,
        duration: random.int(10, 100) / 1000,
        wakeRaces: [sem],
        quiet: () =>
          check(
            sem._value === 0 || liveCount(sem._waiters) === 0,
            `a permit is free but a waiter was never woken: ${sem}`,
          ),
      });
      await round.finish();

      log.checkFifo(`${Kind.name} grants`);
      check(sem._value === permits, `permits not conserved: ${sem._value} of ${permits}`);
      check((sem._waiters?.length ?? 0) === 0, `waiters left: ${sem}`);
    });
  });
}
