/**
 * `asyncio-ts repl`: Node's REPL inside one running loop, as `python -m asyncio`. The whole
 * session is `asyncio.run()` of a main task that runs the REPL; each input is evaluated by
 * node:repl's own eval (which handles top-level `await`) from inside a task created for it, so
 * the input's code runs in that task (`currentTask()` is the task, library awaits park it) and
 * a task it creates goes on running while the next input is typed. Inputs run one after the
 * other. Ctrl-C cancels the running input's task; at the prompt it does what it does in Node's
 * REPL. `.exit` (or the end of the input) ends the session once the inputs queued are done;
 * `run()` then cancels the tasks left, as asyncio does.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { REPLEval, REPLServer } from "node:repl";
import { start } from "node:repl";
import { PassThrough } from "node:stream";
import * as asyncio from "../index.js";
import { packageVersion } from "./version.js";

/** Options of {@link runRepl}. */
export interface ReplOptions {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** The history file (`~/.asyncio_ts_history`; `ASYNCIO_TS_HISTORY`, empty for none). */
  historyPath?: string;
}

interface PendingInput {
  readonly code: string;
  readonly file: string;
  readonly callback: (error: Error | null, result?: unknown) => void;
}

function historyFile(options: ReplOptions): string {
  if (options.historyPath !== undefined) return options.historyPath;
  const fromEnv = process.env.ASYNCIO_TS_HISTORY;
  if (fromEnv !== undefined) return fromEnv;
  return join(homedir(), ".asyncio_ts_history");
}

