/**
 * asyncio's `SubprocessProtocol`: what a subprocess transport calls as the child writes to its
 * pipes and exits. Extend it and override what you need; every method has a default that does
 * nothing.
 *
 * Call order: `connectionMade` once; then, per pipe, `pipeDataReceived` any number of times and
 * `pipeConnectionLost` once; `processExited` once; then `connectionLost(null)` once, after the
 * child exited and every pipe is closed.
 */
import { BaseProtocol } from "../net/protocols.js";
import type { SubprocessTransport } from "./subprocessTransport.js";

/**
 * A protocol for `loop.subprocessExec()`/`loop.subprocessShell()`.
 *
 * @example
 * class Collect extends asyncio.SubprocessProtocol {
 *   output: Buffer[] = [];
 *   done = asyncio.getRunningLoop().createFuture<number>();
 *   transport!: asyncio.SubprocessTransport;
 *   override connectionMade(transport: asyncio.SubprocessTransport) { this.transport = transport; }
 *   override pipeDataReceived(fd: number, data: Buffer) { if (fd === 1) this.output.push(data); }
 *   override processExited() { this.done.setResult(this.transport.getReturncode() ?? -1); }
 * }
 * const [transport, protocol] = await loop.subprocessExec(() => new Collect(), "ls", ["-l"]);
 */
export class SubprocessProtocol extends BaseProtocol<SubprocessTransport> {
  /** The child wrote `data` to its descriptor `fd` (1 for stdout, 2 for stderr). */
  pipeDataReceived(_fd: number, _data: Buffer): void {}
  /**
   * The pipe of descriptor `fd` closed: `error` is what broke it (a `BrokenPipeError` for a
   * stdin the child stopped reading), or `null`.
   */
  pipeConnectionLost(_fd: number, _error: Error | null): void {}
  /** The child exited (`transport.getReturncode()` tells how). */
  processExited(): void {}
}

/** What the subprocess methods take from a protocol factory: any object with some of the methods. */
export type SubprocessProtocolLike = Partial<SubprocessProtocol>;
