/**
 * better-sqlite3, the peer dependency of `asyncio-ts/sqlite`: importing the module checks that
 * it is installed (a `ModuleNotFoundError` naming it otherwise). The database itself is opened
 * on each connection's thread, which loads it the same way.
 */
import { importPeer } from "../core/peerDependency.js";

await importPeer<unknown>("better-sqlite3", "sqlite", "^12.0.0");
