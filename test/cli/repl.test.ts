/**
 * `asyncio-ts repl`, driven through the stdin of a child process (not a terminal): each input
 * runs as a task of one running loop, with top-level await, as `python -m asyncio`.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Child, MAIN } from "./cliProcess.js";

/** The REPL with no history file; lines are written by the test. */
function startRepl(): Child {
  return new Child([MAIN, "repl"], { ASYNCIO_TS_HISTORY: "" });
}

/** Writes each input and waits for the marker it prints, so the transcript is in order. */
async function session(lines: string[]): Promise<{ stdout: string; code: number | null }> {
  const repl = startRepl();
  try {
    await repl.waitFor('Use "await" directly');
    for (const line of lines) repl.write(`${line}\n`);
    repl.write(".exit\n");
    const { code } = await repl.finished();
    return { stdout: repl.stdout, code };
  } finally {
    await repl.stop();
  }
}

describe("asyncio-ts repl", () => {
  test("top-level await of asyncio.sleep runs on the session's loop", async () => {
    const { stdout, code } = await session([
      "const t0 = asyncio.getRunningLoop().time()",
      "await asyncio.sleep(0.1)",
      'console.log("slept", asyncio.getRunningLoop().time() - t0 >= 0.09)',
    ]);
    assert.match(stdout, /slept true/);
    assert.match(stdout, /exiting asyncio-ts REPL/);
    assert.equal(code, 0);
  });

  test("each input runs in a task of its own", async () => {
    const { stdout } = await session([
      "const first = asyncio.currentTask()",
      'console.log("is task", first instanceof asyncio.Task)',
      'console.log("other task", asyncio.currentTask() !== first, first.done())',
    ]);
    assert.match(stdout, /is task true/);
    assert.match(stdout, /other task true true/);
  });

  test("a task created on one line keeps running while the next ones run", async () => {
    const { stdout } = await session([
      "const ev = new asyncio.Event()",
      'const bg = asyncio.createTask(async () => { await ev.wait(); return "bg done"; }, { name: "bg" })',
      'console.log("still running", !bg.done())',
      "ev.set()",
      'console.log("result", await bg)',
    ]);
    assert.match(stdout, /still running true/);
    assert.match(stdout, /result bg done/);
  });

  test("an error is printed and the session goes on", async () => {
    const { stdout, code } = await session([
      'throw new Error("boom-sync")',
      'await asyncio.sleep(0.01); throw new Error("boom-async")',
      'console.log("after", 1 + 1)',
    ]);
    assert.match(stdout, /Uncaught Error: boom-sync/);
    assert.match(stdout, /Error: boom-async/);
    assert.match(stdout, /after 2/);
    assert.equal(code, 0);
  });

  test("an input spanning several lines is evaluated once complete", async () => {
    const { stdout } = await session([
      "async function twice(x) {",
      "  return 2 * x;",
      "}",
      'console.log("twice", await twice(21))',
    ]);
    assert.match(stdout, /twice 42/);
  });

  test("SIGINT cancels the running input, not the session", async () => {
    const repl = startRepl();
    try {
      await repl.waitFor('Use "await" directly');
      repl.write('console.log("waiting"); await asyncio.sleep(3600)\n');
      await repl.waitFor("waiting\n");
      repl.process.kill("SIGINT");
      await repl.waitFor("KeyboardInterrupt\n");
      repl.write('console.log("alive", 6 * 7)\n');
      await repl.waitFor("alive 42\n");
      repl.write(".exit\n");
      const { code } = await repl.finished();
      assert.equal(code, 0);
    } finally {
      await repl.stop();
    }
  });

  test(".exit cancels the tasks left, as run() does", async () => {
    const { stdout, code } = await session([
      'asyncio.createTask(async () => { try { await asyncio.sleep(3600); } catch (e) { console.log("left task:", e.name); throw e; } }); undefined',
      "await asyncio.sleep(0)",
    ]);
    assert.match(stdout, /left task: CancelledError/);
    assert.equal(code, 0);
  });

  test("the end of the input ends the session", async () => {
    const repl = startRepl();
    try {
      await repl.waitFor('Use "await" directly');
      repl.write("await asyncio.sleep(0.05)\n");
      repl.process.stdin.end('console.log("last line")\n');
      const { code } = await repl.finished();
      assert.equal(code, 0);
      assert.match(repl.stdout, /last line/);
    } finally {
      await repl.stop();
    }
  });
});
