/**
 * Bulk transfer of 1 GiB through one loopback connection. asyncio-ts streams (the client
 * `writer.write`s 64 KiB chunks, awaiting `drain()` after each, then closes; the server's
 * handler counts bytes with a `reader.read(65536)` loop until EOF) against raw Node (a Readable
 * producing the same 64 KiB chunks `pipe`d into the socket; the server counts bytes in its
 * 'data' handler until 'end'). A run times from the first byte written until the server has
 * counted the last one; the server is started once per process, each run a new connection.
 */
import * as net from "node:net";
import { Readable } from "node:stream";
import * as asyncio from "asyncio-ts";
import type { Measurement, Report } from "./harness.js";
import { measureInChildren, median, runVariantIfAsked, timeRuns } from "./harness.js";
import { portOf } from "./netServers.js";

const CHUNK = 64 * 1024;
const TOTAL = 1024 * 1024 * 1024;
const CHUNKS = TOTAL / CHUNK;
const RUNS = 5;
const WARMUP = 1;
const PROCESSES = 3;
const chunk = Buffer.alloc(CHUNK, 0x61);

function check(received: number): void {
  if (received !== TOTAL) throw new Error(`received ${received} bytes of ${TOTAL}`);
}

await runVariantIfAsked(import.meta.url, {
  asyncio: () =>
    asyncio.run(async () => {
      let done: asyncio.Future<number> | null = null;
      const server = await asyncio.startServer(
        async (reader, writer) => {
          let received = 0;
          for (;;) {
            const data = await reader.read(65536);
            if (data.length === 0) break;
            received += data.length;
          }
          writer.close();
          done?.setResult(received);
        },
        "127.0.0.1",
        0,
      );
      const port = portOf(server);
      const loop = asyncio.getRunningLoop();
      const ms = await timeRuns(
        async () => {
          done = loop.createFuture<number>();
          const [, writer] = await asyncio.openConnection("127.0.0.1", port);
          for (let i = 0; i < CHUNKS; i++) {
            writer.write(chunk);
            await writer.drain();
          }
          writer.close();
          check(await done);
          await writer.waitClosed();
        },
        RUNS,
        WARMUP,
      );
      server.close();
      await server.waitClosed();
      return { ms };
    }),

  async raw() {
    let done: ((received: number) => void) | null = null;
    const server = net.createServer((socket) => {
      let received = 0;
      socket.on("data", (data: Buffer) => {
        received += data.length;
      });
      socket.on("end", () => {
        socket.end();
        done?.(received);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    const ms = await timeRuns(
      async () => {
        const received = new Promise<number>((resolve) => {
          done = resolve;
        });
        const socket = net.connect(port, "127.0.0.1");
        await new Promise<void>((resolve, reject) => {
          socket.once("connect", resolve);
          socket.once("error", reject);
        });
        let left = CHUNKS;
        const source = new Readable({
          highWaterMark: CHUNK,
          read() {
            this.push(left-- > 0 ? chunk : null);
          },
        });
        source.pipe(socket);
        check(await received);
        await new Promise((resolve) => socket.once("close", resolve));
      },
      RUNS,
      WARMUP,
    );
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return { ms };
  },
});

export function collect(): Report {
  const [asyncioRow, rawRow] = measureInChildren(
    import.meta.url,
    ["asyncio", "raw"],
    [],
    PROCESSES,
  ) as [Measurement, Measurement];
  const mbps = (ms: number[] | undefined) =>
    ms === undefined ? "n/a" : (TOTAL / 1e6 / (median(ms) / 1000)).toFixed(0);
  return {
    title: "Bulk transfer, 1 GiB through one connection",
    description:
      "1 GiB in 64 KiB chunks over 127.0.0.1, from the first write until the server has " +
      `counted the last byte (${PROCESSES} processes of ${RUNS} runs for each, the two ` +
      "variants' processes taking turns; a new connection a run). " +
      `MB/s: asyncio-ts ${mbps(asyncioRow.ms)}, raw Node ${mbps(rawRow.ms)}.`,
    subject: "asyncio-ts streams (write + drain, read(65536))",
    rows: [
      { label: "asyncio-ts streams (write + drain, read(65536))", measurement: asyncioRow },
      { label: "raw Node (Readable piped into the socket)", measurement: rawRow },
    ],
    targets: [">= 0.9× raw Node"],
  };
}
