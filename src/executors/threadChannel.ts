/** Worker threads for `ThreadPoolExecutor`. */
import type { ResourceLimits, Transferable } from "node:worker_threads";
import { Worker } from "node:worker_threads";
import type { WorkerChannel, WorkerEvents, WorkerLauncher } from "./workerChannel.js";

/**
 * The thread's code imports the entry module instead of being it: a thread inherits the Node
 * options of the process, and with `--input-type` among them (`node --input-type=module -e …`)
 * Node refuses a file as a thread's main module (ERR_INPUT_TYPE_NOT_ALLOWED), while `import()`
 * from eval'd code works under either input type. The options themselves are kept (loaders
 * such as `--import tsx` must reach the thread).
 */
const BOOTSTRAP = `import(${JSON.stringify(new URL("./worker/threadEntry.js", import.meta.url).href)});`;

/** Launches the threads of a pool named `name`, each `${name}_${index}`. */
export function threadLauncher(
  name: string,
  resourceLimits: ResourceLimits | undefined,
): WorkerLauncher {
  return (index, events) => new ThreadChannel(`${name}_${index}`, resourceLimits, events);
}

class ThreadChannel implements WorkerChannel {
  readonly label: string;
  readonly #worker: Worker;

  constructor(name: string, resourceLimits: ResourceLimits | undefined, events: WorkerEvents) {
    this.label = `thread ${name}`;
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      name,
      resourceLimits,
      stderr: false,
      stdout: false,
    });
    let fatal: unknown;
    worker.on("message", events.message);
    worker.on("error", (error) => {
      fatal = error;
    });
    worker.on("exit", (exitCode) => events.exit({ exitCode, signal: null }, fatal));
    this.#worker = worker;
  }

  send(message: Parameters<WorkerChannel["send"]>[0], transfer: readonly Transferable[]): void {
    this.#worker.postMessage(message, transfer as Transferable[]);
  }

  ref(): void {
    this.#worker.ref();
  }

  unref(): void {
    this.#worker.unref();
  }

  terminate(): void {
    void this.#worker.terminate();
  }
}
