/**
 * The README's first example is a program: it runs as written and prints what its comments say.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile, rm, writeFile } from "node:fs/promises";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import ts from "typescript";

const run = promisify(execFile);
const readme = fileURLToPath(new URL("../../../README.md", import.meta.url));

test("the README's example runs and prints what it says", async () => {
  const text = await readFile(readme, "utf8");
  const code = /^```ts\n([\s\S]*?)^```$/m.exec(text)?.[1];
  assert.ok(code, "README.md has no TypeScript example");
  const { outputText } = ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  // Inside the repository, so the program imports the built package as "asyncio-ts".
  const script = fileURLToPath(new URL("readme-example.mjs", import.meta.url));
  await writeFile(script, outputText);
  try {
    const started = performance.now();
    const { stdout, stderr } = await run(process.execPath, [script], { timeout: 30_000 });
    const elapsed = (performance.now() - started) / 1000;
    assert.equal(stdout, "fast\n");
    assert.equal(stderr, "");
    // "fast" after one second, and the slow task cancelled instead of waited for (60 s).
    assert.ok(elapsed >= 0.9 && elapsed < 20, `ran for ${elapsed} s`);
  } finally {
    await rm(script, { force: true });
  }
});
