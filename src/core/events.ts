/**
 * The current event loop of the low-level style, as asyncio's `events.py`: `getEventLoop()`,
 * `setEventLoop(loop)`, `newEventLoop()`.
 *
 * Invariant: `currentLoop` is the loop last given to `setEventLoop()` (per thread: a worker
 * thread has its own copy of this module), or null. `run()` and `Runner` neither read nor
 * change it: inside them, `getEventLoop()` returns the running loop.
 */
import { RuntimeError } from "./errors.js";
import type { EventLoopOptions } from "./loop.js";
import { EventLoop } from "./loop.js";
import { scopeStorage } from "./scope.js";
import { describeValue } from "./validate.js";

let currentLoop: EventLoop | null = null;

/**
 * The running loop when called from a task or a callback; otherwise the loop set with
 * `setEventLoop()`. Without either it throws a `RuntimeError` (as Python 3.14 does; 3.12 and
 * 3.13 warn and create a loop instead).
 *
 * @throws RuntimeError outside a running loop when no loop was set with `setEventLoop()`.
 * @example
 * await asyncio.run(async () => {
 *   const loop = asyncio.getEventLoop(); // the running loop, as getRunningLoop()
 *   console.log(loop.time());
 * });
 */
export function getEventLoop(): EventLoop {
  const running = scopeStorage.getStore()?._loop;
  if (running?.isRunning()) return running;
  if (currentLoop !== null) return currentLoop;
  throw new RuntimeError(
    "There is no current event loop: run your program with `await asyncio.run(main)` and " +
      "use asyncio.getRunningLoop() inside it, or create one with asyncio.newEventLoop() " +
      "and make it current with asyncio.setEventLoop(loop)",
  );
}

/**
 * Makes `loop` the current loop, the one `getEventLoop()` returns outside a running loop;
 * `null` unsets it.
 *
 * @example
 * const loop = asyncio.newEventLoop();
 * asyncio.setEventLoop(loop);
 * asyncio.getEventLoop() === loop; // true
 */
export function setEventLoop(loop: EventLoop | null): void {
  if (loop !== null && !(loop instanceof EventLoop)) {
    throw new TypeError(`setEventLoop() expects an EventLoop or null, got ${describeValue(loop)}`);
  }
  currentLoop = loop;
}

/**
 * A new event loop, not running and not current (`setEventLoop()` makes it current). Run it
 * with `loop.runUntilComplete(main)` or `loop.runForever()`, and `close()` it at the end.
 * Takes the options of the `EventLoop` constructor (`clock`, `debug`).
 *
 * @example
 * const loop = asyncio.newEventLoop();
 * try {
 *   await loop.runUntilComplete(main);
 * } finally {
 *   loop.close();
 * }
 */
export function newEventLoop(options?: EventLoopOptions): EventLoop {
  return new EventLoop(options);
}
