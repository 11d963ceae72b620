/**
 * `asyncioTest` and `asyncioSuite` called directly (the runner tests run them under node:test
 * and vitest): the fields of `LeakError`, the holds of executor jobs and wrapped promises, the
 * options, the runner's `this` and arguments, and a suite's teardown.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { asyncioSuite, asyncioTest, LeakError, VirtualClock } from "asyncio-ts/testing";
import { rejection } from "../helpers.js";

async function leakOf(wrapped: () => Promise<void>): Promise<LeakError> {
  const error = await rejection(wrapped());
  assert.ok(error instanceof LeakError, String(error));
  return error;
}

test("a clean body resolves, and the value it returns is not needed", async () => {
  let ran = false;
  await asyncioTest(async () => {
    await asyncio.gather(
      () => asyncio.sleep(0.001),
      () => asyncio.sleep(0.002),
    );
    ran = true;
  })();
  assert.equal(ran, true);
});

test("the wrapper declares no parameter and passes on the runner's this and arguments", async () => {
  const seen: unknown[] = [];
  const wrapped = asyncioTest(async function (this: unknown, a: number, b: string) {
    seen.push(this, a, b, asyncio.getRunningLoop() instanceof asyncio.EventLoop);
  });
  // mocha takes a function with one parameter for a `done` callback, node:test one with two.
  assert.equal(wrapped.length, 0);
  const context = { title: "mocha's this" };
  await wrapped.call(context, 1, "two");
  assert.deepEqual(seen, [context, 1, "two", true]);
});

test("LeakError lists the pending tasks, the unretrieved exceptions and the open holds", async () => {
  const error = await leakOf(
    asyncioTest(async function leaksThree() {
      const loop = asyncio.getRunningLoop();
      asyncio.createTask(() => asyncio.sleep(60), { name: "sleeper" });
      const failed = loop.createFuture<void>();
      failed.setException(new RangeError("out of range"));
      asyncio.wrap(new Promise((resolve) => setTimeout(resolve, 20)));
    }),
  );
  assert.equal(error.name, "LeakError");
  assert.deepEqual(
    error.tasks.map(({ name, createdAt }) => ({ name, createdAt })),
    [{ name: "sleeper", createdAt: null }],
  );
  assert.match(error.tasks[0]?.description ?? "", /<Task pending name="sleeper"/);
  assert.equal(error.unretrieved.length, 1);
  assert.ok(error.unretrieved[0]?.exception instanceof RangeError);
  assert.match(error.unretrieved[0]?.source ?? "", /^<Future finished/);
  assert.deepEqual(
    error.holds.map(({ description, kind }) => ({ description, kind })),
    [{ description: "wrap() of a promise", kind: "operation" }],
  );
  assert.match(
    error.message,
    /^test body leaksThree left 1 task pending, 1 exception never retrieved, 1 hold open:/,
  );
});

test("an executor job still running when the body returns is a leak", async () => {
  const error = await leakOf(
    asyncioTest(async () => {
      asyncio.toThread(() => {
        const end = Date.now() + 100;
        while (Date.now() < end) {}
      });
      await asyncio.sleep(0);
    }),
  );
  assert.equal(error.holds.length, 1);
  assert.match(error.holds[0]?.description ?? "", /pool job/);
});

test("a task that failed and was awaited is not a leak", async () => {
  await asyncioTest(async () => {
    const task = asyncio.createTask(async () => {
      throw new Error("seen");
    });
    await assert.rejects(task, /seen/);
  })();
});

test("debug mode says where a leaked task was created", async () => {
  const error = await leakOf(
    asyncioTest(
      async () => {
        asyncio.createTask(() => asyncio.sleep(60));
      },
      { debug: true },
    ),
  );
  assert.match(error.tasks[0]?.createdAt ?? "", /asyncioTest\.test\.js:\d+:\d+/);
  assert.doesNotMatch(error.message, /Pass \{ debug: true \}/);
});

test("a Clock instance is used as the loop's clock", async () => {
  await asyncioTest(
    async () => {
      await asyncio.sleep(5);
      assert.ok(asyncio.getRunningLoop().time() >= 105);
    },
    { clock: new VirtualClock({ autojump: true, start: 100 }) },
  )();
});

test("a timeout given as a duration string, in virtual seconds", async () => {
  const error = await rejection(
    asyncioTest(
      async function slowBody() {
        await asyncio.sleep(3600);
      },
      { clock: "virtual", timeout: "1m" },
    )(),
  );
  assert.ok(error instanceof asyncio.TimeoutError);
  assert.equal(error.message, "test body slowBody timed out after 60 s of loop time");
});

test("a TimeoutError of the body's own is not renamed", async () => {
  const error = await rejection(
    asyncioTest(
      async () => {
        await asyncio.timeout(1, () => asyncio.sleep(10));
      },
      { clock: "virtual", timeout: 30 },
    )(),
  );
  assert.ok(error instanceof asyncio.TimeoutError);
  assert.doesNotMatch(String(error.message), /test body/);
});

test("options are checked when the test is declared", () => {
  const body = async (): Promise<void> => {};
  assert.throws(() => asyncioTest(body, { clock: "fake" as "virtual" }), /clock must be/);
  assert.throws(() => asyncioTest(body, { debug: 1 as unknown as boolean }), /debug must be/);
  assert.throws(() => asyncioTest(body, { timeout: "soon" }), TypeError);
  assert.throws(() => asyncioTest("body" as unknown as () => void), /expects a test body/);
  assert.throws(() => asyncioSuite({ clock: 5 as unknown as "real" }), /clock must be/);
});

test("a suite's teardown fails for a fixture left open, after closing it", async () => {
  const suite = asyncioSuite({ clock: "virtual" });
  await suite.setup();
  await suite.run(() => asyncio.startServer(() => {}, "127.0.0.1", 0));
  await suite.test(async () => {
    await asyncio.sleep(1);
  })();
  const error = await rejection(suite.teardown());
  assert.ok(error instanceof LeakError, String(error));
  assert.match(error.message, /^the suite's fixtures left 1 hold open:/);
  assert.match(error.holds[0]?.description ?? "", /^server 127\.0\.0\.1:\d+$/);
  await rejection(suite.test(async () => {})());
  await suite.teardown(); // a second teardown does nothing
});

test("a suite's tests see the tasks of its fixtures, and leave them alone", async () => {
  const suite = asyncioSuite();
  const log: string[] = [];
  let feeder: asyncio.Task<void> | undefined;
  // Bounded, so that the feeder waits: an unbounded put() never yields to the loop.
  const queue = await suite.run(() => new asyncio.Queue<string>(1));
  await suite.run(async () => {
    feeder = asyncio.createTask(async () => {
      for (let i = 0; ; i++) await queue.put(`item ${i}`);
    });
  });
  for (let i = 0; i < 2; i++) {
    await suite.test(async () => {
      log.push(await queue.get());
    })();
  }
  assert.deepEqual(log, ["item 0", "item 1"]);
  assert.equal(feeder?.done(), false);
  await suite.run(async () => {
    feeder?.cancel();
  });
  await suite.teardown();
});
