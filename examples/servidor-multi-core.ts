/**
 * One port served by one process per core: every process listens with `reusePort: true` and
 * the kernel spreads the connections among them (Linux, Node 22.12+ or 23.1+). The servers run
 * as jobs of a `ProcessPoolExecutor`; cancelling the jobs stops them, processes included.
 *
 * Python: `asyncio.start_server(handle, host, port, reuse_port=True)` in each process of a pool.
 *
 * Run: `node build/examples/servidor-multi-core.js`.
 */
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

/** Answers each line with the id of the process that served it. */
async function answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter): Promise<void> {
  for await (const _ of reader) {
    writer.write(`${process.pid}\n`);
    await writer.drain();
  }
  writer.close();
}

/** A job: serve `port` in this worker process until the job is cancelled. */
export async function serve(port: number): Promise<void> {
  await asyncio.run(async () => {
    const server = await asyncio.startServer(answer, "127.0.0.1", port, { reusePort: true });
    await server.serveForever();
  });
}

export async function main(processes = Math.min(4, availableParallelism())): Promise<void> {
  // This process holds the port first (with reusePort too), so the workers can share it.
  await using server = await asyncio.startServer(answer, "127.0.0.1", 0, { reusePort: true });
  const [, port] = (server.sockets[0]?.getsockname() ?? []) as [string, number];
  console.log(`${processes} processos de trabalho servindo a mesma porta`);
  await using pool = new asyncio.ProcessPoolExecutor({ maxWorkers: processes });
  const jobs = Array.from({ length: processes }, () =>
    pool.submit({ module: import.meta.url, export: "serve" }, port),
  );
  // Connect until every worker has answered (the kernel picks a process per connection).
  const workers = new Set<string>();
  for (let i = 0; i < 2000 && workers.size < processes; i++) {
    const [reader, writer] = await asyncio.openConnection("127.0.0.1", port);
    writer.write("quem?\n");
    const pid = (await reader.readline()).toString().trim();
    if (pid !== String(process.pid)) workers.add(pid);
    writer.close();
    await writer.waitClosed();
  }
  console.log(`${workers.size} de ${processes} processos responderam`);
  for (const job of jobs) job.cancel();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(() => main());
