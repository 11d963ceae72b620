/**
 * `asyncioTest(body)` and `asyncioSuite()`: test bodies that run on an asyncio-ts loop in any
 * runner that takes an async function (node:test, vitest, mocha), as pytest-asyncio's
 * `@pytest.mark.asyncio` and its `loop_scope`, and that fail for whatever they leave behind.
 *
 * One test: a `Runner` is opened for the body and closed after it, as `asyncio.run(body)`.
 * A suite: one `Runner` opened by `setup()` (in `before`) and closed by `teardown()` (in
 * `after`); each test body, and each fixture given to `run()`, is one `runner.run()` on it.
 *
 * When the body returns, the leak check (`leaks.ts`) looks at the loop: tasks the body started
 * that are still pending are cancelled (as `asyncio.run()` would) and waited for, then the test
 * fails with a `LeakError` naming them, the exceptions nobody retrieved and the holds still
 * open. A body that fails keeps its own error; its leftovers are cleaned up all the same.
 */
import type { Clock } from "../core/clock.js";
import { toSecondsOrNull } from "../core/durations.js";
import { TimeoutError } from "../core/errors.js";
import type { EventLoop } from "../core/loop.js";
import { Runner } from "../core/runner.js";
import type { Task } from "../core/task.js";
import { currentTask } from "../core/task.js";
import { describeValue, requireOptions } from "../core/validate.js";
import type { Timeout } from "../flow/timeout.js";
import { timeout as withTimeout } from "../flow/timeout.js";
import { wait } from "../flow/wait.js";
import type { Leaks } from "./leaks.js";
import { LeakError, LeakWatch } from "./leaks.js";
import { VirtualClock } from "./virtualClock.js";

/** Options of {@link asyncioTest} and {@link asyncioSuite}. */
export interface AsyncioTestOptions {
  /**
   * The loop's clock: `"virtual"` (a `VirtualClock` with `autojump`, so sleeps and timeouts
   * take no real time), `"real"` (the default), or any `Clock`.
   */
  clock?: "virtual" | "real" | Clock;
  /**
   * Fail a body still running after this many seconds of the loop's clock (virtual seconds
   * under `clock: "virtual"`) with a `TimeoutError` naming it; a number or a duration string.
   * None by default.
   */
  timeout?: number | string | null;
  /** Debug mode on the loop, and leak reports that say where each thing was created. */
  debug?: boolean;
}

/** A test body: it receives what the runner passes (node:test's or vitest's test context). */
export type TestBody<A extends unknown[]> = (...args: A) => unknown;

/** Options of one test of a suite (see {@link AsyncioSuite.test}). */
export interface SuiteTestOptions {
  /** As {@link AsyncioTestOptions.timeout}, for this test (the suite's by default). */
  timeout?: number | string | null;
}

/** Seconds the leak check waits for cancelled leftover tasks to finish (loop time). */
const CANCEL_GRACE = 1;

interface CheckedOptions {
  readonly makeClock: () => Clock | undefined;
  readonly timeout: number | null;
  readonly debug: boolean | undefined;
}

function checkOptions(options: AsyncioTestOptions, where: string): CheckedOptions {
  requireOptions(options, `${where} options`);
  const { clock, debug } = options;
  let makeClock: () => Clock | undefined;
  if (clock === undefined || clock === "real") {
    makeClock = () => undefined;
  } else if (clock === "virtual") {
    makeClock = () => new VirtualClock({ autojump: true });
  } else if (clock !== null && typeof clock === "object" && typeof clock.now === "function") {
    makeClock = () => clock;
  } else {
    throw new TypeError(
      `clock must be "virtual", "real" or a Clock, got ${describeValue(clock as unknown)}`,
    );
  }
  if (debug !== undefined && typeof debug !== "boolean") {
    throw new TypeError(`debug must be a boolean, got ${describeValue(debug)}`);
  }
  return { makeClock, timeout: toSecondsOrNull(options.timeout ?? null, "timeout"), debug };
}

function bodyName(body: (...args: never[]) => unknown): string {
  return body.name === "" ? "test body" : `test body ${body.name}`;
}

