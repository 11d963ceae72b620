/**
 * `loop.addSignalHandler()` / `loop.removeSignalHandler()`, as CPython's unix_events: a signal
 * schedules its handler's callback on the loop, in the context captured when the handler was
 * added, in the order signals arrive.
 *
 * Node delivers signals to `process.on(signal)` listeners, which do not keep Node alive; while a
 * handler is installed and the loop runs, a ref'd interval does, so a program waiting for a
 * signal waits as in asyncio. The interval checks, once a second, whether the loop still runs:
 * a loop stopped (and never closed) then stops holding the process.
 */
import { constants as osConstants } from "node:os";
import { isMainThread } from "node:worker_threads";
import { Context, currentVars } from "../core/context.js";
import { RuntimeError } from "../core/errors.js";
import type { Callback } from "../core/handle.js";
import { Handle } from "../core/handle.js";
import type { InFlight } from "../core/inFlight.js";
import type { EventLoop } from "../core/loop.js";
import { scopeStorage } from "../core/scope.js";
import { describeValue, requireFunction } from "../core/validate.js";

/**
 * A signal: its name (`"SIGTERM"`) or its number (`15`).
 *
 * @example
 * const sig: asyncio.SignalLike = "SIGTERM";
 * loop.addSignalHandler(sig, () => stop.set());
 */
export type SignalLike = NodeJS.Signals | number;

interface Installed {
  readonly name: NodeJS.Signals;
  readonly handle: Handle;
  readonly listener: () => void;
  readonly hold: InFlight;
}

interface LoopSignals {
  readonly handlers: Map<number, Installed>;
  keepAlive: NodeJS.Timeout | null;
}

const KEEP_ALIVE_CHECK_MS = 1000;

const byLoop = new WeakMap<EventLoop, LoopSignals>();

const numberByName = osConstants.signals as Record<string, number>;
const nameByNumber = new Map<number, NodeJS.Signals>();
for (const [name, number] of Object.entries(numberByName)) {
  if (!nameByNumber.has(number)) nameByNumber.set(number, name as NodeJS.Signals);
}
const UNCATCHABLE = new Set([numberByName["SIGKILL"], numberByName["SIGSTOP"]]);

/** @internal The number and name of `sig`, checked as CPython's `_check_signal`. */
export function checkSignal(sig: unknown): [number, NodeJS.Signals] {
  if (typeof sig === "string") {
    const number = numberByName[sig];
    if (number === undefined || !Object.hasOwn(numberByName, sig)) {
      throw new RangeError(`invalid signal name ${JSON.stringify(sig)}`);
    }
    return [number, nameByNumber.get(number) ?? (sig as NodeJS.Signals)];
  }
  if (typeof sig !== "number" || !Number.isInteger(sig)) {
    throw new TypeError(`sig must be a signal name or an integer, got ${describeValue(sig)}`);
  }
  const name = nameByNumber.get(sig);
  if (name === undefined) throw new RangeError(`invalid signal number ${sig}`);
  return [sig, name];
}

function checkPlatform(): void {
  if (process.platform === "win32") {
    throw new RuntimeError("signal handlers are not supported on Windows");
  }
  if (!isMainThread) {
    // As CPython, whose set_wakeup_fd only works in the main thread.
    throw new RuntimeError("signal handlers can only be added in the main thread");
  }
}

function isCoroutineFunction(fn: unknown): boolean {
  const tag = (fn as { [Symbol.toStringTag]?: string })[Symbol.toStringTag];
  return tag === "AsyncFunction" || tag === "AsyncGeneratorFunction";
}

function signalsOf(loop: EventLoop): LoopSignals {
  let state = byLoop.get(loop);
  if (state === undefined) {
    const created: LoopSignals = { handlers: new Map(), keepAlive: null };
    state = created;
    byLoop.set(loop, created);
    loop._onClose(() => {
      for (const number of [...created.handlers.keys()]) removeSignalHandler(loop, number);
    });
  }
  return state;
}

/** Keeps Node alive while the loop runs with a handler installed. */
function updateKeepAlive(loop: EventLoop, state: LoopSignals): void {
  if (state.handlers.size === 0) {
    if (state.keepAlive !== null) clearInterval(state.keepAlive);
    state.keepAlive = null;
    return;
  }
  if (state.keepAlive === null) {
    state.keepAlive = setInterval(() => {
      const timer = state.keepAlive;
      if (timer === null) return;
      if (loop.isRunning()) timer.ref();
      else timer.unref();
    }, KEEP_ALIVE_CHECK_MS);
  }
  state.keepAlive.ref();
}

/**
 * @internal `loop.addSignalHandler()`.
 */
export function addSignalHandler(
  loop: EventLoop,
  sig: unknown,
  callback: unknown,
  args: unknown[],
): void {
  if (isCoroutineFunction(callback)) {
    throw new TypeError("coroutines cannot be used with addSignalHandler()");
  }
  requireFunction(callback, "addSignalHandler() callback");
  const [number, name] = checkSignal(sig);
  if (loop.isClosed()) throw new RuntimeError("Event loop is closed");
  checkPlatform();
  if (UNCATCHABLE.has(number)) throw new RuntimeError(`sig ${number} cannot be caught`);
  const state = signalsOf(loop);
  const previous = state.handlers.get(number);
  if (previous !== undefined) uninstall(previous);
  const handle = new Handle(
    callback as Callback<unknown[]>,
    args,
    loop,
    new Context(currentVars()),
  );
  const listener = (): void => {
    if (handle._cancelled) {
      removeSignalHandler(loop, number);
      return;
    }
    if (loop.isClosed()) return;
    scopeStorage.run(loop, () => loop._schedule(handle));
  };
  process.on(name, listener);
  const hold = loop.inFlight(`signal handler ${name}`, { kind: "outside" });
  state.handlers.set(number, { name, handle, listener, hold });
  updateKeepAlive(loop, state);
}

function uninstall(installed: Installed): void {
  process.off(installed.name, installed.listener);
  installed.hold.release();
}

/**
 * @internal `loop.removeSignalHandler()`: false when no handler was set for `sig`.
 */
export function removeSignalHandler(loop: EventLoop, sig: unknown): boolean {
  const [number] = checkSignal(sig);
  const state = byLoop.get(loop);
  const installed = state?.handlers.get(number);
  if (state === undefined || installed === undefined) return false;
  state.handlers.delete(number);
  uninstall(installed);
  updateKeepAlive(loop, state);
  return true;
}

/**
 * @internal Whether `loop` has a handler for `sig`: the runner leaves SIGINT to it meanwhile.
 */
export function hasSignalHandler(loop: EventLoop, sig: NodeJS.Signals): boolean {
  const number = numberByName[sig];
  return number !== undefined && byLoop.get(loop)?.handlers.has(number) === true;
}
