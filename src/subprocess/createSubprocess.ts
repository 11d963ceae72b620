/**
 * Starting subprocesses, as asyncio: the stream functions `createSubprocessExec()` and
 * `createSubprocessShell()` (`Lib/asyncio/subprocess.py`), which return a `Process`, on the
 * loop's `subprocessExec()`/`subprocessShell()` (`Lib/asyncio/base_events.py`), which return a
 * transport and a protocol.
 */
import { once } from "node:events";
import { wrapOn } from "../core/awaitable.js";
import type { EventLoop } from "../core/loop.js";
import { getRunningLoop, scopeStorage } from "../core/scope.js";
import { requireFunction, requireInteger, requireOptions } from "../core/validate.js";
import { Process } from "./process.js";
import {
  type Command,
  execCommand,
  type SpawnPlan,
  type SubprocessOptions,
  shellCommand,
  spawnChild,
  spawnPlan,
  startError,
} from "./spawn.js";
import { PIPE } from "./stdio.js";
import type { SubprocessProtocolLike } from "./subprocessProtocol.js";
import { SubprocessStreamProtocol } from "./subprocessStreamProtocol.js";
import { ChildProcessTransport, type SubprocessTransport } from "./subprocessTransport.js";

/** Options of `createSubprocessExec()`/`createSubprocessShell()`. */
export interface CreateSubprocessOptions extends SubprocessOptions {
  /** The buffer limit of the `stdout`/`stderr` readers, in bytes (default 64 KiB). */
  readonly limit?: number;
}

/** asyncio's `streams._DEFAULT_LIMIT`. */
const DEFAULT_LIMIT = 64 * 1024;

/**
 * Starts `program` with `args` (no shell: each argument reaches the program as it is) and
 * returns its `Process`. `program` is looked up in `PATH` unless it contains a `/`.
 *
 * @throws FileNotFoundError (`ENOENT`) when the program (or `cwd`) does not exist;
 *   PermissionError when it is not executable; TypeError/RangeError for bad arguments, before
 *   anything is started.
 * @example
 * const proc = await asyncio.createSubprocessExec("git", ["status", "--short"], {
 *   stdout: asyncio.PIPE,
 * });
 * const [out] = await proc.communicate();
 */
export async function createSubprocessExec(
  program: string | URL,
  args: readonly string[] = [],
  options: CreateSubprocessOptions = {},
): Promise<Process> {
  const method = "createSubprocessExec()";
  return startProcess(execCommand(program, args, method), options, method);
}

/**
 * Runs `cmd` with `/bin/sh -c` and returns its `Process`. Quote what comes from outside
 * (or use `createSubprocessExec()`, which needs no quoting).
 *
 * @example
 * const proc = await asyncio.createSubprocessShell("ls -l | wc -l", { stdout: asyncio.PIPE });
 * const [out] = await proc.communicate();
 */
export async function createSubprocessShell(
  cmd: string,
  options: CreateSubprocessOptions = {},
): Promise<Process> {
  const method = "createSubprocessShell()";
  return startProcess(shellCommand(cmd, method), options, method);
}

async function startProcess(
  command: Command,
  options: CreateSubprocessOptions,
  method: string,
): Promise<Process> {
  const loop = getRunningLoop();
  requireOptions(options, `${method} options`);
  const { limit = DEFAULT_LIMIT, ...spawnOptions } = options;
  requireInteger(limit, `${method} limit`, 1);
  const plan = spawnPlan(spawnOptions, method, null);
  const [transport, protocol] = await startSubprocess(
    loop,
    () => new SubprocessStreamProtocol(loop, limit),
    command,
    plan,
  );
  return new Process(transport, protocol, loop);
}

/** @internal `loop.subprocessExec()` (see `EventLoop.subprocessExec`). */
export function subprocessExec<P extends SubprocessProtocolLike>(
  loop: EventLoop,
  protocolFactory: () => P,
  program: string | URL,
  args: readonly string[] = [],
  options: SubprocessOptions = {},
): Promise<[SubprocessTransport, P]> {
  const method = "subprocessExec()";
  requireFunction(protocolFactory, `${method} protocolFactory`);
  const command = execCommand(program, args, method);
  return startSubprocess(loop, protocolFactory, command, spawnPlan(options, method, PIPE));
}

/** @internal `loop.subprocessShell()` (see `EventLoop.subprocessShell`). */
export function subprocessShell<P extends SubprocessProtocolLike>(
  loop: EventLoop,
  protocolFactory: () => P,
  cmd: string,
  options: SubprocessOptions = {},
): Promise<[SubprocessTransport, P]> {
  const method = "subprocessShell()";
  requireFunction(protocolFactory, `${method} protocolFactory`);
  const command = shellCommand(cmd, method);
  return startSubprocess(loop, protocolFactory, command, spawnPlan(options, method, PIPE));
}

/**
 * Starts the child and its transport, and resolves once the protocol's `connectionMade` ran.
 * Cancelled meanwhile, the child is killed and waited for, as asyncio does.
 */
async function startSubprocess<P extends SubprocessProtocolLike>(
  loop: EventLoop,
  protocolFactory: () => P,
  command: Command,
  plan: SpawnPlan,
): Promise<[ChildProcessTransport, P]> {
  const protocol = protocolFactory();
  const child = scopeStorage.run(loop, () => spawnChild(command, plan));
  if (child.pid === undefined) {
    // Node reports a program it could not run on the next tick, as an 'error' event.
    const [error] = await wrapOn(loop, once(child, "error"), `start of ${describe(command)}`);
    for (const stream of child.stdio) stream?.destroy();
    throw startError(error, command, plan);
  }
  const transport = new ChildProcessTransport(loop, child, protocol, describe(command));
  try {
    await transport._connected;
  } catch (error) {
    transport.close();
    await transport._wait();
    throw error;
  }
  return [transport, protocol];
}

/** The command, as holds and errors name it. */
function describe(command: Command): string {
  const text = command.kind === "exec" ? command.program : command.cmd;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
