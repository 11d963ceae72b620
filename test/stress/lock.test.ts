/**
 * Lock under randomized cancellation: never two holders, queued requests granted in FIFO
 * order (those not cancelled), no request going past a live waiter, the lock free and its
 * line empty at the end, and no task left behind.
 */
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { acquirableRound } from "./acquirable.js";
import { check, stressRounds } from "./harness.js";

test("Lock: one holder at a time, FIFO grants, nothing left behind", async () => {
  await stressRounds("Lock", { short: 40, long: 1500 }, async (round) => {
    const lock = new asyncio.Lock();
    const log = await acquirableRound(round, {
      primitive: lock,
      checkEntry(holders) {
        check(holders === 1, `${holders} holders of the lock at once`);
        check(lock.locked(), "a holder found the lock unlocked");
      },
      isFree: () => !lock.locked(),
      maxWorkers: 8,
    });
    log.checkFifo("Lock grants");
    check(!lock.locked(), "the lock is still held at the end");
  });
});
