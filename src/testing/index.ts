/**
 * asyncio-ts/testing: helpers for testing code built on asyncio-ts.
 */
export type {
  AsyncioSuite,
  AsyncioTestOptions,
  SuiteTestOptions,
  TestBody,
} from "./asyncioTest.js";
export { asyncioSuite, asyncioTest } from "./asyncioTest.js";
export type { LeakedHold, LeakedTask, Leaks, UnretrievedException } from "./leaks.js";
export { LeakError } from "./leaks.js";
export type { VirtualClockOptions } from "./virtualClock.js";
export { VirtualClock } from "./virtualClock.js";
