/**
 * Python's `sqlite3` transaction rules, as CPython's Lib/test/test_sqlite3/test_transactions.py
 * checks them, here through two connections (each on its own thread) to one file.
 *
 * Not mirrored: IsolationLevelFromInit/IsolationLevelPostInit (they read a trace callback,
 * which this module does not offer; the kind of BEGIN is checked here through the locks it
 * takes), RollbackTests (about CPython's statement cache and `del cursor`),
 * test_multiple_cursors_and_iternext (gh-94028, a CPython cursor-cache bug), SpecialCommandTests
 * (pragma count_changes is gone from SQLite).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as sqlite from "asyncio-ts/sqlite";
import { asyncioTest } from "asyncio-ts/testing";
import { scratchDirectory } from "./sqliteHelpers.js";

const scratch = scratchDirectory("transactions");

/** Two connections to one new file, without busy waits (CPython's setUp: timeout=0). */
async function twoConnections(): Promise<[sqlite.Connection, sqlite.Connection] & AsyncDisposable> {
  const path = scratch.file("transactions.db");
  const con1 = await sqlite.connect(path, { timeout: 0 });
  const con2 = await sqlite.connect(path, { timeout: 0 });
  return Object.assign([con1, con2] as [sqlite.Connection, sqlite.Connection], {
    async [Symbol.asyncDispose]() {
      await con1.close();
      await con2.close();
    },
  });
}

// mirrors test_transactions.TransactionTests.test_dml_does_not_auto_commit_before
test(
  "DDL after an INSERT does not commit it",
  asyncioTest(async () => {
    await using pair = await twoConnections();
    const [con1, con2] = pair;
    await con1.execute("create table test(i)");
    await con1.execute("insert into test(i) values (5)");
    await con1.execute("create table test2(j)");
    assert.deepEqual(await con2.executeFetchall("select i from test"), []);
  }),
);

// mirrors test_transactions.TransactionTests.test_insert_starts_transaction
test(
  "an INSERT begins a transaction the other connection does not see",
  asyncioTest(async () => {
    await using pair = await twoConnections();
    const [con1, con2] = pair;
    await con1.execute("create table test(i)");
    assert.equal(con1.inTransaction, false);
    await con1.execute("insert into test(i) values (5)");
    assert.equal(con1.inTransaction, true);
    assert.deepEqual(await con2.executeFetchall("select i from test"), []);
    await con1.commit();
    assert.equal(con1.inTransaction, false);
    assert.deepEqual(await con2.executeFetchall("select i from test"), [[5]]);
  }),
);

// mirrors test_transactions.TransactionTests.test_update_starts_transaction,
// test_delete_starts_transaction and test_replace_starts_transaction
test(
  "UPDATE, DELETE and REPLACE (after comments and spaces) begin a transaction",
  asyncioTest(async () => {
    await using pair = await twoConnections();
    const [con1, con2] = pair;
    await con1.execute("create table test(i)");
    await con1.execute("insert into test(i) values (5)");
    await con1.commit();
    for (const sql of [
      "update test set i=6",
      "  -- a comment\n /* another */ delete from test",
      "REPLACE into test(i) values (6)",
    ]) {
      await con1.execute(sql);
      assert.equal(con1.inTransaction, true, sql);
      assert.deepEqual(await con2.executeFetchall("select i from test"), [[5]], sql);
      await con1.rollback();
      assert.equal(con1.inTransaction, false);
    }
  }),
);

// mirrors test_transactions.TransactionTests.test_toggle_auto_commit
test(
  "isolationLevel null commits and turns autocommit on; a level turns it off",
  asyncioTest(async () => {
    await using pair = await twoConnections();
    const [con1, con2] = pair;
    await con1.execute("create table test(i)");
    await con1.execute("insert into test(i) values (5)");
    con1.isolationLevel = null;
    assert.equal(con1.isolationLevel, null);
    // The setter is queued behind con1's calls: con1's next call has seen it.
    await con1.executeFetchall("select 1");
    assert.equal(con1.inTransaction, false);
    assert.equal((await con2.executeFetchall("select i from test")).length, 1);
    await con1.execute("insert into test(i) values (6)");
    assert.equal(con1.inTransaction, false);
    assert.equal((await con2.executeFetchall("select i from test")).length, 2);

    await con1.setIsolationLevel("DEFERRED");
    assert.equal(con1.isolationLevel, "DEFERRED");
    await con1.execute("insert into test(i) values (5)");
    assert.equal(con1.inTransaction, true);
    assert.equal((await con2.executeFetchall("select i from test")).length, 2);
  }),
);

