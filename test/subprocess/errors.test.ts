/**
 * How starting a child fails: a missing or non-executable program, a missing cwd, bad
 * arguments refused before anything is spawned, and signals to a child already reaped.
 *
 * Mirrors of CPython's test_subprocess.py here: test_popen_error and
 * test_popen_error_with_stdin_pipe (a spawn that fails leaves nothing open), on real failures
 * instead of a mocked `Popen`.
 */
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { rejection } from "../helpers.js";
import { bounded, liveChildren, resourceCounts, subprocessHolds, T } from "./helpers.js";

const { PIPE } = asyncio;

// mirrors test_subprocess.SubprocessMixin.test_popen_error_with_stdin_pipe
test("a program that does not exist: FileNotFoundError naming it, nothing left open", T, () =>
  asyncio.run(async () => {
    const reported: asyncio.ExceptionContext[] = [];
    asyncio.getRunningLoop().setExceptionHandler((_loop, context) => {
      reported.push(context);
    });
    const before = resourceCounts();
    for (const stdin of [null, PIPE] as const) {
      const error = await rejection(
        asyncio.createSubprocessExec("/no/such/program", ["x"], {
          stdin,
          stdout: PIPE,
          stderr: PIPE,
        }),
      );
      assert.ok(error instanceof asyncio.FileNotFoundError, String(error));
      assert.ok(error instanceof asyncio.OSError);
      assert.equal(error.code, "ENOENT");
      assert.equal(error.filename, "/no/such/program");
      assert.match(error.message, /\/no\/such\/program/);
    }
    // The same for a bare name looked up in PATH.
    const bare = await rejection(asyncio.createSubprocessExec("no-such-program-here"));
    assert.ok(bare instanceof asyncio.FileNotFoundError, String(bare));
    assert.equal(bare.filename, "no-such-program-here");
    assert.deepEqual(subprocessHolds(), []);
    // Node closes a failed child's pipes a turn later.
    await asyncio.sleep(0.01);
    const after = resourceCounts();
    assert.equal(after.processes, before.processes);
    assert.equal(after.pipes, before.pipes);
    assert.ok(after.fds <= before.fds, `fds ${before.fds} -> ${after.fds}`);
    assert.deepEqual(reported, []);
  }),
);

// mirrors test_subprocess.SubprocessMixin.test_popen_error
test("a file that is not executable: PermissionError; a missing cwd: FileNotFoundError", T, () =>
  asyncio.run(async () => {
    const folder = mkdtempSync(join(tmpdir(), "asyncio-ts-subprocess-"));
    try {
      const script = join(folder, "script.sh");
      writeFileSync(script, "#!/bin/sh\nexit 0\n");
      chmodSync(script, 0o644);
      const denied = await rejection(asyncio.createSubprocessExec(script));
      assert.ok(denied instanceof asyncio.PermissionError, String(denied));
      assert.equal(denied.code, "EACCES");

      const missing = join(folder, "no-such-folder");
      const noCwd = await rejection(asyncio.createSubprocessExec("true", [], { cwd: missing }));
      assert.ok(noCwd instanceof asyncio.FileNotFoundError, String(noCwd));
      assert.equal(noCwd.code, "ENOENT");
      assert.match(String(noCwd.message) + String(noCwd.filename), /no-such-folder/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    assert.deepEqual(subprocessHolds(), []);
  }),
);

test("a shell command that does not exist is the shell's exit 127, not an error", T, () =>
  asyncio.run(async () => {
    const proc = await asyncio.createSubprocessShell("no-such-command-here", { stderr: PIPE });
    const [, stderr] = await bounded(() => proc.communicate());
    assert.equal(proc.returncode, 127);
    assert.match(stderr!.toString(), /no-such-command-here/);
  }),
);

test("bad arguments are refused before anything is spawned", T, () =>
  asyncio.run(async () => {
    const bad: [string, () => Promise<unknown>][] = [
      ["empty program", () => asyncio.createSubprocessExec("")],
      ["program not a string", () => asyncio.createSubprocessExec(42 as never)],
      ["args not an array", () => asyncio.createSubprocessExec("true", "-x" as never)],
      ["an argument not a string", () => asyncio.createSubprocessExec("true", [1 as never])],
      ["NUL in the program", () => asyncio.createSubprocessExec("tr\0ue")],
      ["NUL in an argument", () => asyncio.createSubprocessExec("true", ["a\0b"])],
      ["shell command not a string", () => asyncio.createSubprocessShell(["true"] as never)],
      [
        "stdin not a target",
        () => asyncio.createSubprocessExec("true", [], { stdin: "pipe" as never }),
      ],
      ["negative fd", () => asyncio.createSubprocessExec("true", [], { stdout: -7 })],
      [
        "STDOUT for stdin",
        () => asyncio.createSubprocessExec("true", [], { stdin: asyncio.STDOUT as never }),
      ],
      ["limit not positive", () => asyncio.createSubprocessExec("true", [], { limit: 0 })],
      ["options not an object", () => asyncio.createSubprocessExec("true", [], 5 as never)],
    ];
    for (const [what, start] of bad) {
      const error = await rejection(start());
      assert.ok(
        error instanceof TypeError || error instanceof RangeError,
        `${what}: ${String(error)}`,
      );
      assert.deepEqual(subprocessHolds(), [], what);
      assert.deepEqual(liveChildren(), [], what);
    }
    const group = await rejection(asyncio.createSubprocessExec("true", [], { processGroup: 5 }));
    assert.ok(group instanceof asyncio.RuntimeError, String(group));
    assert.match(group.message, /processGroup/);
    assert.deepEqual(subprocessHolds(), []);
    assert.deepEqual(liveChildren(), []);
  }),
);

test("processGroup 0 puts the child in a group of its own", T, () =>
  asyncio.run(async () => {
    // Field 5 of /proc/<pid>/stat is the process group.
    const proc = await asyncio.createSubprocessShell("cut -d' ' -f5 /proc/$$/stat", {
      stdout: PIPE,
      processGroup: 0,
    });
    const [out] = await bounded(() => proc.communicate());
    assert.equal(out?.toString().trim(), String(proc.pid));
  }),
);

test("signals to a child reaped and closed: ProcessLookupError", T, () =>
  asyncio.run(async () => {
    const proc = await asyncio.createSubprocessExec("true", [], { stdout: PIPE });
    await bounded(() => proc.communicate());
    assert.equal(proc.returncode, 0);
    assert.throws(() => proc.kill(), asyncio.ProcessLookupError);
    assert.throws(() => proc.terminate(), asyncio.ProcessLookupError);
    assert.throws(() => proc.sendSignal("SIGHUP"), asyncio.ProcessLookupError);
    assert.equal(proc.returncode, 0);
  }),
);
