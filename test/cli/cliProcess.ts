/**
 * Child processes for the command's tests: the `asyncio-ts` command (`dist/cli/main.js`) with
 * its stdin and stdout as pipes, and small target scripts for `ps`/`pstree`. Every wait is
 * bounded, and `stop()` kills what is still running (call it in `finally`).
 */
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The package root (this file is build/test/cli/cliProcess.js). */
export const PACKAGE_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** The command, as `npx asyncio-ts` runs it. */
export const MAIN = fileURLToPath(new URL("../../../dist/cli/main.js", import.meta.url));

/** A running child whose output is collected. */
export class Child {
  readonly process: ChildProcessWithoutNullStreams;
  stdout = "";
  stderr = "";
  /** Resolves with the exit code (null after a signal) once the child is gone. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #waiters: (() => void)[] = [];

  constructor(args: string[], env: Record<string, string> = {}) {
    this.process = spawn(process.execPath, args, {
      cwd: PACKAGE_ROOT,
      env: { ...process.env, ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.process.stdout.setEncoding("utf8");
    this.process.stderr.setEncoding("utf8");
    this.process.stdout.on("data", (chunk: string) => {
      this.stdout += chunk;
      this.#notify();
    });
    this.process.stderr.on("data", (chunk: string) => {
      this.stderr += chunk;
      this.#notify();
    });
    this.exited = new Promise((resolve) => {
      this.process.on("close", (code, signal) => {
        this.#notify();
        resolve({ code, signal });
      });
    });
  }

  #notify(): void {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }

  /**
   * Resolves once stdout (or stderr) matches `pattern`; rejects after `timeoutMs` with what
   * was printed.
   */
  async waitFor(
    pattern: string | RegExp,
    timeoutMs = 20_000,
    stream: "stdout" | "stderr" = "stdout",
  ): Promise<void> {
    const matches = (): boolean => {
      const text = stream === "stdout" ? this.stdout : this.stderr;
      return typeof pattern === "string" ? text.includes(pattern) : pattern.test(text);
    };
    const deadline = Date.now() + timeoutMs;
    while (!matches()) {
      const left = deadline - Date.now();
      if (left <= 0 || this.process.exitCode !== null) {
        throw new Error(
          `timed out waiting for ${String(pattern)}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  write(text: string): void {
    this.process.stdin.write(text);
  }

  /** Resolves with the exit once the child ended, killing it after `timeoutMs`. */
  async finished(
    timeoutMs = 20_000,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const timer = setTimeout(() => this.process.kill("SIGKILL"), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills the child if it still runs and waits for it. */
  async stop(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      this.process.kill("SIGKILL");
    }
    await this.exited;
  }
}

/** Runs the command with `args` to its end (killed after `timeoutMs`). */
export async function runCommand(
  args: string[],
  timeoutMs = 20_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = new Child([MAIN, ...args]);
  child.process.stdin.end();
  try {
    const { code } = await child.finished(timeoutMs);
    return { code, stdout: child.stdout, stderr: child.stderr };
  } finally {
    await child.stop();
  }
}

/** Starts `source` (an ES module that may import `asyncio-ts`) and waits for it to print `ready`. */
export async function startScript(source: string, nodeFlags: string[] = []): Promise<Child> {
  const child = new Child([...nodeFlags, "--input-type=module", "-e", source]);
  try {
    await child.waitFor("ready\n");
  } catch (error) {
    await child.stop();
    throw error;
  }
  return child;
}
