/**
 * `SO_REUSEPORT` support: Node passes it to UDP sockets from 22.12 / 23.1 (and to TCP servers
 * from 23.1 / 22.12), on Linux. One check shared by UDP endpoints and TCP servers.
 */
import { RuntimeError } from "../core/errors.js";

function nodeHasReusePort(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, "").split(".").map(Number);
  if (major >= 24) return true;
  if (major === 23) return minor >= 1;
  if (major === 22) return minor >= 12;
  return false;
}

/**
 * @internal Throws unless `reusePort` can be honoured here: Node.js 22.12+ or 23.1+, on Linux.
 *
 * @throws RuntimeError naming the Node version (or the platform) that lacks it.
 * @example
 * if (options.reusePort) requireReusePort();
 */
export function requireReusePort(): void {
  if (!nodeHasReusePort(process.version)) {
    throw new RuntimeError(
      `reusePort needs Node.js 22.12+ or 23.1+ (this is Node ${process.version})`,
    );
  }
  if (process.platform !== "linux") {
    throw new RuntimeError(`reusePort is supported on Linux only (this is ${process.platform})`);
  }
}
