/**
 * The notes' Lock counter, shared by the lock benchmarks: TASKS workers each run a body
 * `increments` times; the body increments `counter` under the lock.
 */

import type { Mutex } from "async-mutex";
import * as asyncio from "asyncio-ts";
import type { Measurement } from "./harness.js";
import { timeRuns } from "./harness.js";

export const TASKS = 10;

/** The shared counter the bodies increment. */
export const state = { counter: 0 };

function expectCount(total: number): void {
  if (state.counter !== total) throw new Error(`counter ${state.counter}, expected ${total}`);
}

/** Times `body` run by TASKS asyncio-ts tasks, `increments` times each, in a fresh loop. */
export async function asyncioCounter(
  increments: number,
  body: (lock: asyncio.Lock) => Promise<unknown>,
): Promise<Measurement> {
  const ms = await timeRuns(async () => {
    state.counter = 0;
    await asyncio.run(async () => {
      const lock = new asyncio.Lock();
      const tasks = [];
      for (let t = 0; t < TASKS; t++) {
        tasks.push(
          asyncio.createTask(async () => {
            for (let i = 0; i < increments; i++) await body(lock);
          }),
        );
      }
      for (const task of tasks) await task;
    });
    expectCount(TASKS * increments);
  });
  return { ms };
}

/** Times `body` run by TASKS plain async functions sharing one async-mutex `Mutex`. */
export async function mutexCounter(
  MutexClass: typeof Mutex,
  increments: number,
  body: (mutex: Mutex) => Promise<unknown>,
): Promise<Measurement> {
  const ms = await timeRuns(async () => {
    state.counter = 0;
    const mutex = new MutexClass();
    const workers = [];
    for (let t = 0; t < TASKS; t++) {
      workers.push(
        (async () => {
          for (let i = 0; i < increments; i++) await body(mutex);
        })(),
      );
    }
    await Promise.all(workers);
    expectCount(TASKS * increments);
  });
  return { ms };
}

/** CPython's run of the same counter (bench/lock_counter.py). */
export const pythonScript = new URL("../../bench/lock_counter.py", import.meta.url).pathname;
