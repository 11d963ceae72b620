/**
 * @internal The sockets, servers and endpoints open on each loop, closed when the loop closes:
 * Node keeps a process alive while a socket is open, so a connection a program forgot must not
 * outlive the `run()` that opened it (in Python the interpreter exits and the socket with it).
 */
import type { EventLoop } from "../core/loop.js";
import { emitResourceWarning } from "../debug/resourceWarnings.js";

/** Something open on a loop: `_closeWithLoop()` closes it at once. */
export interface LoopResource {
  /** @internal Closes the resource at once (its loop is closing). */
  _closeWithLoop(): void;
  /**
   * @internal The ResourceWarning to emit in debug mode when the loop closes with the resource
   * left open by the program (`unclosed transport <…>`), or null (it is closing already, or
   * another resource reports it).
   */
  _unclosedWarning?(): string | null;
}

const openByLoop = new WeakMap<EventLoop, Set<LoopResource>>();

/** Registers `resource` to be closed if `loop` closes first. */
export function trackOnLoop(loop: EventLoop, resource: LoopResource): void {
  let open = openByLoop.get(loop);
  if (open === undefined) {
    const resources = new Set<LoopResource>();
    open = resources;
    openByLoop.set(loop, resources);
    loop._onClose(() => {
      if (loop.getDebug()) {
        for (const item of resources) {
          const message = item._unclosedWarning?.() ?? null;
          if (message !== null) emitResourceWarning(message);
        }
      }
      for (const item of [...resources]) item._closeWithLoop();
      resources.clear();
    });
  }
  open.add(resource);
}

/** Unregisters `resource` (it is closed). */
export function untrackOnLoop(loop: EventLoop, resource: LoopResource): void {
  openByLoop.get(loop)?.delete(resource);
}
