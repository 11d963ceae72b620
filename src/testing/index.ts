/**
 * asyncio-ts/testing: helpers for testing code built on asyncio-ts.
 */
export type { VirtualClockOptions } from "./virtualClock.js";
export { VirtualClock } from "./virtualClock.js";
