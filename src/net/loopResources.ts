/**
 * @internal The sockets, servers and endpoints open on each loop, closed when the loop closes:
 * Node keeps a process alive while a socket is open, so a connection a program forgot must not
 * outlive the `run()` that opened it (in Python the interpreter exits and the socket with it).
 */
import type { EventLoop } from "../core/loop.js";

const openByLoop = new WeakMap<EventLoop, Set<() => void>>();

/**
 * Registers `close` to run if `loop` closes first; returns the function that unregisters it
 * (call it once the resource is closed).
 */
export function trackOnLoop(loop: EventLoop, close: () => void): () => void {
  let open = openByLoop.get(loop);
  if (open === undefined) {
    const resources = new Set<() => void>();
    open = resources;
    openByLoop.set(loop, resources);
    loop._onClose(() => {
      for (const closeResource of [...resources]) closeResource();
      resources.clear();
    });
  }
  const resources = open;
  resources.add(close);
  return () => {
    resources.delete(close);
  };
}
