/**
 * In-flight holds (`loop.inFlight()`): how work outside the loop holds virtual time, shows in
 * `loop.statistics()` and in the deadlock report. Beyond CPython, which has no virtual time.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { VirtualClock } from "asyncio-ts/testing";
import { rejection, runVirtual } from "../helpers.js";
import { runScript } from "./childProcess.js";

/** Calls `fn` after `ms` real milliseconds: the stand-in for work done outside the loop. */
function outsideAfter(ms: number, fn: () => void): void {
  setTimeout(fn, ms);
}

test("a hold is listed by loop.statistics() until it is released, once", async () => {
  await runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    await asyncio.sleep(5);
    const connect = loop.inFlight("connect 127.0.0.1:5432");
    const server = loop.inFlight("listening on 127.0.0.1:8080", { kind: "outside" });
    assert.deepEqual(loop.statistics().inFlight, [
      { description: "connect 127.0.0.1:5432", kind: "operation", since: 5 },
      { description: "listening on 127.0.0.1:8080", kind: "outside", since: 5 },
    ]);
    assert.equal(String(connect), "<InFlight open operation: connect 127.0.0.1:5432>");
    connect.release();
    connect.release(); // a second release does nothing
    assert.equal(connect.released, true);
    assert.deepEqual(
      loop.statistics().inFlight.map((hold) => hold.description),
      ["listening on 127.0.0.1:8080"],
    );
    {
      using _ = loop.inFlight("lookup example.test");
      assert.equal(loop.statistics().inFlight.length, 2);
    }
    assert.equal(loop.statistics().inFlight.length, 1);
    server.release();
    assert.deepEqual(loop.statistics().inFlight, []);
  });
});

test("loop.statistics() counts ready callbacks, timers and tasks", async () => {
  await runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    const before = loop.statistics();
    loop.callSoon(() => {});
    const timer = loop.callLater(10, () => {});
    const task = asyncio.createTask(() => asyncio.sleep(1));
    const after = loop.statistics();
    assert.equal(after.ready, before.ready + 2); // the callback and the task's first step
    assert.equal(after.timers, before.timers + 1);
    assert.equal(after.tasks, before.tasks + 1);
    timer.cancel();
    await task;
  });
});

test("inFlight() validates its arguments and refuses a closed loop", async () => {
  let closed: asyncio.EventLoop | null = null;
  await runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    closed = loop;
    assert.throws(() => loop.inFlight(""), /description must be a non-empty string/);
    assert.throws(() => loop.inFlight(42 as never), TypeError);
    assert.throws(() => loop.inFlight("job", { kind: "later" as never }), /kind must be/);
    assert.throws(() => loop.inFlight("job", 5 as never), /options must be an options object/);
    assert.deepEqual(loop.statistics().inFlight, []);
  });
  assert.throws(
    () => (closed as unknown as asyncio.EventLoop).inFlight("job"),
    asyncio.RuntimeError,
  );
});

test("an operation in flight holds virtual time until it is released", async () => {
  await runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    const job = loop.inFlight("executor job heavy()");
    let released = false;
    outsideAfter(30, () => {
      released = true;
      job.release();
    });
    await asyncio.sleep(10);
    assert.equal(released, true, "time jumped over an operation in flight");
    assert.equal(loop.time(), 10);
  });
});

test("a timeout around an operation in flight does not fire while it runs", async () => {
  await runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    const result = await asyncio.timeout(1, async () => {
      const hold = loop.inFlight("query SELECT 1");
      const done = loop.createFuture<string>();
      outsideAfter(30, () => {
        hold.release();
        done.setResult("row");
      });
      return done;
    });
    assert.equal(result, "row");
    assert.equal(loop.time(), 0);
  });
});

test("a wait on the outside world does not freeze virtual time", async () => {
  await asyncio.run(
    async () => {
      const loop = asyncio.getRunningLoop();
      const server = loop.inFlight("listening on 127.0.0.1:8080", { kind: "outside" });
      const start = performance.now();
      await asyncio.sleep(3600);
      assert.equal(loop.time(), 3600);
      // It jumped only once the loop had stayed idle for the threshold (loose bound).
      assert.ok(performance.now() - start >= 15, "jumped before the threshold");
      server.release();
    },
    { clock: new VirtualClock({ autojump: true, autojumpThreshold: 0.02 }) },
  );
});

test("activity on the loop while an outside wait is open postpones the jump", async () => {
  await asyncio.run(
    async () => {
      const loop = asyncio.getRunningLoop();
      const connection = loop.inFlight("read on 127.0.0.1:5000", { kind: "outside" });
      // Data keeps arriving every 5 ms of real time, for 20 arrivals: each wakes the loop.
      let arrivals = 0;
      const data = setInterval(() => {
        arrivals++;
        loop.callSoon(() => {});
        if (arrivals === 20) clearInterval(data);
      }, 5);
      await asyncio.sleep(1);
      assert.equal(arrivals, 20, "time jumped while data was still arriving");
      connection.release();
    },
    { clock: new VirtualClock({ autojump: true, autojumpThreshold: 0.2 }) },
  );
});

test("a wrap()ped promise is an operation in flight until it settles or is cancelled", async () => {
  await runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    const never = asyncio.wrap(new Promise<never>(() => {}));
    assert.deepEqual(
      loop.statistics().inFlight.map(({ description, kind }) => [description, kind]),
      [["wrap() of a promise", "operation"]],
    );
    never.cancel();
    await rejection(never);
    // Released by the wrapping Future's done callback, which runs in the next iteration.
    await asyncio.sleep(0);
    assert.deepEqual(loop.statistics().inFlight, []);
    const value = await asyncio.wrap(Promise.resolve(7));
    assert.equal(value, 7);
    assert.deepEqual(loop.statistics().inFlight, []);
  });
});

test("the deadlock report names the holds still open when Node ran out of work", async () => {
  const result = await runScript(`
    import * as asyncio from "asyncio-ts";
    try {
      await asyncio.run(async () => {
        asyncio.getRunningLoop().inFlight("query SELECT 1");
        await new asyncio.Event().wait();
      });
    } catch (error) {
      console.log(JSON.stringify({
        name: error.name,
        inFlight: error.inFlight,
        message: error.message,
      }));
    }
  `);
  const report = JSON.parse(result.lines[0] ?? "{}") as {
    name?: string;
    inFlight?: { description: string; kind: string }[];
    message?: string;
  };
  assert.equal(report.name, "DeadlockError", result.stderr);
  assert.deepEqual(
    report.inFlight?.map(({ description, kind }) => [description, kind]),
    [["query SELECT 1", "operation"]],
  );
  assert.match(report.message ?? "", /still in flight \(operation\).*query SELECT 1/);
});
