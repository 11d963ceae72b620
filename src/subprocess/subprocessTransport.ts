/**
 * The subprocess transport, as asyncio's (`Lib/asyncio/base_subprocess.py`): a running child
 * process, its pipes (each a `SocketTransport` over Node's pipe socket) and its exit, reported to
 * a `SubprocessProtocol`.
 *
 * Invariants:
 * - The protocol's `connectionMade` is the first of its callbacks (scheduled before the pipes'
 *   own), `connectionLost(null)` the last: it runs once the child exited and every pipe closed.
 * - `returncode` is set when Node reports the exit (the exit code, or minus the signal number),
 *   and `wait()` returns then, even if another process still holds the pipes (gh-119710).
 * - While the child runs it holds the loop (an `"outside"` hold); a child still running when its
 *   loop closes is killed, as asyncio's transport kills it when it is closed or collected.
 * - The stdin pipe is closed when the child exits (Node destroys it): data still buffered for it
 *   end it with a `BrokenPipeError`, as a write to a pipe nobody reads does.
 */
import type { ChildProcess } from "node:child_process";
import { Socket } from "node:net";
import { constants as osConstants } from "node:os";
import { inspectAsToString } from "../core/display.js";
import { createLoopFuture, type Future, PENDING } from "../core/future.js";
import type { InFlight } from "../core/inFlight.js";
import type { EventLoop } from "../core/loop.js";
import { BrokenPipeError, PermissionError, ProcessLookupError } from "../core/osErrors.js";
import { describeValue } from "../core/validate.js";
import { resourceClosed, watchIfDebug } from "../debug/resourceWarnings.js";
import { type LoopResource, trackOnLoop, untrackOnLoop } from "../net/loopResources.js";
import { checkSignal, type SignalLike } from "../net/signals.js";
import { SocketTransport, type StreamProtocolLike } from "../net/socketTransport.js";
import type { Transport } from "../net/transport.js";
import type { SubprocessProtocolLike } from "./subprocessProtocol.js";

/**
 * A running child process and its pipes (asyncio's `SubprocessTransport`), from
 * `loop.subprocessExec()`/`loop.subprocessShell()`.
 */
export interface SubprocessTransport {
  /** The child's process id. */
  getPid(): number;
  /** `null` while the child runs; then its exit code, or minus the signal that killed it. */
  getReturncode(): number | null;
  /** The transport of the child's descriptor `fd` (0, 1 or 2) when it is a pipe, else `null`. */
  getPipeTransport(fd: number): Transport | null;
  /**
   * Sends `signal` to the child (nothing once it exited).
   *
   * @throws ProcessLookupError once the transport is finished; PermissionError when the child
   *   may not be signalled; RangeError for an unknown signal, TypeError for one of the wrong type.
   */
  sendSignal(signal: SignalLike): void;
  /** Sends `SIGTERM`. */
  terminate(): void;
  /** Sends `SIGKILL`. */
  kill(): void;
  /** Closes the pipes, and kills the child if it still runs. */
  close(): void;
  /** Whether `close()` was called. */
  isClosing(): boolean;
  /** `"subprocess"`: Node's `ChildProcess`; `defaultValue` for anything else. */
  getExtraInfo(name: "subprocess"): ChildProcess | undefined;
  /** Any other name: `defaultValue` (`undefined` when not given). */
  getExtraInfo(name: string, defaultValue?: unknown): unknown;
}

const STREAM_NAMES = ["stdin", "stdout", "stderr"] as const;

/** @internal See the file comment. */
export class ChildProcessTransport implements SubprocessTransport, LoopResource {
  readonly #loop: EventLoop;
  readonly #child: ChildProcess;
  readonly #protocol: SubprocessProtocolLike;
  readonly #pid: number;
  readonly #hold: InFlight;
  readonly #pipes: (PipeEnd | null)[] = [null, null, null];
  #returncode: number | null = null;
  #closed = false;
  #finished = false;
  #exitWaiters: Future<number>[] = [];
  /** Set when the pipes' `connectionMade` ran (the start is complete). */
  readonly #connected: Future<void>;
  /** The error Node reported for the last failed signal. */
  #signalError: Error | null = null;

