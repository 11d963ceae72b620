/**
 * Spawn and wait: 500 `/bin/true` children, at most 50 running at a time (50 workers, each
 * starting a child and awaiting its exit until 500 have run). asyncio-ts
 * (`createSubprocessExec` then `wait()`, stdio inherited) against raw Node
 * (`child_process.spawn` with stdio inherited, resolved on 'exit'), execa 9 (with stdio
 * inherited as the others, and with its defaults: output piped and buffered) and CPython's
 * `create_subprocess_exec` (bench/subprocess_spawn.py, the same counts).
 *
 * A second report asks whether a cheaper spawn path exists on Linux from Node: `spawn` with
 * stdio ignored, `spawn` detached (a new session), and a long-lived helper that starts the
 * children on request over a pipe and reports each exit back: a `/bin/sh` loop (dash here), a
 * second Node process calling `spawn`, a Python helper calling `os.posix_spawn` and a C one
 * calling `posix_spawn` (both vfork-like in glibc, so their cost does not grow with the size of
 * the parent, as a fork of Node's does). Helpers are started before timing.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import * as asyncio from "asyncio-ts";
import { execa } from "execa";
import type { Measurement, Report } from "./harness.js";
import {
  measureInChild,
  measurePython,
  median,
  newestPython,
  runVariantIfAsked,
  timeRuns,
} from "./harness.js";

const CHILDREN = 500;
const AT_A_TIME = 50;
const PROCESSES = 2;
const RUNS = 7;
const WARMUP = 2;
const PROGRAM = "/bin/true";

/** Runs CHILDREN calls of `one`, AT_A_TIME at a time. */
async function children(one: () => Promise<unknown>): Promise<void> {
  let started = 0;
  const worker = async () => {
    while (started < CHILDREN) {
      started++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: AT_A_TIME }, worker));
}

