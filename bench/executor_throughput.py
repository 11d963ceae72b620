"""10,000 tiny jobs (a + b) through loop.run_in_executor with a pool of 2 threads or 2 processes.

Arguments: thread|process, the number of jobs, the number of workers. The pool is started and
warmed before timing; each run times only the submission and the gathering of the jobs. Prints
one JSON line of run times.
"""
import asyncio
import sys
from pool_timing import report_batch_times
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

KIND = sys.argv[1] if len(sys.argv) > 1 else "thread"
N = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
WORKERS = int(sys.argv[3]) if len(sys.argv) > 3 else 2
RUNS = 5
WARMUP = 2


def add(a, b):
    return a + b


async def batch(loop, pool):
    results = await asyncio.gather(*[loop.run_in_executor(pool, add, i, 1) for i in range(N)])
    assert sum(results) == N * (N - 1) // 2 + N


if __name__ == "__main__":
    executor = ThreadPoolExecutor if KIND == "thread" else ProcessPoolExecutor
    report_batch_times(lambda: executor(max_workers=WORKERS), batch, WARMUP, RUNS)
