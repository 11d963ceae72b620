/**
 * The snapshot `ps`/`pstree` read (src/debug/snapshot.ts) taken in this process, and how the
 * command prints it: the table of `python -m asyncio ps` and the tree of `pstree`, with its
 * cycle report (Lib/asyncio/tools.py).
 *
 * Not mirrored from test_asyncio/test_tools.py: the cases built on coroutine frames
 * (TestAsyncioToolsTree/TestAsyncioToolsTable.test_asyncio_utils, test_deep_coroutine_chain,
 * test_duplicate_coroutine_frames and the other frame cases) — JavaScript does not expose the
 * frames of a suspended async function, so the tree has tasks only; test_table_output_format
 * (thread ids and hexadecimal addresses: our rows have a loop number and task numbers); the
 * csv/bsv output formats, which the command does not have (it has --json).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as asyncio from "asyncio-ts";
import { formatTaskTable, taskTable } from "#internal/cli/ps.js";
import { AwaitCycleError, awaitTrees } from "#internal/cli/pstree.js";
import type { Snapshot, TaskRecord } from "#internal/debug/snapshot.js";
import { INTROSPECTION_SYMBOL, takeSnapshot } from "#internal/debug/snapshot.js";

function introspect(): Snapshot {
  const holder = globalThis as unknown as Record<symbol, () => Snapshot>;
  return holder[INTROSPECTION_SYMBOL]();
}

/** The tasks of the running loop in a snapshot taken now. */
function runningLoopTasks(snapshot: Snapshot): TaskRecord[] {
  const loop = snapshot.loops.find((record) => record.running);
  assert.ok(loop !== undefined);
  return loop.tasks;
}

describe("the task snapshot", () => {
  test("is reachable through the global symbol once the package is loaded", () => {
    assert.equal(INTROSPECTION_SYMBOL, Symbol.for("asyncio-ts.introspection"));
    const snapshot = introspect();
    assert.equal(snapshot.pid, process.pid);
    assert.equal(snapshot.version, 1);
    // Plain data: it survives JSON as the inspector's returnByValue needs.
    assert.deepEqual(JSON.parse(JSON.stringify(snapshot)), snapshot);
  });

  test("names what each task awaits and which tasks await it", async () => {
    await asyncio.run(async function main() {
      const event = new asyncio.Event();
      const leaf = asyncio.createTask(() => event.wait(), { name: "leaf" });
      const a = asyncio.createTask(
        async function awaitsLeaf() {
          await leaf;
        },
        { name: "a" },
      );
      const b = asyncio.createTask(
        async () => {
          await leaf;
        },
        { name: "b" },
      );
      await asyncio.sleep(0);
      const tasks = runningLoopTasks(introspect());
      const byName = new Map(tasks.map((task) => [task.name, task]));
      const leafRecord = byName.get("leaf") as TaskRecord;
      const aRecord = byName.get("a") as TaskRecord;
      const bRecord = byName.get("b") as TaskRecord;
      assert.equal(leafRecord.state, "waiting");
      assert.equal(leafRecord.awaits?.kind, "future");
      assert.deepEqual(leafRecord.awaitedBy, [aRecord.id, bRecord.id]);
      assert.deepEqual(aRecord.awaits, { kind: "task", id: leafRecord.id, name: "leaf" });
      assert.equal(aRecord.function, "awaitsLeaf");
      assert.equal(bRecord.function, "<anonymous>");
      // Ids are stable from one snapshot to the next.
      const again = runningLoopTasks(introspect());
      assert.equal(again.find((task) => task.name === "leaf")?.id, leafRecord.id);
      // The main task is running: not parked on a Future.
      assert.equal(byName.get(asyncio.currentTask()?.getName() as string)?.state, "ready");
      a.cancel();
      await asyncio.sleep(0);
      const cancelling = runningLoopTasks(introspect()).find((task) => task.name === "a");
      assert.ok(cancelling === undefined || cancelling.cancelling === 1);
      event.set();
      await asyncio.gather(leaf, b, a, { returnExceptions: true });
    });
  });

  test("a closed loop is left out", async () => {
    const loop = asyncio.newEventLoop();
    const before = takeSnapshot().loops.length;
    loop.close();
    assert.equal(takeSnapshot().loops.length, before - 1);
  });

  test("a task awaited through gather is awaited by the gathering task; debug mode tells where tasks were created", async () => {
    await asyncio.run(
      async () => {
        const awaited = asyncio.createTask(() => asyncio.sleep(3600), { name: "awaited" });
        const holder = asyncio.createTask(() => asyncio.gather(awaited), { name: "holder" });
        await asyncio.sleep(0);
        const tasks = runningLoopTasks(takeSnapshot());
        const awaitedRecord = tasks.find((task) => task.name === "awaited") as TaskRecord;
        const holderRecord = tasks.find((task) => task.name === "holder") as TaskRecord;
        assert.deepEqual(awaitedRecord.awaitedBy, [holderRecord.id]);
        assert.match(awaitedRecord.createdAt ?? "", /snapshot\.test\.js:\d+:\d+/);
        holder.cancel();
        await asyncio.gather(holder, { returnExceptions: true });
      },
      { debug: true },
    );
  });
});

function task(
  id: number,
  name: string,
  awaitedBy: number[],
  extra: Partial<TaskRecord> = {},
): TaskRecord {
  return {
    id,
    name,
    function: `${name}Fn`,
    state: "waiting",
    cancelling: 0,
    awaits: null,
    awaitedBy,
    createdAt: null,
    ...extra,
  };
}