  /** Takes over `child` (spawned, with a pid) for `protocol`; `what` names it in holds. */
  constructor(
    loop: EventLoop,
    child: ChildProcess,
    protocol: SubprocessProtocolLike,
    what: string,
  ) {
    this.#loop = loop;
    this.#child = child;
    this.#protocol = protocol;
    this.#pid = child.pid as number;
    this.#hold = loop.inFlight(`subprocess ${this.#pid} ${what}`, { kind: "outside" });
    this.#connected = createLoopFuture<void>(loop);
    trackOnLoop(loop, this);
    child.on("exit", (code, signal) => this.#onExit(code, signal));
    child.on("error", (error) => {
      this.#signalError = error;
    });
    loop.callSoon(() => protocol.connectionMade?.(this));
    for (const fd of [0, 1, 2] as const) {
      const socket = child.stdio[fd];
      if (!(socket instanceof Socket)) continue;
      const name = `${STREAM_NAMES[fd]} of process ${this.#pid}`;
      const end = new PipeEnd(this, fd);
      this.#pipes[fd] = end;
      end.transport = new SocketTransport(loop, socket, end, { pipe: name });
    }
    loop.callSoon(() => {
      if (this.#connected._state === PENDING) this.#connected._resolve(undefined);
    });
    // As asyncio's: unclosed even once the child exited, until close() is called.
    watchIfDebug(loop, this, "transport");
  }

  /** @internal Resolves once the protocol and the pipes saw `connectionMade`. */
  get _connected(): Future<void> {
    return this.#connected;
  }

  /** @internal The protocol (the pipes forward their flow control to it). */
  get _protocol(): SubprocessProtocolLike {
    return this.#protocol;
  }

  getPid(): number {
    return this.#pid;
  }

  getReturncode(): number | null {
    return this.#returncode;
  }

  getPipeTransport(fd: number): Transport | null {
    return this.#pipes[fd]?.transport ?? null;
  }

  getExtraInfo(name: "subprocess"): ChildProcess | undefined;
  getExtraInfo(name: string, defaultValue?: unknown): unknown;
  getExtraInfo(name: string, defaultValue?: unknown): unknown {
    if (typeof name !== "string") {
      throw new TypeError(`getExtraInfo() name must be a string, got ${describeValue(name)}`);
    }
    return name === "subprocess" ? this.#child : defaultValue;
  }

  sendSignal(signal: SignalLike): void {
    // Signal 0 sends nothing and only checks the process is there, as os.kill(pid, 0).
    const number = signal === 0 ? 0 : checkSignal(signal)[0];
    if (this.#finished) throw new ProcessLookupError("[Errno 3] No such process");
    if (this.#returncode !== null) return;
    this.#signalError = null;
    if (this.#child.kill(number)) return;
    const error = this.#signalError as { code?: unknown } | null;
    if (error !== null && error.code === "EPERM") {
      throw new PermissionError("[Errno 1] Operation not permitted", {
        code: "EPERM",
        errno: -osConstants.errno.EPERM,
        syscall: "kill",
        cause: error,
      });
    }
  }

  terminate(): void {
    this.sendSignal("SIGTERM");
  }

  kill(): void {
    this.sendSignal("SIGKILL");
  }

  isClosing(): boolean {
    return this.#closed;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    resourceClosed(this);
    for (const end of this.#pipes) end?.transport?.close();
    if (this.#returncode === null) this.#child.kill("SIGKILL");
  }

  /** @internal The loop closes with the transport left open: a ResourceWarning. */
  _unclosedWarning(): string | null {
    return this.#closed ? null : `unclosed transport ${this}`;
  }

  /** @internal The loop closes: kill the child if it runs, close the pipes. */
  _closeWithLoop(): void {
    this.close();
  }

  /** @internal asyncio's `_wait()`: the return code, once the child exited. */
  _wait(): Future<number> {
    const waiter = createLoopFuture<number>(this.#loop);
    if (this.#returncode !== null) {
      waiter._resolve(this.#returncode);
      return waiter;
    }
    this.#exitWaiters = this.#exitWaiters.filter((other) => other._state === PENDING);
    this.#exitWaiters.push(waiter);
    return waiter;
  }

  /** @internal A pipe delivered data. */
  _pipeDataReceived(fd: number, data: Buffer): void {
    this.#protocol.pipeDataReceived?.(fd, data);
  }

  /** @internal A pipe closed. */
  _pipeConnectionLost(fd: number, error: Error | null): void {
    try {
      this.#protocol.pipeConnectionLost?.(fd, error);
    } finally {
      this.#tryFinish();
    }
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#returncode !== null) return;
    this.#returncode = code ?? -(signal === null ? 0 : osConstants.signals[signal]);
    this.#hold.release();
    untrackOnLoop(this.#loop, this);
    if (this.#loop.isClosed()) return;
    for (const waiter of this.#exitWaiters) {
      if (waiter._state === PENDING) waiter._resolve(this.#returncode);
    }
    this.#exitWaiters = [];
    // Node destroyed the stdin pipe as the child exited: bytes still waiting there will never be
    // read, which asyncio reports as a broken pipe.
    const stdin = this.#pipes[0]?.transport;
    if (stdin != null && stdin.getWriteBufferSize() > 0) {
      stdin._onError(
        new BrokenPipeError("[Errno 32] Broken pipe", {
          code: "EPIPE",
          errno: -osConstants.errno.EPIPE,
          syscall: "write",
        }),
      );
    }
    // As asyncio's `_process_exited`: processExited is a loop callback, and the transport is
    // finished at once if the pipes are closed (connectionLost follows processExited).
    this.#loop.callSoon(() => this.#protocol.processExited?.());
    this.#tryFinish();
  }

  #tryFinish(): void {
    if (this.#finished || this.#returncode === null) return;
    if (!this.#pipes.every((end) => end === null || end.disconnected)) return;
    this.#finished = true;
    this.#loop.callSoon(() => this.#protocol.connectionLost?.(null));
  }

  toString(): string {
    const info = [`SubprocessTransport pid=${this.#pid}`];
    if (this.#closed) info.push("closed");
    info.push(this.#returncode === null ? "running" : `returncode=${this.#returncode}`);
    this.#pipes.forEach((end, fd) => {
      if (end !== null) info.push(`${STREAM_NAMES[fd]}=${String(end.transport)}`);
    });
    return `<${info.join(" ")}>`;
  }
}
inspectAsToString(ChildProcessTransport);

/** The protocol of one pipe: it tells the subprocess transport (asyncio's `*SubprocessPipeProto`). */
class PipeEnd implements StreamProtocolLike {
  readonly #owner: ChildProcessTransport;
  readonly #fd: number;
  transport: SocketTransport | null = null;
  disconnected = false;

  constructor(owner: ChildProcessTransport, fd: number) {
    this.#owner = owner;
    this.#fd = fd;
  }

  dataReceived(data: Buffer): void {
    this.#owner._pipeDataReceived(this.#fd, data);
  }

  connectionLost(error: Error | null): void {
    this.disconnected = true;
    this.#owner._pipeConnectionLost(this.#fd, error);
  }

  pauseWriting(): void {
    this.#owner._protocol.pauseWriting?.();
  }

  resumeWriting(): void {
    this.#owner._protocol.resumeWriting?.();
  }
}
