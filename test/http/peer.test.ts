/**
 * asyncio-ts/http without undici: importing it fails with ModuleNotFoundError naming the
 * package, and the main entry does not need it. The child process hides undici with a
 * module resolution hook, as a project that never installed it would see.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { runScript } from "../core/childProcess.js";

test("without undici, importing asyncio-ts/http raises ModuleNotFoundError naming it", {
  timeout: 30_000,
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), "asyncio-ts-http-peer-"));
  try {
    const hooks = join(dir, "hooks.mjs");
    await writeFile(
      hooks,
      `export async function resolve(specifier, context, next) {
        if (specifier === "undici" || specifier.startsWith("undici/")) {
          const error = new Error(\`Cannot find package '\${specifier}' imported from \${context.parentURL}\`);
          error.code = "ERR_MODULE_NOT_FOUND";
          throw error;
        }
        return next(specifier, context);
      }\n`,
    );
    const register = join(dir, "register.mjs");
    await writeFile(
      register,
      `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
    );
    const result = await runScript(
      `
      import * as asyncio from "asyncio-ts";
      console.log(await asyncio.run(async () => "main entry works"));
      try {
        await import("asyncio-ts/http");
        console.log("imported");
      } catch (error) {
        console.log(error instanceof asyncio.ModuleNotFoundError, error.moduleName);
        console.log(error.message);
      }
      `,
      { nodeFlags: ["--import", pathToFileURL(register).href], timeoutMs: 20_000 },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.lines[0], "main entry works");
    assert.equal(result.lines[1], "true undici");
    assert.match(result.lines[2] ?? "", /npm install undici@"\^7\.0\.0"/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
