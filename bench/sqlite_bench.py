"""CPython's sqlite3 through asyncio.to_thread (aiosqlite's approach) on one connection.

The loop's default executor has one thread, as aiosqlite gives each connection one thread: a
sqlite3 connection used from several threads at once fails ("bad parameter or other API
misuse").

Arguments: many|inserts|selects|roundtrip, the database file. Prints one JSON line of run
times in milliseconds (see bench/sqlite.bench.ts for what each mode times).
"""
import asyncio
import json
import sqlite3
import sys
import time
from concurrent.futures import ThreadPoolExecutor

MODE = sys.argv[1]
PATH = sys.argv[2]
ROWS = 100_000
TASKS = 10
ROUND_TRIPS = 10_000
RUNS = 5
WARMUP = 1


def fresh_table(con):
    con.execute("drop table if exists t")
    con.execute("create table t(id integer primary key, name text, value real)")
    con.commit()


async def many(con):
    rows = [(f"name {i}", i * 0.5) for i in range(ROWS)]
    await asyncio.to_thread(con.executemany, "insert into t(name, value) values (?, ?)", rows)
    await asyncio.to_thread(con.commit)


async def inserts(con):
    async def task(k):
        for i in range(k, ROWS, TASKS):
            await asyncio.to_thread(
                con.execute, "insert into t(name, value) values (?, ?)", (f"name {i}", i * 0.5)
            )

    await asyncio.gather(*[task(k) for k in range(TASKS)])
    await asyncio.to_thread(con.commit)


async def selects(con):
    def one(i):
        return con.execute("select name, value from t where id = ?", (i,)).fetchone()

    async def task(k):
        for i in range(k, ROWS, TASKS):
            row = await asyncio.to_thread(one, i + 1)
            assert row is not None

    await asyncio.gather(*[task(k) for k in range(TASKS)])


async def roundtrip(con):
    def one():
        return con.execute("select 1").fetchall()

    for _ in range(ROUND_TRIPS):
        await asyncio.to_thread(one)


async def main():
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=1))
    con = sqlite3.connect(PATH, check_same_thread=False)
    fill = MODE in ("selects", "roundtrip")
    fresh_table(con)
    if fill:
        await many(con)
    times = []
    for run in range(WARMUP + RUNS):
        if not fill:
            fresh_table(con)
        start = time.perf_counter()
        await {"many": many, "inserts": inserts, "selects": selects, "roundtrip": roundtrip}[MODE](con)
        if run >= WARMUP:
            times.append((time.perf_counter() - start) * 1000)
    con.close()
    return times


print(json.dumps({"ms": asyncio.run(main())}))
