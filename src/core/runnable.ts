/**
 * What the loop's ready queue and timer heap hold: something to run in an iteration — a
 * Handle, a Task's step, the wake-up of code awaiting a Future.
 */
export interface Runnable {
  /** @internal */
  _run(): void;
}
