/**
 * asyncio-ts/sqlite: 100,000 inserts (`executemany` in one transaction; one `execute` per row
 * from 10 tasks, committed once), 100,000 point selects by primary key from 10 concurrent
 * tasks, and 10,000 sequential one-row queries (the round trip of one query), each on a file
 * in a temporary directory. Against better-sqlite3 called synchronously on the main thread (the
 * floor: no thread, no messages, but the loop blocked throughout) and CPython's sqlite3 through
 * `asyncio.to_thread` on one connection and a one-thread default executor (aiosqlite's approach:
 * a thread per connection; bench/sqlite_bench.py).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as asyncio from "asyncio-ts";
import * as sqlite from "asyncio-ts/sqlite";
import Database from "better-sqlite3";
import type { Measurement, Report, Row } from "./harness.js";
import { measureInChild, measurePython, runVariantIfAsked } from "./harness.js";

const ROWS = 100_000;
const TASKS = 10;
const ROUND_TRIPS = 10_000;
const RUNS = 5;
const WARMUP = 1;
const INSERT = "insert into t(name, value) values (?, ?)";
const SELECT = "select name, value from t where id = ?";

function scratch(): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "asyncio-ts-sqlite-bench-"));
  return {
    path: join(dir, "bench.db"),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function rows(): [string, number][] {
  return Array.from({ length: ROWS }, (_, i) => [`name ${i}`, i * 0.5]);
}

const CREATE = "create table t(id integer primary key, name text, value real)";

/** Times `body` on a connection to a fresh file; `fill`: the table holds ROWS rows first. */
function timeAsync(
  fill: boolean,
  body: (db: sqlite.Connection) => Promise<void>,
): Promise<Measurement> {
  const file = scratch();
  return asyncio.run(async () => {
    const db = await sqlite.connect(file.path);
    const fresh = async () => {
      await db.execute("drop table if exists t");
      await db.execute(CREATE);
    };
    try {
      await fresh();
      if (fill) {
        await db.executemany(INSERT, rows());
        await db.commit();
      }
      const ms: number[] = [];
      for (let run = 0; run < WARMUP + RUNS; run++) {
        if (!fill) await fresh();
        const start = performance.now();
        await body(db);
        if (run >= WARMUP) ms.push(performance.now() - start);
      }
      return { ms };
    } finally {
      await db.close();
      file.remove();
    }
  });
}

/** As timeAsync, synchronously on this thread with better-sqlite3. */
function timeSync(fill: boolean, body: (db: Database.Database) => void): Measurement {
  const file = scratch();
  const db = new Database(file.path);
  const fresh = () => {
    db.exec("drop table if exists t");
    db.exec(CREATE);
  };
  try {
    fresh();
    if (fill) {
      const insert = db.prepare(INSERT);
      db.transaction(() => {
        for (const row of rows()) insert.run(...row);
      })();
    }
    const ms: number[] = [];
    for (let run = 0; run < WARMUP + RUNS; run++) {
      if (!fill) fresh();
      const start = performance.now();
      body(db);
      if (run >= WARMUP) ms.push(performance.now() - start);
    }
    return { ms };
  } finally {
    db.close();
    file.remove();
  }
}

/** Runs `body(k)` for k = 0..TASKS-1 as concurrent tasks. */
async function inTasks(body: (k: number) => Promise<void>): Promise<void> {
  await asyncio.gather(...Array.from({ length: TASKS }, (_, k) => () => body(k)));
}

