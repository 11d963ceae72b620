/**
 * `npm run bench`: runs every benchmark, prints its report, and records the figures for this
 * Node major version in bench/RESULTS.md (the sections of other versions are kept).
 *
 * `npm run bench -- spawn` runs only the benchmarks whose file name contains "spawn".
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

if (filter === "") {
  const major = process.versions.node.split(".")[0];
  const python = newestPython()?.version ?? "no CPython found";
  const heading = `## Node ${major}`;
  const body = [
    heading,
    "",
    `Node ${process.version}, ${python}, ${cpus().length} × ${cpus()[0]?.model ?? "CPU"}, ` +
      `${new Date().toISOString().slice(0, 10)}. Command: \`npm run bench\`` +
      (major === "20" ? "." : ` with Node ${major} first on the PATH.`),
    "",
    ...sections.flatMap((section) => [section, ""]),
  ].join("\n");
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
  const kept = existing
    .split(/^(?=## )/m)
    .filter((part) => part.startsWith("## ") && !part.startsWith(`${heading}\n`))
    .map((part) => part.trimEnd());
  const summary = kept.filter((part) => !part.startsWith("## Node "));
  const versions = [...kept.filter((part) => part.startsWith("## Node ")), body.trimEnd()].sort();
  writeFileSync(resultsPath, `${header}\n${[...summary, ...versions].join("\n\n")}\n`);
  console.log(`Recorded in ${resultsPath}`);
}
