/**
 * @internal The peer dependency of `asyncio-ts/http`, loaded only through `importPeer`: when
 * `undici` is missing, importing the module fails with a `ModuleNotFoundError` that names it.
 */
import { importPeer } from "../core/peerDependency.js";

/** The `undici` module (7.x). */
export const undici = await importPeer<typeof import("undici")>("undici", "http", "^7.0.0");