await runVariantIfAsked(import.meta.url, {
  manyAsync: () =>
    timeAsync(false, async (db) => {
      await db.executemany(INSERT, rows());
      await db.commit();
    }),
  insertsAsync: () =>
    timeAsync(false, async (db) => {
      await inTasks(async (k) => {
        for (let i = k; i < ROWS; i += TASKS) await db.execute(INSERT, [`name ${i}`, i * 0.5]);
      });
      await db.commit();
    }),
  selectsAsync: () =>
    timeAsync(true, async (db) => {
      await inTasks(async (k) => {
        for (let i = k; i < ROWS; i += TASKS) {
          const cursor = await db.execute(SELECT, [i + 1]);
          if ((await cursor.fetchone()) === null) throw new Error("missing row");
        }
      });
    }),
  roundtripAsync: () =>
    timeAsync(false, async (db) => {
      for (let i = 0; i < ROUND_TRIPS; i++) await db.executeFetchall("select 1");
    }),
  manySync: async () =>
    timeSync(false, (db) => {
      const insert = db.prepare(INSERT);
      const data = rows();
      db.transaction(() => {
        for (const row of data) insert.run(...row);
      })();
    }),
  insertsSync: async () =>
    timeSync(false, (db) => {
      const insert = db.prepare(INSERT);
      db.transaction(() => {
        for (let i = 0; i < ROWS; i++) insert.run(`name ${i}`, i * 0.5);
      })();
    }),
  selectsSync: async () =>
    timeSync(true, (db) => {
      const select = db.prepare(SELECT);
      for (let i = 0; i < ROWS; i++)
        if (select.get(i + 1) === undefined) throw new Error("missing");
    }),
  roundtripSync: async () =>
    timeSync(false, (db) => {
      const select = db.prepare("select 1");
      for (let i = 0; i < ROUND_TRIPS; i++) select.all();
    }),
});

export function collect(): Report[] {
  const script = new URL("../../bench/sqlite_bench.py", import.meta.url).pathname;
  const python = (mode: string): Measurement | null => {
    const file = scratch();
    try {
      return measurePython(script, [mode, file.path]);
    } finally {
      file.remove();
    }
  };
  const row = (label: string, variant: string): Row => ({
    label,
    measurement: measureInChild(import.meta.url, variant),
  });
  const manyFloor = row("better-sqlite3 synchronous, main thread (the floor)", "manySync");
  const floor = row("better-sqlite3 synchronous, main thread (the floor)", "insertsSync");
  const many = row("asyncio-ts/sqlite executemany + commit", "manyAsync");
  const inserts = row("asyncio-ts/sqlite execute per row, 10 tasks, then commit", "insertsAsync");
  const selects = row("asyncio-ts/sqlite execute + fetchone, 10 tasks", "selectsAsync");
  const roundtrip = row("asyncio-ts/sqlite executeFetchall, one task", "roundtripAsync");
  const runs = `${RUNS} runs after ${WARMUP} warm-up, each variant in its own process`;
  return [
    {
      title: "SQLite: 100,000 inserts with executemany in one transaction",
      description: `One \`executemany\` of 100,000 rows (text, real) and a commit, on a file (${runs}); every variant makes the array of rows it inserts within the time measured, as a program would.`,
      subject: many.label,
      rows: [
        many,
        manyFloor,
        { label: "CPython sqlite3 executemany via asyncio.to_thread", measurement: python("many") },
      ],
      targets: [">= 0.8× the synchronous floor"],
    },
    {
      title: "SQLite: 100,000 inserts, one execute per row from 10 tasks",
      description: `10 tasks each insert 10,000 rows with one \`execute\` per row, then one commit (${runs}); the floor inserts the same rows in a synchronous loop.`,
      subject: inserts.label,
      rows: [
        inserts,
        floor,
        {
          label: "CPython sqlite3 execute via asyncio.to_thread, 10 tasks",
          measurement: python("inserts"),
        },
      ],
      targets: [],
    },
    {
      title: "SQLite: 100,000 point selects from 10 tasks",
      description: `10 tasks each select 10,000 rows by primary key from a 100,000-row table (${runs}).`,
      subject: selects.label,
      rows: [
        selects,
        row("better-sqlite3 synchronous get, main thread", "selectsSync"),
        {
          label: "CPython sqlite3 execute + fetchone via asyncio.to_thread, 10 tasks",
          measurement: python("selects"),
        },
      ],
      targets: [">= 2× CPython"],
    },
    {
      title: "SQLite: round trip of one query (10,000 sequential `select 1`)",
      description: `One task runs 10,000 queries one after another; the median ms divided by 10 is the µs per query (${runs}).`,
      subject: roundtrip.label,
      rows: [
        roundtrip,
        row("better-sqlite3 synchronous all, main thread", "roundtripSync"),
        {
          label: "CPython sqlite3 via asyncio.to_thread, one task",
          measurement: python("roundtrip"),
        },
      ],
      targets: ["reported in µs"],
    },
  ];
}
