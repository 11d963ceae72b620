/**
 * `VirtualClock` from `asyncio-ts/testing`: time that jumps to the next timer when the loop is
 * idle (`autojump`) or moves only with `advance()`. asyncio's nearest relative is the
 * `TestLoop` of CPython's test utilities, whose generator hands out the time.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";
import { VirtualClock } from "asyncio-ts/testing";
import { runVirtual } from "../helpers.js";

describe("autojump", () => {
  test("an hour of sleep takes no real time", async () => {
    const started = performance.now();
    const time = await runVirtual(async () => {
      await asyncio.sleep(3600);
      return asyncio.getRunningLoop().time();
    });
    assert.equal(time, 3600);
    assert.ok(performance.now() - started < 5_000);
  });

  test("each jump lands exactly on the next deadline, in deadline order", async () => {
    await runVirtual(async () => {
      const loop = asyncio.getRunningLoop();
      const seen: number[] = [];
      for (const delay of [5, 0.25, 1000, 3, 0.25]) {
        loop.callLater(delay, () => seen.push(loop.time()));
      }
      await asyncio.sleep(2000);
      assert.deepEqual(seen, [0.25, 0.25, 3, 5, 1000]);
    });
  });

  test("time stands still while the loop has work ready", async () => {
    await runVirtual(async () => {
      const loop = asyncio.getRunningLoop();
      const sleeper = asyncio.createTask(() => asyncio.sleep(1, "woke"));
      for (let i = 0; i < 100; i++) {
        await asyncio.sleep(0);
        assert.equal(loop.time(), 0);
      }
      assert.equal(sleeper.done(), false);
      assert.equal(await sleeper, "woke");
      assert.equal(loop.time(), 1);
    });
  });

  test("time waits for real I/O that is wrapped", async () => {
    const thisFile = fileURLToPath(import.meta.url);
    await runVirtual(async () => {
      const loop = asyncio.getRunningLoop();
      const timeout = asyncio.createTask(() => asyncio.sleep(30, "timed out"));
      const text = await asyncio.wrap(readFile(thisFile, "utf8"));
      assert.match(text, /time waits for real I\/O that is wrapped/);
      assert.equal(loop.time(), 0);
      assert.equal(timeout.done(), false);
      timeout.cancel();
    });
  });

  test("the clock starts at the given time", async () => {
    const clock = new VirtualClock({ autojump: true, start: 1000 });
    assert.equal(clock.now(), 1000);
    const end = await asyncio.run(
      async () => {
        assert.equal(asyncio.getRunningLoop().time(), 1000);
        await asyncio.sleep(5);
        return asyncio.getRunningLoop().time();
      },
      { clock },
    );
    assert.equal(end, 1005);
  });
});

describe("advance()", () => {
  test("without autojump, timers fire only once advance() reaches them", async () => {
    const clock = new VirtualClock();
    await asyncio.run(
      async () => {
        const loop = asyncio.getRunningLoop();
        const sleeper = asyncio.createTask(() => asyncio.sleep(10, "woke"));
        await asyncio.sleep(0);
        await asyncio.sleep(0);
        clock.advance(5);
        assert.equal(loop.time(), 5);
        await asyncio.sleep(0);
        await asyncio.sleep(0);
        assert.equal(sleeper.done(), false);
        clock.advance("5s");
        assert.equal(loop.time(), 10);
        assert.equal(await sleeper, "woke");
        assert.equal(loop.time(), 10);
      },
      { clock },
    );
  });

  test("advance() past several deadlines fires their timers in deadline order", async () => {
    const clock = new VirtualClock();
    await asyncio.run(
      async () => {
        const loop = asyncio.getRunningLoop();
        const seen: string[] = [];
        loop.callLater(3, () => seen.push("3"));
        loop.callLater(1, () => seen.push("1"));
        loop.callLater(2, () => seen.push("2"));
        await asyncio.sleep(0);
        clock.advance(10);
        await asyncio.sleep(0);
        await asyncio.sleep(0);
        assert.deepEqual(seen, ["1", "2", "3"]);
      },
      { clock },
    );
  });

  test("advance() from outside the loop wakes an idle loop", async () => {
    const clock = new VirtualClock();
    let driver: ReturnType<typeof setTimeout> | undefined;
    try {
      const value = await asyncio.run(
        () => {
          const sleeping = asyncio.sleep(60, "woke");
          driver = setTimeout(() => clock.advance(60), 10);
          return sleeping;
        },
        { clock },
      );
      assert.equal(value, "woke");
      assert.equal(clock.now(), 60);
    } finally {
      clearTimeout(driver);
    }
  });

  test("advance() takes a duration; negative is zero; NaN and garbage are errors", () => {
    const clock = new VirtualClock({ start: 1 });
    clock.advance("1.5m");
    assert.equal(clock.now(), 91);
    clock.advance(-5);
    assert.equal(clock.now(), 91);
    assert.throws(() => clock.advance(Number.NaN), {
      name: "RangeError",
      message: /advance\(\) seconds must be a number of seconds, got NaN/,
    });
    assert.throws(() => clock.advance("soon"), TypeError);
    assert.equal(clock.now(), 91);
  });
});

describe("VirtualClock options", () => {
  test("bad options are TypeErrors", () => {
    assert.throws(() => new VirtualClock(5 as never), TypeError);
    assert.throws(() => new VirtualClock({ autojump: "yes" as never }), {
      name: "TypeError",
      message: /autojump must be a boolean, got string "yes"/,
    });
    assert.throws(() => new VirtualClock({ start: Number.NaN }), TypeError);
    assert.throws(() => new VirtualClock({ start: "0" as never }), TypeError);
    assert.equal(new VirtualClock().now(), 0);
  });
});
