"""Echo ping-pong over 127.0.0.1 with asyncio streams: C connections, each sending R lines of
L bytes one at a time and awaiting each echo; prints one JSON line of run times (ms) and the
median requests per second."""
import asyncio
import json
import statistics
import sys
import time

C = int(sys.argv[1]) if len(sys.argv) > 1 else 50
R = int(sys.argv[2]) if len(sys.argv) > 2 else 400
L = int(sys.argv[3]) if len(sys.argv) > 3 else 42
LINE = b"p" * (L - 1) + b"\n"


async def echo(reader, writer):
    while True:
        line = await reader.readline()
        if not line:
            break
        writer.write(line)
        await writer.drain()
    writer.close()


async def client(reader, writer):
    for _ in range(R):
        writer.write(LINE)
        await writer.drain()
        reply = await reader.readline()
        if len(reply) != L:
            raise RuntimeError("short reply")


async def main():
    server = await asyncio.start_server(echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    connections = await asyncio.gather(
        *(asyncio.open_connection("127.0.0.1", port) for _ in range(C))
    )
    times = []
    for run in range(6):
        start = time.perf_counter()
        await asyncio.gather(*(client(r, w) for r, w in connections))
        if run > 0:  # the first run warms up
            times.append((time.perf_counter() - start) * 1000)
    for _, writer in connections:
        writer.close()
    await asyncio.gather(*(w.wait_closed() for _, w in connections))
    server.close()
    await server.wait_closed()
    return times


ms = asyncio.run(main())
print(json.dumps({"ms": ms, "requestsPerSecond": C * R / (statistics.median(ms) / 1000)}))
