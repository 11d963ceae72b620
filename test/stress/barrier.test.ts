/**
 * Barrier under randomized cancellation, resets and aborts: indices within range, the last
 * arrival of a passage gets `parties - 1`, never more than `parties` tasks released by one
 * passage, and at the end nobody is left waiting, the count is back to zero and the internal
 * condition is free. (Indices of one passage may repeat after a cancellation, as in asyncio:
 * a cancelled waiter frees its place and the next arrival takes the count as its index.)
 */
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { check, LONG, stressRounds, survive } from "./harness.js";

test("Barrier: distinct indices per passage, nothing left behind", async () => {
  await stressRounds("Barrier", { short: 40, long: 1500 }, async (round) => {
    const { random } = round;
    const parties = random.int(1, 4);
    const barrier = new asyncio.Barrier(parties);
    // The tasks released since the last passage began (a passage begins with the index
    // parties - 1, returned by the last task to arrive, before the others return theirs).
    let cohort = 0;
    let passages = 0;
    const passed = (index: number): void => {
      check(index >= 0 && index < parties, `index ${index} of ${parties} parties`);
      if (index === parties - 1) {
        cohort = 0;
        passages++;
      }
      cohort++;
      check(passages > 0, `index ${index} returned before any passage`);
      check(cohort <= parties, `${cohort} tasks released by one passage of ${parties}`);
    };
    let stopping = false;
    const passes = LONG ? 40 : 8;
    const worker = async (): Promise<void> => {
      for (let i = 0; i < passes && !stopping; i++) {
        await random.pause();
        await survive(async () => {
          try {
            passed(await barrier.wait());
          } catch (error) {
            if (!(error instanceof asyncio.BrokenBarrierError)) throw error;
            if (barrier.broken && random.chance(0.5)) await barrier.reset();
          }
        });
      }
    };
    const workers = Array.from({ length: random.int(parties, parties + 4) }, (_, i) =>
      round.spawn(worker, `worker-${i}`),
    );
    round.chaos({
      victims: () => workers,
      meanDelay: random.int(5, 40) / 1000,
      duration: random.int(10, 100) / 1000,
      wakeRaces: true,
      quiet: () =>
        check(
          !barrier.statistics().conditionStatistics.lockStatistics.locked,
          `the barrier's condition is held while every task waits: ${barrier}`,
        ),
    });
    const disturber = round.spawn(async () => {
      for (let i = 0; i < 3; i++) {
        await asyncio.sleep(random.int(1, 50) / 1000);
        if (random.chance(0.5)) await barrier.reset();
        else await barrier.abort();
      }
    }, "disturber");
    await disturber;
    // Let the workers run on, then release whoever still waits for missing parties.
    await asyncio.sleep(1);
    stopping = true;
    await barrier.abort();
    await round.finish();
    const { tasksInside, conditionStatistics } = barrier.statistics();
    check(tasksInside === 0, `${tasksInside} tasks inside at the end`);
    check(barrier.nWaiting === 0, `${barrier.nWaiting} waiting at the end`);
    check(!conditionStatistics.lockStatistics.locked, "the barrier's condition is still locked");
    check(conditionStatistics.tasksWaiting === 0, "tasks left waiting on the barrier's condition");
  });
});
