/**
 * Durations: seconds as numbers, or strings with a unit ("150ms", "2s", "1.5m", "1h").
 * A negative number behaves as zero, Infinity never fires, and NaN, non-numbers and malformed
 * strings are errors that name the parameter.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as asyncio from "asyncio-ts";
import { rejection, runVirtual } from "../helpers.js";

/** How long `sleep(duration)` takes in loop time. */
async function sleptFor(duration: unknown): Promise<number> {
  const loop = asyncio.getRunningLoop();
  const start = loop.time();
  await asyncio.sleep(duration as asyncio.Duration);
  return loop.time() - start;
}

describe("valid durations", () => {
  for (const [duration, seconds] of [
    [0.5, 0.5],
    ["150ms", 0.15],
    ["2s", 2],
    ["1.5m", 90],
    ["1h", 3600],
    [".5s", 0.5],
    [" 2s ", 2],
    ["0ms", 0],
  ] as const) {
    test(`sleep(${JSON.stringify(duration)}) lasts ${seconds} s`, async () => {
      await runVirtual(async () => {
        assert.ok(Math.abs((await sleptFor(duration)) - seconds) < 1e-9);
      });
    });
  }

  test("every duration parameter takes strings", async () => {
    await runVirtual(async () => {
      const loop = asyncio.getRunningLoop();
      const handle = loop.callLater("250ms", () => {});
      assert.ok(Math.abs(handle.when() - loop.time() - 0.25) < 1e-9);
      handle.cancel();
      loop.slowCallbackDuration = "2s" as never;
      assert.equal(loop.slowCallbackDuration, 2);
    });
  });

  test("a negative number behaves as zero", async () => {
    await runVirtual(async () => {
      assert.equal(await sleptFor(-1), 0);
      assert.equal(await sleptFor(-Infinity), 0);
    });
  });

  test("Infinity never fires", async () => {
    await runVirtual(async () => {
      const loop = asyncio.getRunningLoop();
      let fired = false;
      const handle = loop.callLater(Infinity, () => {
        fired = true;
      });
      assert.equal(handle.when(), Infinity);
      const sleeper = asyncio.createTask(() => asyncio.sleep(Infinity));
      await asyncio.sleep(1e9);
      assert.equal(fired, false);
      assert.equal(sleeper.done(), false);
      sleeper.cancel();
      handle.cancel();
    });
  });
});

describe("invalid durations", () => {
  for (const [label, duration, errorClass, message] of [
    ["NaN", Number.NaN, RangeError, /sleep\(\) delay must be a number of seconds, got NaN/],
    [
      "a malformed string",
      "soon",
      TypeError,
      /sleep\(\) delay must be seconds or a duration string like "150ms".* got "soon"/,
    ],
    [
      "a negative string",
      "-5s",
      RangeError,
      /sleep\(\) delay must not be a negative duration string, got "-5s"/,
    ],
    ["a number as a string", "5", TypeError, /got "5"/],
    ["a string with a space before the unit", "5 s", TypeError, /got "5 s"/],
    ["an empty string", "", TypeError, /got ""/],
    ["an unknown unit", "2d", TypeError, /got "2d"/],
    [
      "null",
      null,
      TypeError,
      /sleep\(\) delay must be a number of seconds or a duration string like "2s", got null/,
    ],
    ["undefined", undefined, TypeError, /got undefined/],
    ["a boolean", true, TypeError, /got boolean true/],
    ["an object", {}, TypeError, /got an instance of Object/],
  ] as const) {
    test(`sleep of ${label} rejects with a ${errorClass.name}`, async () => {
      await runVirtual(async () => {
        const error = await rejection(asyncio.sleep(duration as never));
        assert.ok(error instanceof errorClass, String(error));
        assert.match((error as Error).message, message);
      });
    });
  }

  test("callLater, callAt and slowCallbackDuration name their parameter", async () => {
    await runVirtual(async () => {
      const loop = asyncio.getRunningLoop();
      assert.throws(() => loop.callLater("soon" as never, () => {}), {
        name: "TypeError",
        message: /^callLater\(\) delay must be/,
      });
      assert.throws(() => loop.callLater(Number.NaN, () => {}), {
        name: "RangeError",
        message: /^callLater\(\) delay must be a number of seconds, got NaN/,
      });
      assert.throws(() => loop.callAt(Number.NaN, () => {}), {
        name: "RangeError",
        message: /^callAt\(\) when must be a loop time in seconds, got NaN/,
      });
      assert.throws(() => loop.callAt("1s" as never, () => {}), {
        name: "TypeError",
        message: /^callAt\(\) when must be a loop time in seconds \(a number\), got string "1s"/,
      });
      assert.throws(
        () => {
          loop.slowCallbackDuration = "fast" as never;
        },
        { name: "TypeError", message: /^slowCallbackDuration must be/ },
      );
    });
  });
});
