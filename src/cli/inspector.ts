/**
 * Reading the task snapshot of another Node process through its inspector, with no flag or
 * code in the target: `process._debugProcess(pid)` (SIGUSR1 on POSIX) makes it open its
 * inspector on 127.0.0.1 (port 9229 unless it was given another), we connect over a
 * WebSocket, `Runtime.evaluate` the function `src/debug/snapshot.ts` keeps on `globalThis`,
 * and ask the target to close its inspector again right after we disconnect.
 */
import { execFile } from "node:child_process";
import { readdir, readFile, readlink } from "node:fs/promises";
import { get } from "node:http";
import { basename } from "node:path";
import type { Snapshot } from "../debug/snapshot.js";
import { SNAPSHOT_VERSION } from "../debug/snapshot.js";
import type { TextSocket } from "./webSocket.js";
import { connectWebSocket } from "./webSocket.js";

/** A failure to report in one line, with exit code 1. */
export class AttachError extends Error {
  override name = "AttachError";
}

/** Options of {@link readSnapshot}. */
export interface ReadSnapshotOptions {
  /** How long to wait for the inspector and each answer, in milliseconds (5000). */
  timeoutMs?: number;
}

const DEFAULT_PORT = 9229;

function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

/** Throws an AttachError unless `pid` exists and we may signal it. */
function checkSignallable(pid: number): void {
  try {
    process.kill(pid, 0);
  } catch (error) {
    const code = errnoCode(error);
    if (code === "ESRCH") throw new AttachError(`no process with pid ${pid}`);
    if (code === "EPERM") {
      throw new AttachError(
        `cannot signal process ${pid}: permission denied (run the command as its user)`,
      );
    }
    throw error;
  }
}

/**
 * The executable of `pid` when the system tells it (`/proc/<pid>/exe` on Linux, `ps`
 * elsewhere), or null when it does not.
 */
async function executableOf(pid: number): Promise<string | null> {
  if (process.platform === "linux") {
    try {
      return await readlink(`/proc/${pid}/exe`);
    } catch {
      try {
        return (await readFile(`/proc/${pid}/comm`, "utf8")).trim();
      } catch {
        return null;
      }
    }
  }
  if (process.platform === "win32") return null;
  return new Promise((resolve) => {
    execFile("ps", ["-o", "comm=", "-p", String(pid)], (error, stdout) => {
      resolve(error === null && stdout.trim() !== "" ? stdout.trim() : null);
    });
  });
}

/** Whether an executable's name looks like Node's (`node`, `nodejs`, `node20`, `node.exe`). */
export function looksLikeNode(executable: string): boolean {
  return /^node(js)?[-.\d]*(\.exe)?$/i.test(basename(executable.replace(/ \(deleted\)$/, "")));
}

/**
 * The TCP ports `pid` listens on (Linux, from `/proc`; empty elsewhere or when not allowed):
 * the sockets among its file descriptors that `/proc/net/tcp*` lists as listening.
 */
async function listeningPorts(pid: number): Promise<number[]> {
  if (process.platform !== "linux") return [];
  const inodes = new Set<string>();
  try {
    for (const fd of await readdir(`/proc/${pid}/fd`)) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(await readlink(`/proc/${pid}/fd/${fd}`));
        if (match !== null) inodes.add(match[1] as string);
      } catch {
        // The descriptor closed meanwhile.
      }
    }
  } catch {
    return [];
  }
  const ports: number[] = [];
  for (const table of ["tcp", "tcp6"]) {
    let text: string;
    try {
      text = await readFile(`/proc/${pid}/net/${table}`, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is "HEX_IP:HEX_PORT"; state 0A is LISTEN; field 9 is the inode.
      if (fields.length < 10 || fields[3] !== "0A" || !inodes.has(fields[9] as string)) continue;
      const port = Number.parseInt((fields[1] as string).split(":")[1] as string, 16);
      if (!ports.includes(port)) ports.push(port);
    }
  }
  return ports;
}

interface InspectorTarget {
  readonly port: number;
  readonly webSocketDebuggerUrl: string;
}

