/**
 * Echo ping-pong over loopback: 50 concurrent connections, each sending one line and awaiting
 * its echo before sending the next. asyncio-ts streams (`startServer` + `openConnection`,
 * `readline` / `write` / `drain` on both sides) against raw Node (`net`, the server splitting
 * lines out of a buffer and echoing them, the client awaiting each reply through a promise
 * resolved from its 'data' handler) and CPython's asyncio streams (bench/net_pingpong.py, the
 * same protocol and counts). Connections are opened once per process; a run times the requests.
 */
import * as net from "node:net";
import * as asyncio from "asyncio-ts";
import type { Measurement, Report } from "./harness.js";
import {
  measureInChildren,
  measurePython,
  median,
  runVariantIfAsked,
  timeRuns,
} from "./harness.js";
import { echoLines, portOf } from "./netServers.js";

const CONNECTIONS = 50;
const REQUESTS_PER_CONNECTION = 400;
const REQUESTS = CONNECTIONS * REQUESTS_PER_CONNECTION;
const PROCESSES = 3;
const LINE = "ping 0123456789abcdefghijklmnopqrstuvwxyz\n";
const NEWLINE = 0x0a;

/** A raw Node client: one line out, then awaits the reply line resolved by its 'data' handler. */
class RawClient {
  readonly socket: net.Socket;
  #received = 0;
  #resolve: (() => void) | null = null;

  constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on("data", (chunk: Buffer) => {
      // Replies are whole lines of known length; count bytes up to the end of the line.
      this.#received += chunk.length;
      if (chunk[chunk.length - 1] === NEWLINE && this.#received >= LINE.length) {
        this.#received = 0;
        const resolve = this.#resolve;
        this.#resolve = null;
        resolve?.();
      }
    });
  }

  async run(): Promise<void> {
    for (let i = 0; i < REQUESTS_PER_CONNECTION; i++) {
      const reply = new Promise<void>((resolve) => {
        this.#resolve = resolve;
      });
      this.socket.write(LINE);
      await reply;
    }
  }
}

await runVariantIfAsked(import.meta.url, {
  asyncio: () =>
    asyncio.run(async () => {
      const server = await asyncio.startServer(echoLines, "127.0.0.1", 0);
      const port = portOf(server);
      const connections = await asyncio.gather(
        Array.from({ length: CONNECTIONS }, () => asyncio.openConnection("127.0.0.1", port)),
      );
      const client = async ([reader, writer]: [asyncio.StreamReader, asyncio.StreamWriter]) => {
        for (let i = 0; i < REQUESTS_PER_CONNECTION; i++) {
          writer.write(LINE);
          await writer.drain();
          const reply = await reader.readline();
          if (reply.length !== LINE.length) throw new Error("short reply");
        }
      };
      const ms = await timeRuns(() => asyncio.gather(connections.map(client)));
      for (const [, writer] of connections) writer.close();
      await asyncio.gather(connections.map(([, writer]) => writer.waitClosed()));
      server.close();
      await server.waitClosed();
      return { ms };
    }),

  async raw() {
    const server = net.createServer((socket) => {
      let pending: Buffer | null = null;
      socket.on("data", (chunk: Buffer) => {
        let data = pending === null ? chunk : Buffer.concat([pending, chunk]);
        let end = data.lastIndexOf(NEWLINE);
        if (end === -1) {
          pending = data;
          return;
        }
        end++;
        // The complete lines go back in one write, as they came; the rest waits for more.
        socket.write(end === data.length ? data : data.subarray(0, end));
        data = data.subarray(end);
        pending = data.length === 0 ? null : data;
      });
      socket.on("end", () => socket.end());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    const clients = await Promise.all(
      Array.from(
        { length: CONNECTIONS },
        () =>
          new Promise<RawClient>((resolve, reject) => {
            const socket = net.connect(port, "127.0.0.1", () => resolve(new RawClient(socket)));
            socket.once("error", reject);
          }),
      ),
    );
    const ms = await timeRuns(() => Promise.all(clients.map((client) => client.run())));
    for (const client of clients) client.socket.end();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return { ms };
  },
});

export function collect(): Report {
  const [ours, raw] = measureInChildren(import.meta.url, ["asyncio", "raw"], [], PROCESSES) as [
    Measurement,
    Measurement,
  ];
  const python = measurePython(
    new URL("../../bench/net_pingpong.py", import.meta.url).pathname,
    [String(CONNECTIONS), String(REQUESTS_PER_CONNECTION), String(LINE.length)],
    PROCESSES,
  );
  const perSecond = (m: Measurement | null) =>
    m?.ms === undefined ? "n/a" : (REQUESTS / (median(m.ms) / 1000)).toFixed(0);
  return {
    title: "Echo ping-pong, 50 connections, 20,000 requests",
    description:
      `${CONNECTIONS} connections over 127.0.0.1, each sending ${REQUESTS_PER_CONNECTION} lines ` +
      `of ${LINE.length} bytes one at a time and awaiting each echo (${REQUESTS.toLocaleString("en")} ` +
      "requests a run). Connections opened before timing; " +
      `${PROCESSES} processes of 7 runs for each Node variant (taking turns), ${PROCESSES} of 5 ` +
      "for CPython. Requests/s: " +
      `asyncio-ts ${perSecond(ours)}, raw Node ${perSecond(raw)}, CPython ${perSecond(python)}.`,
    subject: "asyncio-ts streams",
    rows: [
      { label: "asyncio-ts streams", measurement: ours },
      { label: "raw Node net (line splitter, promise per reply)", measurement: raw },
      { label: "CPython asyncio streams", measurement: python },
    ],
    targets: [">= 0.85× raw Node", ">= 2× CPython"],
  };
}
