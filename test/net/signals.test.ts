/**
 * `loop.addSignalHandler()` / `loop.removeSignalHandler()`, mirroring CPython 3.13's
 * test_unix_events.SelectorEventLoopSignalTests, with real signals: to this process
 * (`process.kill(process.pid, …)`) and to child processes.
 *
 * Skipped:
 * - test_handle_signal_no_handler, test_handle_signal_cancelled_handler: they call the loop's
 *   private _handle_signal; the cancelled-handle path is covered by the handle never running.
 * - test_add_signal_handler_setup_error, _install_error*, test_remove_signal_handler_error*,
 *   test_remove_signal_handler_cleanup_error: they mock the signal module to fail; Node's
 *   process.on(signal) does not fail that way.
 * - test_close_on_finalizing: about interpreter finalization, which Node has no equivalent of.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { runScript } from "../core/childProcess.js";

function loop(): asyncio.EventLoop {
  return asyncio.getRunningLoop();
}

// mirrors test_unix_events.SelectorEventLoopSignalTests.test_add_signal_handler and
// test_remove_signal_handler
test("a handler is added, replaced and removed; removing again returns false", async () => {
  await asyncio.run(async () => {
    const before = process.listenerCount("SIGUSR2");
    loop().addSignalHandler("SIGUSR2", () => {});
    assert.equal(process.listenerCount("SIGUSR2"), before + 1);
    loop().addSignalHandler("SIGUSR2", () => {});
    assert.equal(process.listenerCount("SIGUSR2"), before + 1);
    assert.deepEqual(
      loop()
        .statistics()
        .inFlight.map(({ kind, description }) => [kind, description]),
      [["outside", "signal handler SIGUSR2"]],
    );
    assert.equal(loop().removeSignalHandler("SIGUSR2"), true);
    assert.equal(process.listenerCount("SIGUSR2"), before);
    assert.deepEqual(loop().statistics().inFlight, []);
    // mirrors test_remove_signal_handler_2
    assert.equal(loop().removeSignalHandler("SIGUSR2"), false);
    assert.equal(loop().removeSignalHandler(12), false);
  });
});

// mirrors test_unix_events.SelectorEventLoopSignalTests.test_add_signal_handler_coroutine_error
test("an async function is refused, as asyncio refuses coroutines", async () => {
  await asyncio.run(async () => {
    assert.throws(() => loop().addSignalHandler("SIGUSR2", (async () => {}) as never), {
      name: "TypeError",
      message: "coroutines cannot be used with addSignalHandler()",
    });
    assert.throws(() => loop().addSignalHandler("SIGUSR2", "callback" as never), TypeError);
  });
});

// mirrors test_unix_events.SelectorEventLoopSignalTests.test_check_signal
test("signals: names and numbers; unknown ones are RangeErrors, other values TypeErrors", async () => {
  await asyncio.run(async () => {
    assert.throws(() => loop().addSignalHandler("SIGFOO" as never, () => {}), RangeError);
    assert.throws(() => loop().addSignalHandler(0, () => {}), {
      name: "RangeError",
      message: "invalid signal number 0",
    });
    assert.throws(() => loop().addSignalHandler(1000, () => {}), RangeError);
    assert.throws(() => loop().addSignalHandler(1.5, () => {}), TypeError);
    assert.throws(() => loop().addSignalHandler(null as never, () => {}), TypeError);
    assert.throws(() => loop().removeSignalHandler("toString" as never), RangeError);
    assert.throws(() => loop().removeSignalHandler({} as never), TypeError);
  });
});

// mirrors test_unix_events.SelectorEventLoopSignalTests.test_add_signal_handler_install_error3
// (EINVAL: a signal that cannot be caught)
test("SIGKILL and SIGSTOP cannot be caught: RuntimeError", async () => {
  await asyncio.run(async () => {
    assert.throws(() => loop().addSignalHandler("SIGKILL", () => {}), {
      name: "RuntimeError",
      message: "sig 9 cannot be caught",
    });
    assert.throws(() => loop().addSignalHandler(19, () => {}), /sig 19 cannot be caught/);
  });
});

test("a signal runs the callback on the loop, with its arguments, in the context of the add", async () => {
  const color = new asyncio.ContextVar<string>("color", { default: "none" });
  await asyncio.run(async () => {
    const calls: unknown[][] = [];
    const done = new asyncio.Event();
    color.set("blue");
    loop().addSignalHandler(
      "SIGUSR1",
      (tag: string, n: number) => {
        calls.push([
          tag,
          n,
          color.get(),
          asyncio.currentTask(),
          asyncio.getRunningLoop() === loop(),
        ]);
        if (calls.length === 2) done.set();
      },
      "usr1",
      7,
    );
    color.set("red");
    process.kill(process.pid, "SIGUSR1");
    process.kill(process.pid, "SIGUSR1");
    await done.wait();
    assert.deepEqual(calls, [
      ["usr1", 7, "blue", null, true],
      ["usr1", 7, "blue", null, true],
    ]);
    assert.equal(loop().removeSignalHandler("SIGUSR1"), true);
  });
});

test("a replaced handler no longer runs; handlers of several signals keep arrival order", async () => {
  await asyncio.run(async () => {
    const seen: string[] = [];
    const done = new asyncio.Event();
    loop().addSignalHandler("SIGUSR2", () => seen.push("old"));
    loop().addSignalHandler("SIGUSR2", () => seen.push("usr2"));
    loop().addSignalHandler("SIGWINCH", () => {
      seen.push("winch");
      done.set();
    });
    process.kill(process.pid, "SIGUSR2");
    await asyncio.wrap(new Promise((resolve) => process.once("SIGUSR2", resolve)));
    process.kill(process.pid, "SIGWINCH");
    await done.wait();
    assert.deepEqual(seen, ["usr2", "winch"]);
    loop().removeSignalHandler("SIGUSR2");
    loop().removeSignalHandler("SIGWINCH");
  });
});

// mirrors test_unix_events.SelectorEventLoopSignalTests.test_close
test("closing the loop removes its handlers", async () => {
  const before = process.listenerCount("SIGUSR2");
  const eventLoop = asyncio.newEventLoop();
  await eventLoop.runUntilComplete(async () => {
    loop().addSignalHandler("SIGUSR2", () => {});
    loop().addSignalHandler("SIGHUP", () => {});
  });
  assert.equal(process.listenerCount("SIGUSR2"), before + 1);
  eventLoop.close();
  assert.equal(process.listenerCount("SIGUSR2"), before);
  assert.equal(process.listenerCount("SIGHUP"), 0);
  assert.throws(() => eventLoop.addSignalHandler("SIGUSR2", () => {}), {
    name: "RuntimeError",
    message: "Event loop is closed",
  });
});

test("a child waiting for SIGTERM stays alive, runs its handler, and exits cleanly", async () => {
  const result = await runScript(
    `
    import * as asyncio from "asyncio-ts";
    await asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      const stop = new asyncio.Event();
      loop.addSignalHandler("SIGTERM", (name) => { console.log("handler " + name); stop.set(); }, "SIGTERM");
      console.log("ready");
      await stop.wait();
      console.log("stopping");
    });
    console.log("exited run");
    `,
    {
      onStdout: (stdout, child) => {
        if (stdout === "ready\n") child.kill("SIGTERM");
      },
    },
  );
  assert.equal(result.stderr, "");
  assert.deepEqual(result.lines, ["ready", "handler SIGTERM", "stopping", "exited run"]);
  assert.equal(result.code, 0);
});

test("a SIGINT handler takes precedence over run()'s Ctrl-C; removed, Ctrl-C cancels again", async () => {
  const result = await runScript(`
    import * as asyncio from "asyncio-ts";
    try {
      await asyncio.run(async () => {
        const loop = asyncio.getRunningLoop();
        const got = new asyncio.Event();
        loop.addSignalHandler("SIGINT", () => { console.log("handler"); got.set(); });
        process.kill(process.pid, "SIGINT");
        await got.wait();
        console.log("still running");
        console.log(loop.removeSignalHandler("SIGINT"));
        process.kill(process.pid, "SIGINT");
        await asyncio.sleep(30);
        console.log("not cancelled");
      });
    } catch (error) {
      console.log(error.name);
    }
  `);
  assert.equal(result.stderr, "");
  assert.deepEqual(result.lines, ["handler", "still running", "true", "KeyboardInterrupt"]);
  assert.equal(result.code, 0);
});

test("a loop stopped with a handler still set does not keep the process alive", async () => {
  const result = await runScript(`
    import * as asyncio from "asyncio-ts";
    const loop = asyncio.newEventLoop();
    await loop.runUntilComplete(async () => {
      loop.addSignalHandler("SIGUSR2", () => {});
    });
    console.log("done, loop left open");
  `);
  assert.deepEqual(result.lines, ["done, loop left open"]);
  assert.equal(result.code, 0);
  assert.equal(result.signal, null);
});

test("in a worker thread, adding a handler is a RuntimeError", async () => {
  const result = await runScript(`
    import { Worker } from "node:worker_threads";
    const worker = new Worker(\`
      const asyncio = await import("asyncio-ts");
      const { parentPort } = await import("node:worker_threads");
      await asyncio.run(async () => {
        try {
          asyncio.getRunningLoop().addSignalHandler("SIGUSR2", () => {});
        } catch (error) {
          parentPort.postMessage(error.name + ": " + error.message);
        }
      });
    \`, { eval: true, type: "module" });
    worker.on("message", (m) => console.log(m));
  `);
  assert.equal(result.stderr, "");
  assert.deepEqual(result.lines, [
    "RuntimeError: signal handlers can only be added in the main thread",
  ]);
});

test("once the handler is removed, nothing keeps a waiting program alive: DeadlockError", async () => {
  const result = await runScript(`
    import * as asyncio from "asyncio-ts";
    try {
      await asyncio.run(async () => {
        const loop = asyncio.getRunningLoop();
        loop.addSignalHandler("SIGUSR2", () => {});
        loop.removeSignalHandler("SIGUSR2");
        await new asyncio.Event().wait();
      });
    } catch (error) {
      console.log(error.name);
    }
  `);
  assert.deepEqual(result.lines, ["DeadlockError"]);
});