/** The inspector target at `127.0.0.1:port`, or null when nothing answers there as one. */
function inspectorAt(port: number, timeoutMs: number): Promise<InspectorTarget | null> {
  return new Promise((resolve) => {
    const request = get(
      { host: "127.0.0.1", port, path: "/json/list", timeout: timeoutMs },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          body += chunk;
        });
        response.on("end", () => {
          try {
            const targets = JSON.parse(body) as { webSocketDebuggerUrl?: unknown }[];
            const url = Array.isArray(targets) ? targets[0]?.webSocketDebuggerUrl : undefined;
            resolve(typeof url === "string" ? { port, webSocketDebuggerUrl: url } : null);
          } catch {
            resolve(null);
          }
        });
        response.on("error", () => resolve(null));
      },
    );
    request.on("timeout", () => request.destroy());
    request.on("error", () => resolve(null));
  });
}

/** The inspector `pid` listens with, found among its ports (or the default one). */
async function findInspector(
  pid: number,
  includeDefault: boolean,
  timeoutMs: number,
): Promise<InspectorTarget | null> {
  const ports = await listeningPorts(pid);
  if (includeDefault && !ports.includes(DEFAULT_PORT)) ports.push(DEFAULT_PORT);
  for (const port of ports) {
    const target = await inspectorAt(port, timeoutMs);
    if (target !== null) return target;
  }
  return null;
}

/** One inspector session: protocol calls with their answers. */
class Session {
  readonly #socket: TextSocket;
  readonly #pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  #nextId = 1;
  #closedError: Error | null = null;

