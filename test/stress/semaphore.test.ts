/**
 * Semaphore and BoundedSemaphore under randomized cancellation: never more holders than
 * permits, permits conserved, queued requests granted in FIFO order (those not cancelled), no
 * request going past a live waiter, the line empty at the end, and no task left behind.
 */
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { acquirableRound } from "./acquirable.js";
import { check, stressRounds } from "./harness.js";

for (const Kind of [asyncio.Semaphore, asyncio.BoundedSemaphore]) {
  test(`${Kind.name}: permits conserved, FIFO grants, nothing left behind`, async () => {
    await stressRounds(Kind.name, { short: 40, long: 1500 }, async (round) => {
      const permits = round.random.int(1, 4);
      const sem = new Kind(permits);
      const log = await acquirableRound(round, {
        primitive: sem,
        checkEntry(holders) {
          check(holders <= permits, `${holders} holders of ${permits} permits`);
          const { value } = sem.statistics();
          check(value + holders <= permits, `value ${value} with ${holders} holders`);
        },
        isFree: () => sem.statistics().value > 0,
        maxWorkers: 9,
      });
      log.checkFifo(`${Kind.name} grants`);
      const { value } = sem.statistics();
      check(value === permits, `permits not conserved: ${value} of ${permits}`);
    });
  });
}
