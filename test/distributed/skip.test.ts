/**
 * The CI contract of the distributed tests: without redis-server, a distributed test file skips
 * with one line that says how to install it; with ASYNCIO_TS_REQUIRE_REDIS=1 it fails instead.
 * Checked by running one file with ASYNCIO_TS_REDIS_SERVER naming a binary that does not exist.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const FILE = fileURLToPath(new URL("./executor.test.js", import.meta.url));
const HINT =
  "redis-server not found: apt-get install redis-server to run the asyncio-ts/distributed tests";

async function runFile(env: Record<string, string>): Promise<{ code: number; output: string }> {
  // Without NODE_TEST_CONTEXT: the inner `node --test` runs as a runner of its own.
  const { NODE_TEST_CONTEXT: _, ...outer } = process.env;
  const options = {
    env: { ...outer, ASYNCIO_TS_REDIS_SERVER: "no-such-redis-server-binary", ...env },
    timeout: 30_000,
  };
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ["--test", "--test-reporter=tap", FILE],
      options,
    );
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
}

test("without redis-server, a distributed test file skips with one line saying how to install it", async () => {
  const { code, output } = await runFile({ ASYNCIO_TS_REQUIRE_REDIS: "" });
  assert.equal(code, 0, output);
  const lines = output.split("\n").filter((line) => line.includes(HINT));
  assert.equal(lines.length, 1, output);
  assert.match(output, /# SKIP redis-server not found/);
  assert.match(output, /# fail 0/);
});

test("with ASYNCIO_TS_REQUIRE_REDIS=1, a missing redis-server fails the file", async () => {
  const { code, output } = await runFile({ ASYNCIO_TS_REQUIRE_REDIS: "1" });
  assert.notEqual(code, 0);
  assert.match(output, /redis-server not found: apt-get install redis-server/);
  assert.match(output, /ASYNCIO_TS_REQUIRE_REDIS=1/);
});
