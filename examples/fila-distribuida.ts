/**
 * CPU-bound jobs spread over two worker processes through a Redis queue: the same calling code
 * as with a `ProcessPoolExecutor`, but the workers (`asyncio-ts worker`) could be on other
 * machines. Counts the primes below 2,000,000 in 8 slices.
 *
 * Python: Celery or arq — `group(count.s(a, b) for …)()` / `await redis.enqueue_job("count", a, b)`
 * with `celery worker` / `arq WorkerSettings` processes; here `executor.map(job, items)`.
 *
 * Run: `node build/examples/fila-distribuida.js [redis://host:port]` (or REDIS_URL=…). Without
 * a URL it starts its own redis-server on a free port in a temporary directory (Debian:
 * `apt-get install redis-server`), then two workers, and stops them all at the end.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";
import { QueueExecutor } from "asyncio-ts/distributed";
import { freePort, REDIS_BINARY, redisServerArgs } from "./shared/redisServer.js";

const COMMAND = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url)); // npx asyncio-ts
const TAREFAS = new URL("./fila-distribuida-tarefas.js", import.meta.url);
const LIMITE = 2_000_000;
const FATIAS = 8;

/** Starts `command args` and resolves once its output matches `ready`. */
async function start(command: string, args: string[], ready: RegExp): Promise<ChildProcess> {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    let output = "";
    child.on("error", reject);
    child.on("exit", (code) =>
      reject(new Error(`${command} exited (${code}) before it was ready`)),
    );
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
      if (ready.test(output)) resolve();
    });
  });
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

export async function main(): Promise<void> {
  const children: ChildProcess[] = [];
  let dir: string | null = null;
  try {
    let url = process.argv[2] ?? process.env.REDIS_URL;
    if (url === undefined) {
      const port = await asyncio.wrap(freePort());
      dir = mkdtempSync(join(tmpdir(), "fila-distribuida-"));
      children.push(
        await asyncio.wrap(start(REDIS_BINARY, redisServerArgs(port, dir), /Ready to accept/)),
      );
      url = `redis://127.0.0.1:${port}`;
    }
    const queue = `primos-${process.pid}`;
    const worker = ["worker", "--redis", url, "--queue", queue, "--module", fileURLToPath(TAREFAS)];
    const workers = await asyncio.gather(
      asyncio.wrap(start(process.execPath, [COMMAND, ...worker], /: ready/)),
      asyncio.wrap(start(process.execPath, [COMMAND, ...worker], /: ready/)),
    );
    children.push(...workers);
    console.log("2 workers prontos");

    await using executor = new QueueExecutor({ connection: url, queue });
    const job = { module: TAREFAS, export: "contarPrimos" };
    const passo = LIMITE / FATIAS;
    const fatias = Array.from({ length: FATIAS }, (_, i) => [i * passo, (i + 1) * passo]);
    // The same calling code as with a local pool: submit one job per slice, in order.
    const resultados = await asyncio.gather(
      ...fatias.map(([inicio, fim]) =>
        executor.submit<{ primos: number; pid: number }>(job, inicio, fim),
      ),
    );
    const porWorker = new Map<number, number>();
    for (const { pid } of resultados) porWorker.set(pid, (porWorker.get(pid) ?? 0) + 1);
    const total = resultados.reduce((soma, { primos }) => soma + primos, 0);
    console.log(`primos abaixo de ${LIMITE}: ${total}`);
    console.log(`fatias por worker: ${[...porWorker.values()].sort().join(" + ")} = ${FATIAS}`);
  } finally {
    for (const child of children.reverse()) await asyncio.wrap(stop(child));
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
