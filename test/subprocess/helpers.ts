/** Helpers shared by the subprocess tests. */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as asyncio from "asyncio-ts";

/** The per-test timeout of the subprocess tests (a safety net: every wait is bounded itself). */
export const T = { timeout: 30_000 };

/** The Node binary running the tests: a child everywhere Node runs. */
export const NODE = process.execPath;

/** A child that blocks until it is signalled. */
export const BLOCKED: [string, string[]] = ["sleep", ["3600"]];

/** A child that copies its stdin to its stdout. */
export const CAT: [string, string[]] = ["cat", []];

/** A Node child reading all of its stdin, then printing how many bytes it read. */
export const LEN_OF_STDIN: [string, string[]] = [
  NODE,
  [
    "-e",
    'let n = 0; process.stdin.on("data", (d) => { n += d.length; }).on("end", () => console.log(n));',
  ],
];

/** Awaits `fn()` under a generous bound, so that a hang fails the test instead of stalling it. */
export function bounded<T>(fn: () => PromiseLike<T>, seconds = 10): Promise<T> {
  return asyncio.timeout(seconds, fn);
}

/** The holds `subprocess <pid> <program>` open on the running loop. */
export function subprocessHolds(): asyncio.InFlightRecord[] {
  return asyncio
    .getRunningLoop()
    .statistics()
    .inFlight.filter((hold) => hold.description.startsWith("subprocess "));
}

/** Every hold open on the running loop, by description. */
export function openHolds(): string[] {
  return asyncio
    .getRunningLoop()
    .statistics()
    .inFlight.map((hold) => hold.description);
}

/**
 * Polls `predicate` every 10 ms until it holds, for what has no event to await (a process
 * reaped by someone else, a pid leaving /proc); fails after `seconds`.
 */
export async function eventually(
  predicate: () => boolean,
  what: string,
  seconds = 5,
): Promise<void> {
  try {
    await asyncio.timeout(seconds, async () => {
      while (!predicate()) await asyncio.sleep(0.01);
    });
  } catch (error) {
    if (error instanceof asyncio.TimeoutError)
      assert.fail(`still not so after ${seconds} s: ${what}`);
    throw error;
  }
}

/** The state letter of a process in /proc (`S`, `R`, `Z`...), or null if it is gone. */
export function procState(pid: number): { state: string; ppid: number } | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // "pid (comm) S ppid ...": comm may hold spaces and parentheses, the last ")" ends it.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { state: fields[0] as string, ppid: Number(fields[1]) };
}

/** Whether `pid` is a live process (not gone, not a zombie). */
export function isAlive(pid: number): boolean {
  const state = procState(pid);
  return state !== null && state.state !== "Z";
}

/** The children of this process that exited and were not reaped. */
export function zombieChildren(): number[] {
  const zombies: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const state = procState(Number(name));
    if (state?.ppid === process.pid && state.state === "Z") zombies.push(Number(name));
  }
  return zombies;
}

/** The children of this process that still run (not zombies). */
export function liveChildren(): number[] {
  const children: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const state = procState(Number(name));
    if (state?.ppid === process.pid && state.state !== "Z") children.push(Number(name));
  }
  return children;
}

/** Open file descriptors and child-process handles of this process. */
export function resourceCounts(): { fds: number; processes: number; pipes: number } {
  const resources = process.getActiveResourcesInfo();
  return {
    fds: readdirSync("/proc/self/fd").length,
    processes: resources.filter((r) => r === "ProcessWrap").length,
    pipes: resources.filter((r) => r === "PipeWrap").length,
  };
}

/**
 * Checks that what `before` counted is all there is again (Node closes a handle a turn after its
 * 'close', so one turn is let go first): no child-process or pipe handle more, at most two file
 * descriptors more, and no zombie child.
 */
export async function assertNothingLeft(before: ReturnType<typeof resourceCounts>): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  const after = resourceCounts();
  assert.equal(after.processes, before.processes);
  assert.equal(after.pipes, before.pipes);
  assert.ok(after.fds <= before.fds + 2, `fds ${before.fds} -> ${after.fds}`);
  assert.deepEqual(zombieChildren(), []);
}

/** Kills `pid` if it still runs, ignoring a process already gone. */
export function killQuietly(pid: number, signal: NodeJS.Signals = "SIGKILL"): void {
  try {
    process.kill(pid, signal);
  } catch {
    // gone already
  }
}
