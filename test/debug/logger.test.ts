/**
 * `asyncio.logger`: levels, a replaceable handler, the records it receives, and the loop's
 * reports that go through it (asyncio logs them on `logging.getLogger("asyncio")`).
 *
 * Not mirrored from test_base_events.BaseEventLoopTests:
 * - test_default_exc_handler_coro: about a coroutine object never awaited, which JavaScript
 *   has no equivalent of (an async function runs at once).
 * - test_run_forever_keyboard_interrupt, test_run_until_complete_baseexception: about
 *   KeyboardInterrupt raised from a callback; nothing to log here.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as asyncio from "asyncio-ts";
import { VirtualClock } from "asyncio-ts/testing";

/** Runs `fn` with the logger's records collected, then restores its handler and level. */
async function collecting<T>(
  fn: (records: asyncio.LogRecord[]) => Promise<T>,
  level: number | asyncio.LogLevelName = "WARNING",
): Promise<{ records: asyncio.LogRecord[]; result: T }> {
  const records: asyncio.LogRecord[] = [];
  const previous = asyncio.logger.setHandler((record) => {
    records.push(record);
  });
  const previousLevel = asyncio.logger.getLevel();
  asyncio.logger.setLevel(level);
  try {
    const result = await fn(records);
    return { records, result };
  } finally {
    asyncio.logger.setHandler(previous);
    asyncio.logger.setLevel(previousLevel);
  }
}

function virtual(debug = false): asyncio.RunOptions {
  return { clock: new VirtualClock({ autojump: true }), debug };
}

describe("the logger", () => {
  test("is named asyncio and starts at WARNING, as Python's root level", () => {
    assert.equal(asyncio.logger.name, "asyncio");
    assert.equal(asyncio.logger.getLevel(), asyncio.logger.WARNING);
    assert.equal(String(asyncio.logger), "<Logger asyncio (WARNING)>");
    assert.deepEqual(
      [
        asyncio.logger.DEBUG,
        asyncio.logger.INFO,
        asyncio.logger.WARNING,
        asyncio.logger.ERROR,
        asyncio.logger.CRITICAL,
      ],
      [10, 20, 30, 40, 50],
    );
  });

  test("setLevel and isEnabledFor take a level or its name", async () => {
    await collecting(async () => {
      asyncio.logger.setLevel("ERROR");
      assert.equal(asyncio.logger.isEnabledFor("WARNING"), false);
      assert.equal(asyncio.logger.isEnabledFor(asyncio.logger.ERROR), true);
      assert.equal(asyncio.logger.isEnabledFor("CRITICAL"), true);
      asyncio.logger.setLevel(asyncio.logger.DEBUG);
      assert.equal(asyncio.logger.isEnabledFor("DEBUG"), true);
      asyncio.logger.setLevel(0);
      assert.equal(asyncio.logger.isEnabledFor(1), true);
    });
  });

  test("levels below the logger's are dropped; the handler receives the others", async () => {
    const { records } = await collecting(async () => {
      asyncio.logger.debug("d");
      asyncio.logger.info("i");
      asyncio.logger.warning("w");
      asyncio.logger.error("e");
      asyncio.logger.critical("c");
      asyncio.logger.log(45, "custom");
    }, "WARNING");
    assert.deepEqual(
      records.map((record) => [record.levelName, record.level, record.message]),
      [
        ["WARNING", 30, "w"],
        ["ERROR", 40, "e"],
        ["CRITICAL", 50, "c"],
        ["Level 45", 45, "custom"],
      ],
    );
    for (const record of records) {
      assert.equal(record.name, "asyncio");
      assert.equal(typeof record.created, "number");
      assert.equal("error" in record, false);
    }
  });

  test("a record carries the error and the context it was given", async () => {
    const error = new RangeError("boom");
    const { records } = await collecting(async () => {
      asyncio.logger.error("failed", { error, context: { message: "failed", where: "here" } });
      asyncio.logger.error("no error, but an undefined one", { error: undefined });
    });
    assert.equal(records[0]?.error, error);
    assert.deepEqual(records[0]?.context, { message: "failed", where: "here" });
    assert.equal("error" in (records[1] as asyncio.LogRecord), true);
  });

  test("setHandler returns the handler it replaces; null restores the default", () => {
    const mine: asyncio.LogHandler = () => {};
    const before = asyncio.logger.setHandler(mine);
    try {
      assert.equal(before, asyncio.defaultLogHandler);
      assert.equal(asyncio.logger.getHandler(), mine);
      assert.equal(asyncio.logger.setHandler(null), mine);
      assert.equal(asyncio.logger.getHandler(), asyncio.defaultLogHandler);
    } finally {
      asyncio.logger.setHandler(before);
    }
  });

  test("bad levels and handlers are refused with a TypeError", () => {
    assert.throws(() => asyncio.logger.setLevel("LOUD" as never), {
      name: "TypeError",
      message: /^log level must be DEBUG, INFO, WARNING, ERROR, CRITICAL/,
    });
    assert.throws(() => asyncio.logger.setLevel(-1), { name: "TypeError" });
    assert.throws(() => asyncio.logger.isEnabledFor(1.5), { name: "TypeError" });
    assert.throws(() => asyncio.logger.setHandler("stderr" as never), {
      name: "TypeError",
      message: /^log handler must be a function or null, got/,
    });
  });

  test("the default handler writes errors with console.error, warnings with console.warn", () => {
    const written: [string, string][] = [];
    const { error, warn } = console;
    console.error = (text: unknown) => written.push(["error", String(text)]);
    console.warn = (text: unknown) => written.push(["warn", String(text)]);
    try {
      asyncio.logger.error("bad", { error: new TypeError("x") });
      asyncio.logger.warning("slow");
    } finally {
      console.error = error;
      console.warn = warn;
    }
    assert.equal(written[0]?.[0], "error");
    assert.match(written[0]?.[1] ?? "", /^bad\nTypeError: x\n/);
    assert.deepEqual(written[1], ["warn", "slow"]);
  });

  test("a handler that throws does not raise: the error and the record go to stderr", () => {
    const written: string[] = [];
    const { error } = console;
    console.error = (...args: unknown[]) => written.push(args.map(String).join(" "));
    const previous = asyncio.logger.setHandler(() => {
      throw new Error("handler is broken");
    });
    try {
      asyncio.logger.error("the report");
    } finally {
      asyncio.logger.setHandler(previous);
      console.error = error;
    }
    assert.match(written[0] ?? "", /Logging error[\s\S]*handler is broken/);
    assert.equal(written[1], "the report");
  });
});

