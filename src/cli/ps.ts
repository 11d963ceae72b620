/**
 * `asyncio-ts ps PID`: the table of the pending tasks of another process, as
 * `python -m asyncio ps PID` prints it: one row per task and awaiter.
 */
import type { Snapshot, TaskRecord } from "../debug/snapshot.js";

const HEADERS = ["loop", "task id", "task name", "function", "state", "awaiter name", "awaiter id"];

function stateOf(task: TaskRecord): string {
  return task.cancelling > 0 ? `${task.state} (cancelling)` : task.state;
}

/** The rows of the table: one per task and awaiter (a task no one awaits has one row). */
export function taskTable(snapshot: Snapshot): string[][] {
  const rows: string[][] = [];
  for (const loop of snapshot.loops) {
    const names = new Map(loop.tasks.map((task) => [task.id, task.name]));
    for (const task of loop.tasks) {
      const row = [String(loop.id), String(task.id), task.name, task.function, stateOf(task)];
      if (task.awaitedBy.length === 0) {
        rows.push([...row, "", ""]);
        continue;
      }
      for (const awaiter of task.awaitedBy) {
        rows.push([...row, names.get(awaiter) ?? "Unknown", String(awaiter)]);
      }
    }
  }
  return rows;
}

/** The table as text: left-aligned columns under a header and a rule. */
export function formatTaskTable(snapshot: Snapshot): string {
  const rows = taskTable(snapshot);
  const widths = HEADERS.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] as string).length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] as number))
      .join("  ")
      .trimEnd();
  const total = widths.reduce((sum, width) => sum + width, 0) + 2 * (widths.length - 1);
  return [line(HEADERS), "-".repeat(total), ...rows.map(line)].join("\n");
}
