/**
 * A blocking file write moved off the event loop with `loop.runInExecutor()` and a thread pool
 * opened for it; the coroutine resumes once the thread has written the file.
 *
 * Python:
 * `with concurrent.futures.ThreadPoolExecutor() as pool:`
 * `    await loop.run_in_executor(pool, _gravar_arquivo, nome_arquivo, dados)`
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

async function gravarArquivo(nomeArquivo: string, dados: string): Promise<void> {
  const loop = asyncio.getRunningLoop();
  {
    // `with ThreadPoolExecutor() as pool:` — shut down (its threads ended) at the end of the block
    await using pool = new asyncio.ThreadPoolExecutor();
    await loop.runInExecutor(pool, _gravarArquivo, nomeArquivo, dados);
  }
  console.log(`Arquivo ${nomeArquivo} gravado com sucesso.`);
}

/** Runs in a worker thread, so it brings its own imports (`require` works there). */
function _gravarArquivo(nomeArquivo: string, dados: string): void {
  const { writeFileSync } = require("node:fs");
  writeFileSync(nomeArquivo, dados);
}

// Exemplo de uso
export async function main(): Promise<void> {
  const nomeDoArquivo = "exemplo.txt";
  const dadosParaGravar = "Conteúdo a ser gravado no arquivo.";

  await gravarArquivo(nomeDoArquivo, dadosParaGravar);
  console.log(
    "Continuando a execução do programa enquanto a gravação do arquivo ocorre em segundo plano...",
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
