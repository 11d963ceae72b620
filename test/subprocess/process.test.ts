/**
 * The POSIX scenarios of CPython's test_asyncio/test_subprocess.py (SubprocessMixin), on
 * `createSubprocessExec`/`createSubprocessShell` and `Process`, with a few of uvloop's
 * tests/test_process.py that CPython's file does not have (pipes to a file).
 *
 * Skipped, with the reason:
 * - SubprocessTransportTests.test_proc_exited, test_subprocess_repr: they drive a transport
 *   whose child is a mock; we run real children only (the transport after exit is tested in
 *   transport.test.ts on a real child).
 * - test_create_subprocess_exec_text_mode_fails, test_create_subprocess_shell_text_mode_fails:
 *   not applicable — there is no `text`/`encoding`/`errors` option; streams carry bytes and
 *   an unknown option is refused like any other bad argument (errors.test.ts).
 * - test_devstdin_input: opens /dev/stdin in the child; it is test_stdin_not_inheritable again
 *   on our side (the same stdin pipe).
 * - test_popen_error, test_popen_error_with_stdin_pipe: they make `Popen` raise through a mock;
 *   a spawn that really fails (ENOENT, EACCES, a missing cwd) is tested in errors.test.ts,
 *   with the check that it leaves no fd and no hold.
 * - The watcher classes (SubprocessThreadedWatcherTests, SafeWatcher, FastWatcher, PidfdWatcher,
 *   MultiLoopChildWatcherTests, GenericWatcherTests and test_create_subprocess_with_pidfd):
 *   child watchers are a CPython policy mechanism that Node's libuv replaces; there is nothing
 *   to choose or attach.
 * - The `loop=` / deprecated-loop tests of older versions: there is no `loop` argument.
 * - The half of test_create_subprocess_exec_with_path that passes a path object as an
 *   argument: arguments are strings (a URL is accepted for the program and the cwd only).
 */
import assert from "node:assert/strict";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import * as asyncio from "asyncio-ts";
import { rejection } from "../helpers.js";
import {
  BLOCKED,
  bounded,
  CAT,
  eventually,
  isAlive,
  killQuietly,
  LEN_OF_STDIN,
  liveChildren,
  NODE,
  openHolds,
  T,
} from "./helpers.js";

const { PIPE, DEVNULL, STDOUT } = asyncio;

// mirrors test_subprocess.SubprocessMixin.test_stdin_stdout
test("data written to cat's stdin comes back on its stdout", T, () =>
  asyncio.run(async () => {
    const proc = await asyncio.createSubprocessExec(...CAT, { stdin: PIPE, stdout: PIPE });
    assert.ok(proc.stdin && proc.stdout);
    assert.equal(proc.stderr, null);
    proc.stdin.write("some data");
    await bounded(() => proc.stdin!.drain());
    proc.stdin.close();
    const data = await bounded(() => proc.stdout!.read());
    assert.equal(await bounded(() => proc.wait()), 0);
    assert.equal(data.toString(), "some data");
    assert.equal(proc.returncode, 0);
  }),
);

// mirrors test_subprocess.SubprocessMixin.test_communicate
test("communicate() feeds the input and returns what the child wrote", T, () =>
  asyncio.run(async () => {
    const proc = await asyncio.createSubprocessExec(...CAT, { stdin: PIPE, stdout: PIPE });
    const [stdout, stderr] = await bounded(() => proc.communicate("some data"));
    assert.equal(stdout?.toString(), "some data");
    assert.equal(stderr, null);
    assert.equal(proc.returncode, 0);
  }),
);

// mirrors test_subprocess.SubprocessMixin.test_communicate_none_input
test("communicate() without input closes stdin: cat ends with nothing written", T, () =>
  asyncio.run(async () => {
    const proc = await asyncio.createSubprocessExec(...CAT, { stdin: PIPE, stdout: PIPE });
    const [stdout, stderr] = await bounded(() => proc.communicate());
    assert.deepEqual(stdout, Buffer.alloc(0));
    assert.equal(stderr, null);
    assert.equal(proc.returncode, 0);
  }),
);

