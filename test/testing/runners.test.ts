/**
 * `asyncioTest` and `asyncioSuite` under real test runners: node:test and vitest each run the
 * scenarios of `fixtures/scenarios.ts` in a child process, and these tests read each test's
 * result and message from the child's report (one JSON line per test from node:test through
 * `fixtures/jsonReporter.ts`, vitest's JSON reporter).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";

interface Outcome {
  passed: boolean;
  /** The error's name (`LeakError`, `TimeoutError`, …), for a failure. */
  errorName: string;
  /** The error's message (with vitest, also its stack), for a failure. */
  message: string;
}

const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const VITEST = join(ROOT, "node_modules", "vitest", "vitest.mjs");

function runChild(args: string[], cwd: string): Promise<string> {
  // Under `node --test` this process has NODE_TEST_CONTEXT set, which would make the child's
  // runner report to ours instead of printing its own report.
  const env = { ...process.env };
  delete env["NODE_TEST_CONTEXT"];
  return new Promise((resolve, reject) => {
    // A failing scenario makes the runner exit with 1: that is expected, the report says what.
    execFile(process.execPath, args, { cwd, env, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== "number") {
        reject(new Error(`${args.join(" ")} failed: ${error.message}\n${stderr}`));
        return;
      }
      resolve(stdout);
    });
  });
}

async function runNodeTest(): Promise<Map<string, Outcome>> {
  const stdout = await runChild(
    ["--test", "--test-reporter=./jsonReporter.js", "node.fixture.js"],
    FIXTURES,
  );
  const outcomes = new Map<string, Outcome>();
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    const record = JSON.parse(line) as {
      name?: string;
      passed?: boolean;
      error?: { name: string; message: string };
    };
    if (record.name === undefined) continue;
    outcomes.set(record.name, {
      passed: record.passed === true,
      errorName: record.error?.name ?? "",
      message: record.error?.message ?? "",
    });
  }
  return outcomes;
}

async function runVitest(): Promise<Map<string, Outcome>> {
  const dir = await mkdtemp(join(tmpdir(), "asyncio-ts-vitest-"));
  try {
    const output = join(dir, "report.json");
    await runChild(
      [VITEST, "run", "--root", FIXTURES, "--reporter=json", `--outputFile=${output}`],
      FIXTURES,
    );
    const report = JSON.parse(await readFile(output, "utf8")) as {
      testResults: {
        assertionResults: { title: string; status: string; failureMessages: string[] }[];
      }[];
    };
    const outcomes = new Map<string, Outcome>();
    for (const file of report.testResults) {
      for (const result of file.assertionResults) {
        const failure = result.failureMessages[0] ?? "";
        const match = /^(\w+)(?: \[\w+\])?: /.exec(failure);
        outcomes.set(result.title, {
          passed: result.status === "passed",
          errorName: match?.[1] ?? "",
          message: match === null ? failure : failure.slice(match[0].length),
        });
      }
    }
    return outcomes;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const runs = { "node:test": runNodeTest, vitest: runVitest };

for (const [runner, run] of Object.entries(runs)) {
  describe(`under ${runner}`, () => {
    let outcomes: Map<string, Outcome>;
    const outcome = (name: string): Outcome => {
      const found = outcomes.get(name);
      assert.ok(found !== undefined, `no result for "${name}" in ${[...outcomes.keys()]}`);
      return found;
    };
    const failure = (name: string, errorName: string): string => {
      const { passed, errorName: actual, message } = outcome(name);
      assert.equal(passed, false, `"${name}" should fail`);
      assert.equal(actual, errorName, message);
      return message;
    };

    before(async () => {
      outcomes = await run();
    });

    test("a clean test passes, with the runner's test context", () => {
      assert.equal(outcome("passes and gets the runner's context").passed, true);
    });

    test("a 2 s sleep under virtual time passes at once", () => {
      assert.equal(outcome("sleeps 2 s of virtual time at once").passed, true);
    });

    test("a pending task fails the test, naming it and where it was created", () => {
      const message = failure("leaks a task", "LeakError");
      assert.match(message, /^test body leaksATask left 1 task pending:/);
      assert.match(
        message,
        /task still pending \(cancelled\): <Task pending name="Task-\d+" fn=pollForever>/,
      );
      assert.match(message, /created at:\n\s+at .*leaksATask .*scenarios\.[jt]s:\d+:\d+/);
    });

    test("an exception nobody retrieved fails the test", () => {
      const message = failure("leaves an exception unretrieved", "LeakError");
      assert.match(message, /^test body dropsAFailure left 1 exception never retrieved:/);
      assert.match(message, /exception never retrieved: Error: nobody looked at me/);
      assert.match(message, /fn=failsAlone/);
      assert.match(message, /Pass \{ debug: true \}/);
    });

    test("a server left open fails the test, naming its address", () => {
      const message = failure("leaves a server open", "LeakError");
      assert.match(message, /still open: server 127\.0\.0\.1:\d+ \(outside hold/);
      assert.match(message, /taken at:\n\s+at .*leavesAServer .*scenarios\.[jt]s:\d+:\d+/);
    });

    test("a subprocess left running fails the test, and is killed", () => {
      const message = failure("leaves a subprocess running", "LeakError");
      const pid = Number(/still open: subprocess (\d+) /.exec(message)?.[1]);
      assert.ok(pid > 0, message);
      assert.equal(isRunning(pid), false, `subprocess ${pid} still runs`);
    });

    test("a timeout fails the test with a TimeoutError naming the body", () => {
      const message = failure("times out", "TimeoutError");
      assert.match(message, /^test body waitsTooLong timed out after 5 s of loop time/);
    });

    test("a failing body keeps its own error", () => {
      const message = failure("fails with its own error, not the leak", "Error");
      assert.match(message, /^the body's own failure/);
    });

    test("suite tests share the loop and its fixtures; only a test's own leak counts", () => {
      assert.equal(outcome("suite test one uses the server").passed, true);
      assert.equal(outcome("suite test two uses it too, on the same loop").passed, true);
      const message = failure("suite test three leaks a task", "LeakError");
      assert.match(message, /left 1 task pending:/);
      assert.match(message, /fn=suiteLeftover/);
      for (const [name, { message }] of outcomes) {
        assert.doesNotMatch(message, /the suite's fixtures/, `${name}: the teardown found leaks`);
      }
    });
  });
}
