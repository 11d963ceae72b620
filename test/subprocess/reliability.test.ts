/**
 * Reliability of subprocesses: communicate() with large data on three pipes at once, a
 * timed-out communicate(), a thousand children one after another and a hundred at once
 * leaving nothing behind, and a process that exits although it forgot a running child (a
 * thousand children one after another: manyChildren.test.ts, in a process of its own).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { runScript } from "../core/childProcess.js";
import { rejection } from "../helpers.js";
import {
  assertNothingLeft,
  BLOCKED,
  bounded,
  eventually,
  isAlive,
  killQuietly,
  liveChildren,
  NODE,
  resourceCounts,
  subprocessHolds,
  T,
} from "./helpers.js";

const { PIPE } = asyncio;

/** `n` bytes of a pattern that a lost or reordered chunk would break. */
function pattern(n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7 + (i >> 16)) & 0xff;
  return out;
}

test(
  "communicate() with 24 MB in on stdin and out on stdout and stderr at once",
  {
    timeout: 40_000,
  },
  () =>
    asyncio.run(async () => {
      const input = pattern(24 * 1024 * 1024);
      // The child copies every chunk to both outputs as it comes: if we did not read both while
      // writing, the three pipes would fill up and everyone would wait for ever.
      const proc = await asyncio.createSubprocessExec(
        NODE,
        [
          "-e",
          'process.stdin.on("data", (d) => { process.stdout.write(d); process.stderr.write(d); });',
        ],
        { stdin: PIPE, stdout: PIPE, stderr: PIPE },
      );
      const [stdout, stderr] = await bounded(() => proc.communicate(input), 30);
      assert.equal(proc.returncode, 0);
      assert.equal(stdout?.length, input.length);
      assert.equal(stderr?.length, input.length);
      assert.ok(stdout.equals(input), "stdout differs");
      assert.ok(stderr.equals(input), "stderr differs");
    }),
);

test("communicate() under a timeout: TimeoutError, and the child still runs", T, () =>
  asyncio.run(async () => {
    const proc = await asyncio.createSubprocessExec(...BLOCKED, { stdin: PIPE, stdout: PIPE });
    const error = await rejection(asyncio.timeout(0.1, () => proc.communicate("ignored")));
    assert.ok(error instanceof asyncio.TimeoutError, String(error));
    assert.equal(proc.returncode, null);
    assert.ok(isAlive(proc.pid));
    assert.equal(subprocessHolds().length, 1);
    proc.kill();
    assert.equal(await bounded(() => proc.wait()), -9);
    assert.equal(isAlive(proc.pid), false);
  }),
);

test("a hundred children at once all complete with their own output", {
  timeout: 90_000,
}, async () => {
  const before = resourceCounts();
  await asyncio.run(async () => {
    const outputs = await bounded(
      () =>
        asyncio.gather(
          ...Array.from({ length: 100 }, async (_, i) => {
            const proc = await asyncio.createSubprocessExec("echo", [`child ${i}`], {
              stdout: PIPE,
              stderr: PIPE,
            });
            const [out] = await proc.communicate();
            assert.equal(proc.returncode, 0);
            return out!.toString();
          }),
        ),
      // Two or three seconds on an idle machine, much longer on a busy one.
      60,
    );
    assert.deepEqual(
      outputs,
      Array.from({ length: 100 }, (_, i) => `child ${i}\n`),
    );
    await eventually(() => subprocessHolds().length === 0, "every hold released");
  });
  await assertNothingLeft(before);
  assert.deepEqual(liveChildren(), []);
});

test(
  "a process whose run() forgot running children still exits, and they are killed",
  T,
  async () => {
    const started = Date.now();
    const result = await runScript(
      `
    import * as asyncio from "asyncio-ts";
    await asyncio.run(async () => {
      const quiet = await asyncio.createSubprocessExec("sleep", ["3600"]);
      const piped = await asyncio.createSubprocessExec("sleep", ["3600"], { stdin: asyncio.PIPE, stdout: asyncio.PIPE });
      console.log(quiet.pid);
      console.log(piped.pid);
      console.log(asyncio.getRunningLoop().statistics().inFlight.filter((h) => h.description.startsWith("subprocess ")).length);
    });
    console.log("returned");
    `,
      { timeoutMs: 20_000 },
    );
    const elapsed = Date.now() - started;
    const [quiet, piped] = result.lines.slice(0, 2).map(Number) as [number, number];
    try {
      assert.equal(result.stderr, "");
      assert.deepEqual(result.lines.slice(2), ["2", "returned"]);
      assert.equal(result.code, 0);
      // Under a second when the machine is idle (most of it Node starting); the script is killed
      // after 20 s, and a held loop would keep it until then (code null, not 0).
      assert.ok(elapsed < 15_000, `took ${elapsed} ms`);
      await asyncio.run(() =>
        eventually(() => !isAlive(quiet) && !isAlive(piped), "the forgotten children are dead"),
      );
    } finally {
      if (quiet > 0) killQuietly(quiet);
      if (piped > 0) killQuietly(piped);
    }
  },
);
