/**
 * CPU-bound work gains nothing from being a coroutine: awaiting `compute()` blocks the loop
 * exactly as the plain computation does, as the loop's clock shows.
 *
 * Python: `async def compute(): return sum(i * i for i in range(10000000))`
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

function sumOfSquares(n: number): bigint {
  let total = 0n;
  for (let i = 0; i < n; i++) total += BigInt(i * i);
  return total;
}

async function compute(n: number): Promise<bigint> {
  return sumOfSquares(n);
}

export async function main(n = 10_000_000): Promise<void> {
  const loop = asyncio.getRunningLoop();
  console.log(loop.time());
  const result1 = await compute(n);
  console.log(loop.time());
  const result2 = sumOfSquares(n);
  console.log(loop.time());
  console.log(`${result1} ${result2}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(() => main());
