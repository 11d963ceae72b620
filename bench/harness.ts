/**
 * Shared tools of the benchmarks.
 *
 * Every measurement runs in a fresh Node process: once asyncio-ts has entered its
 * AsyncLocalStorage, Node 20 slows every promise of the process down, which would make a raw
 * baseline measured afterwards look slower than it is. A benchmark file is both the
 * orchestrator (no argument: it spawns its variants and reports) and the variant runner
 * (`node file.js <variant>`: it measures one variant and prints one JSON line).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** What a variant prints: wall times of its runs in milliseconds, and/or bytes per item. */
export interface Measurement {
  ms?: number[];
  bytesPerItem?: number;
}

/** One row of a report: a label and its measurement. */
export interface Row {
  label: string;
  measurement: Measurement | null;
}

/** The middle value of `values`. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Runs `fn` `runs` times (after `warmup` unmeasured runs); returns each run's milliseconds. */
export async function timeRuns(
  fn: () => Promise<unknown>,
  runs = 7,
  warmup = 2,
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times;
}

/** Prints a variant's measurement for the orchestrator to read. */
export function emit(measurement: Measurement): void {
  process.stdout.write(`${JSON.stringify(measurement)}\n`);
}

/**
 * If this file was started as a variant runner (`node file.js <variant>`), runs that variant
 * from `variants` and returns true.
 */
export async function runVariantIfAsked(
  moduleUrl: string,
  variants: Record<string, () => Promise<Measurement>>,
): Promise<boolean> {
  if (process.argv[1] !== fileURLToPath(moduleUrl)) return false;
  const name = process.argv[2];
  if (name === undefined) return false;
  const variant = variants[name];
  if (variant === undefined) throw new Error(`unknown variant ${name}`);
  emit(await variant());
  process.exit(0);
}

/**
 * Runs variant `name` of the benchmark file `moduleUrl` in `processes` fresh Node processes,
 * one after another; their run times are pooled, their bytes per item reduced to the median.
 */
export function measureInChild(
  moduleUrl: string,
  name: string,
  nodeFlags: string[] = [],
  processes = 1,
): Measurement {
  return measureInChildren(moduleUrl, [name], nodeFlags, processes)[0] as Measurement;
}

/**
 * Runs each variant of `names` in `processes` fresh Node processes, taking turns (a process
 * of each variant, then again), so that a machine getting faster or slower during the
 * benchmark weighs on every variant alike; each variant's measurements are pooled as
 * `measureInChild` pools them, and returned in the order of `names`.
 */
export function measureInChildren(
  moduleUrl: string,
  names: readonly string[],
  nodeFlags: string[] = [],
  processes = 1,
): Measurement[] {
  const file = fileURLToPath(moduleUrl);
  const measurements = names.map((): Measurement[] => []);
  for (let i = 0; i < processes; i++) {
    names.forEach((name, n) => {
      const result = spawnSync(process.execPath, [...nodeFlags, file, name], {
        encoding: "utf8",
        maxBuffer: 1 << 24,
      });
      if (result.status !== 0) {
        throw new Error(`variant ${name} failed:\n${result.stderr}`);
      }
      measurements[n]?.push(parseLastJsonLine(result.stdout));
    });
  }
  return measurements.map(pool);
}

/** One measurement from those of several processes: run times pooled, median bytes per item. */
function pool(measurements: Measurement[]): Measurement {
  if (measurements.length === 1) return measurements[0] as Measurement;
  const pooled: Measurement = {};
  const ms = measurements.flatMap((m) => m.ms ?? []);
  if (ms.length > 0) pooled.ms = ms;
  const bytes = measurements.flatMap((m) => (m.bytesPerItem === undefined ? [] : [m.bytesPerItem]));
  if (bytes.length > 0) pooled.bytesPerItem = median(bytes);
  return pooled;
}

interface Python {
  command: string;
  env: NodeJS.ProcessEnv;
  version: string;
}

let python: Python | null | undefined;

/** The newest CPython on this machine (3.13 through pyenv if present), or null. */
export function newestPython(): Python | null {
  if (python !== undefined) return python;
  const candidates: Python[] = [
    { command: "python3.14", env: process.env, version: "" },
    { command: "python3.13", env: process.env, version: "" },
    { command: "python3", env: { ...process.env, PYENV_VERSION: "3.13.0" }, version: "" },
    { command: "python3", env: process.env, version: "" },
  ];
  let best: Python | null = null;
  for (const candidate of candidates) {
    try {
      const version = execFileSync(candidate.command, ["--version"], {
        env: candidate.env,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }).trim();
      const found = { ...candidate, version };
      if (best === null || compareVersions(version, best.version) > 0) best = found;
    } catch {
      // not installed
    }
  }
  python = best;
  return best;
}

