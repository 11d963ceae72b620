// A throwaway project that depends on asyncio-ts as a user's would: `strict`, `module: NodeNext`,
// `skipLibCheck: false` (so every shipped .d.ts is checked), and in its node_modules only
// asyncio-ts (this repository, symlinked: its package.json `exports` and dist/ are what gets
// resolved, so build first), typescript, @types/node and the peer packages asked for.
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const COMPILER_OPTIONS = {
  target: "ES2022",
  lib: ["ES2023"],
  module: "NodeNext",
  moduleResolution: "NodeNext",
  strict: true,
  skipLibCheck: false,
  types: ["node"],
  noEmit: true,
  // Resolve from the consumer's node_modules, not from the repository the links point into,
  // so a declaration that needs one of our devDependencies fails here as it would for a user.
  preserveSymlinks: true,
};

function link(dir, name, target) {
  const path = join(dir, "node_modules", name);
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(target, path, "dir");
}

/** Links `name` from the repository's node_modules, with its dependencies as npm would. */
function linkWithDependencies(dir, name, seen) {
  if (seen.has(name)) return;
  seen.add(name);
  const source = join(root, "node_modules", name);
  if (!existsSync(source)) return;
  link(dir, name, source);
  const { dependencies = {} } = JSON.parse(readFileSync(join(source, "package.json"), "utf8"));
  for (const dep of Object.keys(dependencies)) linkWithDependencies(dir, dep, seen);
}

/**
 * Type-checks `files` (name → TypeScript source) as a consumer project and returns
 * `{ ok, output, dir }` (`output`: tsc's diagnostics, with paths relative to the project).
 * The project is removed unless `keep` is set or the check failed.
 */
export function typeCheckAsConsumer(files, { label, peers = [], keep = false }) {
  if (!existsSync(join(root, "dist", "index.d.ts"))) {
    console.error(`${label}: dist/index.d.ts is missing (build first: npm run build)`);
    return { ok: false, output: "", dir: null };
  }
  const dir = mkdtempSync(join(tmpdir(), `asyncio-ts-${label}-`));
  let ok = false;
  try {
    const tsconfig = { compilerOptions: COMPILER_OPTIONS, files: Object.keys(files) };
    writeFileSync(join(dir, "package.json"), '{ "private": true, "type": "module" }\n');
    writeFileSync(join(dir, "tsconfig.json"), `${JSON.stringify(tsconfig, null, 2)}\n`);
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    link(dir, "asyncio-ts", root);
    link(dir, "typescript", join(root, "node_modules", "typescript"));
    const linked = new Set();
    for (const name of ["@types/node", ...peers]) linkWithDependencies(dir, name, linked);

    const tsc = join(dir, "node_modules", "typescript", "bin", "tsc");
    try {
      execFileSync(process.execPath, [tsc, "-p", join(dir, "tsconfig.json")], {
        cwd: dir,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
      ok = true;
      return { ok, output: "", dir };
    } catch (err) {
      return { ok, output: `${err.stdout ?? ""}${err.stderr ?? ""}`, dir };
    }
  } finally {
    if (ok && !keep) rmSync(dir, { recursive: true, force: true });
  }
}
