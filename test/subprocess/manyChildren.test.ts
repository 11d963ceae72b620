/**
 * A thousand children started one after another leave no file descriptor, no zombie and no
 * handle. In a file of its own: starting a child forks this process, which is slower the more
 * memory it holds, and the large-data tests of reliability.test.ts leave a big heap behind.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import {
  assertNothingLeft,
  bounded,
  eventually,
  procState,
  resourceCounts,
  subprocessHolds,
} from "./helpers.js";

const { PIPE } = asyncio;

test("a thousand children one after another leave no fd, zombie or handle", {
  timeout: 150_000,
}, async () => {
  const before = resourceCounts();
  const pids: number[] = [];
  const started = Date.now();
  await asyncio.run(async () => {
    for (let i = 0; i < 1000; i++) {
      // Alternate: pipes on all three, and none.
      const proc =
        i % 2 === 0
          ? await asyncio.createSubprocessExec("true", [], {
              stdin: PIPE,
              stdout: PIPE,
              stderr: PIPE,
            })
          : await asyncio.createSubprocessExec("true");
      pids.push(proc.pid);
      if (i % 2 === 0) await bounded(() => proc.communicate());
      else await bounded(() => proc.wait());
      assert.equal(proc.returncode, 0);
    }
    await eventually(() => subprocessHolds().length === 0, "every hold released");
  });
  const elapsed = Date.now() - started;
  await assertNothingLeft(before);
  // None of them is still our child (a pid reused since belongs to someone else).
  for (const pid of pids) assert.notEqual(procState(pid)?.ppid, process.pid, `pid ${pid}`);
  // Each start forks this process: 5 to 10 ms on an idle 2-core machine (as bare Node's
  // spawn), several times that when the machine is busy. A loose bound against a slowdown of
  // our own, not a benchmark.
  assert.ok(elapsed < 120_000, `took ${elapsed} ms`);
});
