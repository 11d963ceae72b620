#!/usr/bin/env node
/**
 * The `asyncio-ts` command (the package's `bin`): `repl` (the default), `ps PID`, `pstree PID`,
 * `worker` (in worker.ts, loaded only for that command).
 */
import { AttachError, readSnapshot } from "./inspector.js";
import { formatTaskTable } from "./ps.js";
import { AwaitCycleError, formatAwaitTrees } from "./pstree.js";
import { runRepl } from "./repl.js";
import { packageVersion } from "./version.js";

const USAGE = `usage: asyncio-ts [repl | ps PID | pstree PID | worker ...] [--help] [--version]

Python's asyncio for TypeScript on Node.js: the command.

commands:
  repl        a Node REPL whose every input runs as a task of one running loop,
              with top-level await and asyncio in scope (the default)
  ps PID      the pending tasks of another Node process that uses asyncio-ts
  pstree PID  the await tree of the tasks of that process
  worker      runs the jobs of a QueueExecutor's queue (asyncio-ts/distributed):
              --redis URL --queue NAME [--concurrency N] [--module PATH ...]

Run "asyncio-ts <command> --help" for a command's options.`;

const REPL_USAGE = `usage: asyncio-ts repl

Starts a REPL running in an asyncio-ts event loop, as "python -m asyncio" does:
every input runs as a task of the loop (asyncio.currentTask() is that task), "await"
works at the top level, and "asyncio" is in scope. Tasks created by an input go on
running while the next one is typed. Ctrl-C cancels the input running; .exit ends
the session and cancels the tasks left. History: ~/.asyncio_ts_history
(ASYNCIO_TS_HISTORY sets another file, empty for none).`;

function attachUsage(command: "ps" | "pstree"): string {
  const what =
    command === "ps"
      ? 'Prints the pending tasks of process PID: id, name, function, state and the tasks\nawaiting each (one row per awaiter), as "python -m asyncio ps" does.'
      : 'Prints the await tree of process PID: each task with the tasks it awaits below it,\nas "python -m asyncio pstree" does.';
  return `usage: asyncio-ts ${command} [--json] [--timeout SECONDS] PID

${what}

The target needs no flag: the command opens its inspector (as SIGUSR1 does), reads
the snapshot asyncio-ts keeps, and closes the inspector again. While it reads, the
inspector listens on 127.0.0.1 (port 9229 by default), where any local user could
connect to it.

options:
  --json               print the snapshot as JSON
  --timeout SECONDS    how long to wait for the process (default 5)
  -h, --help           show this help`;
}

class UsageError extends Error {}

async function attachCommand(command: "ps" | "pstree", args: string[]): Promise<number> {
  let pid: number | undefined;
  let json = false;
  let timeoutMs = 5000;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "-h" || arg === "--help") {
      console.log(attachUsage(command));
      return 0;
    }
    if (arg === "--json") {
      json = true;
    } else if (arg === "--timeout") {
      const seconds = Number(args[++i]);
      if (!Number.isFinite(seconds) || seconds <= 0) {
        throw new UsageError("--timeout takes a positive number of seconds");
      }
      timeoutMs = seconds * 1000;
    } else if (/^\d+$/.test(arg) && pid === undefined) {
      pid = Number(arg);
    } else {
      throw new UsageError(`unexpected argument: ${arg}`);
    }
  }
  if (pid === undefined) throw new UsageError("the PID of the process is missing");
  const snapshot = await readSnapshot(pid, { timeoutMs });
  if (json) {
    console.log(JSON.stringify(snapshot, null, 2));
  } else if (command === "ps") {
    console.log(formatTaskTable(snapshot));
  } else {
    console.log(formatAwaitTrees(snapshot));
  }
  return 0;
}

async function main(args: string[]): Promise<number> {
  const [command = "repl", ...rest] = args;
  try {
    switch (command) {
      case "-h":
      case "--help":
        console.log(USAGE);
        return 0;
      case "--version":
        console.log(packageVersion());
        return 0;
      case "repl":
        if (rest.includes("-h") || rest.includes("--help")) {
          console.log(REPL_USAGE);
          return 0;
        }
        if (rest.length > 0) throw new UsageError(`unexpected argument: ${rest[0]}`);
        await runRepl();
        return 0;
      case "ps":
      case "pstree":
        return await attachCommand(command, rest);
      case "worker": {
        const { workerCommand, WorkerUsageError } = await import("./worker.js");
        try {
          return await workerCommand(rest);
        } catch (error) {
          if (!(error instanceof WorkerUsageError)) throw error;
          console.error(
            `asyncio-ts worker: ${error.message}\n\n${"usage: asyncio-ts worker --redis URL --queue NAME [options] (see --help)"}`,
          );
          return 2;
        }
      }
      default:
        throw new UsageError(`unknown command: ${command}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`asyncio-ts: ${error.message}\n\n${USAGE.split("\n")[0]}`);
      return 2;
    }
    if (error instanceof AttachError) {
      console.error(`asyncio-ts ${command}: ${error.message}`);
      return 1;
    }
    if (error instanceof AwaitCycleError) {
      console.error(`asyncio-ts ${command}: ERROR: ${error.message}`);
      for (const cycle of error.cycles) console.error(`cycle: ${cycle.join(" → ")}`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