test("communicate() after we wrote and closed stdin ourselves still reads the output", T, () =>
  asyncio.run(async () => {
    const proc = await asyncio.createSubprocessExec(...CAT, { stdin: PIPE, stdout: PIPE });
    proc.stdin!.write("written before");
    proc.stdin!.close();
    const [stdout] = await bounded(() => proc.communicate());
    assert.equal(stdout?.toString(), "written before");
    assert.equal(proc.returncode, 0);
  }),
);

// mirrors test_subprocess.SubprocessMixin.test_empty_input
test("communicate('') sends nothing and closes stdin", T, () =>
  asyncio.run(async () => {
    const proc = await asyncio.createSubprocessExec(...LEN_OF_STDIN, {
      stdin: PIPE,
      stdout: PIPE,
      stderr: PIPE,
    });
    const [stdout, stderr] = await bounded(() => proc.communicate(""));
    assert.equal(stdout?.toString().trim(), "0");
    assert.deepEqual(stderr, Buffer.alloc(0));
    assert.equal(await proc.wait(), 0);
  }),
);

// mirrors test_subprocess.SubprocessMixin.test_shell
test("a shell command's exit status is the return code", T, () =>
  asyncio.run(async () => {
    const proc = await asyncio.createSubprocessShell("exit 7");
    assert.equal(await bounded(() => proc.wait()), 7);
    assert.equal(proc.returncode, 7);
  }),
);

// mirrors test_subprocess.SubprocessMixin.test_start_new_session
test("the output of a short-lived child is never lost (30 in a row, after timed waits)", T, () =>
  asyncio.run(async () => {
    const lost: number[] = [];
    for (let i = 0; i < 30; i++) {
      const before = await asyncio.createSubprocessExec("true");
      await bounded(() => before.wait());
      const proc = await asyncio.createSubprocessExec("echo", ["hi"], { stdout: PIPE });
      const [out] = await bounded(() => proc.communicate());
      if (out?.toString() !== "hi\n") lost.push(i);
    }
    assert.deepEqual(lost, [], "runs whose output was lost");
  }),
);

test("startNewSession: the child leads a session of its own", T, () =>
  asyncio.run(async () => {
    const proc = await asyncio.createSubprocessShell("exit 8", { startNewSession: true });
    assert.equal(await bounded(() => proc.wait()), 8);

    // Field 6 of /proc/<pid>/stat is the session id: the shell's own pid.
    const sid = await asyncio.createSubprocessShell("cut -d' ' -f6 /proc/$$/stat", {
      stdout: PIPE,
      startNewSession: true,
    });
    const [out] = await bounded(() => sid.communicate());
    assert.equal(out?.toString().trim(), String(sid.pid));
    // Without it, the child stays in our session.
    const same = await asyncio.createSubprocessShell("cut -d' ' -f6 /proc/$$/stat", {
      stdout: PIPE,
    });
    const [sameOut] = await bounded(() => same.communicate());
    assert.notEqual(sameOut?.toString().trim(), String(same.pid));
  }),
);

// mirrors test_subprocess.SubprocessMixin.test_kill
test("kill(): the return code is minus SIGKILL", T, () =>
  asyncio.run(async () => {
    const proc = await asyncio.createSubprocessExec(...BLOCKED);
    assert.equal(proc.returncode, null);
    proc.kill();
    assert.equal(await bounded(() => proc.wait()), -9);
    assert.equal(proc.returncode, -9);
  }),
);

// mirrors test_subprocess.SubprocessMixin.test_kill_issue43884
test("a shell and its grandchild killed as a group (startNewSession + kill(-pid))", T, () =>
  asyncio.run(async () => {
    // The shell starts a grandchild that holds stdout, prints its pid, and waits for it.
    const proc = await asyncio.createSubprocessShell("sleep 30 & echo $!; wait", {
      stdout: PIPE,
      startNewSession: true,
    });
    const grandchild = Number((await bounded(() => proc.stdout!.readline())).toString());
    assert.ok(grandchild > 0 && isAlive(grandchild));
    try {
      process.kill(-proc.pid, "SIGKILL");
      assert.equal(await bounded(() => proc.wait()), -9);
      // The grandchild held stdout open: its end of file says it died too.
      assert.deepEqual(await bounded(() => proc.stdout!.read()), Buffer.alloc(0));
    } finally {
      killQuietly(grandchild);
    }
  }),
);