function snapshotOf(tasks: TaskRecord[]): Snapshot {
  return { version: 1, pid: 1, loops: [{ id: 1, running: true, debug: false, time: 0, tasks }] };
}

describe("ps and pstree output", () => {
  test("ps: one row per task and awaiter, as python -m asyncio ps", () => {
    const snapshot = snapshotOf([
      task(1, "main", []),
      task(2, "shared", [1, 3], { cancelling: 1 }),
      task(3, "other", []),
    ]);
    assert.deepEqual(taskTable(snapshot), [
      ["1", "1", "main", "mainFn", "waiting", "", ""],
      ["1", "2", "shared", "sharedFn", "waiting (cancelling)", "main", "1"],
      ["1", "2", "shared", "sharedFn", "waiting (cancelling)", "other", "3"],
      ["1", "3", "other", "otherFn", "waiting", "", ""],
    ]);
    const lines = formatTaskTable(snapshot).split("\n");
    assert.equal(lines.length, 6);
    assert.equal(lines[1], "-".repeat(lines[1]?.length ?? 0));
  });

  test("pstree: awaiters above what they await, a shared task under each", () => {
    const snapshot = snapshotOf([
      task(1, "main", []),
      task(2, "left", [1]),
      task(3, "right", [1]),
      task(4, "shared", [2, 3], { awaits: { kind: "future", description: "<Future pending>" } }),
    ]);
    assert.deepEqual(awaitTrees(snapshot), [
      [
        "└── (T) main",
        "    ├── (T) left",
        "    │   └── (T) shared",
        "    │       └── <Future pending>",
        "    └── (T) right",
        "        └── (T) shared",
        "            └── <Future pending>",
      ].join("\n"),
    ]);
  });

  // mirrors test_tools.TestAsyncioToolsBasic.test_empty_input_tree
  // mirrors test_tools.TestAsyncioToolsBasic.test_empty_input_table
  test("no loop, or a loop without tasks: no rows and no trees", () => {
    const none: Snapshot = { version: 1, pid: 1, loops: [] };
    assert.deepEqual(taskTable(none), []);
    assert.deepEqual(awaitTrees(none), []);
    assert.deepEqual(taskTable(snapshotOf([])), []);
    assert.deepEqual(awaitTrees(snapshotOf([])), []);
  });

  // mirrors test_tools.TestAsyncioToolsBasic.test_only_independent_tasks_tree
  // mirrors test_tools.TestAsyncioToolsBasic.test_only_independent_tasks_table
  test("tasks awaiting nothing: one tree and one row each", () => {
    const snapshot = snapshotOf([task(10, "taskA", []), task(11, "taskB", [])]);
    assert.deepEqual(awaitTrees(snapshot), ["└── (T) taskA", "└── (T) taskB"]);
    assert.deepEqual(taskTable(snapshot), [
      ["1", "10", "taskA", "taskAFn", "waiting", "", ""],
      ["1", "11", "taskB", "taskBFn", "waiting", "", ""],
    ]);
  });

  // mirrors test_tools.TestAsyncioToolsBasic.test_complex_tree
  // mirrors test_tools.TestAsyncioToolsBasic.test_complex_table
  test("a chain of three tasks", () => {
    const snapshot = snapshotOf([
      task(2, "Task-1", []),
      task(3, "Task-2", [2]),
      task(4, "Task-3", [3]),
    ]);
    assert.deepEqual(awaitTrees(snapshot), [
      ["└── (T) Task-1", "    └── (T) Task-2", "        └── (T) Task-3"].join("\n"),
    ]);
    assert.deepEqual(
      taskTable(snapshot).map((row) => row.slice(1)),
      [
        ["2", "Task-1", "Task-1Fn", "waiting", "", ""],
        ["3", "Task-2", "Task-2Fn", "waiting", "Task-1", "2"],
        ["4", "Task-3", "Task-3Fn", "waiting", "Task-2", "3"],
      ],
    );
  });

  // mirrors test_tools.TestAsyncioToolsEdgeCases.test_task_with_missing_awaiter_id
  test("an awaiter missing from the table is named Unknown", () => {
    const rows = taskTable(snapshotOf([task(1, "Task-A", [999])]));
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.[5], "Unknown");
  });

  // mirrors test_tools.TestAsyncioToolsEdgeCases.test_task_awaits_self
  test("pstree: a task awaiting itself is a cycle", () => {
    assert.throws(
      () => awaitTrees(snapshotOf([task(1, "Self-Awaiter", [1])])),
      (error: unknown) =>
        error instanceof AwaitCycleError &&
        error.cycles.some((cycle) => cycle.join(",") === "Self-Awaiter,Self-Awaiter"),
    );
  });

  // mirrors test_tools.TestAsyncioToolsBasic.test_multiple_cycles_same_node
  test("pstree: cycles through one task are found", () => {
    const snapshot = snapshotOf([
      task(1, "Task-A", [2]),
      task(2, "Task-B", [3]),
      task(3, "Task-C", [1, 2]),
    ]);
    assert.throws(
      () => awaitTrees(snapshot),
      (error: unknown) =>
        error instanceof AwaitCycleError && error.cycles.some((cycle) => new Set(cycle).size === 3),
    );
  });

  // mirrors test_tools.TestAsyncioToolsBasic.test_cycle_detection
  test("pstree: a cycle is reported, not drawn", () => {
    const snapshot = snapshotOf([task(1, "a", [2]), task(2, "b", [1]), task(3, "c", [])]);
    assert.throws(
      () => awaitTrees(snapshot),
      (error: unknown) =>
        error instanceof AwaitCycleError &&
        error.cycles.length === 1 &&
        error.cycles[0]?.join(" → ") === "a → b → a",
    );
  });
});
