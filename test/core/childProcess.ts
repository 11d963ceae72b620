/**
 * Runs a script in a fresh Node process, for what a test cannot observe in its own process:
 * signals, exit codes, a process that must stay alive, and `run()`'s deadlock report (it
 * listens for 'beforeExit', which node:test claims in the test process).
 */
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The package root (this file is build/test/core/childProcess.js): `asyncio-ts` resolves there. */
const PACKAGE_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** What a script did. */
export interface ScriptResult {
  /** The exit code, or null when a signal ended the process. */
  code: number | null;
  /** The signal that ended the process, if any. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The stdout lines, without the empty last one. */
  lines: string[];
}

/** Options of {@link runScript}. */
export interface ScriptOptions {
  /** Called with everything printed so far each time the script prints to stdout. */
  onStdout?: (stdout: string, child: ChildProcess) => void;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** The script is killed after this many milliseconds (a safety net, never a synchronisation). */
  timeoutMs?: number;
  /** Extra Node flags, such as `--expose-gc`. */
  nodeFlags?: string[];
}

/**
 * Runs `source`, an ES module that may `import * as asyncio from "asyncio-ts"`, in a new Node
 * process and resolves once it exited.
 */
export function runScript(source: string, options: ScriptOptions = {}): Promise<ScriptResult> {
  const args = [...(options.nodeFlags ?? []), "--input-type=module", "-e", source];
  const child = spawn(process.execPath, args, {
    cwd: PACKAGE_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    stdout += chunk;
    options.onStdout?.(stdout, child);
  });
  child.stderr.on("data", (chunk: string) => {
    stderr += chunk;
  });
  const killer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30_000);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      const lines = stdout.split("\n");
      if (lines.at(-1) === "") lines.pop();
      resolve({ code, signal, stdout, stderr, lines });
    });
  });
}