// mirrors test_subprocess.SubprocessMixin.test_terminate
test("terminate(): the return code is minus SIGTERM", T, () =>
  asyncio.run(async () => {
    const proc = await asyncio.createSubprocessExec(...BLOCKED);
    proc.terminate();
    assert.equal(await bounded(() => proc.wait()), -15);
  }),
);

// mirrors test_subprocess.SubprocessMixin.test_send_signal
test("sendSignal(SIGHUP) once the child said it sleeps: minus SIGHUP", T, () =>
  asyncio.run(async () => {
    const proc = await asyncio.createSubprocessExec(
      NODE,
      ["-e", 'console.log("sleeping"); setTimeout(() => {}, 3600_000);'],
      { stdout: PIPE },
    );
    assert.equal((await bounded(() => proc.stdout!.readline())).toString(), "sleeping\n");
    proc.sendSignal("SIGHUP");
    assert.equal(await bounded(() => proc.wait()), -1);

    // A signal number works as well.
    const other = await asyncio.createSubprocessExec(...BLOCKED);
    // Signal 0 only checks that the process is there (os.kill(pid, 0)): it keeps running.
    other.sendSignal(0);
    assert.equal(other.returncode, null);
    other.sendSignal(15);
    assert.equal(await bounded(() => other.wait()), -15);
  }),
);

/** Four megabytes: far more than a pipe holds. */
const LARGE = Buffer.alloc(4 * 1024 * 1024, "x");

// mirrors test_subprocess.SubprocessMixin.test_stdin_broken_pipe
test("drain() fails with BrokenPipeError or ConnectionResetError once the child is gone", T, () =>
  asyncio.run(async () => {
    // The child reads one line, then exits: the rest of the data has no reader.
    const proc = await asyncio.createSubprocessExec("/bin/sh", ["-c", "read -r line"], {
      stdin: PIPE,
    });
    // Node's child pipes are socket pairs whose kernel buffer may take a whole write before the
    // child exits (the bytes are then dropped with it): write until the loss shows, a bounded
    // number of times, as CPython's large write against a 64 KiB pipe always shows it.
    const writer = proc.stdin!;
    writer.write("go\n");
    const error = await rejection(
      bounded(async () => {
        for (let i = 0; i < 64; i++) {
          writer.write(LARGE);
          await writer.drain();
        }
      }),
    );
    assert.ok(
      error instanceof asyncio.BrokenPipeError || error instanceof asyncio.ConnectionResetError,
      String(error),
    );
    assert.equal(await bounded(() => proc.wait()), 0);
  }),
);

// mirrors test_subprocess.SubprocessMixin.test_communicate_ignore_broken_pipe
test("communicate() ignores a broken pipe on stdin", T, () =>
  asyncio.run(async () => {
    const proc = await asyncio.createSubprocessExec("true", [], { stdin: PIPE });
    const [stdout, stderr] = await bounded(() => proc.communicate(LARGE));
    assert.equal(stdout, null);
    assert.equal(stderr, null);
    assert.equal(proc.returncode, 0);
  }),
);

// mirrors test_subprocess.SubprocessMixin.test_pause_reading
test("a small limit: the stdout reader pauses its pipe, communicate() resumes it", T, () =>
  asyncio.run(async () => {
    const limit = 10;
    const size = 2 * limit + 1;
    // One write of 21 bytes (one chunk), then the child waits for its stdin to end.
    const proc = await asyncio.createSubprocessExec(
      NODE,
      ["-e", `process.stdout.write("x".repeat(${size})); process.stdin.resume();`],
      { stdin: PIPE, stdout: PIPE, limit },
    );
    const first = await bounded(() => proc.stdout!.readexactly(1));
    // Twenty bytes are still buffered: over twice the limit when they came, so reading paused.
    assert.match(String(proc.stdout), /paused/);
    const [stdout] = await bounded(() => proc.communicate());
    assert.equal(Buffer.concat([first, stdout!]).toString(), "x".repeat(size));
    assert.doesNotMatch(String(proc.stdout), /paused/);
    assert.equal(proc.returncode, 0);
  }),
);

