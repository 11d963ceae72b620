/**
 * Starting a child process: the arguments and options checked (before anything is
 * spawned), Node's `spawn()` called, and a start that failed turned into Python's error.
 *
 * `stderr: STDOUT` needs one pipe behind two descriptors, which Node cannot give: the child is
 * then started through `/bin/sh`, which points descriptor 2 at descriptor 1 and replaces itself
 * with the program (`exec`), so the process, its pid and its argv are the program's own.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants as fsConstants, statSync } from "node:fs";
import { constants as osConstants } from "node:os";
import { delimiter, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { RuntimeError } from "../core/errors.js";
import {
  FileNotFoundError,
  fromNodeError,
  type OSError,
  PermissionError,
} from "../core/osErrors.js";
import { describeValue, requireInteger, requireOptions } from "../core/validate.js";
import {
  type NodeStdio,
  type PIPE,
  STDOUT,
  type StderrTarget,
  type StdioTarget,
  toNodeStdio,
} from "./stdio.js";

/** Options of `createSubprocessExec()`/`createSubprocessShell()` and the loop's methods. */
export interface SubprocessOptions {
  /** The child's standard input (default `null`: this process's own). */
  readonly stdin?: StdioTarget;
  /** The child's standard output (default `null`). */
  readonly stdout?: StdioTarget;
  /** The child's standard error (default `null`); `STDOUT` sends it where `stdout` goes. */
  readonly stderr?: StderrTarget;
  /** The directory the child starts in (default: this process's). */
  readonly cwd?: string | URL | null;
  /** The child's whole environment (default: this process's); `undefined` values are left out. */
  readonly env?: Readonly<Record<string, string | undefined>> | null;
  /** Starts the child in a new session (`setsid()`), as Python's `start_new_session`. */
  readonly startNewSession?: boolean;
  /**
   * `0` starts the child in a new process group whose id is its pid, as Python's
   * `process_group=0` (through `setsid()`: a new session too). Other groups are not supported.
   */
  readonly processGroup?: number | null;
}

/** @internal What to run: a program with its arguments, or a command line for `/bin/sh`. */
export type Command =
  | { readonly kind: "exec"; readonly program: string; readonly args: readonly string[] }
  | { readonly kind: "shell"; readonly cmd: string };

/** @internal The checked options, in Node's terms. */
export interface SpawnPlan {
  readonly stdio: [NodeStdio, NodeStdio, NodeStdio];
  readonly stderrToStdout: boolean;
  readonly cwd: string | undefined;
  readonly env: Record<string, string> | undefined;
  readonly detached: boolean;
}

/** The shell every command line runs in, as Python's `shell=True` on POSIX. */
const SHELL = "/bin/sh";

/** Checks a string argument: a string without NUL bytes (`URL`s of files become paths). */
function requireText(value: unknown, what: string, allowUrl: boolean): string {
  let text = value;
  if (allowUrl && value instanceof URL) text = fileURLToPath(value);
  if (typeof text !== "string") {
    throw new TypeError(`${what} must be a string, got ${describeValue(value)}`);
  }
  if (text.includes("\0")) throw new TypeError(`${what} must not contain NUL bytes`);
  return text;
}

/** @internal Checks `program` and `args` of an exec. */
export function execCommand(program: unknown, args: unknown, method: string): Command {
  const file = requireText(program, `${method} program`, true);
  if (file === "") throw new TypeError(`${method} program must not be empty`);
  if (!Array.isArray(args)) {
    throw new TypeError(`${method} args must be an array of strings, got ${describeValue(args)}`);
  }
  const strings = args.map((arg, i) => requireText(arg, `${method} args[${i}]`, false));
  return { kind: "exec", program: file, args: strings };
}

/** @internal Checks the command line of a shell. */
export function shellCommand(cmd: unknown, method: string): Command {
  return { kind: "shell", cmd: requireText(cmd, `${method} cmd`, false) };
}

/**
 * @internal Checks `options` (`defaultStdio` where a stream is not given: `null` for the stream functions,
 * `PIPE` for the loop's methods, as asyncio).
 */
