/**
 * `SubprocessStreamProtocol`, as asyncio's (`Lib/asyncio/subprocess.py`): the protocol
 * behind a `Process`. The child's stdout and stderr pipes feed a `StreamReader` each; its stdin
 * pipe is written through a `StreamWriter` whose `drain()` waits on this protocol's flow control.
 * Once the child exited and its stdout and stderr pipes closed, the transport is closed.
 */
import type { EventLoop } from "../core/loop.js";
import { FlowControl } from "../net/flowControl.js";
import { StreamReader } from "../net/streamReader.js";
import { StreamWriter } from "../net/streamWriter.js";
import type { SubprocessProtocolLike } from "./subprocessProtocol.js";
import type { SubprocessTransport } from "./subprocessTransport.js";

/** @internal See the file comment. */
export class SubprocessStreamProtocol extends FlowControl implements SubprocessProtocolLike {
  readonly #limit: number;
  stdin: StreamWriter | null = null;
  stdout: StreamReader | null = null;
  stderr: StreamReader | null = null;
  #transport: SubprocessTransport | null = null;
  #processExited = false;
  /** The descriptors (1, 2) whose pipes are still open. */
  #pipeFds: number[] = [];

  constructor(loop: EventLoop, limit: number) {
    super(loop);
    this.#limit = limit;
  }

  connectionMade(transport: SubprocessTransport): void {
    this.#transport = transport;
    for (const fd of [1, 2] as const) {
      const pipe = transport.getPipeTransport(fd);
      if (pipe === null) continue;
      const reader = new StreamReader({ limit: this.#limit });
      reader._setTransport(pipe);
      if (fd === 1) this.stdout = reader;
      else this.stderr = reader;
      this.#pipeFds.push(fd);
    }
    const stdin = transport.getPipeTransport(0);
    if (stdin !== null) this.stdin = new StreamWriter(stdin, this, null, this.loop);
  }

  pipeDataReceived(fd: number, data: Buffer): void {
    this.#reader(fd)?._feedOwned(data);
  }

  pipeConnectionLost(fd: number, error: Error | null): void {
    if (fd === 0) {
      this.stdin?.close();
      this.connectionLost(error);
      return;
    }
    const reader = this.#reader(fd);
    if (reader !== null) {
      if (error === null) reader.feedEof();
      else reader.setException(error);
    }
    this.#pipeFds = this.#pipeFds.filter((open) => open !== fd);
    this.#maybeCloseTransport();
  }

  processExited(): void {
    this.#processExited = true;
    this.#maybeCloseTransport();
  }

  #reader(fd: number): StreamReader | null {
    return fd === 1 ? this.stdout : fd === 2 ? this.stderr : null;
  }

  #maybeCloseTransport(): void {
    if (this.#pipeFds.length === 0 && this.#processExited) {
      this.#transport?.close();
      this.#transport = null;
    }
  }
}
