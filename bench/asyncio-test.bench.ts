/**
 * The overhead of `asyncioTest` per test: 1,000 minimal test bodies (one `await sleep(0)`)
 * each run through `asyncioTest(body)()` (its own loop, then the leak check), against a bare
 * `asyncio.run(body)` and a bare async body awaiting `setImmediate` with no loop at all; each
 * variant in 2 processes, figures per test.
 */
import * as asyncio from "asyncio-ts";
import { asyncioSuite, asyncioTest } from "asyncio-ts/testing";
import type { Report } from "./harness.js";
import { measureInChild, runVariantIfAsked, timeRuns } from "./harness.js";

const TESTS = 1_000;
const PROCESSES = 2;

async function body(): Promise<void> {
  await asyncio.sleep(0);
}

async function bareBody(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}

/** Times `TESTS` calls of `runTest` per run; returns milliseconds per test. */
async function perTest(runTest: () => Promise<void>): Promise<{ ms: number[] }> {
  const ms = await timeRuns(async () => {
    for (let i = 0; i < TESTS; i++) await runTest();
  });
  return { ms: ms.map((total) => total / TESTS) };
}

await runVariantIfAsked(import.meta.url, {
  async asyncioTest() {
    const wrapped = asyncioTest(body);
    return perTest(wrapped);
  },
  async asyncioTestVirtual() {
    const wrapped = asyncioTest(body, { clock: "virtual" });
    return perTest(wrapped);
  },
  async suiteTest() {
    const suite = asyncioSuite();
    await suite.setup();
    const wrapped = suite.test(body);
    const measured = await perTest(wrapped);
    await suite.teardown();
    return measured;
  },
  async run() {
    return perTest(() => asyncio.run(body));
  },
  async bare() {
    return perTest(bareBody);
  },
});

export function collect(): Report {
  return {
    title: "asyncioTest overhead per test",
    description:
      `${TESTS} test bodies that each await \`sleep(0)\` once, run one after another; ` +
      `milliseconds per test (${PROCESSES} processes each).`,
    subject: "asyncioTest(body)()",
    rows: [
      {
        label: "asyncioTest(body)()",
        measurement: measureInChild(import.meta.url, "asyncioTest", [], PROCESSES),
      },
      {
        label: 'asyncioTest(body, { clock: "virtual" })()',
        measurement: measureInChild(import.meta.url, "asyncioTestVirtual", [], PROCESSES),
      },
      {
        label: "suite.test(body)() (one loop for all)",
        measurement: measureInChild(import.meta.url, "suiteTest", [], PROCESSES),
      },
      {
        label: "asyncio.run(body), no leak check",
        measurement: measureInChild(import.meta.url, "run", [], PROCESSES),
      },
      {
        label: "bare async body (await setImmediate), no loop",
        measurement: measureInChild(import.meta.url, "bare", [], PROCESSES),
      },
    ],
    targets: ["asyncioTest(body)() - bare body < 1 ms per test"],
  };
}