// mirrors test_subprocess.SubprocessMixin.test_stdin_not_inheritable
test("the child sees the end of its stdin once communicate() wrote the input", T, () =>
  asyncio.run(async () => {
    const proc = await asyncio.createSubprocessExec(...LEN_OF_STDIN, {
      stdin: PIPE,
      stdout: PIPE,
      stderr: PIPE,
    });
    const [stdout] = await bounded(() => proc.communicate("abc"));
    assert.equal(stdout?.toString().trim(), "3");
    assert.equal(await proc.wait(), 0);
  }),
);

// mirrors test_subprocess.SubprocessMixin.test_devnull_input
test("stdin DEVNULL: the child reads nothing, there is no stdin stream", T, () =>
  asyncio.run(async () => {
    const proc = await asyncio.createSubprocessExec(...LEN_OF_STDIN, {
      stdin: DEVNULL,
      stdout: PIPE,
      stderr: PIPE,
    });
    assert.equal(proc.stdin, null);
    const [stdout] = await bounded(() => proc.communicate());
    assert.equal(stdout?.toString().trim(), "0");
    assert.equal(proc.returncode, 0);
  }),
);

// mirrors test_subprocess.SubprocessMixin.test_devnull_output
test("stdout DEVNULL: communicate() returns null for it", T, () =>
  asyncio.run(async () => {
    const proc = await asyncio.createSubprocessExec(...LEN_OF_STDIN, {
      stdin: PIPE,
      stdout: DEVNULL,
      stderr: PIPE,
    });
    assert.equal(proc.stdout, null);
    const [stdout, stderr] = await bounded(() => proc.communicate("abc"));
    assert.equal(stdout, null);
    assert.deepEqual(stderr, Buffer.alloc(0));
    assert.equal(proc.returncode, 0);
  }),
);

// mirrors test_subprocess.SubprocessMixin.test_devnull_error
test("stderr DEVNULL: communicate() returns null for it", T, () =>
  asyncio.run(async () => {
    const proc = await asyncio.createSubprocessExec("/bin/sh", ["-c", "cat; echo lost >&2"], {
      stdin: PIPE,
      stdout: PIPE,
      stderr: DEVNULL,
    });
    assert.equal(proc.stderr, null);
    const [stdout, stderr] = await bounded(() => proc.communicate("abc"));
    assert.equal(stdout?.toString(), "abc");
    assert.equal(stderr, null);
    assert.equal(proc.returncode, 0);
  }),
);

// mirrors test_events.SubprocessTestsMixin.test_subprocess_stderr_redirect_to_stdout
test("stderr STDOUT: both go to the one stdout pipe, in the order written", T, () =>
  asyncio.run(async () => {
    const proc = await asyncio.createSubprocessExec(
      "/bin/sh",
      ["-c", "echo out; echo err >&2; echo out again"],
      { stdout: PIPE, stderr: STDOUT },
    );
    assert.equal(proc.stderr, null);
    const [stdout, stderr] = await bounded(() => proc.communicate());
    assert.equal(stdout?.toString(), "out\nerr\nout again\n");
    assert.equal(stderr, null);
  }),
);

/** A temporary folder for the file tests, removed by `dispose`. */
function tempFolder(): { path: string } & Disposable {
  const path = mkdtempSync(join(tmpdir(), "asyncio-ts-subprocess-"));
  return { path, [Symbol.dispose]: () => rmSync(path, { recursive: true, force: true }) };
}

// mirrors uvloop test_process._AsyncioTests.test_stdin_stdout_file
test("stdout to a file descriptor: the child writes into the file", T, () =>
  asyncio.run(async () => {
    using folder = tempFolder();
    const file = join(folder.path, "out");
    const fd = openSync(file, "w+");
    try {
      const proc = await asyncio.createSubprocessExec(...CAT, { stdin: PIPE, stdout: fd });
      assert.equal(proc.stdout, null);
      proc.stdin!.write("some data");
      await bounded(() => proc.stdin!.drain());
      proc.stdin!.close();
      assert.equal(await bounded(() => proc.wait()), 0);
    } finally {
      closeSync(fd);
    }
    assert.equal(readFileSync(file, "utf8"), "some data");
  }),
);