/** Runs the REPL until `.exit` or the end of the input. */
export async function runRepl(options: ReplOptions = {}): Promise<void> {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const terminal =
    (input as { isTTY?: boolean }).isTTY === true && (output as { isTTY?: boolean }).isTTY === true;
  // Installed before run(), so run() leaves SIGINT to us rather than cancelling the main task.
  let onSignal: () => void = () => {};
  const sigint = (): void => onSignal();
  process.on("SIGINT", sigint);
  try {
    await asyncio.run(async function repl() {
      const loop = asyncio.getRunningLoop();
      output.write(
        `asyncio-ts REPL ${packageVersion()} on Node.js ${process.version} (${process.platform})\n` +
          'Use "await" directly instead of "asyncio.run()".\n' +
          'Type ".help" for more information.\n' +
          (terminal ? "> import * as asyncio from 'asyncio-ts'\n" : ""),
      );
      // From a pipe, lines come in chunks and node:repl would evaluate each line of a chunk
      // at once, before the previous input (an await) is done; a gate hands it one line at a
      // time, the next once the prompt is shown again.
      const gate = terminal ? null : new LineGate(input);
      const server: REPLServer = start({
        prompt: terminal ? "> " : "",
        input: gate?.stream ?? input,
        output,
        terminal,
        useGlobal: true,
        // On a terminal, Ctrl-C reaches us while an input awaits, and stops a synchronous loop.
        // Not from a pipe: its watchdog leaves a SIGINT sent later to the default action.
        breakEvalOnSigint: terminal,
      });
      server.context.asyncio = asyncio;
      const history = historyFile(options);
      if (terminal && history !== "") {
        server.setupHistory(history, () => {});
      }
      gate?.attach(server);
      const defaultEval = server.eval;
      const queue: PendingInput[] = [];
      let current: asyncio.Task<unknown> | null = null;
      /** Ctrl-C presses while the current input runs. */
      let interrupted = 0;
      let exiting = false;
      const finished = loop.createFuture<void>();
      const maybeFinish = (): void => {
        if (exiting && current === null && queue.length === 0 && !finished.done()) {
          finished.setResult(undefined);
        }
      };

      // node:repl catches an error thrown by the input (or by the promise it awaits) itself —
      // in a domain up to Node 25, in its `_handleError` method from Node 26 on — prints it and
      // shows the prompt, instead of passing it to the eval's callback. The input waiting for it
      // ends there; an input cancelled by Ctrl-C ends with "KeyboardInterrupt" instead.
      let evaluating: ((error: unknown) => void) | null = null;
      let reportedByRepl = false;
      /** Ends the waiting input with `error`; false when the REPL should not print it. */
      const inputFailed = (error: unknown): boolean => {
        const fail = evaluating;
        if (fail === null) return true;
        evaluating = null;
        reportedByRepl = true;
        fail(error);
        if (interrupted > 0 && error instanceof asyncio.CancelledError) {
          output.write("KeyboardInterrupt\n");
          server.displayPrompt();
          return false;
        }
        return true;
      };
      const internals = server as unknown as {
        _domain?: NodeJS.EventEmitter;
        _handleError?: (error: unknown) => void;
      };
      const domain = internals._domain;
      const handleError = internals._handleError;
      if (domain !== undefined) {
        const replHandlers = domain.listeners("error") as ((error: unknown) => void)[];
        domain.removeAllListeners("error");
        domain.on("error", (error: unknown) => {
          if (!inputFailed(error)) return;
          for (const handler of replHandlers) handler.call(domain, error);
        });
      } else if (typeof handleError === "function") {
        internals._handleError = function (this: unknown, error: unknown): void {
          if (inputFailed(error)) handleError.call(this, error);
        };
      }

      const runNext = (): void => {
        const next = queue.shift();
        if (next === undefined) {
          maybeFinish();
          return;
        }
        interrupted = 0;
        reportedByRepl = false;
        // The result is kept aside: a Task or Future must not become the task's own outcome.
        let value: unknown;
        const task = loop.createTask(function replInput() {
          return new Promise<void>((resolve, reject) => {
            evaluating = reject;
            defaultEval.call(server, next.code, server.context, next.file, (error, result) => {
              evaluating = null;
              if (error === null || error === undefined) {
                value = result;
                resolve();
              } else {
                reject(error);
              }
            });
          });
        });
        current = task;
        task.addDoneCallback(() => {
          current = null;
          if (reportedByRepl) {
            // Already printed, and the prompt shown.
            if (!task.cancelled()) task.exception();
          } else if (task.cancelled()) {
            if (interrupted > 0) {
              // As python -m asyncio: the input ends with "KeyboardInterrupt", not an error.
              output.write("KeyboardInterrupt\n");
              const writable = server as { ignoreUndefined: boolean };
              const ignore = writable.ignoreUndefined;
              writable.ignoreUndefined = true;
              next.callback(null, undefined);
              writable.ignoreUndefined = ignore;
            } else {
              let error: unknown;
              try {
                task.result();
              } catch (cancelled) {
                error = cancelled;
              }
              next.callback(error as Error);
            }
          } else {
            const error = task.exception();
            if (error !== null) next.callback(error as Error);
            else next.callback(null, value);
          }
          runNext();
        });
      };

      const evalInTask: REPLEval = (code, _context, file, callback) => {
        queue.push({ code, file, callback });
        if (current === null && queue.length === 1) runNext();
      };
      (server as { eval: REPLEval }).eval = evalInTask;

      // Ctrl-C: cancel the running input's task; at the prompt, Node's REPL behaviour.
      const replSigint = server.listeners("SIGINT") as (() => void)[];
      server.removeAllListeners("SIGINT");
      // A second Ctrl-C, for an input the cancellation cannot reach (it awaits a promise from
      // outside the library), lets node:repl stop waiting for it, as Node's REPL does.
      const interrupt = (): void => {
        const task = current;
        if (task !== null && !task.done() && interrupted === 0) {
          interrupted++;
          task.cancel();
          return;
        }
        for (const listener of replSigint) listener.call(server);
      };
      server.on("SIGINT", interrupt);
      onSignal = interrupt;

      server.on("exit", () => {
        exiting = true;
        maybeFinish();
      });
      try {
        await finished;
      } finally {
        onSignal = () => {};
        gate?.close();
        server.close();
        output.write("exiting asyncio-ts REPL...\n");
      }
    });
  } finally {
    process.off("SIGINT", sigint);
  }
}

/** Feeds the lines of a non-terminal input to the REPL one at a time (see its use). */
class LineGate {
  readonly stream = new PassThrough();
  readonly #input: NodeJS.ReadableStream;
  #ready: (() => void) | null = null;
  #closed = false;
  readonly #lines;

  constructor(input: NodeJS.ReadableStream) {
    this.#input = input;
    this.#lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  }

  /** Starts feeding `server`; the next line goes once it shows its prompt. */
  attach(server: REPLServer): void {
    const displayPrompt = server.displayPrompt;
    server.displayPrompt = (preserveCursor?: boolean): void => {
      displayPrompt.call(server, preserveCursor);
      const ready = this.#ready;
      this.#ready = null;
      ready?.();
    };
    void this.#feed();
  }

  async #feed(): Promise<void> {
    for await (const line of this.#lines) {
      if (this.#closed) break;
      await new Promise<void>((resolve) => {
        this.#ready = resolve;
        this.stream.write(`${line}\n`);
      });
    }
    this.stream.end();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#lines.close();
    const ready = this.#ready;
    this.#ready = null;
    ready?.();
    // Stop reading, so an input left open does not keep the process alive.
    (this.#input as { destroy?: () => void }).destroy?.();
  }
}
