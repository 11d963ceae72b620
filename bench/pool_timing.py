"""Timing shared by the executor benchmarks: warm a pool, then time batches of jobs on it."""
import asyncio
import json
import time


def report_batch_times(make_pool, batch, warmup, runs):
    """Runs `batch(loop, pool)` `warmup` times unmeasured, then `runs` times, each timed, inside
    one pool made by `make_pool()`, and prints the run times in milliseconds as one JSON line."""

    async def main():
        loop = asyncio.get_running_loop()
        with make_pool() as pool:
            for _ in range(warmup):
                await batch(loop, pool)
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                await batch(loop, pool)
                times.append((time.perf_counter() - start) * 1000)
        return times

    print(json.dumps({"ms": asyncio.run(main())}))
