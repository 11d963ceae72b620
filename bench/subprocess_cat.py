"""CHUNKS chunks of CHUNK bytes through `cat` with asyncio.create_subprocess_exec, a new cat a
run, timed from the spawn until the exit and the last byte. "whole": communicate(data);
"chunks": one task writing each chunk and awaiting drain(), then closing stdin, while another
counts stdout with read(65536). Prints one JSON line of run times (ms) and the median MB/s."""
import asyncio
import json
import statistics
import sys
import time

SHAPE = sys.argv[1] if len(sys.argv) > 1 else "whole"
CHUNK = int(sys.argv[2]) if len(sys.argv) > 2 else 64 * 1024
CHUNKS = int(sys.argv[3]) if len(sys.argv) > 3 else 1600
TOTAL = CHUNK * CHUNKS
chunk = b"a" * CHUNK
data = chunk * CHUNKS
PIPE = asyncio.subprocess.PIPE


async def whole():
    process = await asyncio.create_subprocess_exec("cat", stdin=PIPE, stdout=PIPE)
    stdout, _ = await process.communicate(data)
    return len(stdout), process.returncode


async def chunks():
    process = await asyncio.create_subprocess_exec("cat", stdin=PIPE, stdout=PIPE)

    async def write():
        for _ in range(CHUNKS):
            process.stdin.write(chunk)
            await process.stdin.drain()
        process.stdin.close()
        await process.stdin.wait_closed()

    async def read():
        received = 0
        while True:
            got = await process.stdout.read(65536)
            if not got:
                return received
            received += len(got)

    _, received = await asyncio.gather(write(), read())
    return received, await process.wait()


async def main():
    shape = whole if SHAPE == "whole" else chunks
    times = []
    for run in range(7):
        start = time.perf_counter()
        received, status = await shape()
        if run > 1:  # the first two runs warm up
            times.append((time.perf_counter() - start) * 1000)
        if received != TOTAL or status != 0:
            raise RuntimeError(f"received {received} bytes of {TOTAL}, status {status}")
    return times


ms = asyncio.run(main())
print(json.dumps({"ms": ms, "megabytesPerSecond": TOTAL / 1e6 / (statistics.median(ms) / 1000)}))