// mirrors test_transactions.TransactionTests.test_raise_timeout and test_locking
test(
  "a write while the other connection writes fails with 'database is locked'",
  asyncioTest(async () => {
    await using pair = await twoConnections();
    const [con1, con2] = pair;
    await con1.execute("create table test(i)");
    await con1.execute("insert into test(i) values (5)");
    await assert.rejects(con2.execute("insert into test(i) values (5)"), (error: unknown) => {
      assert.ok(error instanceof sqlite.OperationalError);
      assert.equal(error.message, "database is locked");
      assert.equal(error.sqliteErrorname, "SQLITE_BUSY");
      assert.equal(error.sqliteErrorcode, 5);
      return true;
    });
    // No rollback on con2 is needed before con1 commits.
    await con1.commit();
  }),
);

// mirrors test_transactions.TransactionTests.test_rollback_cursor_consistency
test(
  "a cursor keeps its rows across a rollback",
  asyncioTest(async () => {
    await using con = await sqlite.connect(":memory:");
    const cur = await con.cursor();
    await cur.execute("create table test(x)");
    await cur.execute("insert into test(x) values (5)");
    await cur.execute("select 1 union select 2 union select 3");
    await con.rollback();
    assert.deepEqual(await cur.fetchall(), [[1], [2], [3]]);
  }),
);

// mirrors test_transactions.TransactionalDDL.test_ddl_does_not_autostart_transaction
test(
  "DDL does not begin a transaction",
  asyncioTest(async () => {
    await using con = await sqlite.connect(":memory:");
    await con.execute("create table test(i)");
    assert.equal(con.inTransaction, false);
    await con.rollback();
    assert.deepEqual(await con.executeFetchall("select * from test"), []);
  }),
);

// mirrors test_transactions.TransactionalDDL.test_transactional_ddl and test_immediate_transactional_ddl
test(
  "an explicit BEGIN makes DDL transactional",
  asyncioTest(async () => {
    await using con = await sqlite.connect(":memory:");
    for (const begin of ["begin", "begin immediate"]) {
      await con.execute(begin);
      await con.execute("create table test(i)");
      await con.rollback();
      await assert.rejects(con.execute("select * from test"), {
        name: "OperationalError",
        message: "no such table: test",
      });
    }
  }),
);

// mirrors test_transactions.IsolationLevelFromInit (the kind of BEGIN, seen through its locks)
test(
  "isolationLevel IMMEDIATE takes the write lock at the implicit BEGIN; null takes none",
  asyncioTest(async () => {
    const path = scratch.file("levels.db");
    {
      await using setup = await sqlite.connect(path);
      await setup.execute("create table t(t)");
      await setup.execute("create table u(u)");
    }
    await using immediate = await sqlite.connect(path, { isolationLevel: "IMMEDIATE", timeout: 0 });
    await using other = await sqlite.connect(path, { timeout: 0 });
    // A DEFERRED transaction would take the write lock only at the INSERT; IMMEDIATE takes it
    // at BEGIN, as the other connection sees at once.
    await immediate.execute("insert into t values(1)");
    await assert.rejects(other.execute("insert into u values(1)"), {
      message: "database is locked",
    });
    await immediate.commit();
    await using auto = await sqlite.connect(path, { isolationLevel: null });
    await auto.execute("insert into t values(2)");
    assert.equal(auto.inTransaction, false);
    assert.deepEqual(await other.executeFetchall("select count(*) from t"), [[2]]);
    assert.throws(() => sqlite.connect(path, { isolationLevel: "SOON" as "" }), RangeError);
  }),
);

// mirrors test_dbapi.ConnectionTests.test_in_transaction and Python's close() (no implicit commit)
test(
  "close() without commit() rolls the transaction back",
  asyncioTest(async () => {
    const path = scratch.file("close-rollback.db");
    {
      await using db = await sqlite.connect(path);
      await db.execute("create table t(x)");
      await db.execute("insert into t values (1)");
      await db.commit();
      await db.execute("insert into t values (2)");
      assert.equal(db.inTransaction, true);
    }
    await using db = await sqlite.connect(path);
    assert.deepEqual(await db.executeFetchall("select x from t"), [[1]]);
  }),
);

// mirrors test_dbapi.CursorTests.test_executescript... and Python's executescript() commit
test(
  "executescript() commits an open transaction first",
  asyncioTest(async () => {
    const path = scratch.file("script.db");
    await using db = await sqlite.connect(path);
    await using other = await sqlite.connect(path);
    await db.executescript("create table t(x); create table u(y);");
    await db.execute("insert into t values (1)");
    assert.equal(db.inTransaction, true);
    await db.executescript("insert into u values (2); insert into u values (3);");
    assert.equal(db.inTransaction, false);
    assert.deepEqual(
      await other.executeFetchall("select (select count(*) from t), (select count(*) from u)"),
      [[1, 2]],
    );
  }),
);
