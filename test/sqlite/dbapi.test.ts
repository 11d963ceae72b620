/**
 * Cursors, parameters, errors and row factories as CPython's Lib/test/test_sqlite3/
 * test_dbapi.py and test_factory.py check them (messages taken from Python 3.13's sqlite3).
 *
 * Not mirrored: the DB-API module constants (apilevel, paramstyle, threadsafety), the
 * type adapters and converters (detect_types), text_factory, sqlite3.Row's own protocol
 * (`"object"` rows are plain objects), blob I/O, serialize/deserialize, and the tests of
 * CPython's threading checks (check_same_thread): a connection here belongs to its thread.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import * as sqlite from "asyncio-ts/sqlite";
import { asyncioTest } from "asyncio-ts/testing";

async function memory(): Promise<sqlite.Connection> {
  const db = await sqlite.connect(":memory:");
  await db.execute("create table test(id integer primary key, name text unique, income number)");
  return db;
}

// mirrors test_dbapi.ModuleTests.test_*_error (the hierarchy of sqlite3's exceptions)
test("the error classes form Python's sqlite3 hierarchy", () => {
  assert.ok(new sqlite.DatabaseError("x") instanceof sqlite.Error);
  assert.ok(new sqlite.InterfaceError("x") instanceof sqlite.Error);
  for (const Class of [
    sqlite.OperationalError,
    sqlite.IntegrityError,
    sqlite.ProgrammingError,
    sqlite.DataError,
    sqlite.NotSupportedError,
    sqlite.InternalError,
  ]) {
    const error = new Class("x");
    assert.ok(error instanceof sqlite.DatabaseError, Class.name);
    assert.ok(error instanceof Error);
    assert.equal(error.name, Class.name);
  }
  assert.equal(new sqlite.Error("x").name, "Error");
  assert.ok(!(new sqlite.Warning("x") instanceof sqlite.Error));
});

// mirrors test_dbapi.ExtensionTests / ModuleTests.test_error_code_on_exception
test(
  "SQLite's errors carry their class, message, code and code name",
  asyncioTest(async () => {
    await using db = await memory();
    await db.execute("insert into test(name) values ('a')");
    const cases: [string, string, string, number, string][] = [
      [
        "insert into test(name) values ('a')",
        "IntegrityError",
        "UNIQUE constraint failed: test.name",
        2067,
        "SQLITE_CONSTRAINT_UNIQUE",
      ],
      ["selec 1", "OperationalError", 'near "selec": syntax error', 1, "SQLITE_ERROR"],
      ["select * from nope", "OperationalError", "no such table: nope", 1, "SQLITE_ERROR"],
      [
        "insert into test(id) values (1)",
        "IntegrityError",
        "UNIQUE constraint failed: test.id",
        1555,
        "SQLITE_CONSTRAINT_PRIMARYKEY",
      ],
    ];
    for (const [sql, name, message, code, codeName] of cases) {
      await assert.rejects(db.execute(sql), (error: unknown) => {
        assert.ok(error instanceof sqlite.DatabaseError, sql);
        assert.equal(error.name, name);
        assert.equal(error.message, message);
        assert.equal(error.sqliteErrorcode, code);
        assert.equal(error.sqliteErrorname, codeName);
        return true;
      });
    }
    // The connection is fine after each.
    assert.deepEqual(await db.executeFetchall("select name from test"), [["a"]]);
  }),
);

// mirrors test_dbapi.CursorTests.test_execute_wrong_no_of_args*, test_execute_dict_mapping_*,
// test_execute_illegal_sql / test_execute_too_much_sql, test_execute_param_list/_dict
test(
  "parameters: bound by position or name; Python's messages for the wrong ones",
  asyncioTest(async () => {
    await using db = await memory();
    assert.deepEqual(await db.executeFetchall("select ?, ?", [1, "two"]), [[1, "two"]]);
    assert.deepEqual(await db.executeFetchall("select :a, $b, @c", { a: 1, b: 2, c: 3 }), [
      [1, 2, 3],
    ]);
    assert.deepEqual(await db.executeFetchall("select ?, ?, ?", [true, false, null]), [
      [1, 0, null],
    ]);
    // Parameters are bound, never interpolated.
    const evil = "x'); drop table test; --";
    await db.execute("insert into test(name) values (?)", [evil]);
    assert.deepEqual(await db.executeFetchall("select name from test"), [[evil]]);

    const programming = async (promise: () => unknown, message: string) => {
      await assert.rejects(async () => await promise(), { name: "ProgrammingError", message });
    };
    await programming(
      () => db.execute("select ?", [1, 2]),
      "Incorrect number of bindings supplied. The current statement uses 1, and there are 2 supplied.",
    );
    await programming(
      () => db.execute("select ?"),
      "Incorrect number of bindings supplied. The current statement uses 1, and there are 0 supplied.",
    );
    await programming(
      () => db.execute("select :a", { b: 1 }),
      "You did not supply a value for binding parameter :a.",
    );
    await programming(
      () => db.execute("select ?", { a: 1 }),
      "Binding 1 has no name, but you supplied a dictionary (which has only names).",
    );
    await programming(
      () => db.execute("select ?", [[1]] as never),
      "Error binding parameter 1: type 'Array' is not supported",
    );
    await programming(
      () => db.execute("select :d", { d: new Date() } as never),
      "Error binding parameter :d: type 'Date' is not supported",
    );
    await programming(
      () => db.execute("select 1", 5 as never),
      "parameters are of unsupported type",
    );
    await programming(
      () => db.execute("select 1; select 2"),
      "You can only execute one statement at a time.",
    );
    await programming(
      () => db.executemany("select ?", [[1]]),
      "executemany() can only execute DML statements.",
    );
    assert.throws(() => db.execute(42 as never), TypeError);
    // An empty statement does nothing, as in Python.
    const empty = await db.execute("  -- nothing\n");
    assert.equal(empty.description, null);
    assert.deepEqual(await empty.fetchall(), []);
  }),
);

// mirrors test_dbapi.CursorTests.test_rowcount_execute, test_rowcount_select,
// test_rowcount_executemany, test_total_changes, test_last_row_id_insert_o_r, test_description
test(
  "rowcount, lastrowid and description follow Python's sqlite3",
  asyncioTest(async () => {
    await using db = await memory();
    const cur = await db.cursor();
    assert.equal(cur.rowcount, -1);
    assert.equal(cur.lastrowid, null);
    assert.equal(cur.description, null);
    assert.equal(cur.arraysize, 1);
    await cur.execute("insert into test(name) values ('a')");
    assert.equal(cur.rowcount, 1);
    assert.equal(cur.lastrowid, 1);
    await cur.executemany("insert into test(name) values (?)", [["b"], ["c"]]);
    assert.equal(cur.rowcount, 2);
    await cur.execute("update test set income = 1");
    assert.equal(cur.rowcount, 3);
    await cur.execute("select id, name as n from test");
    assert.equal(cur.rowcount, -1);
    assert.equal(cur.lastrowid, 3);
    assert.deepEqual(cur.description, [
      ["id", null, null, null, null, null, null],
      ["n", null, null, null, null, null, null],
    ]);
    await cur.execute("create table other(x)");
    assert.equal(cur.rowcount, -1);
    assert.equal(cur.description, null);
    await cur.execute("insert into test(name) values ('d') returning id, name");
    assert.deepEqual(await cur.fetchall(), [[4, "d"]]);
    assert.equal(cur.rowcount, 1);
    await cur.execute("delete from test");
    assert.equal(cur.rowcount, 4);
    assert.equal(db.totalChanges, 11);
  }),
);

test(
  "description follows a table recreated by the same connection",
  asyncioTest(async () => {
    await using db = await sqlite.connect(":memory:");
    await db.execute("create table t(Name text, b)");
    const select = "select name from t";
    assert.deepEqual((await db.execute(select)).description?.[0]?.[0], "Name");
    // The statement is cached on the connection's thread; the new schema renames its column.
    await db.execute("drop table t");
    await db.execute("create table t(NAME text, b)");
    assert.deepEqual((await db.execute(select)).description?.[0]?.[0], "NAME");
    await db.executescript("drop table t; create table t(nAmE text);");
    assert.deepEqual((await db.execute(select)).description?.[0]?.[0], "nAmE");
  }),
);

// mirrors test_dbapi.CursorTests.test_fetchone, test_fetchone_no_statement, test_fetchmany,
// test_fetchmany_kw_arg, test_array_size, test_fetchall, test_close, test_cursor_wrong_class
test(
  "fetchone, fetchmany (arraysize by default) and fetchall; a closed cursor",
  asyncioTest(async () => {
    await using db = await memory();
    const cur = await db.cursor();
    assert.equal(await cur.fetchone(), null);
    await cur.executemany(
      "insert into test(name) values (?)",
      Array.from({ length: 5 }, (_, i) => [`n${i}`]),
    );
    await cur.execute("select name from test order by id");
    assert.deepEqual(await cur.fetchone(), ["n0"]);
    assert.deepEqual(await cur.fetchmany(), [["n1"]]);
    cur.arraysize = 2;
    assert.deepEqual(await cur.fetchmany(), [["n2"], ["n3"]]);
    assert.deepEqual(await cur.fetchmany(10), [["n4"]]);
    assert.deepEqual(await cur.fetchmany(), []);
    assert.deepEqual(await cur.fetchall(), []);
    assert.equal(await cur.fetchone(), null);
    await assert.rejects(cur.fetchmany(-1), RangeError);
    await cur.close();
    await assert.rejects(cur.fetchone(), {
      name: "ProgrammingError",
      message: "Cannot operate on a closed cursor.",
    });
    assert.throws(() => cur.execute("select 1"), {
      message: "Cannot operate on a closed cursor.",
    });
  }),
);

// mirrors test_dbapi.ConnectionTests.test_close / test_use_after_close / test_close_twice
test(
  "a closed connection raises ProgrammingError; close() twice is fine",
  asyncioTest(async () => {
    const db = await memory();
    await db.close();
    await db.close();
    const closed = { name: "ProgrammingError", message: "Cannot operate on a closed database." };
    assert.throws(() => db.execute("select 1"), closed);
    assert.throws(() => db.commit(), closed);
    assert.throws(() => db.rollback(), closed);
    assert.throws(() => db.cursor(), closed);
    assert.throws(() => db.executemany("insert into test(name) values (?)", []), closed);
  }),
);

// mirrors test_dbapi.CursorTests.test_cursor_executemany_with_iterator / _with_generator
test(
  "executemany takes any iterable, a generator included",
  asyncioTest(async () => {
    await using db = await memory();
    function* names() {
      for (let i = 0; i < 3; i++) yield [`g${i}`];
    }
    const cur = await db.executemany("insert into test(name) values (?)", names());
    assert.equal(cur.rowcount, 3);
    assert.throws(() => db.executemany("insert into test(name) values (?)", 5 as never), TypeError);
  }),
);

// mirrors test_factory.RowFactoryTests.test_custom_factory and
// test_factory.ConnectionFactoryTests (row_factory set on the connection, copied by cursors)
test(
  "rowFactory: objects, a function of (cursor, row), null; cursors copy the connection's",
  asyncioTest(async () => {
    await using db = await sqlite.connect(":memory:", { rowFactory: "object" });
    assert.deepEqual(await db.executeFetchall("select 1 as a, 'x' as b"), [{ a: 1, b: "x" }]);
    const before = await db.execute("select 1 as a");
    db.rowFactory = (cursor, row) =>
      Object.fromEntries(
        (cursor.description ?? []).map(([name], i) => [name.toUpperCase(), row[i]]),
      );
    // A cursor made before keeps the factory it copied; it can be set on the cursor too.
    assert.deepEqual(await before.fetchone(), { a: 1 });
    assert.deepEqual(await db.executeFetchall("select 2 as b"), [{ B: 2 }]);
    const cursor = await db.execute("select 3 as c");
    cursor.rowFactory = null;
    assert.deepEqual(await cursor.fetchall(), [[3]]);
    db.rowFactory = null;
    assert.deepEqual(await db.executeFetchall("select 4"), [[4]]);
    assert.throws(() => {
      db.rowFactory = "dict" as never;
    }, TypeError);
  }),
);

// Values: integers, reals, text, blobs and NULL round-trip as Python's do (bigint for big integers in).
test(
  "values round-trip: numbers, bigints, text, bytes, null",
  asyncioTest(async () => {
    await using db = await sqlite.connect(":memory:");
    const bytes = new Uint8Array([1, 2, 3]);
    const [[i, r, t, b, n, big]] = (await db.executeFetchall("select ?, ?, ?, ?, ?, ?", [
      42,
      1.5,
      "olá",
      bytes,
      null,
      2n ** 40n,
    ])) as unknown[][] as [[number, number, string, Uint8Array, null, number]];
    assert.equal(i, 42);
    assert.equal(r, 1.5);
    assert.equal(t, "olá");
    assert.deepEqual(new Uint8Array(b), bytes);
    assert.equal(n, null);
    assert.equal(big, 2 ** 40);
    assert.ok(asyncio !== undefined);
  }),
);

// mirrors test_dbapi.CursorTests.test_cursor_executemany_with_iterator, with every kind of value
test(
  "a long executemany binds every kind of value as execute does, across its parts",
  asyncioTest(async () => {
    await using db = await sqlite.connect(":memory:");
    await db.execute("create table v(k integer, a, b)");
    const values = [
      "olá 😀",
      "",
      "\u{1F600}\0end",
      0,
      -1.25,
      2 ** 53,
      Number.NaN,
      true,
      false,
      null,
      undefined,
      2n ** 62n,
      new Uint8Array([0, 255, 7]),
      Buffer.from("bytes"),
    ] as const;
    const rows = Array.from(
      { length: 20_000 },
      (_, k) => [k, values[k % values.length], values[(k * 7) % values.length]] as const,
    );
    await db.executemany("insert into v values (?, ?, ?)", rows);
    // The same rows one execute each, around the ends of the parts (8,192 rows each).
    const sample = rows.filter(([k]) => k % 8192 < 200 || k % 8192 > 7992 || k > 19_800);
    const expected = await sqlite.connect(":memory:");
    try {
      await expected.execute("create table v(k integer, a, b)");
      for (const row of sample) await expected.execute("insert into v values (?, ?, ?)", row);
      const query = `select k, a, typeof(a), b, typeof(b) from v where k in (${sample.map(([k]) => k).join()}) order by k`;
      const got = await db.executeFetchall(query);
      assert.equal(got.length, sample.length);
      assert.deepEqual(got, await expected.executeFetchall(query));
    } finally {
      await expected.close();
    }
  }),
);

// mirrors test_dbapi.CursorTests.test_cursor_executemany... (a long executemany, sent in parts)
test(
  "a long executemany: every row, rowcount summed; an error stops it where Python's does",
  asyncioTest(async () => {
    await using db = await memory();
    const rows = Array.from({ length: 20_000 }, (_, i) => [`n${i}`, i]);
    const cursor = await db.executemany("insert into test(name, income) values (?, ?)", rows);
    assert.equal(cursor.rowcount, 20_000);
    await db.rollback();
    // Row 15,000 repeats a name: the rows before it stay inserted, the rest are not run.
    rows[15_000] = ["n0", 0];
    await assert.rejects(db.executemany("insert into test(name, income) values (?, ?)", rows), {
      name: "IntegrityError",
    });
    assert.deepEqual(await db.executeFetchall("select count(*) from test"), [[15_000]]);
    assert.equal(db.inTransaction, true);
  }),
);
