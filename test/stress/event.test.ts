/**
 * Event under randomized cancellation of waiters and random set/clear: a waiter returns only
 * while or after the flag was set, every waiter still waiting at the final set() returns, and
 * no waiter entry or task is left behind.
 */
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { check, checkLineEmpty, LONG, stressRounds, survive } from "./harness.js";

test("Event: every waiter released by set(), nothing left behind", async () => {
  await stressRounds("Event", { short: 40, long: 1500 }, async (round) => {
    const { random } = round;
    const event = new asyncio.Event();
    let sets = 0;
    const waits = LONG ? 60 : 10;
    const waiter = async (): Promise<void> => {
      for (let i = 0; i < waits; i++) {
        await random.pause();
        await survive(async () => {
          const setsBefore = sets;
          const wasSet = event.isSet();
          check((await event.wait()) === true, "wait() resolved with something else than true");
          check(wasSet || sets > setsBefore, "a wait returned although set() was never called");
        });
      }
    };
    const waiters = Array.from({ length: random.int(1, 6) }, (_, i) =>
      round.spawn(waiter, `waiter-${i}`),
    );
    round.chaos({
      victims: () => waiters,
      meanDelay: random.int(2, 20) / 1000,
      duration: random.int(10, 100) / 1000,
      wakeRaces: true,
      quiet: () =>
        check(
          !event.isSet() || event.statistics().tasksWaiting === 0,
          `the event is set but a waiter was never woken: ${event}`,
        ),
    });
    const toggler = round.spawn(async () => {
      for (let turn = 0; turn < waits * 4; turn++) {
        await random.pause();
        if (random.chance(0.5)) {
          sets++;
          event.set();
        } else {
          event.clear();
        }
        if (random.chance(0.1)) {
          // set() then clear() in one step: the waiters woken by set() still return.
          sets++;
          event.set();
          event.clear();
        }
        await asyncio.sleep(random.int(1, 10) / 1000);
      }
    }, "toggler");
    await toggler;
    // The last word: set. Every waiter still waiting must return (woken by this alone).
    sets++;
    event.set();
    await round.finish();
    checkLineEmpty(event);
  });
});
