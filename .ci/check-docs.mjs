// Type-checks every TypeScript code block (```ts) of README.md, examples/README.md and
// docs/**/*.md against the built package, as a user's project would compile it (see
// consumerProject.mjs), so the docs cannot drift from the API. Each block is its own ES module (top-level await allowed); a block
// that uses `asyncio.` without importing it gets `import * as asyncio from "asyncio-ts";`. A
// block whose first line is a comment naming a file (`// examples/server.ts`) is written at that
// path, so another block can import it as the docs show.
// Errors are reported at the Markdown file and line. It also checks that every relative link
// of those files points to a file or folder that exists. Build first.
//
// Usage: node .ci/check-docs.mjs [--keep]
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { root, typeCheckAsConsumer } from "./consumerProject.mjs";

const PEERS = ["undici", "better-sqlite3", "@types/better-sqlite3", "bullmq", "ioredis"];
const IMPLICIT_IMPORT = 'import * as asyncio from "asyncio-ts"; ';

function markdownFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(path);
    return entry.name.endsWith(".md") ? [path] : [];
  });
}

/** The ```ts blocks of `text`: `{ line, code }`, `line` being the first code line (1-based). */
export function typeScriptBlocks(text) {
  const blocks = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i])) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    blocks.push({ line: start + 1, code: lines.slice(start, end).join("\n") });
    i = end;
  }
  return blocks;
}

function asModule(code) {
  const importsAsyncio = /import\s+\*\s+as\s+asyncio\s+from\s+"asyncio-ts"/.test(code);
  const prefix = !importsAsyncio && /\basyncio\./.test(code) ? IMPLICIT_IMPORT : "";
  return `${prefix}${code}\nexport {};\n`;
}

/** The relative links of `text` (`[x](path#anchor)`) whose target does not exist. */
function brokenLinks(path, text) {
  const broken = [];
  for (const [index, line] of text.split("\n").entries()) {
    for (const [, target] of line.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^([a-z]+:|#)/i.test(target)) continue;
      const file = decodeURIComponent(target.split("#")[0]);
      if (!existsSync(resolve(dirname(path), file))) {
        broken.push(`${relative(root, path)}:${index + 1}: broken link ${target}`);
      }
    }
  }
  return broken;
}

const files = {};
const broken = [];
const origins = new Map();
for (const path of [
  join(root, "README.md"),
  join(root, "examples", "README.md"),
  ...markdownFiles(join(root, "docs")),
]) {
  const name = relative(root, path);
  broken.push(...brokenLinks(path, readFileSync(path, "utf8")));
  for (const block of typeScriptBlocks(readFileSync(path, "utf8"))) {
    const named = /^\/\/ ([\w./-]+\.ts)\s*$/.exec(block.code.split("\n", 1)[0])?.[1];
    const file =
      named && !(named in files) ? named : `${name.replace(/[/.]/g, "_")}_${block.line}.ts`;
    files[file] = asModule(block.code);
    origins.set(file, { name, line: block.line });
  }
}

for (const message of broken) console.error(message);

const keep = process.argv.includes("--keep");
const result = typeCheckAsConsumer(files, { label: "check-docs", peers: PEERS, keep });
if (result.ok) {
  console.log(`check-docs: ${origins.size} TypeScript blocks of README.md and docs/ type-check`);
} else {
  // "file.ts(3,5): error TS2304: …" → "docs/guide/x.md:12:5: error TS2304: …"
  const output = result.output.replace(
    /^(\S+\.ts)\((\d+),(\d+)\)/gm,
    (match, file, line, column) => {
      const origin = origins.get(file);
      return origin ? `${origin.name}:${origin.line + Number(line) - 1}:${column}` : match;
    },
  );
  process.stdout.write(output);
  console.error(`check-docs: code blocks that do not type-check (project kept in ${result.dir})`);
}
process.exitCode = result.ok && broken.length === 0 ? 0 : 1;
