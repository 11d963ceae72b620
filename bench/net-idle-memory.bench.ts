/**
 * Memory per idle connection with 10,000 loopback connections open. The server side runs in
 * the measured process and the client side in a child process it starts (both sides in one
 * process would need about 20,000 descriptors, and this machine's hard limit on open files is
 * 20,000); each process measures its own heapUsed + external and RSS after a full GC, before
 * the first connection and once all 10,000 are established, and the figures of both sides are
 * added up per connection.
 *
 * asyncio-ts: `startServer` whose handler awaits `reader.readline()` (an idle echo server), the
 * client holding the `[reader, writer]` of each `openConnection`. Raw Node: a `net.Server`
 * whose sockets have a 'data' handler with a line buffer and an 'end' handler, the client
 * holding `net.Socket`s with a 'data' handler. A third row, raw Node with one async function
 * per connection suspended on a promise for its next line, shows what the shape of a stream
 * handler costs in plain Node.
 */
import { spawn } from "node:child_process";
import * as net from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";
import type { Measurement, Report } from "./harness.js";
import { measureInChild, median, runVariantIfAsked } from "./harness.js";
import { echoLines, portOf } from "./netServers.js";

const CONNECTIONS = 10_000;
/** Connections opened at once while connecting (well under the listen backlog). */
const BATCH = 200;
const BACKLOG = 1024;
const PROCESSES = 3;

interface Usage {
  heap: number;
  rss: number;
}

/** What one side measures, per connection. */
interface SideFigures {
  heapPerConnection: number;
  rssPerConnection: number;
}

/** What a variant prints: both sides' figures; bytesPerItem is both sides' heap together. */
interface IdleMeasurement extends Measurement {
  server: SideFigures;
  client: SideFigures;
  rssPerItem: number;
}

function usageAfterGc(): Usage {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("run with --expose-gc");
  gc();
  gc();
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed + usage.external, rss: usage.rss };
}

function perConnection(before: Usage, after: Usage): SideFigures {
  return {
    heapPerConnection: (after.heap - before.heap) / CONNECTIONS,
    rssPerConnection: (after.rss - before.rss) / CONNECTIONS,
  };
}

/** A macrotask turn, so that Node finishes what the last connections started. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

/**
 * The server side's part of a variant: starts the client side (`clientVariant` of this file)
 * for `port`, waits until `accepted()` has reached CONNECTIONS and the client has measured
 * itself, measures this side, then lets the client exit.
 */
async function runClient(
  clientVariant: string,
  port: number,
  allAccepted: Promise<void>,
  before: Usage,
): Promise<IdleMeasurement> {
  const child = spawn(
    process.execPath,
    ["--expose-gc", fileURLToPath(import.meta.url), clientVariant, String(port)],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const lines = createInterface({ input: child.stdout });
  const clientLine = new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`client side exited with ${code}`)));
  });
  const client = JSON.parse(await clientLine) as SideFigures;
  await allAccepted;
  await settle();
  const server = perConnection(before, usageAfterGc());
  child.stdin.end();
  await exited;
  return {
    server,
    client,
    bytesPerItem: server.heapPerConnection + client.heapPerConnection,
    rssPerItem: server.rssPerConnection + client.rssPerConnection,
  };
}

/** The client side: measures itself once CONNECTIONS are open, then idles until stdin ends. */
async function clientSide(connect: () => Promise<unknown>): Promise<never> {
  const held: unknown[] = [];
  const before = usageAfterGc();
  for (let i = 0; i < CONNECTIONS; i += BATCH) {
    const batch = [];
    for (let j = i; j < Math.min(i + BATCH, CONNECTIONS); j++) batch.push(connect());
    held.push(...(await Promise.all(batch)));
  }
  await settle();
  const figures = perConnection(before, usageAfterGc());
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  process.stdin.resume();
  await new Promise((resolve) => process.stdin.once("end", resolve));
  if (held.length !== CONNECTIONS) throw new Error("lost connections");
  process.exit(0);
}

/** A raw Node server side: `onSocket` handles each accepted socket. */
async function rawServer(onSocket: (socket: net.Socket) => void): Promise<IdleMeasurement> {
  const { accepted, all } = counter();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    accepted();
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    onSocket(socket);
  });
  await new Promise<void>((resolve) =>
    server.listen({ port: 0, host: "127.0.0.1", backlog: BACKLOG }, resolve),
  );
  const { port: serverPort } = server.address() as net.AddressInfo;
  const result = await runClient("rawClient", serverPort, all, usageAfterGc());
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return result;
}

function counter(): { accepted(): void; all: Promise<void> } {
  let count = 0;
  let resolve!: () => void;
  const all = new Promise<void>((r) => {
    resolve = r;
  });
  return {
    accepted() {
      if (++count === CONNECTIONS) resolve();
    },
    all,
  };
}

const port = Number(process.argv[3]);

