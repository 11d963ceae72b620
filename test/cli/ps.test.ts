/**
 * `asyncio-ts ps PID` and `asyncio-ts pstree PID` against child processes: a target that uses
 * asyncio-ts (named tasks awaiting each other), and the error cases. The tests run one after
 * the other: each target opens its inspector on the default port while it is read.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { describe, test } from "node:test";
import type { Child } from "./cliProcess.js";
import { runCommand, startScript } from "./cliProcess.js";

/** main awaits "parent", which awaits "child", which sleeps; "idle" sleeps on its own. */
const TARGET = `
import * as asyncio from "asyncio-ts";
await asyncio.run(async function main() {
  const child = asyncio.createTask(async function sleepForever() {
    await asyncio.sleep(3600);
  }, { name: "child" });
  const parent = asyncio.createTask(async function awaitChild() {
    await child;
  }, { name: "parent" });
  asyncio.createTask(async function idle() {
    await asyncio.sleep(3600);
  }, { name: "idle" });
  await asyncio.sleep(0);
  console.log("ready");
  await parent;
});
`;

/** Runs `fn` with a target started from `source`, and kills the target afterwards. */
async function withTarget(
  source: string,
  fn: (target: Child) => Promise<void>,
  nodeFlags: string[] = [],
): Promise<void> {
  const target = await startScript(source, nodeFlags);
  try {
    await fn(target);
  } finally {
    await target.stop();
  }
}

describe("asyncio-ts ps / pstree", { concurrency: false }, () => {
  test("ps prints the task table of another process", async () => {
    await withTarget(TARGET, async (target) => {
      const pid = String(target.process.pid);
      const { code, stdout, stderr } = await runCommand(["ps", pid]);
      assert.equal(code, 0, stderr);
      const [header, rule, ...rows] = stdout.trimEnd().split("\n");
      assert.match(
        header as string,
        /^loop\s+task id\s+task name\s+function\s+state\s+awaiter name\s+awaiter id$/,
      );
      assert.match(rule as string, /^-+$/);
      const byName = new Map(rows.map((row) => [row.split(/\s+/)[2], row.split(/\s+/)]));
      assert.deepEqual([...byName.keys()].sort(), ["Task-1", "child", "idle", "parent"]);
      assert.deepEqual(byName.get("child")?.slice(3, 6), ["sleepForever", "waiting", "parent"]);
      assert.deepEqual(byName.get("parent")?.slice(3, 6), ["awaitChild", "waiting", "Task-1"]);
      assert.deepEqual(byName.get("idle")?.slice(3), ["idle", "waiting"]);
      assert.deepEqual(byName.get("Task-1")?.slice(3), ["main", "waiting"]);
      // The awaiter id column names the awaiting task's id.
      const parentId = byName.get("parent")?.[1];
      assert.equal(byName.get("child")?.[6], parentId);
    });
  });

  test("pstree prints the await tree of another process", async () => {
    await withTarget(TARGET, async (target) => {
      const { code, stdout, stderr } = await runCommand(["pstree", String(target.process.pid)]);
      assert.equal(code, 0, stderr);
      assert.equal(
        stdout,
        [
          "└── (T) Task-1",
          "    └── (T) parent",
          "        └── (T) child",
          "            └── <SleepFuture pending>",
          "└── (T) idle",
          "    └── <SleepFuture pending>",
          "",
        ].join("\n"),
      );
    });
  });

  test("ps --json gives the snapshot, and the inspector is closed again afterwards", async () => {
    await withTarget(TARGET, async (target) => {
      const pid = target.process.pid as number;
      const first = await runCommand(["ps", "--json", String(pid)]);
      assert.equal(first.code, 0, first.stderr);
      const snapshot = JSON.parse(first.stdout) as {
        pid: number;
        loops: { running: boolean; tasks: { name: string; awaits: { name?: string } | null }[] }[];
      };
      assert.equal(snapshot.pid, pid);
      assert.equal(snapshot.loops.length, 1);
      assert.equal(snapshot.loops[0]?.running, true);
      const parent = snapshot.loops[0]?.tasks.find((task) => task.name === "parent");
      assert.equal(parent?.awaits?.name, "child");
      // Read a second time: the target opened and closed its inspector each time.
      const second = await runCommand(["ps", String(pid)]);
      assert.equal(second.code, 0, second.stderr);
      await target.waitFor(/(Debugger listening on[\s\S]*){2}/, 20_000, "stderr");
      await target.waitFor(/(Debugger ending on[\s\S]*){2}/, 20_000, "stderr");
    });
  });

  test("an inspector the target opened itself is used and left open", async (t) => {
    if (process.platform !== "linux") {
      t.skip("its port is found from /proc on Linux only");
      return;
    }
    await withTarget(
      TARGET,
      async (target) => {
        const pid = String(target.process.pid);
        for (let i = 0; i < 2; i++) {
          const { code, stdout, stderr } = await runCommand(["pstree", pid]);
          assert.equal(code, 0, stderr);
          assert.match(stdout, /\(T\) parent/);
        }
        await target.waitFor(/(Debugger attached[\s\S]*){2}/, 20_000, "stderr");
        // Opened once, by the flag, and never closed and reopened.
        assert.equal(target.stderr.match(/Debugger listening on/g)?.length, 1, target.stderr);
      },
      ["--inspect=127.0.0.1:0"],
    );
  });

  test("no such pid: one line, exit code 1", async () => {
    // A pid that existed and is gone: a child that has exited.
    const gone = spawn(process.execPath, ["-e", ""]);
    await new Promise((resolve) => gone.on("close", resolve));
    const { code, stdout, stderr } = await runCommand(["ps", String(gone.pid)]);
    assert.equal(code, 1);
    assert.equal(stdout, "");
    assert.equal(stderr, `asyncio-ts ps: no process with pid ${gone.pid}\n`);
  });

  test("a Node process without asyncio-ts: one line, exit code 1", async () => {
    await withTarget('console.log("ready"); setInterval(() => {}, 1000);', async (target) => {
      const pid = target.process.pid as number;
      const { code, stderr } = await runCommand(["pstree", String(pid)]);
      assert.equal(code, 1);
      assert.equal(
        stderr,
        `asyncio-ts pstree: process ${pid} does not use asyncio-ts (it has not loaded the package: no task snapshot found)\n`,
      );
    });
  });

  test("a process that is not Node: one line, exit code 1, and it is not signalled", async (t) => {
    if (process.platform === "win32") {
      t.skip("no sleep command");
      return;
    }
    const sleeper = spawn("sleep", ["30"]);
    try {
      const { code, stderr } = await runCommand(["ps", String(sleeper.pid)]);
      assert.equal(code, 1);
      assert.match(
        stderr,
        new RegExp(`^asyncio-ts ps: process ${sleeper.pid} is not a Node.js process`),
      );
      assert.equal(stderr.split("\n").length, 2);
      assert.equal(sleeper.exitCode, null);
      assert.equal(sleeper.signalCode, null);
    } finally {
      sleeper.kill("SIGKILL");
    }
  });

  test("usage errors and --help", async () => {
    const missing = await runCommand(["ps"]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /the PID of the process is missing/);
    const help = await runCommand(["pstree", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^usage: asyncio-ts pstree/);
    assert.match(help.stdout, /127\.0\.0\.1/);
    const top = await runCommand(["--help"]);
    assert.equal(top.code, 0);
    assert.match(top.stdout, /repl/);
    assert.match(top.stdout, /pstree PID/);
    const unknown = await runCommand(["frobnicate"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command: frobnicate/);
  });
});
