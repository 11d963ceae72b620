/**
 * A file written by a child process while the program goes on: the job is submitted, the
 * program prints and continues, and the child reports when the file is written.
 *
 * Python (`multiprocessing`):
 * `processo = multiprocessing.Process(target=gravar_arquivo, args=(nome_arquivo, dados))`,
 * `processo.start()`, then `print('Continuando a execução do programa ...')`; the interpreter
 * waits for the process before it exits.
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

/** Runs in the child process, so it brings its own imports (`require` works there). */
function gravarArquivo(nomeArquivo: string, dados: string): void {
  const { writeFileSync } = require("node:fs");
  writeFileSync(nomeArquivo, dados);
  console.log(`Arquivo ${nomeArquivo} gravado com sucesso.`);
}

function gravarArquivoProcess(
  pool: asyncio.ProcessPoolExecutor,
  nomeArquivo: string,
  dados: string,
): asyncio.Future<void> {
  const gravacao = pool.submit(gravarArquivo, nomeArquivo, dados);
  console.log(`Processo para gravação do arquivo ${nomeArquivo} iniciado.`);
  return gravacao;
}

export async function main(): Promise<void> {
  // One child process, as multiprocessing.Process; `await using` ends it at the end of main.
  await using pool = new asyncio.ProcessPoolExecutor({ maxWorkers: 1 });

  // Exemplo de uso
  const nomeDoArquivo = "exemplo.txt";
  const dadosParaGravar = "Conteúdo a ser gravado no arquivo.";

  const gravacao = gravarArquivoProcess(pool, nomeDoArquivo, dadosParaGravar);
  console.log(
    "Continuando a execução do programa enquanto a gravação do arquivo ocorre em segundo plano...",
  );
  // Python joins the process when the interpreter exits; here we wait for the job (and see its error, if any).
  await gravacao;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
