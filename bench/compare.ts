/**
 * `npm run bench:compare -- <git revision> [filter]`: the asyncio-ts variant of each benchmark,
 * measured for this working tree and for an earlier revision in the same run, so that a change
 * can show it regresses none of them (a revision's own figures in RESULTS.md come from other
 * days and loads). The revision is checked out into a temporary worktree, which shares this
 * tree's node_modules and is removed at the end; the two builds run alternately, one fresh
 * process each time, and the run times are pooled per build.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Measurement } from "./harness.js";
import { measureInChild, median } from "./harness.js";

/** Each benchmark's subject: the file, its asyncio-ts variant, and the Node flags it needs. */
const SUBJECTS: readonly { file: string; variant: string; flags?: string[]; label: string }[] = [
  { file: "lock.bench.js", variant: "syncBody", label: "Lock counter" },
  { file: "lock-contended.bench.js", variant: "asyncio", label: "contended Lock" },
  { file: "queue.bench.js", variant: "asyncio", label: "Queue(100) ping-pong" },
  { file: "spawn-join.bench.js", variant: "asyncio", label: "spawn and join" },
  { file: "gather.bench.js", variant: "asyncio", label: "gather" },
  { file: "task-group.bench.js", variant: "asyncio", label: "TaskGroup" },
  { file: "cancel.bench.js", variant: "asyncio", label: "cancel sleeping tasks" },
  {
    file: "executor-throughput.bench.js",
    variant: "threads",
    label: "10,000 jobs through ThreadPoolExecutor(2)",
  },
  {
    file: "executor-throughput.bench.js",
    variant: "processes",
    label: "10,000 jobs through ProcessPoolExecutor(2)",
  },
  {
    file: "sleeping-memory.bench.js",
    variant: "asyncio",
    flags: ["--expose-gc"],
    label: "memory per sleeping task",
  },
];

/** Alternating rounds per build (each a fresh process running the variant's own repetitions). */
const ROUNDS = 6;

const revision = process.argv[2];
const filter = process.argv[3] ?? "";
if (revision === undefined) {
  console.error("usage: npm run bench:compare -- <git revision> [filter]");
  process.exit(2);
}

const root = fileURLToPath(new URL("../../", import.meta.url));
const base = mkdtempSync(join(tmpdir(), "asyncio-ts-base-"));
const git = (...args: string[]): string =>
  execFileSync("git", ["-C", root, ...args], { encoding: "utf8" }).trim();

try {
  const commit = git("rev-parse", "--short", revision);
  git("worktree", "add", "--detach", base, revision);
  symlinkSync(join(root, "node_modules"), join(base, "node_modules"));
  const tsc = join(root, "node_modules/typescript/bin/tsc");
  for (const project of ["tsconfig.build.json", "tsconfig.json"]) {
    // A revision's benchmarks may not type-check against today's dependencies: emit anyway.
    try {
      execFileSync(process.execPath, [tsc, "-p", join(base, project)], { stdio: "ignore" });
    } catch {
      // tsc exits non-zero on type errors but still emits
    }
  }

  console.log(`## This tree against ${commit}, Node ${process.version}\n`);
  console.log("| benchmark | this tree | " + commit + " | this tree relative to it |");
  console.log("| --- | ---: | ---: | ---: |");
  for (const subject of SUBJECTS) {
    if (!subject.file.includes(filter)) continue;
    const head = join(root, "build/bench", subject.file);
    const old = join(base, "build/bench", subject.file);
    if (!existsSync(old)) continue;
    const heads: Measurement[] = [];
    const olds: Measurement[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      olds.push(measureFile(old, subject.variant, subject.flags));
      heads.push(measureFile(head, subject.variant, subject.flags));
    }
    console.log(`| ${subject.label} | ${row(heads, olds)} |`);
  }
} finally {
  git("worktree", "remove", "--force", base);
  rmSync(base, { recursive: true, force: true });
}

function measureFile(file: string, variant: string, flags: string[] = []): Measurement {
  return measureInChild(new URL(`file://${file}`).href, variant, flags);
}

/** "median | median | ratio" for time (speed: higher is better) or bytes (lower is better). */
function row(heads: Measurement[], olds: Measurement[]): string {
  const headBytes = heads.flatMap((m) => (m.bytesPerItem === undefined ? [] : [m.bytesPerItem]));
  if (headBytes.length > 0) {
    const oldBytes = olds.flatMap((m) => (m.bytesPerItem === undefined ? [] : [m.bytesPerItem]));
    const h = median(headBytes);
    const o = median(oldBytes);
    return `${h.toFixed(0)} B | ${o.toFixed(0)} B | ${(h / o).toFixed(2)}× the bytes`;
  }
  const h = median(heads.flatMap((m) => m.ms ?? []));
  const o = median(olds.flatMap((m) => m.ms ?? []));
  return `${h.toFixed(1)} ms | ${o.toFixed(1)} ms | ${(o / h).toFixed(2)}× the speed`;
}
