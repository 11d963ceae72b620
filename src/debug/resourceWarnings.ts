/**
 * Resource warnings, as Python's `ResourceWarning`: an event loop, transport, server,
 * subprocess transport or executor left unclosed is reported when it is garbage-collected, and
 * the transports, servers and subprocesses still open when their loop closes (at the end of
 * `run()`) are reported then, before the loop closes them.
 *
 * CPython always emits these warnings but its default filters hide them; `-X dev` shows them
 * and also turns asyncio's debug mode on. Node shows every warning by default, so the library
 * emits them only in debug mode (`run(main, { debug: true })`, `ASYNCIO_TS_DEBUG=1`), through
 * `process.emitWarning` with the type `"ResourceWarning"`: `--no-warnings` silences them,
 * `process.on("warning")` receives them, `--trace-warnings` adds where they were emitted.
 *
 * Only the resource is watched, never kept alive: the record the registry holds is the
 * resource's own small `ResourceWatch` (the warning, whether debug mode is on).
 */

/** What the collection of an unclosed resource reports; the resource may update it. */
export interface ResourceWatch {
  /** The warning (anything whose `String()` is it): `unclosed transport <SocketTransport …>`. */
  message: unknown;
  /** Whether the warning is emitted (debug mode is on for the resource). */
  debug: boolean;
}

/** Emits a ResourceWarning (see the file comment). */
export function emitResourceWarning(message: string): void {
  process.emitWarning(message, { type: "ResourceWarning" });
}

const registry = new FinalizationRegistry<ResourceWatch>((watch) => {
  if (watch.debug) emitResourceWarning(String(watch.message));
});

/**
 * Watches `resource`: if it is garbage-collected before `resourceClosed(resource)`, a
 * ResourceWarning says so (when `watch.debug`). `watch` must not reference `resource`.
 */
export function watchUnclosed(resource: object, watch: ResourceWatch): void {
  registry.register(resource, watch, resource);
}

/**
 * Watches `resource` if `loop` is in debug mode; its warning is `unclosed <kind> <resource>`,
 * made at once (the warning cannot ask the collected resource). The small hook each kind of
 * resource calls when it opens.
 */
export function watchIfDebug(loop: { getDebug(): boolean }, resource: object, kind: string): void {
  if (loop.getDebug()) {
    registry.register(
      resource,
      { message: `unclosed ${kind} ${String(resource)}`, debug: true },
      resource,
    );
  }
}

/** `resource` was closed: no warning when it is collected. */
export function resourceClosed(resource: object): void {
  registry.unregister(resource);
}

/** Whether debug mode is asked for by the environment (`ASYNCIO_TS_DEBUG`, not `0`). */
export function debugFromEnvironment(): boolean {
  const value = process.env["ASYNCIO_TS_DEBUG"];
  return value !== undefined && value !== "" && value !== "0";
}
