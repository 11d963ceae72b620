/**
 * HTTP client throughput: 10,000 GETs of a 1 KiB body by 50 concurrent tasks against a local
 * node:http server running in a child process. asyncio-ts's `ClientSession` (a pool of 50
 * connections, retries on as by default, each body read with `text()`) against raw
 * `undici.request` on an `Agent` with the same pool (`body.text()`), and against the global
 * `fetch` (`response.text()`); and raw `undici.request` awaited from asyncio-ts tasks, the floor
 * that entering asyncio-ts's AsyncLocalStorage sets. Each variant runs in its own process with
 * its own server child.
 */

import * as asyncio from "asyncio-ts";
import { ClientSession } from "asyncio-ts/http";
import { Agent } from "undici";
import type { Measurement, Report } from "./harness.js";
import { measureInChild, median, runVariantIfAsked, timeRuns } from "./harness.js";
import { startServerChild } from "./httpServer.js";

const REQUESTS = 10_000;
const CONCURRENCY = 50;
const PROCESSES = 2;
const RUNS = 5;

/** Runs `get` REQUESTS times from CONCURRENCY loops sharing one counter. */
async function spread(loop: (next: () => boolean) => Promise<void>): Promise<void> {
  let left = REQUESTS;
  const next = (): boolean => left-- > 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, () => loop(next)));
}

function check(text: string): void {
  if (text.length !== 1024) throw new Error(`short body: ${text.length}`);
}

await runVariantIfAsked(import.meta.url, {
  async asyncio(): Promise<Measurement> {
    const server = await startServerChild();
    try {
      return await asyncio.run(async () => {
        await using session = new ClientSession({ connector: { limit: CONCURRENCY } });
        const round = () =>
          asyncio.gather(
            Array.from({ length: CONCURRENCY }, () => async () => {
              while (left-- > 0) {
                const response = await session.get(server.url);
                check(await response.text());
              }
            }),
          );
        let left = 0;
        const ms = await timeRuns(
          () => {
            left = REQUESTS;
            return round();
          },
          RUNS,
          1,
        );
        return { ms };
      });
    } finally {
      await server.stop();
    }
  },

  async undici(): Promise<Measurement> {
    const server = await startServerChild();
    const agent = new Agent({ connections: CONCURRENCY });
    try {
      const ms = await timeRuns(
        () =>
          spread(async (next) => {
            while (next()) {
              const { body } = await agent.request({
                origin: server.origin,
                path: "/",
                method: "GET",
              });
              check(await body.text());
            }
          }),
        RUNS,
        1,
      );
      return { ms };
    } finally {
      await agent.close();
      await server.stop();
    }
  },

  /** The floor: raw undici.request awaited from asyncio-ts tasks (AsyncLocalStorage entered). */
  async undiciInTasks(): Promise<Measurement> {
    const server = await startServerChild();
    const agent = new Agent({ connections: CONCURRENCY });
    try {
      return await asyncio.run(async () => {
        let left = 0;
        const round = () =>
          asyncio.gather(
            Array.from({ length: CONCURRENCY }, () => async () => {
              while (left-- > 0) {
                const { body } = await agent.request({
                  origin: server.origin,
                  path: "/",
                  method: "GET",
                });
                check(await body.text());
              }
            }),
          );
        const ms = await timeRuns(
          () => {
            left = REQUESTS;
            return round();
          },
          RUNS,
          1,
        );
        return { ms };
      });
    } finally {
      await agent.close();
      await server.stop();
    }
  },

  async fetch(): Promise<Measurement> {
    const server = await startServerChild();
    try {
      const ms = await timeRuns(
        () =>
          spread(async (next) => {
            while (next()) {
              const response = await fetch(server.url);
              check(await response.text());
            }
          }),
        RUNS,
        1,
      );
      return { ms };
    } finally {
      await server.stop();
    }
  },
});

export function collect(): Report {
  const ours = measureInChild(import.meta.url, "asyncio", [], PROCESSES);
  const raw = measureInChild(import.meta.url, "undici", [], PROCESSES);
  const rawInTasks = measureInChild(import.meta.url, "undiciInTasks", [], PROCESSES);
  const viaFetch = measureInChild(import.meta.url, "fetch", [], PROCESSES);
  const perSecond = (m: Measurement) =>
    m.ms === undefined ? "n/a" : (REQUESTS / (median(m.ms) / 1000)).toFixed(0);
  return {
    title: "HTTP GET, 10,000 requests of 1 KiB, 50 concurrent tasks",
    description:
      `${REQUESTS.toLocaleString("en")} GETs of a 1 KiB body by ${CONCURRENCY} concurrent tasks over ` +
      `127.0.0.1, the node:http server in a child process, a pool of ${CONCURRENCY} keep-alive ` +
      `connections; ${PROCESSES} processes of ${RUNS} runs each (after one warm-up run). ` +
      `Requests/s: asyncio-ts ${perSecond(ours)}, raw undici.request ${perSecond(raw)}, ` +
      `fetch ${perSecond(viaFetch)}. The third row awaits raw undici.request from asyncio-ts ` +
      "tasks: the floor the process's AsyncLocalStorage sets (on Node 20 and 22 it slows every " +
      "promise of the process).",
    subject: "asyncio-ts ClientSession",
    rows: [
      { label: "asyncio-ts ClientSession", measurement: ours },
      { label: "raw undici.request, Agent({ connections: 50 })", measurement: raw },
      { label: "raw undici.request awaited in asyncio-ts tasks", measurement: rawInTasks },
      { label: "global fetch", measurement: viaFetch },
    ],
    targets: [">= 0.85× raw undici.request", ">= 1.5× fetch"],
  };
}
