/**
 * The loops of this process that are not closed, for the introspection snapshot
 * (`src/debug/snapshot.ts`, read by `asyncio-ts ps`). A loop registers a `WeakRef` to itself
 * when it is created and removes it when it is closed, so a loop that is dropped without being
 * closed is not kept alive; dead references are pruned when the set has grown.
 */
import type { EventLoop } from "./loop.js";

const live = new Set<WeakRef<EventLoop>>();
/** The size above which the next registration prunes dead references first. */
let pruneAt = 64;

/** Registers `loop` (from its constructor); pass the result to `unregisterLoop` at close. */
export function registerLoop(loop: EventLoop): WeakRef<EventLoop> {
  if (live.size >= pruneAt) {
    for (const ref of live) if (ref.deref() === undefined) live.delete(ref);
    pruneAt = Math.max(64, live.size * 2);
  }
  const ref = new WeakRef(loop);
  live.add(ref);
  return ref;
}

/** Removes a loop registered with `registerLoop` (from its `close()`). */
export function unregisterLoop(ref: WeakRef<EventLoop>): void {
  live.delete(ref);
}

/** The loops created and not closed yet (and not collected), oldest first. */
export function liveLoops(): EventLoop[] {
  const loops: EventLoop[] = [];
  for (const ref of live) {
    const loop = ref.deref();
    if (loop === undefined) live.delete(ref);
    else loops.push(loop);
  }
  return loops;
}