/**
 * Runs `body` as the current task on `loop`, then the leak check; `what` names the body in
 * errors. Fixtures (`leakCheck` false) skip the check.
 */
async function runBody(
  loop: EventLoop,
  body: () => unknown,
  what: string,
  seconds: number | null,
  leakCheck: boolean,
): Promise<unknown> {
  const self = currentTask() as Task<unknown>;
  const watch = new LeakWatch(loop);
  const baseline = watch.baseline(self);
  let result: unknown;
  try {
    if (seconds === null) {
      result = await body();
    } else {
      let scope: Timeout | null = null;
      try {
        result = await withTimeout(seconds, (cm) => {
          scope = cm;
          return body();
        });
      } catch (error) {
        if (error instanceof TimeoutError && (scope as Timeout | null)?.expired() === true) {
          throw new TimeoutError(`${what} timed out after ${seconds} s of loop time`, {
            cause: error,
          });
        }
        throw error;
      }
    }
  } catch (error) {
    if (leakCheck) await cancelLeftovers(watch.collect(baseline, self).leftovers);
    throw error;
  }
  if (!leakCheck) return result;
  const { leaks, leftovers } = watch.collect(baseline, self);
  await cancelLeftovers(leftovers);
  if (leaks.tasks.length + leaks.unretrieved.length + leaks.holds.length > 0) {
    throw new LeakError(what, leaks, loop.getDebug());
  }
  return result;
}

/** Cancels the tasks a body left pending and waits (a little) for them to end. */
async function cancelLeftovers(tasks: readonly Task<unknown>[]): Promise<void> {
  if (tasks.length === 0) return;
  for (const task of tasks) task.cancel();
  const [done] = await wait(tasks, { timeout: CANCEL_GRACE });
  // Their errors are part of what the test left behind, not news for the exception handler.
  for (const task of done) if (!task.cancelled()) task.exception();
}

/**
 * Wraps an async test body so that it runs as the main task of its own loop, as
 * `asyncio.run(body)`, in any runner that takes an async function: node:test, vitest, mocha.
 * The body receives what the runner passes (node:test's `t`, vitest's context) and runs with
 * the runner's `this` (mocha's context).
 *
 * The test fails with a {@link LeakError} if, when the body returns, a task it started is
 * still pending (it is cancelled, as `asyncio.run()` would), a task's exception was never
 * retrieved, or an in-flight hold is still open: a socket, a server, a subprocess, an executor
 * job, a wrapped promise.
 *
 * @example
 * import { test } from "node:test";
 * import { asyncioTest } from "asyncio-ts/testing";
 *
 * test("fetchData returns data", asyncioTest(async () => {
 *   assert.equal(await fetchData(), "data"); // its 2 s sleep takes no real time
 * }, { clock: "virtual" }));
 */
export function asyncioTest<A extends unknown[]>(
  body: TestBody<A>,
  options: AsyncioTestOptions = {},
): (...args: A) => Promise<void> {
  if (typeof body !== "function") {
    throw new TypeError(`asyncioTest() expects a test body function, got ${describeValue(body)}`);
  }
  const { makeClock, timeout, debug } = checkOptions(options, "asyncioTest()");
  const what = bodyName(body);
  // No declared parameter: mocha would take one for a `done` callback, node:test two.
  return async function asyncioTestBody(this: unknown, ...args: A): Promise<void> {
    const runner = new Runner({ clock: makeClock(), debug });
    try {
      const loop = runner.getLoop();
      await runner.run(() => runBody(loop, () => body.apply(this, args), what, timeout, true));
    } finally {
      await runner.close();
    }
  };
}

