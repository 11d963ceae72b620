/**
 * The SQLite example prints what its Python twin (aiosqlite, or sqlite3 through
 * asyncio.to_thread) prints under CPython 3.13. It runs as a program of its own in a fresh
 * temporary directory, where it creates banco.db, so every run starts from an empty database.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { runExample } from "./runExample.js";

test("banco-mensagens: the ten messages, as Python's list of tuples", async () => {
  const { lines, stderr } = await runExample("banco-mensagens");
  const rows = Array.from({ length: 10 }, (_, i) => `(${i + 1}, 'Mensagem ${i}')`);
  assert.deepEqual(lines, [`[${rows.join(", ")}]`]);
  assert.equal(stderr, "");
});
