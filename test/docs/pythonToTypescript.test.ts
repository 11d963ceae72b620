/**
 * docs/python-to-typescript.md names every export of every entry of the package (the main
 * entry and each subpath module in package.json's `exports`), types included: an export added
 * without its row fails here.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, "utf8")) as {
  exports: Record<string, { types: string }>;
};

/** The names each entry's published declarations export, by entry ("." or "./testing"). */
function exportedNames(): Map<string, string[]> {
  const entries = Object.entries(pkg.exports).map(([entry, { types }]) => [
    entry,
    `${root}${types}`,
  ]);
  const files = entries.map(([, file]) => file).filter((file) => existsSync(file));
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const names = new Map<string, string[]>();
  for (const [entry, file] of entries) {
    const source = program.getSourceFile(file);
    assert.ok(source, `${entry}: ${file} is missing (the build makes it)`);
    const module = checker.getSymbolAtLocation(source);
    assert.ok(module, `${entry}: ${file} is not a module`);
    names.set(
      entry,
      checker.getExportsOfModule(module).map((symbol) => symbol.name),
    );
  }
  return names;
}

test("docs/python-to-typescript.md has a row for every exported name", () => {
  const doc = readFileSync(`${root}docs/python-to-typescript.md`, "utf8");
  const rows = doc.split("\n").filter((line) => line.startsWith("| "));
  // A name counts when it stands as a word in a code span of the table's TypeScript column, or
  // of the Python column of a row whose TypeScript column says the names are the same.
  const spans = rows
    .flatMap((row) => {
      const cells = row.split(" | ");
      const typescript = cells.at(-1) ?? "";
      return /\bsame names?\b/.test(typescript) ? cells : [typescript];
    })
    .flatMap((cell) => [...cell.matchAll(/`([^`]+)`/g)])
    .map((match) => match[1])
    .join("\n");
  const missing: string[] = [];
  for (const [entry, names] of exportedNames()) {
    assert.ok(names.length > 0, `${entry} exports nothing`);
    for (const name of names) {
      if (!new RegExp(`(^|[^\\w$])${name.replace(/\$/g, "\\$")}($|[^\\w$])`, "m").test(spans)) {
        missing.push(entry === "." ? name : `${entry.slice(2)}: ${name}`);
      }
    }
  }
  assert.deepEqual(missing, [], "exports without a row in docs/python-to-typescript.md");
});
