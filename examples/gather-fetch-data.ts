/**
 * `gather` returns the results in the order the coroutines were given, not the order they
 * finished in.
 *
 * Python: `results = await asyncio.gather(fetch_data(1, 2), fetch_data(2, 1), fetch_data(3, 3))`
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";
import { pythonRepr } from "./python-repr.js";

async function fetchData(id: number, sleepTime: number): Promise<{ id: number; data: string }> {
  console.log(`Coroutine ${id} starting to fetch data`);
  await asyncio.sleep(sleepTime);
  return { id, data: `Sample data from coroutine ${id}` };
}

export async function main(): Promise<void> {
  const results = await asyncio.gather(
    () => fetchData(1, 2),
    () => fetchData(2, 1),
    () => fetchData(3, 3),
  );
  for (const result of results) {
    console.log(`Received result: ${pythonRepr(result)}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
