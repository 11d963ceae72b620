/**
 * A database on disk through `asyncio-ts/sqlite` (aiosqlite's twin): one coroutine creates
 * the table, one inserts ten messages, one reads them back with `for await` over a cursor.
 *
 * Python (`aiosqlite`):
 * `async with aiosqlite.connect(db_name) as db:`, `await db.execute(...)`,
 * `await db.commit()`, `async with db.execute("SELECT ...") as cursor:`,
 * `return [row async for row in cursor]`; `print(dados)` shows a list of tuples.
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";
import * as sqlite from "asyncio-ts/sqlite";
import { pythonRepr } from "./python-repr.js";

// Cria uma corotina para criar as tabelas
async function criarTabelas(dbName: string, tableName: string): Promise<void> {
  await using db = await sqlite.connect(dbName);
  // A table's name cannot be a parameter; values can, and are bound below.
  await db.execute(
    `CREATE TABLE IF NOT EXISTS ${tableName} (id INTEGER PRIMARY KEY, mensagem TEXT)`,
  );
  await db.commit();
}

// Insere alguns dados aleatórios em uma tabela
async function inserirDados(dbName: string, tableName: string): Promise<void> {
  await using db = await sqlite.connect(dbName);
  for (let i = 0; i < 10; i++) {
    await db.execute(`INSERT INTO ${tableName} (mensagem) VALUES (?)`, [`Mensagem ${i}`]);
  }
  await db.commit();
}

// Pega dados que estão na tabela
async function pegarDados(dbName: string, tableName: string): Promise<sqlite.Row[]> {
  await using db = await sqlite.connect(dbName);
  await using cursor = await db.execute(`SELECT * FROM ${tableName}`);
  const rows: sqlite.Row[] = [];
  for await (const row of cursor) rows.push(row);
  return rows;
}

/** Python prints each row as a tuple: `(1, 'Mensagem 0')`. */
function tupleRepr(row: sqlite.Row): string {
  return `(${row.map(pythonRepr).join(", ")})`;
}

// Função principal
export async function main(): Promise<void> {
  const dbName = "banco.db";
  const tableName = "mensagens";
  await criarTabelas(dbName, tableName);
  await inserirDados(dbName, tableName);
  const dados = await pegarDados(dbName, tableName);
  console.log(`[${dados.map(tupleRepr).join(", ")}]`);
}

// Roda a função principal
if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
