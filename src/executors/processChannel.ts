/** Child processes for `ProcessPoolExecutor`. */
import type { ChildProcess } from "node:child_process";
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ToWorker } from "./protocol.js";
import type { WorkerChannel, WorkerEvents, WorkerLauncher } from "./workerChannel.js";

const ENTRY = fileURLToPath(new URL("./worker/processEntry.js", import.meta.url));

/**
 * Launches child processes; `graceSeconds` after SIGTERM, a child still running gets SIGKILL.
 * The children run with this process's Node options (loaders such as `--import tsx` included),
 * except the inspector's and the test runner's.
 */
export function processLauncher(graceSeconds: number): WorkerLauncher {
  const execArgv = process.execArgv.filter((arg) => !/^--(inspect|debug|test)/.test(arg));
  return (_index, events) => new ProcessChannel(execArgv, graceSeconds, events);
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
