/**
 * The low-level scenarios of CPython's test_asyncio/test_subprocess.py: `loop.subprocessExec`
 * and `loop.subprocessShell` with a `SubprocessProtocol`, and the `SubprocessTransport`.
 *
 * Skipped, with the reason:
 * - SubprocessTransportTests.test_proc_exited, test_subprocess_repr: they fake the child with
 *   a mock; the same checks (protocol calls, return code, ProcessLookupError once closed) are
 *   made here on a real child.
 * - test_close_kill_running's swap of `proc.kill` for a spy: we check the outcome instead (the
 *   child ends with SIGKILL, before which it was running).
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { rejection } from "../helpers.js";
import {
  BLOCKED,
  bounded,
  eventually,
  isAlive,
  liveChildren,
  NODE,
  openHolds,
  procState,
  subprocessHolds,
  T,
} from "./helpers.js";

const { PIPE } = asyncio;

type Event =
  | ["connectionMade"]
  | ["pipeDataReceived", number, string]
  | ["pipeConnectionLost", number, Error | null]
  | ["processExited"]
  | ["connectionLost", unknown];

/** A protocol that records every call, and settles `lost` at connectionLost. */
class Recorder extends asyncio.SubprocessProtocol {
  readonly events: Event[] = [];
  readonly lost = asyncio.getRunningLoop().createFuture<unknown>();
  readonly exited = asyncio.getRunningLoop().createFuture<void>();
  override connectionMade(): void {
    this.events.push(["connectionMade"]);
  }
  override pipeDataReceived(fd: number, data: Buffer): void {
    const last = this.events.at(-1);
    // Data may come in several chunks: keep one event per run of chunks of one fd.
    if (last?.[0] === "pipeDataReceived" && last[1] === fd) last[2] += data.toString();
    else this.events.push(["pipeDataReceived", fd, data.toString()]);
  }
  override pipeConnectionLost(fd: number, exc: Error | null): void {
    this.events.push(["pipeConnectionLost", fd, exc]);
  }
  override processExited(): void {
    this.events.push(["processExited"]);
    this.exited.setResult(undefined);
  }
  override connectionLost(exc: unknown): void {
    this.events.push(["connectionLost", exc]);
    this.lost.setResult(exc);
  }
}

// mirrors test_subprocess.SubprocessMixin.test_subprocess_protocol_events
test(
  "a SubprocessProtocol sees data, pipe ends, exit and connection lost, in order per pipe",
  T,
  () =>
    asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      const [transport, protocol] = await loop.subprocessExec(
        () => new Recorder(),
        NODE,
        ["-e", 'process.stdout.write("stdout"); process.stderr.write("stderr");'],
        { stdin: null },
      );
      assert.ok(protocol instanceof Recorder);
      assert.equal(await bounded(() => protocol.lost), null);
      transport.close();

      const events = protocol.events;
      assert.deepEqual(events[0], ["connectionMade"]);
      assert.deepEqual(events.at(-1), ["connectionLost", null]);
      const middle = events.slice(1, -1);
      const names = middle.map((event) => event.slice(0, 3).map(String).join(" "));
      assert.deepEqual(
        new Set(names),
        new Set([
          "pipeDataReceived 1 stdout",
          "pipeDataReceived 2 stderr",
          "pipeConnectionLost 1 null",
          "pipeConnectionLost 2 null",
          "processExited",
        ]),
      );
      assert.equal(middle.length, 5, JSON.stringify(events));
      // Per pipe, the data comes before its end.
      for (const fd of [1, 2]) {
        const perFd = middle.filter((event) => event[1] === fd).map((event) => event[0]);
        assert.deepEqual(perFd, ["pipeDataReceived", "pipeConnectionLost"], `fd ${fd}`);
      }
      assert.equal(transport.getReturncode(), 0);
    }),
);

