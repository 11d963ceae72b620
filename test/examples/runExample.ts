/**
 * Runs an example as a program of its own (`node build/examples/<name>.js`) in a temporary
 * directory, for the examples whose output does not all go through this process's
 * `console.log` (a worker's or a child's output), and returns what it printed and wrote.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

/** What an example printed, and the `exemplo.txt` it wrote (null when it wrote none). */
export interface ExampleRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly lines: string[];
  readonly written: string | null;
}

/** Runs `examples/<name>` in a fresh temporary directory (removed afterwards). */
export async function runExample(name: string): Promise<ExampleRun> {
  const script = fileURLToPath(new URL(`../../examples/${name}.js`, import.meta.url));
  const dir = await mkdtemp(join(tmpdir(), "asyncio-ts-example-"));
  try {
    const { stdout, stderr } = await run(process.execPath, [script], {
      cwd: dir,
      timeout: 60_000,
    });
    const lines = stdout.split("\n");
    if (lines.at(-1) === "") lines.pop();
    const written = await readFile(join(dir, "exemplo.txt"), "utf8").catch(() => null);
    return { stdout, stderr, lines, written };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
