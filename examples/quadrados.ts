/**
 * Squares computed one await at a time (six seconds), then all at once with `gather` (one
 * second).
 *
 * Python: `[await quadrado_assincrono(numero) for numero in numeros]` and
 * `await asyncio.gather(*[quadrado_assincrono(numero) for numero in numeros])`
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";
import { pythonRepr } from "./python-repr.js";

async function quadradoAssincrono(n: number): Promise<number> {
  await asyncio.sleep(1);
  return n * n;
}

export async function main(): Promise<void> {
  const numeros = [1, 2, 4, 8, 16, 32];
  let numerosQuadrados: number[] = [];
  for (const numero of numeros) numerosQuadrados.push(await quadradoAssincrono(numero));
  console.log(pythonRepr(numerosQuadrados));

  // Optimised version with gather
  numerosQuadrados = await asyncio.gather(
    numeros.map((numero) => () => quadradoAssincrono(numero)),
  );
  console.log(pythonRepr(numerosQuadrados));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
