/**
 * @internal Whether this Node can listen with `reusePort` (SO_REUSEPORT): Linux, Node 22.12+
 * or 23.1+. Node ignores the option where it lacks it, so the library checks first.
 */
import { RuntimeError } from "../core/errors.js";

function supported(): boolean {
  if (process.platform !== "linux") return false;
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  return major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
}

/** @throws RuntimeError naming what is needed when `reusePort` is not supported here. */
export function requireReusePort(): void {
  if (!supported()) {
    throw new RuntimeError(
      `reusePort needs Node.js 22.12+ or 23.1+ on Linux (this is Node ${process.version} on ${process.platform})`,
    );
  }
}
