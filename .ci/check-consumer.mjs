// Type-checks a small consumer of the published package, as a user's project would compile it:
// `strict`, `module: NodeNext`, `skipLibCheck: false` (so every shipped .d.ts is checked), and
// only asyncio-ts, @types/node and typescript in its node_modules. asyncio-ts is this repository
// (symlinked; its package.json `exports` and dist/ are what gets resolved), so build first.
//
// Usage: node .ci/check-consumer.mjs [--keep]   (--keep leaves the temp project for a look)
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const keep = process.argv.includes("--keep");

const CONSUMER = `import * as asyncio from "asyncio-ts";
import { VirtualClock } from "asyncio-ts/testing";
import * as sqlite from "asyncio-ts/sqlite";

async function fetchValue(n: number): Promise<number> {
  await asyncio.sleep(0.1);
  return n * 2;
}

const total: number = await asyncio.run(
  async () => {
    const task: asyncio.Task<number> = asyncio.createTask(() => fetchValue(1), { name: "one" });
    const [a, b]: [number, string] = await asyncio.gather(task, async () => "two");

    const lock = new asyncio.Lock();
    await lock.with(async () => {
      await asyncio.sleep("150ms");
    });

    const queue = new asyncio.Queue<number>({ maxsize: 2 });
    await queue.put(a);
    const item: number = await queue.get();
    queue.taskDone();

    const doubled: number[] = [];
    await asyncio.taskGroup(async (tg: asyncio.TaskGroup) => {
      for (const n of [1, 2, 3]) tg.createTask(async () => doubled.push(await fetchValue(n)));
    });

    const late: string = await asyncio.timeout(5, async (cm: asyncio.Timeout) => {
      cm.reschedule(null);
      return b;
    });

    try {
      await asyncio.timeout(1, () => asyncio.sleep(3600));
    } catch (err) {
      if (!(err instanceof asyncio.TimeoutError)) throw err;
    }
    return item + doubled.length + late.length;
  },
  { clock: new VirtualClock({ autojump: true }) },
);
console.log(total);

await asyncio.run(async () => {
  await using db: sqlite.Connection = await sqlite.connect(":memory:", { isolationLevel: null });
  await using cursor: sqlite.Cursor = await db.execute("SELECT ? AS n", [1]);
  const row: sqlite.Row | null = await cursor.fetchone();
  const objects: { n: number }[] = await db.executeFetchall<{ n: number }>("SELECT 1 AS n");
  if (!(row !== null && objects.length === 1) || !(new sqlite.IntegrityError("x") instanceof sqlite.Error)) throw new Error();
});
`;

const TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    lib: ["ES2023"],
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    skipLibCheck: false,
    types: ["node"],
    noEmit: true,
    // Resolve from the consumer's node_modules, not from the repository the links point into,
    // so a declaration that needs one of our devDependencies fails here as it would for a user.
    preserveSymlinks: true,
  },
  files: ["consumer.ts"],
};

function link(dir, name, target) {
  const path = join(dir, "node_modules", name);
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(target, path, "dir");
}

function main() {
  if (!existsSync(join(root, "dist", "index.d.ts"))) {
    console.error("check-consumer: dist/index.d.ts is missing (build first: npm run build)");
    return 2;
  }
  const dir = mkdtempSync(join(tmpdir(), "asyncio-ts-consumer-"));
  let ok = false;
  try {
    writeFileSync(join(dir, "package.json"), '{ "private": true, "type": "module" }\n');
    writeFileSync(join(dir, "tsconfig.json"), `${JSON.stringify(TSCONFIG, null, 2)}\n`);
    writeFileSync(join(dir, "consumer.ts"), CONSUMER);
    link(dir, "asyncio-ts", root);
    link(dir, "typescript", join(root, "node_modules", "typescript"));
    // @types/node and what it depends on (undici-types), as npm would install them.
    const typesNode = join(root, "node_modules", "@types", "node");
    link(dir, "@types/node", typesNode);
    const { dependencies = {} } = JSON.parse(readFileSync(join(typesNode, "package.json"), "utf8"));
    for (const dep of Object.keys(dependencies)) link(dir, dep, join(root, "node_modules", dep));

    const tsc = join(dir, "node_modules", "typescript", "bin", "tsc");
    try {
      execFileSync(process.execPath, [tsc, "-p", join(dir, "tsconfig.json")], {
        cwd: dir,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (err) {
      process.stdout.write(err.stdout ?? "");
      process.stderr.write(err.stderr ?? "");
      console.error(`check-consumer: a consumer of asyncio-ts does not type-check (kept ${dir})`);
      return 1;
    }
    console.log("check-consumer: consumer.ts type-checks against the published declarations");
    ok = true;
    return 0;
  } finally {
    if (ok && !keep) rmSync(dir, { recursive: true, force: true });
    else if (ok) console.log(`check-consumer: kept ${dir}`);
  }
}

process.exitCode = main();
