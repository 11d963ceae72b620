import * as asyncio from "asyncio-ts";
async function sleeper() { await asyncio.sleep(3600); }
const mode = process.argv[2] ?? "gather";
for (let r = 0; r < 6; r++) {
  const ms = await asyncio.run(async () => {
    const tasks = [];
    for (let i = 0; i < 100000; i++) tasks.push(asyncio.createTask(sleeper));
    await asyncio.sleep(0); await asyncio.sleep(0);
    const start = performance.now();
    for (const t of tasks) t.cancel();
    if (mode === "gather") await asyncio.gather(tasks, { returnExceptions: true });
    else await asyncio.wait(tasks);
    return performance.now() - start;
  });
  console.log(mode, ms.toFixed(1));
}