// mirrors uvloop test_process._AsyncioTests.test_stdin_stderr_file
test("stderr to a file descriptor given as { fd }", T, () =>
  asyncio.run(async () => {
    using folder = tempFolder();
    const file = join(folder.path, "err");
    const fd = openSync(file, "w+");
    try {
      const proc = await asyncio.createSubprocessExec(NODE, ["-e", 'throw new Error("boom")'], {
        stdin: PIPE,
        stderr: { fd },
      });
      assert.equal(proc.stderr, null);
      assert.equal(await bounded(() => proc.wait()), 1);
    } finally {
      closeSync(fd);
    }
    assert.match(readFileSync(file, "utf8"), /Error: boom/);
  }),
);

// mirrors test_subprocess.SubprocessMixin.test_read_stdout_after_process_exit
test("a slow reader still gets all of the output of a child that exited", T, () =>
  asyncio.run(async () => {
    // Several rounds: the pipe may close while the reader has paused it with output held
    // (Node reads a child's pipes to the end once it exits); reading must resume it anyway
    // (a transport once refused to resume a closed pipe, and the reader waited forever).
    for (let round = 0; round < 5; round++) {
      const proc = await asyncio.createSubprocessExec(
        NODE,
        [
          "-e",
          'for (let i = 0; i < 64; i++) process.stdout.write("x".repeat(4096)); process.exitCode = 1;',
        ],
        { stdout: PIPE },
      );
      let received = 0;
      await bounded(async () => {
        for (;;) {
          const data = await proc.stdout!.read(65536);
          if (data.length === 0) break;
          received += data.length;
          // Read slowly: the child exits while most of its output waits in the pipe.
          await asyncio.sleep(0.01);
        }
      });
      assert.equal(received, 64 * 4096);
      assert.equal(await bounded(() => proc.wait()), 1);
    }
  }),
);

// mirrors test_subprocess.SubprocessMixin.test_create_subprocess_exec_with_path
test("the program and the cwd may be file URLs", T, () =>
  asyncio.run(async () => {
    const proc = await asyncio.createSubprocessExec(pathToFileURL(NODE), ["-e", ""]);
    assert.equal(await bounded(() => proc.wait()), 0);
    const pwd = await asyncio.createSubprocessExec("pwd", [], {
      stdout: PIPE,
      cwd: pathToFileURL(tmpdir()),
    });
    const [out] = await bounded(() => pwd.communicate());
    assert.equal(out?.toString().trim(), tmpdir());
  }),
);

// mirrors test_subprocess.SubprocessMixin.test_create_subprocess_env_shell
test("env reaches a shell command", T, () =>
  asyncio.run(async () => {
    const proc = await asyncio.createSubprocessShell('printf %s "$FOO"', {
      env: { ...process.env, FOO: "bar" },
      stdout: PIPE,
    });
    const [out] = await bounded(() => proc.communicate());
    assert.equal(out?.toString(), "bar");
    assert.equal(proc.returncode, 0);
    // Once communicate() returned, wait() has the code at once.
    assert.equal(await proc.wait(), 0);
  }),
);

// mirrors test_subprocess.SubprocessMixin.test_create_subprocess_env_exec
test("env reaches an exec'd program, and replaces the environment", T, () =>
  asyncio.run(async () => {
    const proc = await asyncio.createSubprocessExec(
      NODE,
      ["-e", "process.stdout.write(JSON.stringify([process.env.FOO, process.env.HOME]))"],
      { env: { FOO: "baz" }, stdout: PIPE },
    );
    const [out] = await bounded(() => proc.communicate());
    assert.deepEqual(JSON.parse(out!.toString()), ["baz", null]);
  }),
);

// mirrors test_subprocess.SubprocessMixin.test_subprocess_concurrent_wait
test("ten concurrent wait() calls all get the return code", T, () =>
  asyncio.run(async () => {
    const proc = await asyncio.createSubprocessExec(...CAT, { stdin: PIPE, stdout: PIPE });
    const [stdout] = await bounded(() => proc.communicate("some data"));
    assert.equal(stdout?.toString(), "some data");
    const codes = await bounded(() =>
      asyncio.gather(...Array.from({ length: 10 }, () => proc.wait())),
    );
    assert.deepEqual(codes, Array(10).fill(0));

    const running = await asyncio.createSubprocessExec(...BLOCKED);
    const waiting = Array.from({ length: 10 }, () => asyncio.createTask(() => running.wait()));
    await asyncio.sleep(0);
    running.kill();
    assert.deepEqual(await bounded(() => asyncio.gather(...waiting)), Array(10).fill(-9));
  }),
);

