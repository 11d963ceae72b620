/**
 * The optional peer dependencies of the subpath modules (`undici` for `asyncio-ts/http`,
 * `better-sqlite3` for `asyncio-ts/sqlite`, `bullmq` for `asyncio-ts/distributed`): loaded only
 * by the module that needs them, with an error that says what to install when one is missing.
 */
import { named } from "./errors.js";

/**
 * Raised when a subpath module's optional peer dependency is not installed, as Python's
 * `ModuleNotFoundError`. `moduleName` is the missing package.
 *
 * @example
 * try {
 *   await import("asyncio-ts/http");
 * } catch (err) {
 *   if (err instanceof asyncio.ModuleNotFoundError) console.log(`install ${err.moduleName}`);
 * }
 */
export class ModuleNotFoundError extends Error {
  /** The package that could not be found. */
  readonly moduleName: string;

  /** @internal */
  constructor(message: string, moduleName: string, options?: ErrorOptions) {
    super(message, options);
    this.moduleName = moduleName;
  }
}
named(ModuleNotFoundError, "ModuleNotFoundError");

/**
 * Imports the peer dependency `packageName` for the subpath module `subpath`
 * (`"http"`), or throws `ModuleNotFoundError` naming the package, the version range
 * `versionRange` and the command that installs it. Other failures (a broken install) pass
 * through unchanged.
 */
export async function importPeer<T>(
  packageName: string,
  subpath: string,
  versionRange: string,
): Promise<T> {
  try {
    return (await import(packageName)) as T;
  } catch (error) {
    if (!isPackageMissing(error, packageName)) throw error;
    throw new ModuleNotFoundError(
      `asyncio-ts/${subpath} needs the package "${packageName}" (${versionRange}), an optional ` +
        `peer dependency that is not installed: run npm install ${packageName}@"${versionRange}"`,
      packageName,
      { cause: error },
    );
  }
}

function isPackageMissing(error: unknown, packageName: string): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (
    (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
    error.message.includes(`'${packageName}'`)
  );
}
