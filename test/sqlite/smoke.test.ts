/**
 * The connection as aiosqlite's test suite exercises it (aiosqlite/tests/smoke.py), each on a
 * real SQLite file in a temporary directory.
 *
 * Not mirrored: test_connection_locations (bytes paths and objects with __str__ have no
 * TypeScript counterpart; strings and file URLs are tested), test_multi_loop_usage (a
 * connection belongs to the loop that opened it), text_factory, enable_load_extension,
 * set_progress_handler, create_function, set_trace_callback and iterdump (not part of this
 * module: a function would have to run on the connection's thread), test_backup_sqlite (no
 * sqlite3.Connection here); test_backup_aiosqlite copies into a file, not ":memory:".
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import * as asyncio from "asyncio-ts";
import * as sqlite from "asyncio-ts/sqlite";
import { asyncioTest } from "asyncio-ts/testing";
import { scratchDirectory } from "./sqliteHelpers.js";

const scratch = scratchDirectory("smoke");

// mirrors aiosqlite tests/smoke.py test_connection_await
test(
  "connect() resolves with a Connection; execute() with a cursor",
  asyncioTest(async () => {
    const db = await sqlite.connect(scratch.file("await.db"));
    assert.ok(db instanceof sqlite.Connection);
    const cursor = await db.execute("select 1, 2");
    assert.ok(cursor instanceof sqlite.Cursor);
    assert.deepEqual(await cursor.fetchall(), [[1, 2]]);
    await cursor.close();
    await db.close();
  }),
);

// mirrors aiosqlite tests/smoke.py test_connection_context
test(
  "await using closes the connection and the cursor",
  asyncioTest(async () => {
    let outer: sqlite.Connection;
    {
      await using db = await sqlite.connect(scratch.file("context.db"));
      outer = db;
      await using cursor = await db.execute("select 1, 2");
      assert.deepEqual(await cursor.fetchall(), [[1, 2]]);
    }
    assert.throws(() => outer.execute("select 1"), {
      name: "ProgrammingError",
      message: "Cannot operate on a closed database.",
    });
  }),
);

// mirrors aiosqlite tests/smoke.py test_connection_locations (strings and file URLs)
test(
  "a path and a file URL open the same database",
  asyncioTest(async () => {
    const path = scratch.file("locations.db");
    {
      await using db = await sqlite.connect(path);
      await db.execute("create table foo (i integer, k integer)");
      await db.execute("insert into foo (i, k) values (1, 5)");
      await db.commit();
    }
    for (const location of [path, pathToFileURL(path)]) {
      await using db = await sqlite.connect(location);
      assert.deepEqual(await db.executeFetchall("select * from foo"), [[1, 5]]);
    }
  }),
);

// mirrors aiosqlite tests/smoke.py test_multiple_connections
test(
  "ten connections insert into one file concurrently",
  asyncioTest(async () => {
    const path = scratch.file("multiple.db");
    {
      await using db = await sqlite.connect(path);
      await db.execute("create table multiple_connections (i integer primary key asc, k integer)");
    }
    const doOneConn = async (i: number) => {
      await using db = await sqlite.connect(path);
      await db.execute("insert into multiple_connections (k) values (?)", [i]);
      await db.commit();
    };
    await asyncio.gather(...Array.from({ length: 10 }, (_, i) => doOneConn(i)));
    await using db = await sqlite.connect(path);
    const rows = await db.executeFetchall("select * from multiple_connections");
    assert.equal(rows.length, 10);
  }),
);

// mirrors aiosqlite tests/smoke.py test_multiple_queries
test(
  "concurrent executes on one connection all run, in the order made",
  asyncioTest(async () => {
    const path = scratch.file("queries.db");
    {
      await using db = await sqlite.connect(path);
      await db.execute("create table multiple_queries (i integer primary key asc, k integer)");
      await asyncio.gather(
        ...Array.from({ length: 10 }, (_, i) =>
          db.execute("insert into multiple_queries (k) values (?)", [i]),
        ),
      );
      await db.commit();
    }
    await using db = await sqlite.connect(path);
    const rows = await db.executeFetchall("select i, k from multiple_queries order by i");
    assert.deepEqual(
      rows,
      Array.from({ length: 10 }, (_, i) => [i + 1, i]),
    );
  }),
);

// mirrors aiosqlite tests/smoke.py test_iterable_cursor
test(
  "for await iterates a cursor's rows",
  asyncioTest(async () => {
    const path = scratch.file("iterable.db");
    {
      await using db = await sqlite.connect(path);
      const cursor = await db.cursor();
      await cursor.execute("create table iterable_cursor (i integer primary key asc, k integer)");
      await cursor.executemany(
        "insert into iterable_cursor (k) values (?)",
        Array.from({ length: 10 }, (_, i) => [i]),
      );
      await db.commit();
    }
    await using db = await sqlite.connect(path);
    const rows = [];
    for await (const row of await db.execute("select * from iterable_cursor")) rows.push(row);
    assert.equal(rows.length, 10);
  }),
);

// mirrors aiosqlite tests/smoke.py test_context_cursor
test(
  "await using on db.cursor() and on db.execute()",
  asyncioTest(async () => {
    const path = scratch.file("context-cursor.db");
    {
      await using db = await sqlite.connect(path);
      await using cursor = await db.cursor();
      await cursor.execute("create table context_cursor (i integer primary key asc, k integer)");
      await cursor.executemany(
        "insert into context_cursor (k) values (?)",
        Array.from({ length: 10 }, (_, i) => [i]),
      );
      await db.commit();
    }
    await using db = await sqlite.connect(path);
    await using cursor = await db.execute("select * from context_cursor");
    const rows = [];
    for await (const row of cursor) rows.push(row);
    assert.equal(rows.length, 10);
  }),
);

// mirrors aiosqlite tests/smoke.py test_cursor_return_self
test(
  "a cursor's execute, executemany and executescript resolve with the cursor",
  asyncioTest(async () => {
    await using db = await sqlite.connect(scratch.file("return-self.db"));
    const cursor = await db.cursor();
    assert.equal(
      await cursor.execute("create table test_cursor_return_self (i integer, k integer)"),
      cursor,
    );
    assert.equal(
      await cursor.executemany("insert into test_cursor_return_self values (?, ?)", [
        [1, 1],
        [2, 2],
      ]),
      cursor,
    );
    assert.equal(
      await cursor.executescript(
        "insert into test_cursor_return_self values (3, 3);" +
          "insert into test_cursor_return_self values (4, 4);" +
          "insert into test_cursor_return_self values (5, 5);",
      ),
      cursor,
    );
    assert.deepEqual(await db.executeFetchall("select count(*) from test_cursor_return_self"), [
      [5],
    ]);
  }),
);

// mirrors aiosqlite tests/smoke.py test_connection_properties
test(
  "totalChanges, inTransaction and rowFactory",
  asyncioTest(async () => {
    await using db = await sqlite.connect(scratch.file("properties.db"));
    assert.equal(db.totalChanges, 0);
    {
      await using cursor = await db.cursor();
      assert.equal(db.inTransaction, false);
      await cursor.execute(
        "create table test_properties (i integer primary key asc, k integer, d text)",
      );
      await cursor.execute("insert into test_properties (k, d) values (1, 'hi')");
      assert.equal(db.inTransaction, true);
      await db.commit();
      assert.equal(db.inTransaction, false);
    }
    assert.equal(db.totalChanges, 1);
    assert.equal(db.rowFactory, null);
    {
      await using cursor = await db.cursor();
      await cursor.execute("select * from test_properties");
      assert.deepEqual(await cursor.fetchone(), [1, 1, "hi"]);
    }
    db.rowFactory = "object";
    assert.equal(db.rowFactory, "object");
    {
      await using cursor = await db.cursor();
      await cursor.execute("select * from test_properties");
      assert.deepEqual(await cursor.fetchone(), { i: 1, k: 1, d: "hi" });
    }
  }),
);

// mirrors aiosqlite tests/smoke.py test_fetch_all
test(
  "fetchall returns the rows that match",
  asyncioTest(async () => {
    const path = scratch.file("fetch-all.db");
    {
      await using db = await sqlite.connect(path);
      await db.execute("create table test_fetch_all (i integer primary key asc, k integer)");
      await db.execute("insert into test_fetch_all (k) values (10), (24), (16), (32)");
      await db.commit();
    }
    await using db = await sqlite.connect(path);
    const cursor = await db.execute("select k from test_fetch_all where k < 30");
    assert.deepEqual(await cursor.fetchall(), [[10], [24], [16]]);
  }),
);

// mirrors aiosqlite tests/smoke.py test_connect_error
test(
  "connect() to a path that cannot exist rejects with OperationalError",
  asyncioTest(async () => {
    const bad = "/something/that/shouldnt/exist.db";
    await assert.rejects(sqlite.connect(bad), {
      name: "OperationalError",
      message: /unable to open database/,
    });
    await assert.rejects(sqlite.connect(scratch.file("missing.db"), { readonly: true }), {
      name: "OperationalError",
      message: /unable to open database/,
    });
  }),
);

// mirrors aiosqlite tests/smoke.py test_cursor_on_closed_connection
test(
  "a cursor of a closed connection raises ProgrammingError",
  asyncioTest(async () => {
    const db = await sqlite.connect(scratch.file("closed-cursor.db"));
    const cursor = await db.execute("select 1, 2");
    await db.close();
    for (let i = 0; i < 2; i++) {
      await assert.rejects(cursor.fetchall(), {
        name: "ProgrammingError",
        message: "Cannot operate on a closed database.",
      });
    }
  }),
);

// mirrors aiosqlite tests/smoke.py test_cursor_on_closed_connection_loop
test(
  "fetches racing a close() either succeed or raise ProgrammingError",
  asyncioTest(async () => {
    const db = await sqlite.connect(scratch.file("closed-loop.db"));
    const cursor = await db.execute("select 1, 2");
    const tasks: asyncio.Task<unknown>[] = [];
    for (let i = 0; i < 100; i++) {
      if (i === 50) tasks.push(asyncio.ensureFuture(() => db.close()) as asyncio.Task<unknown>);
      tasks.push(asyncio.ensureFuture(() => cursor.fetchall()) as asyncio.Task<unknown>);
    }
    for (const task of tasks) {
      try {
        await task;
      } catch (error) {
        assert.ok(error instanceof sqlite.ProgrammingError, String(error));
      }
    }
  }),
);

// mirrors aiosqlite tests/smoke.py test_backup_aiosqlite (into a file)
test(
  "backup() copies the database into another connection's file",
  asyncioTest(async () => {
    await using db1 = await sqlite.connect(":memory:");
    await using db2 = await sqlite.connect(scratch.file("backup-target.db"));
    await db1.execute("create table foo (i integer, k charvar(250))");
    await db1.executemany("insert into foo values (?, ?)", [
      [1, "hello"],
      [2, "world"],
    ]);
    await db1.commit();
    await db1.backup(db2);
    assert.deepEqual(await db2.executeFetchall("select * from foo"), [
      [1, "hello"],
      [2, "world"],
    ]);
    assert.throws(() => db1.backup(db1), { name: "ProgrammingError" });
    await using memory = await sqlite.connect(":memory:");
    assert.throws(() => db1.backup(memory), { name: "ProgrammingError" });
    const copy = scratch.file("backup-path.db");
    await db1.backup(copy);
    await using db3 = await sqlite.connect(copy);
    assert.deepEqual(await db3.executeFetchall("select count(*) from foo"), [[2]]);
  }),
);

// aiosqlite's execute_fetchall
test(
  "executeFetchall returns all the rows at once",
  asyncioTest(async () => {
    await using db = await sqlite.connect(scratch.file("fetchall.db"));
    await db.execute("create table test_execute_fetchall (i integer primary key asc, k integer)");
    for (const value of [2, 3, 5]) {
      await db.execute("insert into test_execute_fetchall (k) values (?)", [value]);
    }
    await db.commit();
    assert.deepEqual(await db.executeFetchall("select * from test_execute_fetchall"), [
      [1, 2],
      [2, 3],
      [3, 5],
    ]);
  }),
);
