/**
 * The queue example prints what its Python twin prints: the sleep times are random, so the test
 * checks the shape of the output and that its numbers agree, under virtual time.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as queueWorkers from "../../examples/queue-workers.js";
import { captureLog, runVirtual } from "../helpers.js";

test("queue-workers: 20 items shared by 3 workers, then the totals", async () => {
  const lines = await captureLog(() => runVirtual(queueWorkers.main));
  assert.equal(lines.length, 23, lines.join("\n"));
  const slept: number[] = [];
  const workers = new Set<string>();
  for (const line of lines.slice(0, 20)) {
    const match = /^(worker-[0-2]) has slept for (\d+\.\d\d) seconds$/.exec(line);
    assert.ok(match, line);
    workers.add(match[1] as string);
    slept.push(Number(match[2]));
  }
  assert.equal(workers.size, 3);
  assert.equal(lines[20], "====");
  const parallel = /^3 workers slept in parallel for (\d+\.\d\d) seconds$/.exec(lines[21] ?? "");
  const expected = /^total expected sleep time: (\d+\.\d\d) seconds$/.exec(lines[22] ?? "");
  assert.ok(parallel, lines[21]);
  assert.ok(expected, lines[22]);
  const total = Number(expected[1]);
  const inParallel = Number(parallel[1]);
  // Each printed time is rounded to 0.005 at most.
  const sum = slept.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - total) <= 20 * 0.005 + 0.005, `${sum} vs ${total}`);
  for (const seconds of slept) assert.ok(seconds >= 0.05 && seconds <= 1.0, String(seconds));
  // Three workers: at least a third of the total, at least the longest item, at most the total.
  assert.ok(inParallel >= total / 3 - 0.01, `${inParallel} vs ${total}`);
  assert.ok(inParallel >= Math.max(...slept) - 0.01);
  assert.ok(inParallel <= total + 0.01);
  // The workers did overlap: each took an item at once.
  assert.ok(inParallel < total);
});