describe("the loop's reports go through the logger", () => {
  // mirrors test_base_events.BaseEventLoopTests.test_default_exc_handler_callback
  test("an error in a callback is logged at ERROR with the error and the handle", async () => {
    const { records } = await collecting(() =>
      asyncio.run(async () => {
        const loop = asyncio.getRunningLoop();
        loop.callSoon(function zeroError() {
          throw new RangeError("division by zero");
        });
        await asyncio.sleep(0);
      }, virtual()),
    );
    assert.equal(records.length, 1);
    const [record] = records as [asyncio.LogRecord];
    assert.equal(record.levelName, "ERROR");
    assert.match(
      record.message,
      /^Exception in callback zeroError\nhandle: <Handle zeroError\(\)>$/,
    );
    assert.ok(record.error instanceof RangeError);
    assert.equal(record.context?.["message"], "Exception in callback zeroError");
  });

  // mirrors test_base_events.BaseEventLoopTests.test_set_exc_handler_broken
  test("a custom exception handler that throws is logged, with what it was handling", async () => {
    const { records } = await collecting(() =>
      asyncio.run(async () => {
        const loop = asyncio.getRunningLoop();
        loop.setExceptionHandler(() => {
          throw new TypeError("spam");
        });
        loop.callSoon(function zeroError() {
          throw new RangeError("zero");
        });
        await asyncio.sleep(0);
      }, virtual()),
    );
    assert.equal(records.length, 1);
    assert.match(records[0]?.message ?? "", /^Unhandled error in exception handler\n/);
    assert.ok(records[0]?.error instanceof TypeError);
  });

  // mirrors test_base_events.BaseEventLoopTests.test_default_exc_handler_broken
  test("a default handler overridden with one that throws is logged, never raised", async () => {
    class Loop extends asyncio.EventLoop {
      override defaultExceptionHandler(_context: asyncio.ExceptionContext): void {
        throw new Error("spam");
      }
    }
    const loop = new Loop({ clock: new VirtualClock({ autojump: true }) });
    try {
      const { records } = await collecting(() =>
        loop.runUntilComplete(async () => {
          asyncio.getRunningLoop().callSoon(() => {
            throw new RangeError("zero");
          });
          await asyncio.sleep(0);
        }),
      );
      assert.equal(records.length, 1);
      assert.equal(records[0]?.message, "Exception in default exception handler");
      assert.equal((records[0] as asyncio.LogRecord & { error: Error }).error.message, "spam");
    } finally {
      loop.close();
    }
  });

  test("an unretrieved task exception is logged at ERROR", async () => {
    const { records } = await collecting(() =>
      asyncio.run(async () => {
        asyncio.createTask(async function failing() {
          throw new Error("lost");
        });
        await asyncio.sleep(0);
      }, virtual()),
    );
    assert.equal(records.length, 1);
    assert.match(records[0]?.message ?? "", /^Task exception was never retrieved\n/);
    assert.equal((records[0] as asyncio.LogRecord & { error: Error }).error.message, "lost");
  });

  // mirrors test_base_events.BaseEventLoopTests.test_log_slow_callbacks
  test("slow callbacks are logged at WARNING in debug mode, and only there", async () => {
    const slowMain = async () => {
      const loop = asyncio.getRunningLoop();
      loop.slowCallbackDuration = 0;
      loop.callSoon(function stopLoopCb() {});
      await asyncio.sleep(0);
    };
    const debug = await collecting(() => asyncio.run(slowMain, virtual(true)));
    const slow = debug.records.filter((record) => record.message.startsWith("Executing "));
    assert.ok(slow.length > 0);
    assert.ok(slow.every((record) => record.levelName === "WARNING"));
    assert.ok(
      slow.some((record) => /^Executing <Handle stopLoopCb\(\) created at /.test(record.message)),
    );
    const quiet = await collecting(() => asyncio.run(slowMain, virtual(false)));
    assert.deepEqual(quiet.records, []);
  });

  test("with the level above ERROR, the reports are dropped", async () => {
    const { records } = await collecting(
      () =>
        asyncio.run(async () => {
          asyncio.getRunningLoop().callSoon(() => {
            throw new Error("dropped");
          });
          await asyncio.sleep(0);
        }, virtual()),
      "CRITICAL",
    );
    assert.deepEqual(records, []);
  });
});