test(
  "the transport: pid, pipe transports, the ChildProcess, and ProcessLookupError once closed",
  T,
  () =>
    asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      const [transport, protocol] = await loop.subprocessExec(() => new Recorder(), "cat", []);
      const pid = transport.getPid();
      assert.ok(pid > 0);
      assert.equal(transport.getReturncode(), null);
      // loop.subprocessExec's pipes default to PIPE.
      const stdin = transport.getPipeTransport(0);
      assert.ok(stdin && transport.getPipeTransport(1) && transport.getPipeTransport(2));
      const child = transport.getExtraInfo("subprocess") as ChildProcess;
      assert.equal(child.pid, pid);
      stdin.write("echo");
      stdin.writeEof();
      assert.equal(await bounded(() => protocol.lost), null);
      assert.equal(transport.getReturncode(), 0);
      assert.equal(protocol.events.find((e) => e[0] === "pipeDataReceived")?.[2], "echo");
      transport.close();
      assert.throws(() => transport.sendSignal("SIGTERM"), asyncio.ProcessLookupError);
      assert.throws(() => transport.terminate(), asyncio.ProcessLookupError);
      assert.throws(() => transport.kill(), asyncio.ProcessLookupError);
    }),
);

test("subprocessShell runs the command through /bin/sh", T, () =>
  asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    const [transport, protocol] = await loop.subprocessShell(
      () => new Recorder(),
      "echo $0; exit 4",
    );
    await bounded(() => protocol.lost);
    assert.equal(transport.getReturncode(), 4);
    assert.equal(protocol.events.find((e) => e[0] === "pipeDataReceived")?.[2], "/bin/sh\n");
    transport.close();
  }),
);

// mirrors test_subprocess.SubprocessMixin.test_close_kill_running
test("close() kills a child that is still running", T, () =>
  asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    const [transport, protocol] = await loop.subprocessExec(() => new Recorder(), ...BLOCKED);
    assert.equal(transport.getReturncode(), null);
    assert.ok(isAlive(transport.getPid()));
    transport.close();
    assert.equal(transport.isClosing(), true);
    await bounded(() => protocol.exited);
    assert.equal(transport.getReturncode(), -9);
    await bounded(() => protocol.lost);
  }),
);

// mirrors test_subprocess.SubprocessMixin.test_close_dont_kill_finished
test("close() does not kill a child that exited, though the loop was not told yet", T, () =>
  asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    // The child exits once it reads a line.
    const [transport, protocol] = await loop.subprocessExec(
      () => new Recorder(),
      "/bin/sh",
      ["-c", "read -r line; exit 5"],
      { stdin: PIPE, stdout: null, stderr: null },
    );
    const pid = transport.getPid();
    (transport.getPipeTransport(0) as asyncio.Transport).write("go\n");
    // Block the loop until the child is a zombie: it exited, and the loop, which reaps it,
    // did not run since.
    const deadline = Date.now() + 5000;
    while (procState(pid)?.state !== "Z" && Date.now() < deadline) {
      // busy wait: the loop must not run meanwhile
    }
    assert.equal(procState(pid)?.state, "Z");
    assert.equal(transport.getReturncode(), null);
    transport.close();
    await bounded(() => protocol.exited);
    // The exit status is the child's own, not a SIGKILL.
    assert.equal(transport.getReturncode(), 5);
  }),
);

// mirrors test_subprocess.SubprocessMixin.test_cancel_post_init
test("cancelling loop.subprocessExec leaves no child and no hold behind", T, () =>
  asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    const task = asyncio.createTask(() =>
      loop.subprocessExec(() => new asyncio.SubprocessProtocol(), ...BLOCKED),
    );
    loop.callSoon(() => task.cancel());
    const outcome = await rejection(task).catch((error) => error);
    if (outcome instanceof asyncio.CancelledError) {
      // The child's hold and its pipes' are released once it is reaped and they are closed.
      await eventually(() => openHolds().length === 0, "every hold is released");
      await eventually(() => liveChildren().length === 0, "no child runs");
    } else {
      const [transport] = task.result();
      transport.close();
    }
  }),
);

test("a running child holds the loop, and so do its pipes; all are released at exit", T, () =>
  asyncio.run(async () => {
    const proc = await asyncio.createSubprocessExec(...BLOCKED, { stdout: PIPE });
    const holds = subprocessHolds();
    assert.equal(holds.length, 1);
    assert.equal(holds[0]?.description, `subprocess ${proc.pid} sleep`);
    assert.equal(holds[0]?.kind, "outside");
    assert.ok(openHolds().includes(`pipe stdout of process ${proc.pid}`), String(openHolds()));
    proc.kill();
    await bounded(() => proc.communicate());
    await eventually(() => openHolds().length === 0, "every hold is released");
  }),
);
