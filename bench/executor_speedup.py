"""CPU-bound jobs through loop.run_in_executor with a ProcessPoolExecutor of 1 or 2 processes.

Arguments: the number of workers, the number of jobs, the iterations of each job's loop. One
unmeasured batch starts and warms the pool; each run times one batch. Prints one JSON line of
run times.
"""
import asyncio
import sys
from pool_timing import report_batch_times
from concurrent.futures import ProcessPoolExecutor

WORKERS = int(sys.argv[1]) if len(sys.argv) > 1 else 2
JOBS = int(sys.argv[2]) if len(sys.argv) > 2 else 8
ITERATIONS = int(sys.argv[3]) if len(sys.argv) > 3 else 600_000
RUNS = 3


def burn(n):
    x = 2463534242
    for _ in range(n):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
    return x


async def batch(loop, pool):
    results = await asyncio.gather(
        *[loop.run_in_executor(pool, burn, ITERATIONS) for _ in range(JOBS)]
    )
    assert len(set(results)) == 1


if __name__ == "__main__":
    report_batch_times(lambda: ProcessPoolExecutor(max_workers=WORKERS), batch, 1, RUNS)
