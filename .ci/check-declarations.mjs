// Fails when a published declaration file (dist/**/*.d.ts) declares a member whose name starts
// with "_": a class, interface, enum or object-type member ("_foo: T;", "_foo(): T;",
// "readonly _foo", "static _foo", "get _foo()", "private _foo", "'_foo'?: T", ...). Such
// members are implementation details (`@internal`) and must not reach users' types.
//
// Usage: node .ci/check-declarations.mjs [--count] [dist-dir]
//   exit 0: none found; exit 1: lists each as "file:line  Owner._member"; exit 2: bad usage.
//   --count prints only how many were found and exits 0.
//
// The scan tokenizes each file (comments and string contents are skipped, brackets are
// tracked), so a leading-underscore name counts only where a member name stands: first in a
// `{ ... }` body, or after a `;` or `,` in one. Parameters (`(_x: T)`), type parameters
// (`<_T>`), type references and names in import/export lists are not members.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const MODIFIERS = new Set([
  "public",
  "private",
  "protected",
  "static",
  "readonly",
  "abstract",
  "override",
  "declare",
  "accessor",
  "get",
  "set",
  "async",
]);
// What may follow a member's name (after an optional "?" or "!").
const AFTER_NAME = new Set([":", "(", "<", ";", ",", "}", "="]);
const CLOSERS = new Map([
  ["}", "{"],
  [")", "("],
  ["]", "["],
  [">", "<"],
]);
const DECLARATION_KEYWORDS = new Set(["class", "interface", "enum", "namespace", "module", "type"]);

/** Splits declaration text into tokens {text, line, kind}; comments are dropped. */
function tokenize(text) {
  const tokens = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === "\n") {
      line++;
      i++;
    } else if (c === " " || c === "\t" || c === "\r") {
      i++;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < n && text[i] !== "\n") i++;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      const stop = end === -1 ? n : end + 2;
      for (let j = i; j < stop; j++) if (text[j] === "\n") line++;
      i = stop;
    } else if (c === '"' || c === "'" || c === "`") {
      const start = i;
      const startLine = line;
      i++;
      while (i < n && text[i] !== c) {
        if (text[i] === "\\") i++;
        else if (text[i] === "\n") line++;
        i++;
      }
      i++;
      tokens.push({ text: text.slice(start + 1, i - 1), line: startLine, kind: "string" });
    } else if (/[A-Za-z_$#]/.test(c)) {
      const start = i;
      while (i < n && /[\w$#]/.test(text[i])) i++;
      tokens.push({ text: text.slice(start, i), line, kind: "name" });
    } else if (c === "=" && text[i + 1] === ">") {
      tokens.push({ text: "=>", line, kind: "punct" });
      i += 2;
    } else {
      tokens.push({ text: c, line, kind: "punct" });
      i++;
    }
  }
  return tokens;
}

/** The name a `{` at `tokens[at]` opens the body of, looking back within its statement. */
function ownerOf(tokens, at, enclosing) {
  for (let j = at - 1; j >= 0 && j >= at - 60; j--) {
    const t = tokens[j];
    if (t.kind === "punct" && (t.text === ";" || t.text === "{" || t.text === "}")) break;
    if (t.kind === "name" && DECLARATION_KEYWORDS.has(t.text) && tokens[j + 1]?.kind === "name") {
      return tokens[j + 1].text;
    }
  }
  if (enclosing?.lastMember) return `${enclosing.owner}.${enclosing.lastMember}`;
  if (enclosing) return enclosing.owner;
  // `declare const name: {` at the top level.
  const named = tokens[at - 1]?.text === ":" && tokens[at - 2]?.kind === "name";
  return named ? tokens[at - 2].text : "(type)";
}

/** Returns [{line, owner, member}] for the leading-underscore members declared in `text`. */
export function findUnderscoreMembers(text) {
  const tokens = tokenize(text);
  const found = [];
  const stack = []; // {open, body, owner, lastMember}
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === "punct") {
      if (t.text === "{") {
        const prev = tokens[i - 1]?.text;
        const prev2 = tokens[i - 2]?.text;
        // `import {`, `export {`, `import type {`, `export type {` open name lists, not bodies.
        const isList =
          prev === "import" ||
          prev === "export" ||
          (prev === "type" && (prev2 === "import" || prev2 === "export"));
        const enclosing = stack.findLast((s) => s.body);
        stack.push({
          open: "{",
          body: !isList,
          owner: isList ? "" : ownerOf(tokens, i, enclosing),
          lastMember: null,
        });
      } else if (t.text === "(" || t.text === "[" || t.text === "<") {
        stack.push({ open: t.text, body: false });
      } else if (CLOSERS.has(t.text)) {
        // Pop to the matching opener; a stray closer (none open) is ignored.
        const at = stack.findLastIndex((s) => s.open === CLOSERS.get(t.text));
        if (at !== -1) stack.length = at;
      }
      continue;
    }
    const top = stack.at(-1);
    if (!top?.body) continue;
    const prev = tokens[i - 1];
    if (!(prev.kind === "punct" && (prev.text === "{" || prev.text === ";" || prev.text === ","))) {
      continue;
    }
    // A member starts here: skip its modifiers ("readonly" alone is a name, not a modifier).
    let j = i;
    while (
      tokens[j].kind === "name" &&
      MODIFIERS.has(tokens[j].text) &&
      (tokens[j + 1]?.kind === "name" || tokens[j + 1]?.kind === "string")
    ) {
      j++;
    }
    const name = tokens[j];
    if (name.kind !== "name" && name.kind !== "string") continue;
    let k = j + 1;
    if (tokens[k]?.text === "?" || tokens[k]?.text === "!") k++;
    if (!AFTER_NAME.has(tokens[k]?.text ?? ";")) continue;
    top.lastMember = name.text;
    if (name.text.startsWith("_")) {
      found.push({ line: name.line, owner: top.owner, member: name.text });
    }
  }
  return found;
}

function declarationFiles(dir) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...declarationFiles(path));
    else if (entry.name.endsWith(".d.ts")) files.push(path);
  }
  return files.sort();
}

function main(argv) {
  const countOnly = argv.includes("--count");
  const rest = argv.filter((a) => a !== "--count");
  if (rest.length > 1 || rest.some((a) => a.startsWith("-"))) {
    console.error("usage: node .ci/check-declarations.mjs [--count] [dist-dir]");
    return 2;
  }
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  const dist = resolve(rest[0] ?? join(root, "dist"));
  let isDir = false;
  try {
    isDir = statSync(dist).isDirectory();
  } catch {}
  if (!isDir) {
    console.error(`check-declarations: ${dist} is not a directory (build first: npm run build)`);
    return 2;
  }
  const files = declarationFiles(dist);
  const found = [];
  for (const file of files) {
    for (const hit of findUnderscoreMembers(readFileSync(file, "utf8"))) {
      found.push({ file: relative(process.cwd(), file), ...hit });
    }
  }
  if (countOnly) {
    console.log(found.length);
    return 0;
  }
  if (found.length === 0) {
    console.log(`check-declarations: ${files.length} declaration files, no "_" members`);
    return 0;
  }
  for (const { file, line, owner, member } of found) {
    console.log(`${file}:${line}  ${owner}.${member}`);
  }
  console.error(
    `check-declarations: ${found.length} member(s) starting with "_" in the published ` +
      `declarations (mark them @internal with stripInternal, or make them #private)`,
  );
  return 1;
}

process.exitCode = main(process.argv.slice(2));
