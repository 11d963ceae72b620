import assert from "node:assert/strict";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { importPeer } from "#internal/core/peerDependency.js";

test("a missing peer dependency is a ModuleNotFoundError naming the package and how to install it", async () => {
  const error = await importPeer("asyncio-ts-no-such-package", "http", "^7.0.0").then(
    () => assert.fail("imported a package that does not exist"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof asyncio.ModuleNotFoundError);
  assert.equal(error.name, "ModuleNotFoundError");
  assert.equal(error.moduleName, "asyncio-ts-no-such-package");
  assert.match(error.message, /^asyncio-ts\/http needs the package "asyncio-ts-no-such-package"/);
  assert.match(error.message, /npm install asyncio-ts-no-such-package@"\^7\.0\.0"/);
  assert.equal((error.cause as { code?: string }).code, "ERR_MODULE_NOT_FOUND");
});

test("an installed peer dependency is imported as it is", async () => {
  const undici = await importPeer<typeof import("undici")>("undici", "http", "^7.0.0");
  assert.equal(typeof undici.request, "function");
});
