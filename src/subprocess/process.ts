/**
 * `Process`, as asyncio's (`Lib/asyncio/subprocess.py`): a child process started by
 * `createSubprocessExec()`/`createSubprocessShell()`, with its pipes as streams.
 */
import { inspectAsToString } from "../core/display.js";
import type { EventLoop } from "../core/loop.js";
import { BrokenPipeError, ConnectionResetError } from "../core/osErrors.js";
import { gather } from "../flow/gather.js";
import type { SignalLike } from "../net/signals.js";
import type { StreamReader } from "../net/streamReader.js";
import type { StreamWriter } from "../net/streamWriter.js";
import type { Data } from "../net/transport.js";
import type { SubprocessStreamProtocol } from "./subprocessStreamProtocol.js";
import type { SubprocessTransport } from "./subprocessTransport.js";

/**
 * A child process. Its pipes (given `PIPE`) are streams: `stdin` a `StreamWriter`, `stdout` and
 * `stderr` `StreamReader`s; the others are `null`.
 *
 * @example
 * const proc = await asyncio.createSubprocessExec("ls", ["-l"], { stdout: asyncio.PIPE });
 * const [out] = await proc.communicate();
 * console.log(proc.returncode, out?.toString());
 */
export class Process implements AsyncDisposable {
  readonly #transport: SubprocessTransport & { _wait(): PromiseLike<number> };
  /** The child's process id. */
  readonly pid: number;
  /** The child's standard input, when it is `PIPE`. */
  readonly stdin: StreamWriter | null;
  /** The child's standard output, when it is `PIPE`. */
  readonly stdout: StreamReader | null;
  /** The child's standard error, when it is `PIPE`. */
  readonly stderr: StreamReader | null;

  /** @internal Made by `createSubprocessExec()`/`createSubprocessShell()`. */
  constructor(
    transport: SubprocessTransport & { _wait(): PromiseLike<number> },
    protocol: SubprocessStreamProtocol,
    _loop: EventLoop,
  ) {
    this.#transport = transport;
    this.pid = transport.getPid();
    this.stdin = protocol.stdin;
    this.stdout = protocol.stdout;
    this.stderr = protocol.stderr;
  }

  /**
   * `null` while the child runs; then its exit code, or minus the number of the signal that
   * killed it (`-9` after `kill()`), as Python's.
   */
  get returncode(): number | null {
    return this.#transport.getReturncode();
  }

  /**
   * Waits for the child to exit and returns its `returncode`. It returns as soon as the child
   * exits, even if a process it started still holds its pipes. Cancelling the wait does not
   * stop the child.
   *
   * With `stdout`/`stderr` piped, a child that writes more than a pipe holds waits for a reader:
   * read the pipes, or use `communicate()`.
   */
  async wait(): Promise<number> {
    return this.#transport._wait();
  }

  /**
   * Sends `input` (if given) to stdin and closes it, reads stdout and stderr to their end — all
   * at once, so a child filling one pipe while waiting on another never deadlocks — then waits
   * for the child to exit. Returns `[stdout, stderr]` (`null` for a stream that is not piped).
   *
   * A child that exits or closes its stdin before reading all of `input` is not an error
   * (`BrokenPipeError` and `ConnectionResetError` are ignored, as asyncio does). Cancelling it,
   * or a `timeout()` around it, does not stop the child.
   */
  async communicate(input: Data | null = null): Promise<[Buffer | null, Buffer | null]> {
    const [, stdout, stderr] = await gather(
      this.stdin === null ? noop : () => this.#feedStdin(this.stdin as StreamWriter, input),
      this.stdout === null ? noop : () => this.#readStream(1, this.stdout as StreamReader),
      this.stderr === null ? noop : () => this.#readStream(2, this.stderr as StreamReader),
    );
    await this.wait();
    return [stdout, stderr];
  }

  async #feedStdin(stdin: StreamWriter, input: Data | null): Promise<null> {
    try {
      if (input !== null) stdin.write(input);
      await stdin.drain();
    } catch (error) {
      if (!(error instanceof BrokenPipeError || error instanceof ConnectionResetError)) throw error;
    }
    stdin.close();
    return null;
  }

  async #readStream(fd: 1 | 2, stream: StreamReader): Promise<Buffer> {
    const output = await stream.read();
    this.#transport.getPipeTransport(fd)?.close();
    return output;
  }

  /**
   * Sends `signal` (`"SIGTERM"`, `"SIGHUP"`, or a number) to the child; nothing once it exited.
   *
   * @throws ProcessLookupError once the process is reaped and its pipes closed.
   */
  sendSignal(signal: SignalLike): void {
    this.#transport.sendSignal(signal);
  }

  /** Sends `SIGTERM`. */
  terminate(): void {
    this.#transport.terminate();
  }

  /** Sends `SIGKILL`. */
  kill(): void {
    this.#transport.kill();
  }

  /**
   * `await using`: kills the child if it still runs and waits for it to exit (beyond asyncio,
   * whose `Process` has no context manager).
   */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.returncode === null) this.kill();
    await this.wait();
  }

  toString(): string {
    return `<Process ${this.pid}>`;
  }
}
inspectAsToString(Process);

async function noop(): Promise<null> {
  return null;
}