/** A loop shared by the tests of a suite; see {@link asyncioSuite}. */
export interface AsyncioSuite {
  /** Opens the suite's loop (for `before`); later calls do nothing. */
  setup(): Promise<void>;
  /**
   * Runs `fixture` on the suite's loop and resolves with its result (for `before`/`after`
   * hooks: async fixtures, their teardown). No leak check: a fixture's tasks and sockets are
   * meant to outlive it.
   */
  run<T>(fixture: () => T | PromiseLike<T>): Promise<Awaited<T>>;
  /**
   * Wraps a test body to run on the suite's loop, with the leak check of `asyncioTest` (what
   * was open before the test — the fixtures — is not counted).
   */
  test<A extends unknown[]>(
    body: TestBody<A>,
    options?: SuiteTestOptions,
  ): (...args: A) => Promise<void>;
  /**
   * Closes the suite's loop (for `after`): fails with a {@link LeakError} if tasks are still
   * pending or holds open (a fixture nobody tore down), after cancelling and closing them.
   */
  teardown(): Promise<void>;
  /** The suite's loop (opens it if needed). */
  getLoop(): EventLoop;
}

/**
 * One loop for all the tests of a suite, as pytest-asyncio's `loop_scope="module"` (or
 * `"class"`): async fixtures made in `before` (a server, a connection pool, a background task)
 * are used by every test, because every test runs on the loop they were made on.
 *
 * @example
 * const suite = asyncioSuite({ clock: "virtual" });
 * let server: asyncio.Server;
 * before(async () => {
 *   await suite.setup();
 *   server = await suite.run(() => asyncio.startServer(echo, "127.0.0.1", 0));
 * });
 * after(async () => {
 *   await suite.run(async () => { server.close(); await server.waitClosed(); });
 *   await suite.teardown();
 * });
 * test("echoes", suite.test(async () => { ... }));
 */
export function asyncioSuite(options: AsyncioTestOptions = {}): AsyncioSuite {
  const { makeClock, timeout, debug } = checkOptions(options, "asyncioSuite()");
  let runner: Runner | null = null;
  let closed = false;
  const open = (): Runner => {
    if (closed) throw new Error("asyncioSuite: the suite's loop was torn down");
    if (runner === null) {
      runner = new Runner({ clock: makeClock(), debug });
    }
    return runner;
  };
  const suite: AsyncioSuite = {
    async setup(): Promise<void> {
      open();
    },
    getLoop(): EventLoop {
      return open().getLoop();
    },
    async run<T>(fixture: () => T | PromiseLike<T>): Promise<Awaited<T>> {
      if (typeof fixture !== "function") {
        throw new TypeError(`suite.run() expects a function, got ${describeValue(fixture)}`);
      }
      const r = open();
      const loop = r.getLoop();
      return (await r.run(() => runBody(loop, fixture, "fixture", null, false))) as Awaited<T>;
    },
    test<A extends unknown[]>(
      body: TestBody<A>,
      testOptions: SuiteTestOptions = {},
    ): (...args: A) => Promise<void> {
      if (typeof body !== "function") {
        throw new TypeError(
          `suite.test() expects a test body function, got ${describeValue(body)}`,
        );
      }
      requireOptions(testOptions, "suite.test() options");
      const seconds =
        testOptions.timeout === undefined
          ? timeout
          : toSecondsOrNull(testOptions.timeout, "timeout");
      const what = bodyName(body);
      return async function asyncioSuiteTestBody(this: unknown, ...args: A): Promise<void> {
        const r = open();
        const loop = r.getLoop();
        await r.run(() => runBody(loop, () => body.apply(this, args), what, seconds, true));
      };
    },
    async teardown(): Promise<void> {
      if (closed) return;
      closed = true;
      const r = runner;
      if (r === null) return;
      const loop = r.getLoop();
      const watch = new LeakWatch(loop);
      const empty = { tasks: new Set<Task<unknown>>(), holds: new Set<never>() };
      let leaks: Leaks;
      try {
        leaks = await r.run(async () => {
          const found = watch.collect(empty, currentTask());
          await cancelLeftovers(found.leftovers);
          return found.leaks;
        });
      } finally {
        await r.close();
      }
      if (leaks.tasks.length + leaks.unretrieved.length + leaks.holds.length > 0) {
        throw new LeakError("the suite's fixtures", leaks, loop.getDebug());
      }
    },
  };
  return suite;
}