// mirrors test_subprocess.SubprocessMixin.test_subprocess_communicate_stdout
test("ten children at once each return their own output", T, () =>
  asyncio.run(async () => {
    const outputs = Array.from({ length: 10 }, (_, i) => `foo${i}`);
    const results = await bounded(() =>
      asyncio.gather(
        ...outputs.map(async (text) => {
          const proc = await asyncio.createSubprocessExec(
            NODE,
            ["-e", `console.log(${JSON.stringify(text)})`],
            {
              stdout: PIPE,
            },
          );
          const [out] = await proc.communicate();
          return out!.toString().trim();
        }),
      ),
    );
    assert.deepEqual(results, outputs);
  }),
);

// mirrors test_subprocess.SubprocessMixin.test_cancel_process_wait
test("cancelling wait() leaves the child running; it can be killed and waited after", T, () =>
  asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    const proc = await asyncio.createSubprocessExec(...BLOCKED);
    const task = asyncio.createTask(() => proc.wait());
    loop.callSoon(() => task.cancel());
    assert.ok((await rejection(task)) instanceof asyncio.CancelledError);
    assert.equal(task.cancelled(), true);
    assert.equal(proc.returncode, null);
    assert.ok(isAlive(proc.pid));
    proc.kill();
    assert.equal(await bounded(() => proc.wait()), -9);
  }),
);

// mirrors test_subprocess.SubprocessMixin.test_cancel_make_subprocess_transport_exec
test("cancelling createSubprocessExec leaves no child behind", T, () =>
  asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    const task = asyncio.createTask(() => asyncio.createSubprocessExec(...BLOCKED));
    loop.callSoon(() => task.cancel());
    const outcome = await rejection(task).catch((error) => error);
    // If the creation won the race, the child is ours to end; otherwise none must remain.
    if (outcome instanceof asyncio.CancelledError) {
      assert.equal(task.cancelled(), true);
      // The child's hold and its pipes' are released once it is reaped and they are closed.
      await eventually(() => openHolds().length === 0, "every hold is released");
      await eventually(() => liveChildren().length === 0, "no child runs");
    } else {
      const proc = task.result();
      proc.kill();
      await bounded(() => proc.wait());
    }
  }),
);

// mirrors test_wait_even_if_pipe_is_open (gh-119710, CPython main)
test(
  "wait() returns at exit though a grandchild keeps stdout open; communicate() waits for EOF",
  T,
  () =>
    asyncio.run(async () => {
      const proc = await asyncio.createSubprocessShell("sleep 30 & echo $!", { stdout: PIPE });
      const grandchild = Number((await bounded(() => proc.stdout!.readline())).toString());
      try {
        assert.equal(await bounded(() => proc.wait()), 0);
        assert.equal(proc.returncode, 0);
        // The grandchild still holds stdout: no end of file, so communicate() goes on waiting.
        const error = await rejection(asyncio.timeout(0.2, () => proc.communicate()));
        assert.ok(error instanceof asyncio.TimeoutError, String(error));
        process.kill(grandchild, "SIGKILL");
        const [stdout] = await bounded(() => proc.communicate());
        assert.deepEqual(stdout, Buffer.alloc(0));
      } finally {
        killQuietly(grandchild);
      }
    }),
);

test("toString() names the pid; await using kills a running child and waits", T, () =>
  asyncio.run(async () => {
    let pid = 0;
    let leaked: asyncio.Process | null = null;
    {
      await using proc = await asyncio.createSubprocessExec(...BLOCKED);
      pid = proc.pid;
      leaked = proc;
      assert.equal(String(proc), `<Process ${pid}>`);
    }
    assert.equal(leaked.returncode, -9);
    assert.equal(isAlive(pid), false);
    // Disposing one that exited by itself changes nothing.
    const done = await asyncio.createSubprocessShell("exit 3");
    await bounded(() => done.wait());
    await done[Symbol.asyncDispose]();
    assert.equal(done.returncode, 3);
  }),
);
