/**
 * 100 MiB through `cat`: the data is written into cat's stdin while its stdout is read, and a
 * run times from the spawn until the child has exited and every byte came back. Two shapes:
 *
 * - whole: the input given at once and the output collected — asyncio-ts `communicate(data)`,
 *   raw Node (`stdin.end(data)`, the 'data' chunks of stdout concatenated on 'close'), execa 9
 *   (`input: data`, `encoding: "buffer"`) and CPython's `communicate(data)`;
 * - chunks: 64 KiB chunks written with backpressure while the output is counted —
 *   asyncio-ts (a task writing `write(chunk)` + `drain()`, then `close()`, while
 *   `stdout.read(65536)` counts), raw Node (a Readable of the same chunks `pipe`d into stdin,
 *   stdout counted in its 'data' handler) and CPython (the same tasks as asyncio-ts).
 *
 * CPython's side is bench/subprocess_cat.py with the same sizes.
 */
import { spawn } from "node:child_process";
import { Readable } from "node:stream";
import * as asyncio from "asyncio-ts";
import { execa } from "execa";
import type { Measurement, Report } from "./harness.js";
import { measureInChild, measurePython, median, runVariantIfAsked, timeRuns } from "./harness.js";

const CHUNK = 64 * 1024;
const CHUNKS = 1600;
const TOTAL = CHUNK * CHUNKS;
const PROCESSES = 2;
const RUNS = 7;
const WARMUP = 2;
const PROGRAM = "cat";
const chunk = Buffer.alloc(CHUNK, 0x61);
const data = Buffer.alloc(TOTAL, 0x61);

function check(received: number): void {
  if (received !== TOTAL) throw new Error(`received ${received} bytes of ${TOTAL}`);
}

/** Resolves on the child's 'close' (exited and its pipes closed), rejects on a failure. */
function closed(child: ReturnType<typeof spawn>): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`${PROGRAM} exited with ${code}`)),
    );
  });
}

await runVariantIfAsked(import.meta.url, {
  asyncioWhole: () =>
    asyncio.run(async () => {
      const ms = await timeRuns(
        async () => {
          const process = await asyncio.createSubprocessExec(PROGRAM, [], {
            stdin: asyncio.PIPE,
            stdout: asyncio.PIPE,
          });
          const [stdout] = await process.communicate(data);
          check(stdout?.length ?? 0);
          if (process.returncode !== 0) throw new Error(`${PROGRAM} failed`);
        },
        RUNS,
        WARMUP,
      );
      return { ms };
    }),

  asyncioChunks: () =>
    asyncio.run(async () => {
      const ms = await timeRuns(
        async () => {
          const process = await asyncio.createSubprocessExec(PROGRAM, [], {
            stdin: asyncio.PIPE,
            stdout: asyncio.PIPE,
          });
          const writer = process.stdin as asyncio.StreamWriter;
          const reader = process.stdout as asyncio.StreamReader;
          const write = async () => {
            for (let i = 0; i < CHUNKS; i++) {
              writer.write(chunk);
              await writer.drain();
            }
            writer.close();
            await writer.waitClosed();
          };
          const read = async () => {
            let received = 0;
            for (;;) {
              const got = await reader.read(65536);
              if (got.length === 0) return received;
              received += got.length;
            }
          };
          const [, received] = await asyncio.gather([write(), read()] as const);
          check(received);
          if ((await process.wait()) !== 0) throw new Error(`${PROGRAM} failed`);
        },
        RUNS,
        WARMUP,
      );
      return { ms };
    }),

  rawWhole: async () => ({
    ms: await timeRuns(
      async () => {
        const child = spawn(PROGRAM, [], { stdio: ["pipe", "pipe", "inherit"] });
        const parts: Buffer[] = [];
        child.stdout.on("data", (part: Buffer) => parts.push(part));
        const done = closed(child);
        child.stdin.end(data);
        await done;
        check(Buffer.concat(parts).length);
      },
      RUNS,
      WARMUP,
    ),
  }),

  rawChunks: async () => ({
    ms: await timeRuns(
      async () => {
        const child = spawn(PROGRAM, [], { stdio: ["pipe", "pipe", "inherit"] });
        let received = 0;
        child.stdout.on("data", (part: Buffer) => {
          received += part.length;
        });
        const done = closed(child);
        let left = CHUNKS;
        new Readable({
          highWaterMark: CHUNK,
          read() {
            this.push(left-- > 0 ? chunk : null);
          },
        }).pipe(child.stdin);
        await done;
        check(received);
      },
      RUNS,
      WARMUP,
    ),
  }),

  execaWhole: async () => ({
    ms: await timeRuns(
      async () => {
        const result = await execa(PROGRAM, {
          input: data,
          encoding: "buffer",
          stripFinalNewline: false,
          maxBuffer: TOTAL * 2,
        });
        check(result.stdout.length);
      },
      RUNS,
      WARMUP,
    ),
  }),
});

