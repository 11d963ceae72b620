/** Helpers of the SQLite tests: a fresh temporary directory per test file. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";

/** A temporary directory removed after the file's tests; `file(name)` is a path in it. */
export function scratchDirectory(prefix: string): { dir: string; file(name: string): string } {
  const dir = mkdtempSync(join(tmpdir(), `asyncio-ts-sqlite-${prefix}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  let count = 0;
  return {
    dir,
    file: (name: string) => join(dir, `${count++}-${name}`),
  };
}