export function spawnPlan(
  options: SubprocessOptions,
  method: string,
  defaultStdio: typeof PIPE | null,
): SpawnPlan {
  requireOptions(options, `${method} options`);
  const pick = (value: unknown) => (value === undefined ? defaultStdio : value);
  const stderr = pick(options.stderr);
  const stdio: [NodeStdio, NodeStdio, NodeStdio] = [
    toNodeStdio(pick(options.stdin), 0),
    toNodeStdio(pick(options.stdout), 1),
    toNodeStdio(stderr, 2),
  ];
  const { cwd, env, startNewSession = false, processGroup = null } = options;
  if (typeof startNewSession !== "boolean") {
    throw new TypeError(
      `${method} startNewSession must be a boolean, got ${describeValue(startNewSession)}`,
    );
  }
  if (processGroup !== null) {
    requireInteger(processGroup, `${method} processGroup`, 0);
    if (processGroup !== 0) {
      throw new RuntimeError(
        `${method} processGroup=${processGroup} is not supported: Node cannot move a child ` +
          "into an existing process group (processGroup: 0 and startNewSession work)",
      );
    }
  }
  return {
    stdio,
    stderrToStdout: stderr === STDOUT,
    cwd: cwd === undefined || cwd === null ? undefined : requireText(cwd, `${method} cwd`, true),
    env: env === undefined || env === null ? undefined : checkEnv(env, method),
    detached: startNewSession || processGroup === 0,
  };
}

function checkEnv(env: unknown, method: string): Record<string, string> {
  if (typeof env !== "object" || env === null || Array.isArray(env)) {
    throw new TypeError(`${method} env must be an object of strings, got ${describeValue(env)}`);
  }
  const checked: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (name === "" || name.includes("=") || name.includes("\0")) {
      throw new TypeError(`${method} env has an illegal variable name: ${JSON.stringify(name)}`);
    }
    checked[name] = requireText(value, `${method} env.${name}`, false);
  }
  return checked;
}

/**
 * @internal Starts the child. A start Node reports at once (an `ENOENT` is reported on the next tick:
 * `child.pid` is then undefined) is left to `startFailure`.
 *
 * @throws FileNotFoundError/PermissionError for a program that cannot be run when it must be
 *   found first (`stderr: STDOUT`); the `OSError` of a spawn Node refuses outright.
 */
export function spawnChild(command: Command, plan: SpawnPlan): ChildProcess {
  let file: string;
  let argv: string[];
  if (command.kind === "shell") {
    file = SHELL;
    argv = ["-c", plan.stderrToStdout ? `exec 2>&1\n${command.cmd}` : command.cmd];
  } else if (plan.stderrToStdout) {
    requireExecutable(command.program, plan);
    file = SHELL;
    argv = ["-c", 'exec "$0" "$@" 2>&1', command.program, ...command.args];
  } else {
    file = command.program;
    argv = [...command.args];
  }
  try {
    return spawn(file, argv, {
      stdio: plan.stdio,
      cwd: plan.cwd,
      env: plan.env,
      detached: plan.detached,
    });
  } catch (error) {
    throw startError(error, command, plan);
  }
}

/** @internal Python's error for a start that failed (`error` from Node). */
export function startError(error: unknown, command: Command, plan: SpawnPlan): unknown {
  const code = (error as { code?: unknown }).code;
  const program = command.kind === "exec" ? command.program : SHELL;
  if (code === "ENOENT" && plan.cwd !== undefined && !isDirectory(plan.cwd)) {
    return pythonOSError(FileNotFoundError, "ENOENT", plan.cwd, error);
  }
  if (code === "ENOENT") return pythonOSError(FileNotFoundError, "ENOENT", program, error);
  if (code === "EACCES") return pythonOSError(PermissionError, "EACCES", program, error);
  return fromNodeError(error);
}

/** The texts of the errors a start reports most, as Python prints them. */
const STRERROR: Record<string, string> = {
  ENOENT: "No such file or directory",
  EACCES: "Permission denied",
};

function pythonOSError(
  Class: typeof OSError,
  code: "ENOENT" | "EACCES",
  filename: string,
  cause: unknown,
): OSError {
  const errno = osConstants.errno[code];
  return new Class(`[Errno ${errno}] ${STRERROR[code]}: '${filename}'`, {
    code,
    errno: -errno,
    syscall: "spawn",
    filename,
    cause,
  });
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/**
 * Finds `program` as `execvp()` would (in `PATH` unless it names a directory), so that a
 * program started through the shell fails with the error a direct start gives.
 */
function requireExecutable(program: string, plan: SpawnPlan): void {
  const base = plan.cwd ?? process.cwd();
  const path = (plan.env === undefined ? process.env.PATH : plan.env.PATH) ?? "/usr/bin:/bin";
  const candidates = program.includes("/")
    ? [resolve(base, program)]
    : path.split(delimiter).map((dir) => resolve(base, dir, program));
  let denied = false;
  for (const candidate of candidates) {
    try {
      accessSync(candidate, fsConstants.X_OK);
      if (statSync(candidate).isFile()) return;
      denied = true;
    } catch (error) {
      if ((error as { code?: unknown }).code === "EACCES") denied = true;
    }
  }
  const command: Command = { kind: "exec", program, args: [] };
  throw startError({ code: denied ? "EACCES" : "ENOENT" }, command, plan);
}
