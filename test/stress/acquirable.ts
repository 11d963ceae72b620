/**
 * The round the Lock and Semaphore stress tests share: workers take and give back the
 * primitive in every form (acquire/release, `with()` around an async body, `hold()` with
 * `await using`, `with()` around a synchronous body) while tasks are cancelled at random,
 * including in the same step as a release. Each entry into the critical section is checked by
 * the caller's `checkEntry`; the grants are logged for the FIFO check.
 */
import type * as asyncio from "asyncio-ts";
import type { Round } from "./harness.js";
import { check, checkLineEmpty, GrantLog, LONG, survive } from "./harness.js";

/** What a round needs to know about the primitive under test. */
export interface Acquirable {
  /** The primitive. */
  readonly primitive: asyncio.Lock | asyncio.Semaphore;
  /** Checks the invariants on entry, `holders` counting the entering worker. */
  checkEntry(holders: number): void;
  /** Whether a worker could take the primitive now (then no live waiter may be left asleep). */
  isFree(): boolean;
  /** The most workers to start. */
  maxWorkers: number;
}

/** Runs one round on `subject`; returns the grant log for the caller's final checks. */
export async function acquirableRound(round: Round, subject: Acquirable): Promise<GrantLog> {
  const { random } = round;
  const { primitive } = subject;
  const workers: asyncio.Task<unknown>[] = [];
  const log = new GrantLog();
  let holders = 0;
  const enter = (id: number): void => {
    holders++;
    subject.checkEntry(holders);
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
  const request = <T>(start: (id: number) => T): T => log.request(primitive, start);
  const operation = async (): Promise<void> => {
    await random.pause();
    switch (random.int(0, 3)) {
      case 0: {
        let id = -1;
        await request((n) => {
          id = n;
          return primitive.acquire();
        });
        try {
          await critical(id);
        } finally {
          // Now and then, cancel another worker in the same step as the release.
          if (random.chance(0.25)) random.pick(workers).cancel();
          primitive.release();
        }
        break;
      }
      case 1:
        await request((id) => primitive.with(() => critical(id)));
        break;
      case 2: {
        let id = -1;
        await using _ = await request((n) => {
          id = n;
          return primitive.hold();
        });
        await critical(id);
        break;
      }
      default:
        await request((id) =>
          primitive.with(() => {
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
  const count = random.int(2, subject.maxWorkers);
  for (let i = 0; i < count; i++) workers.push(round.spawn(worker, `worker-${i}`));
  round.chaos({
    victims: () => workers,
    meanDelay: random.int(2, 20) / 1000,
    duration: random.int(10, 100) / 1000,
    wakeRaces: true,
    quiet: () =>
      check(
        !subject.isFree() || primitive.statistics().tasksWaiting === 0,
        `${primitive} is free but a waiter was never woken`,
      ),
  });
  await round.finish();
  checkLineEmpty(primitive);
  return log;
}
