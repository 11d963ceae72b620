/**
 * `npm run bench`: runs every benchmark, prints its report, and records the figures for this
 * Node major version in bench/RESULTS.md (the sections of other versions are kept).
 *
 * `npm run bench -- spawn` runs only the benchmarks whose file name contains "spawn", and
 * replaces only their reports in this Node version's section.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import type { Report } from "./harness.js";
import { newestPython, renderReport } from "./harness.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const resultsPath = fileURLToPath(new URL("../../bench/RESULTS.md", import.meta.url));
const filter = process.argv[2] ?? "";

const files = readdirSync(here)
  .filter((name) => name.endsWith(".bench.js") && name.includes(filter))
  .sort();

const sections: string[] = [];
for (const file of files) {
  const module = (await import(new URL(file, import.meta.url).href)) as {
    collect(): Report | Report[];
  };
  const reports = module.collect();
  for (const report of Array.isArray(reports) ? reports : [reports]) {
    const text = renderReport(report);
    console.log(`${text}\n`);
    sections.push(text);
  }
}

const major = process.versions.node.split(".")[0];
const heading = `## Node ${major}`;
let existing = "";
try {
  existing = readFileSync(resultsPath, "utf8");
} catch {
  // first run
}
const header =
  "# Benchmark results\n\nEach figure is the median of several runs, each variant in a fresh " +
  "process; ratios compare variants measured in the same `npm run bench`.\n";
// Keep every other section: the other Node versions' figures and the hand-written summary.
const parts = existing
  .split(/^(?=## )/m)
  .filter((part) => part.startsWith("## "))
  .map((part) => part.trimEnd());
const previous = parts.find((part) => part.startsWith(`${heading}\n`));
const kept = parts.filter((part) => part !== previous);
const summary = kept.filter((part) => !part.startsWith("## Node "));
const python = newestPython()?.version ?? "no CPython found";
const environment =
  `Node ${process.version}, ${python}, ${cpus().length} × ${cpus()[0]?.model ?? "CPU"}, ` +
  `${new Date().toISOString().slice(0, 10)}. Command: \`npm run bench${filter === "" ? "" : ` -- ${filter}`}\`` +
  (major === "20" ? "." : ` with Node ${major} first on the PATH.`);
let body: string;
if (filter === "" || previous === undefined) {
  body = [heading, "", environment, "", ...sections.flatMap((section) => [section, ""])].join("\n");
} else {
  // A filtered run replaces (or adds) its own reports in this version's section and notes
  // when they were measured; the other reports keep their figures and their date.
  const [intro = heading, ...reports] = previous.split(/^(?=### )/m).map((part) => part.trimEnd());
  const titleOf = (report: string): string => report.split("\n", 1)[0] as string;
  const fresh = new Map(
    sections.map((section) => [titleOf(section), `${section}\n\n${environment}`]),
  );
  const merged = reports.map((report) => fresh.get(titleOf(report)) ?? report);
  for (const [title, section] of fresh) {
    if (!reports.some((report) => titleOf(report) === title)) merged.push(section);
  }
  body = [intro, ...merged].join("\n\n");
}
const versions = [...kept.filter((part) => part.startsWith("## Node ")), body.trimEnd()].sort();
writeFileSync(resultsPath, `${header}\n${[...summary, ...versions].join("\n\n")}\n`);
console.log(`Recorded in ${resultsPath}`);
