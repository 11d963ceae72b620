/** Child processes for `ProcessPoolExecutor`. */
import type { ChildProcess } from "node:child_process";
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ToWorker } from "./protocol.js";
import type { WorkerChannel, WorkerEvents, WorkerLauncher } from "./workerChannel.js";

const ENTRY = fileURLToPath(new URL("./worker/processEntry.js", import.meta.url));

/**
 * Launches child processes; `graceSeconds` after SIGTERM, a child still running gets SIGKILL.
 * The children run with those of this process's Node options worth keeping (loaders such as
 * `--import tsx` included; see `childExecArgv`).
 */
export function processLauncher(graceSeconds: number): WorkerLauncher {
  const execArgv = childExecArgv(process.execArgv);
  return (_index, events) => new ProcessChannel(execArgv, graceSeconds, events);
}

/** Options that take their value as the next argument, among those a child keeps. */
const WITH_VALUE = new Set([
  "--import",
  "--require",
  "-r",
  "--loader",
  "--experimental-loader",
  "--conditions",
  "-C",
]);
/** Options a child keeps: module loading, language features, memory, warnings, source maps. */
const KEPT =
  /^(--import|--require|-r|--loader|--experimental-|--no-experimental-|--conditions|-C|--enable-source-maps|--no-warnings|--no-deprecation|--max-old-space-size|--max-semi-space-size|--stack-size|--disable-warning|--harmony|--unhandled-rejections|--expose-gc)(=|$)/;

/**
 * The Node options of a pool's children: those of this process worth keeping, and nothing
 * that would run something else than the worker entry (`-e`, `-p`, `--test`, `--watch`, `-i`):
 * a child started with this process's `-e` script would start a pool of its own, and so on.
 */
export function childExecArgv(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] as string;
    if (!KEPT.test(arg)) {
      // Skip the value of an option that takes one (`-e code`), as well.
      if (/^(-e|--eval|-p|--print|--input-type|--watch-path|--test-[a-z-]+)$/.test(arg)) i++;
      continue;
    }
    kept.push(arg);
    if (WITH_VALUE.has(arg) && i + 1 < execArgv.length) kept.push(execArgv[++i] as string);
  }
  return kept;
}

class ProcessChannel implements WorkerChannel {
  readonly label: string;
  readonly #child: ChildProcess;
  readonly #graceSeconds: number;
  #exited = false;

  constructor(execArgv: string[], graceSeconds: number, events: WorkerEvents) {
    this.#graceSeconds = graceSeconds;
    const child = fork(ENTRY, [], { execArgv, serialization: "advanced", stdio: "inherit" });
    this.label = `process ${child.pid ?? "(not started)"}`;
    let fatal: unknown;
    child.on("message", events.message);
    child.on("error", (error) => {
      fatal ??= error;
    });
    child.on("exit", (exitCode, signal) => {
      this.#exited = true;
      events.exit({ exitCode, signal }, fatal);
    });
    this.#child = child;
  }

  send(message: ToWorker): void {
    // A child that died is reported by its exit event, not here.
    this.#child.send(message, ignoreSendError);
  }

  ref(): void {
    this.#child.ref();
    this.#child.channel?.ref();
  }

  unref(): void {
    this.#child.unref();
    this.#child.channel?.unref();
  }

  terminate(): void {
    if (this.#exited) return;
    this.#child.kill("SIGTERM");
    const timer = setTimeout(() => {
      if (!this.#exited) this.#child.kill("SIGKILL");
    }, this.#graceSeconds * 1000);
    timer.unref();
  }
}

function ignoreSendError(): void {}
