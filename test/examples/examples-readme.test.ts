/**
 * examples/README.md, the table of the notes' programs and their twins, stays true to the
 * folder: every example is listed, every link leads to a file, every twin cell names a twin
 * (or says it is in progress), and every test it names exists.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const readmePath = `${root}examples/README.md`;
const readme = readFileSync(readmePath, "utf8");

/** The rows of the README's tables, as cells (the header and separator rows left out). */
function rows(): string[][] {
  return readme
    .split("\n")
    .filter((line) => line.startsWith("| ") && !line.startsWith("| ---"))
    .map((line) => line.slice(2, -2).split(" | "))
    .filter((cells) => cells[0] !== "Heading in the note" && cells[0] !== "Example");
}

test("every example of the folder is listed", () => {
  const examples = readdirSync(`${root}examples`).filter((name) => name.endsWith(".ts"));
  assert.ok(examples.length > 0);
  for (const name of examples) assert.ok(readme.includes(`](${name})`), `${name} is not listed`);
});

test("every relative link leads to a file", () => {
  for (const [, target] of readme.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^([a-z]+:|#)/i.test(target as string)) continue;
    const file = decodeURIComponent((target as string).split("#")[0] as string);
    assert.ok(existsSync(resolve(dirname(readmePath), file)), `broken link ${target}`);
  }
});

test("every program of a note has a twin, or is marked in progress", () => {
  const programs = rows().filter((cells) => cells.length === 4);
  assert.ok(programs.length >= 40, `${programs.length} rows`);
  for (const [heading, , twin, check] of programs) {
    if (twin === "(in progress)") {
      assert.equal(check, "(in progress)", heading);
      continue;
    }
    assert.match(twin as string, /^\[[\w.-]+\.ts\]\([\w./-]+\.ts\)/, `${heading}: ${twin}`);
  }
});

test("every test the README names exists in test/examples", () => {
  const dir = `${root}test/examples`;
  const sources = readdirSync(dir)
    .filter((name) => name.endsWith(".test.ts"))
    .map((name) => readFileSync(`${dir}/${name}`, "utf8"))
    .join("\n");
  for (const cells of rows()) {
    const check = cells.at(-1) as string;
    for (const [, name] of check.matchAll(/"([^"]+)"/g)) {
      // "describe › test" names a test inside a describe block.
      for (const title of (name as string).split(" › ")) {
        assert.ok(sources.includes(`"${title}"`), `no test named "${title}"`);
      }
    }
  }
});
