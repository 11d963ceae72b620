/**
 * What only a whole process shows: SIGINT handling (test_runners.RunnerTests.test_interrupt_*),
 * the deadlock report, and a process staying alive while the loop has work. Each test runs a
 * script in a fresh Node process (childProcess.ts) and checks its output and exit.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ScriptResult } from "./childProcess.js";
import { runScript } from "./childProcess.js";

/** Runs `script`, sends SIGINT each time stdout gains one of `triggers` (in order). */
function runInterrupted(script: string, triggers: string[]): Promise<ScriptResult> {
  let sent = 0;
  return runScript(script, {
    onStdout(stdout, child) {
      while (sent < triggers.length && stdout.includes(`${triggers[sent]}\n`)) {
        sent++;
        child.kill("SIGINT");
      }
    },
  });
}

/** The JSON lines a script printed. */
function records(result: ScriptResult): Record<string, unknown>[] {
  return result.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("SIGINT (test_runners.RunnerTests)", () => {
  // mirrors test_runners.RunnerTests.test_interrupt_call_soon
  test("SIGINT cancels a main task that never waits on a Future: KeyboardInterrupt", async () => {
    const result = await runInterrupted(
      `
      import * as asyncio from "asyncio-ts";
      try {
        await asyncio.run(async () => {
          console.log("ready");
          try {
            while (true) await asyncio.sleep(0);
          } catch (error) {
            console.log("main caught " + error.name);
          }
          throw new asyncio.CancelledError();
        });
      } catch (error) {
        console.log("run rejected with " + error.name + " caused by " + error.cause?.name);
      }
      `,
      ["ready"],
    );
    assert.deepEqual(result.lines, [
      "ready",
      "main caught CancelledError",
      "run rejected with KeyboardInterrupt caused by CancelledError",
    ]);
    assert.equal(result.code, 0);
  });

  // mirrors test_runners.RunnerTests.test_interrupt_wait
  test("SIGINT cancels both the Future main waits on and main: KeyboardInterrupt", async () => {
    const result = await runInterrupted(
      `
      import * as asyncio from "asyncio-ts";
      // Something outside the loop must be able to wake it, or run() reports a deadlock.
      const keepAlive = setInterval(() => {}, 1000);
      const runner = new asyncio.Runner();
      const fut = runner.getLoop().createFuture();
      try {
        await runner.run(async () => {
          console.log("ready");
          try {
            await fut;
          } catch (error) {
            console.log("main caught " + error.name);
          }
          throw new asyncio.CancelledError();
        });
      } catch (error) {
        console.log("run rejected with " + error.name);
      }
      console.log("future cancelled: " + fut.cancelled());
      await runner.close();
      clearInterval(keepAlive);
      `,
      ["ready"],
    );
    assert.deepEqual(result.lines, [
      "ready",
      "main caught CancelledError",
      "run rejected with KeyboardInterrupt",
      "future cancelled: true",
    ]);
    assert.equal(result.code, 0);
  });

  // mirrors test_runners.RunnerTests.test_interrupt_cancelled_task. Python handles a signal
  // sent to itself at once; Node on a later turn of its own event loop, so main waits for the
  // delivery (a listener added after run's runs after it): otherwise, under load, main could
  // end first and the SIGINT would reach Node's default handler and kill the process.
  test("SIGINT after main was already cancelled leaves a plain CancelledError", async () => {
    const result = await runScript(`
      import * as asyncio from "asyncio-ts";
      try {
        await asyncio.run(async () => {
          const main = asyncio.currentTask();
          const delivered = new asyncio.Event();
          process.once("SIGINT", () => delivered.set());
          asyncio.createTask(async () => {
            await asyncio.sleep(0);
            main.cancel();
            process.kill(process.pid, "SIGINT");
          });
          try {
            await asyncio.sleep(10);
          } finally {
            // A signal listener does not keep Node alive: a timer does, until the delivery.
            const keepAlive = setInterval(() => {}, 1000);
            try {
              await delivered.wait();
            } finally {
              clearInterval(keepAlive);
            }
          }
        });
      } catch (error) {
        console.log("run rejected with " + error.name);
      }
    `);
    assert.deepEqual(result.lines, ["run rejected with CancelledError"]);
    assert.equal(result.code, 0);
  });

  test("a main task that handles the SIGINT cancellation ends normally", async () => {
    const result = await runInterrupted(
      `
      import * as asyncio from "asyncio-ts";
      const value = await asyncio.run(async () => {
        console.log("ready");
        try {
          await asyncio.sleep(3600);
        } catch (error) {
          console.log("cleaning up after " + error.name);
          asyncio.currentTask().uncancel();
        }
        return "graceful";
      });
      console.log("run resolved with " + value);
      console.log("SIGINT listeners left: " + process.listenerCount("SIGINT"));
      `,
      ["ready"],
    );
    assert.deepEqual(result.lines, [
      "ready",
      "cleaning up after CancelledError",
      "run resolved with graceful",
      "SIGINT listeners left: 0",
    ]);
    assert.equal(result.code, 0);
  });

  test("a second SIGINT ends the process as Node would", async () => {
    const result = await runInterrupted(
      `
      import * as asyncio from "asyncio-ts";
      await asyncio.run(async () => {
        console.log("ready");
        try {
          await asyncio.sleep(3600);
        } catch {
          console.log("ignoring the first");
        }
        await asyncio.sleep(3600);
        console.log("not reached");
      });
      `,
      ["ready", "ignoring the first"],
    );
    assert.deepEqual(result.lines, ["ready", "ignoring the first"]);
    assert.equal(result.signal, "SIGINT");
  });
});

describe("the deadlock report", () => {
  test("run rejects with a DeadlockError naming each blocked task and what it waits on", async () => {
    const result = await runScript(`
      import * as asyncio from "asyncio-ts";
      import { VirtualClock } from "asyncio-ts/testing";
      const report = async (scenario, body, options) => {
        const shutdownReports = [];
        try {
          await asyncio.run(async function main() {
            asyncio.getRunningLoop().setExceptionHandler((loop, context) => {
              shutdownReports.push(context.message);
            });
            return await body();
          }, options);
          console.log(JSON.stringify({ scenario, outcome: "resolved" }));
        } catch (error) {
          console.log(JSON.stringify({
            scenario,
            name: error.name,
            isDeadlockError: error instanceof asyncio.DeadlockError,
            message: error.message,
            blocked: error.blocked?.map(({ task, waitsOn }) => [
              task.getName(),
              waitsOn === null ? null : waitsOn instanceof asyncio.Task ? waitsOn.getName() : "Future",
            ]),
            shutdownReports,
          }));
        }
      };
      await report("future", async () => {
        await new asyncio.Future();
      });
      await report("chain", async () => {
        const fut = new asyncio.Future();
        await asyncio.createTask(async function work() { await fut; }, { name: "worker" });
      });
      await report("foreign promise", async () => {
        await new Promise(() => {});
      });
      await report("wrapped promise", async () => {
        await asyncio.wrap(new Promise(() => {}));
      });
      await report("virtual time", async () => {
        await asyncio.sleep(10);
        await new asyncio.Future();
      }, { clock: new VirtualClock({ autojump: true }) });
      await report("cancelled long sleep", async () => {
        const sleeper = asyncio.createTask(() => asyncio.sleep(3600));
        await asyncio.sleep(0);
        sleeper.cancel();
        try { await sleeper; } catch {}
        await new asyncio.Future();
      });
      await report("awaiting each other", async () => {
        let b;
        const a = asyncio.createTask(async () => { await asyncio.sleep(0); await b; }, { name: "a" });
        b = asyncio.createTask(async () => { await asyncio.sleep(0); await a; }, { name: "b" });
        await a;
      });
    `);
    assert.equal(result.stderr, "");
    const [future, chain, foreign, wrapped, virtual, cancelledSleep, cycle] = records(result);
    for (const record of [future, chain, foreign, wrapped, virtual, cancelledSleep, cycle]) {
      assert.equal(record?.["name"], "DeadlockError", JSON.stringify(record));
      assert.equal(record?.["isDeadlockError"], true);
      assert.match(String(record?.["message"]), /^deadlock: the main task can never finish/);
    }
    assert.match(
      String(future?.["message"]),
      /<Task pending name="Task-1" fn=main> waits on <Future pending>/,
    );
    assert.deepEqual(future?.["blocked"], [["Task-1", "Future"]]);
    assert.deepEqual(future?.["shutdownReports"], []);
    assert.deepEqual(chain?.["blocked"], [
      ["Task-2", "worker"],
      ["worker", "Future"],
    ]);
    assert.match(
      String(chain?.["message"]),
      /fn=main> waits on <Task pending name="worker" fn=work>\n {2}<Task pending name="worker" fn=work> waits on <Future pending>$/,
    );
    assert.match(
      String(foreign?.["message"]),
      /fn=main> waits on a promise outside the library \(wrap\(\) it to make it visible\)/,
    );
    // A main task blocked on a foreign promise cannot take the shutdown's cancellation either.
    assert.match(
      String((foreign?.["shutdownReports"] as string[] | undefined)?.[0]),
      /tasks left at asyncio.run\(\) shutdown can never finish/,
    );
    assert.deepEqual(wrapped?.["blocked"], [["Task-4", "Future"]]);
    assert.deepEqual(foreign?.["blocked"], [["Task-3", null]]);
    assert.deepEqual(virtual?.["blocked"], [["Task-5", "Future"]]);
    assert.deepEqual(cancelledSleep?.["blocked"], [["Task-6", "Future"]]);
    assert.deepEqual(cycle?.["blocked"], [
      ["Task-8", "a"],
      ["a", "b"],
      ["b", "a"],
    ]);
    // Cancelling the cycle recurses without end, as in asyncio: reported, the run's error kept.
    assert.deepEqual(cycle?.["shutdownReports"], [
      ...["main", "a", "b"].map(
        () => "error while cancelling a task during asyncio.run() shutdown",
      ),
      "tasks left at asyncio.run() shutdown can never finish: they ignored cancellation or wait on a promise outside the library",
    ]);
    assert.match(String(cycle?.["message"]), /name="a".* waits on <Task pending name="b"/);
    assert.match(String(cycle?.["message"]), /name="b".* waits on <Task pending name="a"/);
  });

  test("tasks that ignore cancellation at shutdown are reported; run still resolves", async () => {
    const result = await runScript(`
      import * as asyncio from "asyncio-ts";
      const value = await asyncio.run(async () => {
        asyncio.getRunningLoop().setExceptionHandler((loop, context) => {
          console.log(JSON.stringify({
            message: context.message,
            exception: context.exception?.name,
            tasks: context.tasks,
          }));
        });
        asyncio.createTask(async () => {
          while (true) {
            try { await new asyncio.Future(); } catch {}
          }
        }, { name: "stubborn" });
        await asyncio.sleep(0);
        return "main result";
      });
      console.log(JSON.stringify({ value }));
    `);
    const [reported, resolved] = records(result);
    assert.match(
      String(reported?.["message"]),
      /tasks left at asyncio.run\(\) shutdown can never finish/,
    );
    assert.equal(reported?.["exception"], "DeadlockError");
    assert.match(JSON.stringify(reported?.["tasks"]), /name=\\"stubborn\\"/);
    assert.deepEqual(resolved, { value: "main result" });
    assert.equal(result.code, 0);
  });
});

describe("the deadlock report of the low-level loop", () => {
  test("runUntilComplete and runForever reject with a DeadlockError instead of Node exiting", async () => {
    const result = await runScript(`
      import * as asyncio from "asyncio-ts";
      const report = async (scenario, run) => {
        const loop = asyncio.newEventLoop();
        try {
          await run(loop);
          console.log(JSON.stringify({ scenario, outcome: "resolved" }));
        } catch (error) {
          console.log(JSON.stringify({
            scenario,
            name: error.name,
            message: error.message,
            blocked: error.blocked?.map(({ task }) => task.getName()),
            running: loop.isRunning(),
          }));
        } finally {
          loop.close();
        }
      };
      await report("task", (loop) =>
        loop.runUntilComplete(async function main() {
          await new asyncio.Event().wait();
        }),
      );
      await report("future", (loop) => {
        loop.createTask(() => new asyncio.Future(), { name: "waiter" });
        return loop.runUntilComplete(loop.createFuture());
      });
      await report("forever", (loop) => loop.runForever());
      await report("forever with a task", (loop) => {
        loop.createTask(() => new asyncio.Future(), { name: "waiter" });
        return loop.runForever();
      });
      await report("stopped", (loop) => {
        loop.callLater(0.01, () => loop.stop());
        return loop.runForever();
      });
    `);
    assert.equal(result.stderr, "");
    assert.equal(result.code, 0);
    const [task, future, forever, foreverTask, stopped] = records(result);
    assert.equal(task?.["name"], "DeadlockError");
    assert.match(
      String(task?.["message"]),
      /^deadlock: the main task can never finish; every task waits .*:\n {2}<Task pending name="Task-\d+" fn=main> waits on <Future pending: Event.wait\(\)/,
    );
    assert.equal(task?.["running"], false);
    assert.equal(future?.["name"], "DeadlockError");
    assert.match(
      String(future?.["message"]),
      /^deadlock: the Future runUntilComplete\(\) waits for can never complete/,
    );
    assert.deepEqual(future?.["blocked"], ["waiter"]);
    assert.deepEqual(forever, {
      scenario: "forever",
      name: "DeadlockError",
      message:
        "deadlock: runForever() can never return: nothing is left that could call loop.stop(); " +
        "no task is left and nothing (timer, I/O, worker) is pending",
      blocked: [],
      running: false,
    });
    assert.deepEqual(foreverTask?.["blocked"], ["waiter"]);
    assert.deepEqual(stopped, { scenario: "stopped", outcome: "resolved" });
  });
});

describe("exceptions never retrieved", () => {
  // mirrors test_futures.BaseFutureTests.test_future_exception_never_retrieved
  // mirrors test_futures.BaseFutureTests.test_tb_logger_exception_unretrieved
  // mirrors test_futures.BaseFutureTests.test_tb_logger_exception_retrieved
  // mirrors test_futures.BaseFutureTests.test_tb_logger_exception_result_retrieved
  // mirrors test_futures.BaseFutureTests.test_tb_logger_not_called_after_cancel
  // mirrors test_tasks.BaseTaskTests.test_tb_logger_not_called_after_cancel
  // mirrors test_base_events.BaseEventLoopTests.test_default_exc_handler_coro
  test("a failed Future or Task nobody looked at is reported once collected", async () => {
    // Reports come from a FinalizationRegistry, so the script forces garbage collections.
    const result = await runScript(
      `
      import * as asyncio from "asyncio-ts";
      import { setImmediate as tick } from "node:timers/promises";
      const failing = (message) =>
        asyncio.createTask(async function fails() { throw new RangeError(message); });
      const failedFuture = (message) => {
        const future = new asyncio.Future();
        future.setException(new TypeError(message));
        return future;
      };
      const reports = [];
      await asyncio.run(async () => {
        asyncio.getRunningLoop().setExceptionHandler((loop, context) => {
          reports.push([context.message, context.exception.message, context.source]);
        });
        failing("task never looked at");
        try { await failing("task awaited"); } catch {}
        const looked = failing("task looked at");
        const cancelledAfter = failing("task cancelled after it failed");
        await asyncio.sleep(0);
        looked.exception();
        cancelledAfter.cancel();
        failedFuture("future never looked at");
        try { failedFuture("future result() called").result(); } catch {}
        failedFuture("future cancelled after it failed").cancel();
        for (let round = 0; round < 200 && (round < 10 || reports.length < 2); round++) {
          globalThis.gc();
          await asyncio.wrap(tick());
        }
      });
      console.log(JSON.stringify(reports.sort()));
      `,
      { nodeFlags: ["--expose-gc"] },
    );
    assert.equal(result.stderr, "");
    const reports = JSON.parse(result.stdout) as string[][];
    assert.deepEqual(
      reports.map(([message, exception]) => [message, exception]),
      [
        ["Future exception was never retrieved", "future never looked at"],
        ["Task exception was never retrieved", "task never looked at"],
      ],
    );
    assert.match(
      reports[1]![2]!,
      /^<Task finished exception=RangeError\("task never looked at"\) name="Task-\d+" fn=fails>$/,
    );
  });
});

describe("the process stays alive while the loop has work", () => {
  test("a script whose only pending work is a library timer runs to its end", async () => {
    const result = await runScript(`
      import * as asyncio from "asyncio-ts";
      process.on("exit", (code) => console.log("exit " + code));
      const started = performance.now();
      const value = await asyncio.run(async () => {
        const loop = asyncio.getRunningLoop();
        const fired = loop.createFuture();
        loop.callLater(0.2, () => fired.setResult("timer fired"));
        await asyncio.sleep(0.1);
        console.log("slept");
        return await fired;
      });
      console.log(value);
      console.log("elapsed enough: " + (performance.now() - started >= 190));
    `);
    assert.deepEqual(result.lines, ["slept", "timer fired", "elapsed enough: true", "exit 0"]);
    assert.equal(result.code, 0);
  });

  test("a sleeping task keeps the process alive while main awaits it", async () => {
    const result = await runScript(`
      import * as asyncio from "asyncio-ts";
      const value = await asyncio.run(async () => {
        const sleeper = asyncio.createTask(() => asyncio.sleep(0.15, "woke up"));
        return await sleeper;
      });
      console.log(value);
    `);
    assert.deepEqual(result.lines, ["woke up"]);
    assert.equal(result.code, 0);
  });

  test("the long timers of cancelled tasks do not keep the process alive after run", async () => {
    const started = performance.now();
    const result = await runScript(`
      import * as asyncio from "asyncio-ts";
      await asyncio.run(async () => {
        asyncio.createTask(() => asyncio.sleep(3600));
        asyncio.getRunningLoop().callLater(3600, () => console.log("not reached"));
        await asyncio.sleep(0);
      });
      console.log("run ended");
    `);
    assert.deepEqual(result.lines, ["run ended"]);
    assert.equal(result.code, 0);
    assert.ok(performance.now() - started < 20_000);
  });
});