await runVariantIfAsked(import.meta.url, {
  asyncio: () =>
    asyncio.run(async () => {
      const { accepted, all } = counter();
      const server = await asyncio.startServer(
        (reader, writer) => {
          accepted();
          return echoLines(reader, writer);
        },
        "127.0.0.1",
        0,
        { backlog: BACKLOG },
      );
      const serverPort = portOf(server);
      const result = await runClient("asyncioClient", serverPort, all, usageAfterGc());
      server.close();
      server.abortClients();
      await server.waitClosed();
      return result;
    }),

  asyncioClient: () =>
    asyncio.run(() =>
      clientSide(() => asyncio.openConnection("127.0.0.1", port, { happyEyeballsDelay: null })),
    ),

  raw: () =>
    rawServer((socket) => {
      let pending: Buffer | null = null;
      socket.on("data", (chunk: Buffer) => {
        const data = pending === null ? chunk : Buffer.concat([pending, chunk]);
        const end = data.lastIndexOf(0x0a) + 1;
        if (end > 0) socket.write(data.subarray(0, end));
        pending = end === data.length ? null : data.subarray(end);
      });
      socket.on("end", () => socket.end());
    }),

  rawHandler: () =>
    rawServer((socket) => {
      // The shape of a stream handler in plain Node: one async function per connection,
      // suspended on a promise for its next line.
      let buffered: Buffer = Buffer.alloc(0);
      let wake: (() => void) | null = null;
      let ended = false;
      socket.on("data", (chunk: Buffer) => {
        buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
        wake?.();
      });
      socket.on("end", () => {
        ended = true;
        wake?.();
      });
      const nextLine = async (): Promise<Buffer | null> => {
        for (;;) {
          const end = buffered.indexOf(0x0a) + 1;
          if (end > 0) {
            const line = buffered.subarray(0, end);
            buffered = buffered.subarray(end);
            return line;
          }
          if (ended) return null;
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = null;
        }
      };
      void (async () => {
        for (let line = await nextLine(); line !== null; line = await nextLine()) {
          socket.write(line);
        }
        socket.end();
      })();
    }),

  rawClient: () =>
    clientSide(
      () =>
        new Promise<net.Socket>((resolve, reject) => {
          const socket = net.connect(port, "127.0.0.1", () => {
            socket.off("error", reject);
            resolve(socket);
          });
          socket.once("error", reject);
          socket.on("data", () => {});
        }),
    ),
});

/** Each figure of a variant: the median of PROCESSES processes. */
function measureIdle(variant: string): IdleMeasurement {
  const runs = Array.from(
    { length: PROCESSES },
    () => measureInChild(import.meta.url, variant, ["--expose-gc"]) as IdleMeasurement,
  );
  const of = (pick: (m: IdleMeasurement) => number) => median(runs.map(pick));
  return {
    server: {
      heapPerConnection: of((m) => m.server.heapPerConnection),
      rssPerConnection: of((m) => m.server.rssPerConnection),
    },
    client: {
      heapPerConnection: of((m) => m.client.heapPerConnection),
      rssPerConnection: of((m) => m.client.rssPerConnection),
    },
    bytesPerItem: of((m) => m.bytesPerItem as number),
    rssPerItem: of((m) => m.rssPerItem),
  };
}

export function collect(): Report[] {
  const ours = measureIdle("asyncio");
  const raw = measureIdle("raw");
  const rawHandler = measureIdle("rawHandler");
  const split = (label: string, m: IdleMeasurement, kind: "heap" | "rss") => {
    const pick = (side: SideFigures) =>
      (kind === "heap" ? side.heapPerConnection : side.rssPerConnection).toFixed(0);
    return `${label} ${pick(m.server)} server side + ${pick(m.client)} client side`;
  };
  const what =
    "10,000 idle connections over 127.0.0.1, the server side in the measured process and " +
    "the client side in a child process (about 20,000 descriptors would not fit under this " +
    "machine's hard limit of 20,000 in one process); each side measured after a full GC " +
    "before the first connection and with all of them open, both sides added up per " +
    `connection (median of ${PROCESSES} processes). asyncio-ts: startServer whose handler awaits ` +
    "readline, openConnection's [reader, writer] held; raw Node: net sockets with 'data' " +
    "handlers; raw Node with a handler: the same, plus one async function per connection " +
    "suspended on a promise for its next line (the shape of a stream handler, without a task).";
  const subject = "asyncio-ts streams";
  return [
    {
      title: "Memory per idle connection, 10,000 connections, heapUsed + external",
      description: `${what} Bytes: ${split("asyncio-ts", ours, "heap")}; ${split("raw Node", raw, "heap")}; ${split("raw Node with a handler", rawHandler, "heap")}.`,
      subject,
      rows: [
        { label: subject, measurement: { bytesPerItem: ours.bytesPerItem as number } },
        { label: "raw Node net", measurement: { bytesPerItem: raw.bytesPerItem as number } },
        {
          label: "raw Node net, an async handler per connection",
          measurement: { bytesPerItem: rawHandler.bytesPerItem as number },
        },
      ],
      targets: ["<= 1.3× raw Node"],
    },
    {
      title: "Memory per idle connection, 10,000 connections, RSS",
      description: `The same connections, RSS growth. Bytes: ${split("asyncio-ts", ours, "rss")}; ${split("raw Node", raw, "rss")}; ${split("raw Node with a handler", rawHandler, "rss")}.`,
      subject,
      rows: [
        { label: subject, measurement: { bytesPerItem: ours.rssPerItem } },
        { label: "raw Node net", measurement: { bytesPerItem: raw.rssPerItem } },
        {
          label: "raw Node net, an async handler per connection",
          measurement: { bytesPerItem: rawHandler.rssPerItem },
        },
      ],
      targets: ["(reported)"],
    },
  ];
}