  constructor(socket: TextSocket) {
    this.#socket = socket;
    socket.onMessage = (text) => {
      let message: { id?: number; result?: unknown; error?: { message?: string } };
      try {
        message = JSON.parse(text);
      } catch {
        return;
      }
      if (message.id === undefined) return; // an event
      const call = this.#pending.get(message.id);
      if (call === undefined) return;
      this.#pending.delete(message.id);
      if (message.error !== undefined) {
        call.reject(new Error(message.error.message ?? "inspector error"));
      } else {
        call.resolve(message.result);
      }
    };
    socket.onClose = (error) => {
      this.#closedError = error ?? new Error("the inspector closed the connection");
      for (const call of this.#pending.values()) call.reject(this.#closedError);
      this.#pending.clear();
    };
  }

  call(method: string, params: object, timeoutMs: number): Promise<unknown> {
    if (this.#closedError !== null) return Promise.reject(this.#closedError);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`the inspector did not answer ${method} in time`));
      }, timeoutMs);
      this.#pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.#socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /** `Runtime.evaluate(expression)` by value; rejects when the expression threw. */
  async evaluate(expression: string, timeoutMs: number): Promise<unknown> {
    const answer = (await this.call(
      "Runtime.evaluate",
      { expression, returnByValue: true, silent: true },
      timeoutMs,
    )) as {
      result?: { value?: unknown };
      exceptionDetails?: { text?: string; exception?: { description?: string } };
    };
    if (answer.exceptionDetails !== undefined) {
      const details = answer.exceptionDetails;
      throw new Error(details.exception?.description ?? details.text ?? "evaluation failed");
    }
    return answer.result?.value;
  }

  close(): void {
    this.#socket.close();
  }
}

/**
 * The pid (to check we reached the right process), whether it was started with an inspector
 * open (then it is left open), and the snapshot (null without asyncio-ts).
 */
const READ_EXPRESSION = `(() => {
  const f = globalThis[Symbol.for("asyncio-ts.introspection")];
  const flags = [...process.execArgv, ...String(process.env.NODE_OPTIONS ?? "").split(/\\s+/)];
  return {
    pid: process.pid,
    inspectFlag: flags.some((flag) => /^--inspect(-brk|-wait)?(=|$)/.test(flag)),
    snapshot: typeof f === "function" ? f() : null,
  };
})()`;

/** Closes the inspector shortly after we disconnect (`inspector.close()` waits for sessions). */
const CLOSE_EXPRESSION = `(() => {
  const inspector = process.getBuiltinModule?.("node:inspector");
  if (inspector === undefined) return false;
  const timer = setTimeout(() => { try { inspector.close(); } catch {} }, 200);
  timer.unref?.();
  return true;
})()`;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The snapshot of the tasks of process `pid`. Throws an AttachError (one line, for the user)
 * when the process does not exist, cannot be signalled, is not Node, its inspector cannot be
 * reached, or it does not use asyncio-ts.
 */
export async function readSnapshot(
  pid: number,
  options: ReadSnapshotOptions = {},
): Promise<Snapshot> {
  const timeoutMs = options.timeoutMs ?? 5000;
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new AttachError(`not a pid: ${pid}`);
  if (pid === process.pid) throw new AttachError("a process cannot inspect itself this way");
  checkSignallable(pid);
  const executable = await executableOf(pid);
  if (executable !== null && !looksLikeNode(executable)) {
    throw new AttachError(`process ${pid} is not a Node.js process (it runs ${executable})`);
  }
  // An inspector already open (--inspect, a debugger) is used and left open.
  let target = await findInspector(pid, false, timeoutMs);
  const weOpened = target === null;
  if (target === null) {
    try {
      (process as unknown as { _debugProcess(pid: number): void })._debugProcess(pid);
    } catch (error) {
      const code = errnoCode(error);
      if (code === "EPERM" || /EPERM|permission/i.test(String(error))) {
        throw new AttachError(`cannot signal process ${pid}: permission denied`);
      }
      if (code === "ESRCH") throw new AttachError(`no process with pid ${pid}`);
      throw new AttachError(`cannot activate the inspector of process ${pid}: ${error}`);
    }
    const deadline = Date.now() + timeoutMs;
    while (target === null && Date.now() < deadline) {
      await sleep(50);
      target = await findInspector(pid, true, Math.min(1000, timeoutMs));
    }
    if (target === null) {
      throw new AttachError(
        `cannot reach the inspector of process ${pid}: it did not open one on 127.0.0.1 ` +
          `(not a Node.js process, a SIGUSR1 handler of its own, or port ${DEFAULT_PORT} taken)`,
      );
    }
  }
  let socket: TextSocket;
  try {
    socket = await connectWebSocket(target.webSocketDebuggerUrl, timeoutMs);
  } catch (error) {
    throw new AttachError(
      `cannot connect to the inspector of process ${pid} on port ${target.port}: ${(error as Error).message}`,
    );
  }
  const session = new Session(socket);
  let read: { pid?: unknown; inspectFlag?: unknown; snapshot?: Snapshot | null };
  try {
    try {
      read = ((await session.evaluate(READ_EXPRESSION, timeoutMs)) ?? {}) as typeof read;
    } catch (error) {
      throw new AttachError(
        `cannot read the tasks of process ${pid}: ${(error as Error).message.split("\n")[0]}`,
      );
    }
    if (read.pid !== pid) {
      throw new AttachError(
        `the inspector on port ${target.port} belongs to process ${String(read.pid)}, not ${pid} ` +
          `(process ${pid} could not open its own: is port ${DEFAULT_PORT} taken?)`,
      );
    }
    if (weOpened && read.inspectFlag !== true) {
      try {
        await session.evaluate(CLOSE_EXPRESSION, timeoutMs);
      } catch {
        // The inspector stays open: nothing more to do from here.
      }
    }
  } finally {
    session.close();
  }
  const snapshot = read.snapshot;
  if (snapshot === null || snapshot === undefined || typeof snapshot !== "object") {
    throw new AttachError(
      `process ${pid} does not use asyncio-ts (it has not loaded the package: no task snapshot found)`,
    );
  }
  if (snapshot.version !== SNAPSHOT_VERSION) {
    throw new AttachError(
      `process ${pid} uses another version of asyncio-ts (snapshot version ${snapshot.version}, ` +
        `this command reads ${SNAPSHOT_VERSION})`,
    );
  }
  return snapshot;
}
