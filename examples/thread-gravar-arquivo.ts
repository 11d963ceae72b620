/**
 * A file written on a worker thread while the program goes on: the job is submitted, the program
 * prints and continues, and the thread reports when the file is written.
 *
 * Python (`threading`):
 * `thread = threading.Thread(target=gravar_arquivo, args=(nome_arquivo, dados))`,
 * `thread.start()`, then `print('Continuando a execução do programa ...')`; the interpreter
 * waits for the thread before it exits.
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

/** Runs in the worker thread, so it brings its own imports (`require` works there). */
function gravarArquivo(nomeArquivo: string, dados: string): void {
  const { writeFileSync } = require("node:fs");
  writeFileSync(nomeArquivo, dados);
  console.log(`Arquivo ${nomeArquivo} gravado com sucesso.`);
}

function gravarArquivoAsync(
  pool: asyncio.ThreadPoolExecutor,
  nomeArquivo: string,
  dados: string,
): asyncio.Future<void> {
  const gravacao = pool.submit(gravarArquivo, nomeArquivo, dados);
  console.log(`Thread para gravação do arquivo ${nomeArquivo} iniciada.`);
  return gravacao;
}

export async function main(): Promise<void> {
  // One thread, as threading.Thread; `await using` shuts it down at the end of main.
  await using pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 1 });

  // Exemplo de uso
  const nomeDoArquivo = "exemplo.txt";
  const dadosParaGravar = "Conteúdo a ser gravado no arquivo.";

  const gravacao = gravarArquivoAsync(pool, nomeDoArquivo, dadosParaGravar);
  console.log(
    "Continuando a execução do programa enquanto a gravação do arquivo ocorre em segundo plano...",
  );
  // Python joins the thread when the interpreter exits; here we wait for the job (and see its error, if any).
  await gravacao;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