/** One raw child: resolved on 'exit' with status 0. */
function rawChild(options: Parameters<typeof spawn>[2]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(PROGRAM, [], options);
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${PROGRAM} exited with ${code}`)),
    );
  });
}

/**
 * A long-lived helper process that starts a child for each request line ("<id>\n") and answers
 * "<id> <status>\n" once it exited. Requests and answers are matched by id.
 */
class Spawner {
  readonly #helper: ChildProcess;
  readonly #waiting = new Map<number, (status: string) => void>();
  #next = 0;

  constructor(command: string, args: string[], env?: NodeJS.ProcessEnv) {
    this.#helper = spawn(command, args, { stdio: ["pipe", "pipe", "inherit"], env });
    const stdout = this.#helper.stdout;
    if (stdout === null) throw new Error("no stdout");
    createInterface({ input: stdout }).on("line", (line) => {
      const space = line.indexOf(" ");
      const id = Number(line.slice(0, space));
      const resolve = this.#waiting.get(id);
      this.#waiting.delete(id);
      resolve?.(line.slice(space + 1));
    });
  }

  async run(): Promise<void> {
    const id = this.#next++;
    const status = await new Promise<string>((resolve) => {
      this.#waiting.set(id, resolve);
      this.#helper.stdin?.write(`${id}\n`);
    });
    if (status !== "0") throw new Error(`${PROGRAM} exited with ${status}`);
  }

  close(): Promise<unknown> {
    const closed = new Promise((resolve) => this.#helper.once("close", resolve));
    this.#helper.stdin?.end();
    return closed;
  }
}

/**
 * dash: each request runs in a background subshell, which forks and execs the program and
 * echoes its status (one write of a few bytes, atomic on a pipe).
 */
const SH_SPAWNER = `while read -r id; do { ${PROGRAM}; echo "$id $?"; } & done; wait`;

/**
 * Python: `os.posix_spawn` for each request on the main thread; a second thread reaps the
 * children with `os.wait()` and writes the answers.
 */
const PYTHON_SPAWNER = `
import os, sys, threading
ids = {}
lock = threading.Lock()
running = threading.Semaphore(0)
def reap():
    while True:
        running.acquire()
        pid, status = os.wait()
        with lock:
            key = ids.pop(pid)
        os.write(1, b"%d %d\\n" % (key, os.waitstatus_to_exitcode(status)))
threading.Thread(target=reap, daemon=True).start()
for line in sys.stdin.buffer:
    with lock:
        pid = os.posix_spawn("${PROGRAM}", ["${PROGRAM}"], os.environ)
        ids[pid] = int(line)
    running.release()
`;

/** Node: `spawn` in a second Node process, which is then the one paying for the forks. */
const NODE_SPAWNER = `
const { spawn } = require("node:child_process");
require("node:readline").createInterface({ input: process.stdin }).on("line", (id) => {
  spawn("${PROGRAM}", [], { stdio: "inherit" }).once("exit", (code) => {
    process.stdout.write(id + " " + code + "\\n");
  });
});
`;

/**
 * C: `posix_spawn` on the main thread, a second thread reaping with `wait()`; compiled with the
 * machine's `cc` before timing (the row is n/a without one). What a native spawner would cost.
 */
const C_SPAWNER = `
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
extern char **environ;
static long ids[1 << 22];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static void *reap(void *unused) {
  for (;;) {
    int status;
    pid_t pid = wait(&status);
    if (pid < 0) { usleep(100); continue; }
    pthread_mutex_lock(&lock);
    long id = ids[pid];
    pthread_mutex_unlock(&lock);
    char line[48];
    int n = snprintf(line, sizeof line, "%ld %d\\n", id, WEXITSTATUS(status));
    if (write(1, line, n) != n) exit(1);
  }
  return unused;
}
int main(void) {
  pthread_t reaper;
  pthread_create(&reaper, 0, reap, 0);
  char line[48], *argv[] = {"${PROGRAM}", 0};
  while (fgets(line, sizeof line, stdin)) {
    pid_t pid;
    pthread_mutex_lock(&lock);
    if (posix_spawn(&pid, "${PROGRAM}", 0, 0, argv, environ) != 0) exit(1);
    ids[pid] = atol(line);
    pthread_mutex_unlock(&lock);
  }
  return 0;
}
`;

/** Compiles C_SPAWNER into a temporary directory; its path, or null without a C compiler. */
function compileC(): string | null {
  const dir = mkdtempSync(join(tmpdir(), "spawner-"));
  writeFileSync(join(dir, "spawner.c"), C_SPAWNER);
  const built = spawnSync(
    "cc",
    ["-O2", "-o", join(dir, "spawner"), join(dir, "spawner.c"), "-lpthread"],
    {
      stdio: "inherit",
    },
  );
  return built.status === 0 ? join(dir, "spawner") : null;
}

async function timeSpawner(spawner: Spawner): Promise<Measurement> {
  const ms = await timeRuns(() => children(() => spawner.run()), RUNS, WARMUP);
  await spawner.close();
  return { ms };
}

await runVariantIfAsked(import.meta.url, {
  asyncio: () =>
    asyncio.run(async () => {
      const ms = await timeRuns(
        () =>
          children(async () => {
            const process = await asyncio.createSubprocessExec(PROGRAM);
            const status = await process.wait();
            if (status !== 0) throw new Error(`${PROGRAM} exited with ${status}`);
          }),
        RUNS,
        WARMUP,
      );
      return { ms };
    }),

  raw: async () => ({
    ms: await timeRuns(() => children(() => rawChild({ stdio: "inherit" })), RUNS, WARMUP),
  }),

  execaInherit: async () => ({
    ms: await timeRuns(() => children(() => execa(PROGRAM, { stdio: "inherit" })), RUNS, WARMUP),
  }),

  execa: async () => ({
    ms: await timeRuns(() => children(() => execa(PROGRAM)), RUNS, WARMUP),
  }),

  rawIgnore: async () => ({
    ms: await timeRuns(() => children(() => rawChild({ stdio: "ignore" })), RUNS, WARMUP),
  }),

  rawDetached: async () => ({
    ms: await timeRuns(
      () => children(() => rawChild({ stdio: "inherit", detached: true })),
      RUNS,
      WARMUP,
    ),
  }),

  sh: () => timeSpawner(new Spawner("/bin/sh", ["-c", SH_SPAWNER])),

  node: () => timeSpawner(new Spawner(process.execPath, ["-e", NODE_SPAWNER])),

  c: async () => {
    const helper = compileC();
    return helper === null ? {} : timeSpawner(new Spawner(helper, []));
  },

  python: async () => {
    const python = newestPython();
    if (python === null) return {};
    return timeSpawner(new Spawner(python.command, ["-c", PYTHON_SPAWNER], python.env));
  },
});

const perSecond = (m: Measurement | null) =>
  m?.ms === undefined ? "n/a" : (CHILDREN / (median(m.ms) / 1000)).toFixed(0);

export function collect(): Report[] {
  const ours = measureInChild(import.meta.url, "asyncio", [], PROCESSES);
  const raw = measureInChild(import.meta.url, "raw", [], PROCESSES);
  const execaInherit = measureInChild(import.meta.url, "execaInherit", [], PROCESSES);
  const execaDefaults = measureInChild(import.meta.url, "execa", [], PROCESSES);
  const python = measurePython(
    new URL("../../bench/subprocess_spawn.py", import.meta.url).pathname,
    [String(CHILDREN), String(AT_A_TIME), PROGRAM],
    PROCESSES,
  );
  const rawIgnore = measureInChild(import.meta.url, "rawIgnore", [], PROCESSES);
  const rawDetached = measureInChild(import.meta.url, "rawDetached", [], PROCESSES);
  const sh = measureInChild(import.meta.url, "sh", [], PROCESSES);
  const pythonHelper = measureInChild(import.meta.url, "python", [], PROCESSES);
  const nodeHelper = measureInChild(import.meta.url, "node", [], PROCESSES);
  const cHelper = measureInChild(import.meta.url, "c", [], PROCESSES);
  const counts =
    `${CHILDREN} \`${PROGRAM}\` children a run, ${AT_A_TIME} at a time, ` +
    `${PROCESSES} processes of ${RUNS} runs (CPython: ${PROCESSES} of 5).`;
  return [
    {
      title: "Spawn and wait, 500 /bin/true children, 50 at a time",
      description:
        `${counts} Children/s: asyncio-ts ${perSecond(ours)}, raw Node ${perSecond(raw)}, ` +
        `execa ${perSecond(execaInherit)} (defaults ${perSecond(execaDefaults)}), ` +
        `CPython ${perSecond(python)}.`,
      subject: "asyncio-ts createSubprocessExec + wait()",
      rows: [
        { label: "asyncio-ts createSubprocessExec + wait()", measurement: ours },
        { label: "raw Node spawn (stdio inherited), 'exit'", measurement: raw },
        { label: "execa 9 (stdio inherited)", measurement: execaInherit },
        { label: "execa 9 (defaults: output piped and buffered)", measurement: execaDefaults },
        { label: "CPython create_subprocess_exec + wait()", measurement: python },
      ],
      targets: [">= 0.9× raw Node", ">= 1× execa"],
    },
    {
      title: "Cheaper spawn paths on Linux, 500 /bin/true children, 50 at a time",
      description:
        `${counts} Children/s: spawn ${perSecond(raw)}, stdio ignored ${perSecond(rawIgnore)}, ` +
        `detached ${perSecond(rawDetached)}, through a /bin/sh helper ${perSecond(sh)}, ` +
        `through a Node helper ${perSecond(nodeHelper)}, through a Python posix_spawn helper ` +
        `${perSecond(pythonHelper)}, through a C posix_spawn helper ${perSecond(cHelper)}.`,
      subject: "raw Node spawn (stdio inherited)",
      ratioHeading: "raw spawn's speed relative to it",
      rows: [
        { label: "raw Node spawn (stdio inherited)", measurement: raw },
        { label: "raw Node spawn, stdio ignored", measurement: rawIgnore },
        { label: "raw Node spawn, detached (setsid)", measurement: rawDetached },
        { label: "long-lived /bin/sh helper over a pipe", measurement: sh },
        {
          label: "long-lived Node helper (spawn in another Node process)",
          measurement: nodeHelper,
        },
        { label: "long-lived Python helper, os.posix_spawn", measurement: pythonHelper },
        { label: "long-lived C helper, posix_spawn", measurement: cHelper },
      ],
      targets: [],
    },
  ];
}