const mbps = (m: Measurement | null) =>
  m?.ms === undefined ? "n/a" : (TOTAL / 1e6 / (median(m.ms) / 1000)).toFixed(0);

export function collect(): Report[] {
  const script = new URL("../../bench/subprocess_cat.py", import.meta.url).pathname;
  const oursWhole = measureInChild(import.meta.url, "asyncioWhole", [], PROCESSES);
  const rawWhole = measureInChild(import.meta.url, "rawWhole", [], PROCESSES);
  const execaWhole = measureInChild(import.meta.url, "execaWhole", [], PROCESSES);
  const pythonWhole = measurePython(script, ["whole", String(CHUNK), String(CHUNKS)], PROCESSES);
  const oursChunks = measureInChild(import.meta.url, "asyncioChunks", [], PROCESSES);
  const rawChunks = measureInChild(import.meta.url, "rawChunks", [], PROCESSES);
  const pythonChunks = measurePython(script, ["chunks", String(CHUNK), String(CHUNKS)], PROCESSES);
  const counts = `${PROCESSES} processes of ${RUNS} runs (CPython: ${PROCESSES} of 5), a new \`cat\` a run`;
  return [
    {
      title: "100 MiB through cat, given and collected whole",
      description:
        `100 MiB written into cat's stdin at once while its stdout is collected, from the spawn ` +
        `until the exit and the last byte (${counts}). MB/s: asyncio-ts ${mbps(oursWhole)}, ` +
        `raw Node ${mbps(rawWhole)}, execa ${mbps(execaWhole)}, CPython ${mbps(pythonWhole)}.`,
      subject: "asyncio-ts communicate(data)",
      rows: [
        { label: "asyncio-ts communicate(data)", measurement: oursWhole },
        { label: "raw Node stdin.end(data), stdout chunks concatenated", measurement: rawWhole },
        { label: "execa 9 (input, encoding buffer)", measurement: execaWhole },
        { label: "CPython communicate(data)", measurement: pythonWhole },
      ],
      targets: [">= 0.9× raw Node", ">= 1× execa"],
    },
    {
      title: "100 MiB through cat in 64 KiB chunks",
      description:
        `1,600 chunks of 64 KiB written into cat's stdin with backpressure while its stdout is ` +
        `counted, from the spawn until the exit and the last byte (${counts}). MB/s: ` +
        `asyncio-ts ${mbps(oursChunks)}, raw Node ${mbps(rawChunks)}, CPython ${mbps(pythonChunks)}.`,
      subject: "asyncio-ts write + drain, read(65536)",
      rows: [
        { label: "asyncio-ts write + drain, read(65536)", measurement: oursChunks },
        { label: "raw Node Readable piped into stdin, 'data' counted", measurement: rawChunks },
        { label: "CPython write + drain, read(65536)", measurement: pythonChunks },
      ],
      targets: [">= 0.9× raw Node"],
    },
  ];
}
