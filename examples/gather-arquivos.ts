/**
 * One coroutine per file, all run by `gather`; the loop's clock shows they overlap.
 *
 * Python: `chamada_download = [corotina(arquivo) for arquivo in arquivos]`,
 * `resultados = await asyncio.gather(*chamada_download)`
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

async function corotina(nomeArquivo: string): Promise<string> {
  const loop = asyncio.getRunningLoop();
  console.log(`Corotina ${nomeArquivo} iniciada - ${loop.time()}`);
  await asyncio.sleep(2);
  console.log(`Corotina ${nomeArquivo} finalizada - ${loop.time()}`);
  return `Corotina ${nomeArquivo} finalizada`;
}

export async function main(): Promise<void> {
  const arquivos = ["arquivo1.txt", "arquivo2.txt", "arquivo3.txt", "arquivo4.txt"];
  const chamadaDownload = arquivos.map((arquivo) => () => corotina(arquivo));
  const resultados = await asyncio.gather(chamadaDownload);
  for (const resultado of resultados) {
    console.log(resultado);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
