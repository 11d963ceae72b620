/**
 * What a job is: a self-contained function, sent to the worker as source, or an exported
 * function of a module, `{ module, export }`, which the worker imports.
 */
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import { describeValue } from "../core/validate.js";
import type { FunctionDefinition } from "./protocol.js";

/**
 * A job as a function: it runs in a worker, so it must be self-contained — it may use its
 * parameters, the worker's globals (`require`, dynamic `import()`, `process`, …) and nothing
 * else from the code around it. Its source is sent to the worker; its arguments and result are
 * structured-cloned.
 */
export type JobFunction<A extends unknown[] = unknown[], R = unknown> = (...args: A) => R;

/**
 * A job as an exported function of a module, which the worker imports and which may import
 * anything: `{ module: new URL("./jobs.js", import.meta.url), export: "resize" }`. `module` is a
 * `file:` URL, an absolute path, or a package name.
 */
export interface ModuleJob {
  /** The module: a `file:` URL (a `URL` or its string), an absolute path, or a package name. */
  readonly module: URL | string;
  /** The name of the exported function to call. */
  readonly export: string;
}

/** A job in either form. */
export type Job<A extends unknown[] = unknown[], R = unknown> = JobFunction<A, R> | ModuleJob;

/** A job ready to be sent: the definition a worker needs once, and a name for messages. */
export interface EncodedJob {
  readonly definition: FunctionDefinition;
  readonly name: string;
}

let nextKey = 1;
const byFunction = new WeakMap<object, EncodedJob>();
const bySource = new Map<string, EncodedJob>();
const byModule = new Map<string, EncodedJob>();

/** Checks `job` (naming it `what` in errors) and returns its encoded form, cached. */
export function encodeJob(job: unknown, what: string): EncodedJob {
  if (typeof job === "function") return encodeFunction(job as (...args: never) => unknown, what);
  if (typeof job === "object" && job !== null && "module" in job && "export" in job) {
    return encodeModuleJob(job as ModuleJob, what);
  }
  throw new TypeError(
    `${what} must be a self-contained function or { module, export }, got ${describeValue(job)}`,
  );
}

function encodeFunction(fn: (...args: never) => unknown, what: string): EncodedJob {
  const cached = byFunction.get(fn);
  if (cached !== undefined) return cached;
  const source = expressionSource(Function.prototype.toString.call(fn), fn.name, what);
  let encoded = bySource.get(source);
  if (encoded === undefined) {
    const name = fn.name || "(anonymous)";
    encoded = { definition: { key: nextKey++, source, name }, name };
    bySource.set(source, encoded);
  }
  byFunction.set(fn, encoded);
  return encoded;
}

/**
 * `source` as an expression that evaluates to the function: methods written in the short form
 * (`name(a) { … }`, `async name() { … }`) become function expressions.
 */
function expressionSource(source: string, name: string, what: string): string {
  if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) {
    throw new TypeError(
      `${what} ${name || "(anonymous)"} is a native or bound function, which cannot be sent to a ` +
        "worker: pass a function written in JavaScript, or use the module form { module, export }",
    );
  }
  for (const candidate of [
    source,
    `function ${source}`,
    source.replace(/^async\s+/, "async function "),
  ]) {
    try {
      new Function(`return (${candidate});`);
      return candidate;
    } catch {
      // try the next form
    }
  }
  throw new TypeError(
    `${what} ${name || "(anonymous)"} has source that cannot be sent to a worker`,
  );
}

function encodeModuleJob(job: ModuleJob, what: string): EncodedJob {
  const { module, export: exportName } = job;
  if (typeof exportName !== "string" || exportName === "") {
    throw new TypeError(
      `${what}.export must be a non-empty string, got ${describeValue(exportName)}`,
    );
  }
  let specifier: string;
  if (module instanceof URL) {
    specifier = module.href;
  } else if (typeof module === "string" && module !== "") {
    if (module.startsWith("./") || module.startsWith("../")) {
      throw new TypeError(
        `${what}.module ${JSON.stringify(module)} is relative, and a worker cannot tell to what: ` +
          'pass new URL("' +
          module +
          '", import.meta.url) or an absolute path',
      );
    }
    specifier = isAbsolute(module) ? pathToFileURL(module).href : module;
  } else {
    throw new TypeError(
      `${what}.module must be a URL or a non-empty string, got ${describeValue(module)}`,
    );
  }
  const cacheKey = `${specifier}#${exportName}`;
  let encoded = byModule.get(cacheKey);
  if (encoded === undefined) {
    encoded = {
      definition: { key: nextKey++, module: specifier, export: exportName },
      name: `${exportName} from ${specifier}`,
    };
    byModule.set(cacheKey, encoded);
  }
  return encoded;
}

/**
 * Imports the function `name` exported by module `specifier`, as a worker does for a
 * `{ module, export }` job.
 *
 * @throws TypeError when the module has no such export or it is not a function; the import's
 *   own error when the module cannot be imported.
 */
export async function importExport(
  specifier: string,
  name: string,
): Promise<(...args: unknown[]) => unknown> {
  const module = (await import(specifier)) as Record<string, unknown>;
  const fn = module[name];
  if (typeof fn !== "function") {
    throw new TypeError(
      name in module
        ? `export ${JSON.stringify(name)} of ${specifier} is not a function`
        : `${specifier} has no export named ${JSON.stringify(name)}`,
    );
  }
  return fn as (...args: unknown[]) => unknown;
}