function compareVersions(a: string, b: string): number {
  const parse = (v: string) => (v.match(/\d+/g) ?? []).map(Number);
  const [x, y] = [parse(a), parse(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Runs a CPython benchmark script (it prints one JSON Measurement line) in `processes` fresh
 * interpreters, pooled as `measureInChild` pools; null without Python.
 */
export function measurePython(
  scriptPath: string,
  args: string[] = [],
  processes = 1,
): Measurement | null {
  const py = newestPython();
  if (py === null) return null;
  const measurements: Measurement[] = [];
  for (let i = 0; i < processes; i++) {
    const result = spawnSync(py.command, [scriptPath, ...args], {
      env: py.env,
      encoding: "utf8",
      maxBuffer: 1 << 24,
    });
    if (result.status !== 0) throw new Error(`${scriptPath} failed:\n${result.stderr}`);
    measurements.push(parseLastJsonLine(result.stdout));
  }
  return pool(measurements);
}

function parseLastJsonLine(text: string): Measurement {
  const lines = text.trim().split("\n");
  return JSON.parse(lines[lines.length - 1] as string) as Measurement;
}

/**
 * A benchmark's report: printed, and kept for bench/RESULTS.md. A benchmark file's `collect()`
 * returns one, or several when its rows are compared with more than one subject (a thread pool
 * and a process pool).
 */
export interface Report {
  title: string;
  /** What is measured, in one sentence. */
  description: string;
  /** The row every ratio is taken against (its label). */
  subject: string;
  rows: Row[];
  /** Targets stated by the issue, e.g. ">= 0.5x raw Node on Node 24". */
  targets: string[];
  /** The heading of the ratio column; "asyncio-ts speed relative to it" unless given. */
  ratioHeading?: string;
  /** Adds a column of each row's slowest run, for latencies, where the worst case matters. */
  showMax?: boolean;
}

/**
 * Renders `report` as a Markdown table: each row's median time (or bytes per item) and its
 * speed (or memory) relative to the subject row.
 */
export function renderReport(report: Report): string {
  const subject = report.rows.find((row) => row.label === report.subject)?.measurement;
  const lines = [`### ${report.title}`, "", report.description, ""];
  const usesTime = report.rows.some((row) => row.measurement?.ms !== undefined);
  if (usesTime) {
    const heading = report.ratioHeading ?? "asyncio-ts speed relative to it";
    const max = report.showMax === true;
    lines.push(`| variant | median ms |${max ? " max ms |" : ""} runs | ${heading} |`);
    lines.push(`| --- | ---: |${max ? " ---: |" : ""} ---: | ---: |`);
    for (const row of report.rows) {
      const ms = row.measurement?.ms;
      if (ms === undefined) {
        lines.push(`| ${row.label} | n/a |${max ? " n/a |" : ""} 0 | n/a |`);
        continue;
      }
      const ratio =
        row.label === report.subject || subject?.ms === undefined
          ? "—"
          : `${(median(ms) / median(subject.ms)).toFixed(2)}×`;
      const slowest = max ? ` ${Math.max(...ms).toFixed(1)} |` : "";
      lines.push(`| ${row.label} | ${median(ms).toFixed(1)} |${slowest} ${ms.length} | ${ratio} |`);
    }
  } else {
    lines.push("| variant | bytes per item | asyncio-ts memory relative to it |");
    lines.push("| --- | ---: | ---: |");
    for (const row of report.rows) {
      const bytes = row.measurement?.bytesPerItem;
      if (bytes === undefined) {
        lines.push(`| ${row.label} | n/a | n/a |`);
        continue;
      }
      const ratio =
        row.label === report.subject || subject?.bytesPerItem === undefined
          ? "—"
          : `${(subject.bytesPerItem / bytes).toFixed(2)}×`;
      lines.push(`| ${row.label} | ${bytes.toFixed(0)} | ${ratio} |`);
    }
  }
  if (report.targets.length > 0) lines.push("", `Targets: ${report.targets.join("; ")}.`);
  return lines.join("\n");
}
