/**
 * The README's examples are programs: each runs as written and prints what the comments of its
 * `console.log` lines say (`console.log(x); // "fast"`).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import ts from "typescript";

const run = promisify(execFile);
const readme = readFileSync(fileURLToPath(new URL("../../../README.md", import.meta.url)), "utf8");
const examples = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? "");

test("the README has examples", () => {
  assert.ok(examples.length >= 2);
});

for (const [index, code] of examples.entries()) {
  const expected = [...code.matchAll(/console\.log\(.*\/\/ "([^"]*)"/g)].map((m) => `${m[1]}\n`);
  test(`README example ${index + 1} runs and prints ${JSON.stringify(expected.join(""))}`, async () => {
    assert.ok(expected.length > 0, "the example says nothing about its output");
    const { outputText } = ts.transpileModule(code, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    // Inside the repository, so the program imports the built package as "asyncio-ts".
    const script = fileURLToPath(new URL(`readme-example-${index + 1}.mjs`, import.meta.url));
    await writeFile(script, outputText);
    try {
      const started = performance.now();
      const { stdout, stderr } = await run(process.execPath, [script], { timeout: 30_000 });
      const elapsed = (performance.now() - started) / 1000;
      assert.equal(stdout, expected.join(""));
      assert.equal(stderr, "");
      // No example waits for long: the first one cancels its 60-second task.
      assert.ok(elapsed < 20, `ran for ${elapsed} s`);
    } finally {
      await rm(script, { force: true });
    }
  });
}
