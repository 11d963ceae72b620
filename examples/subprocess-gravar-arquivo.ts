/**
 * The notes' multiprocessing writer done with a subprocess: the program starts a child program
 * that writes the file, prints and goes on, and relays the child's line once it comes.
 *
 * Python (`multiprocessing`):
 *   def gravar_arquivo(nome_arquivo, dados):
 *       with open(nome_arquivo, 'w') as arquivo:
 *           arquivo.write(dados)
 *       print(f'Arquivo {nome_arquivo} gravado com sucesso.')
 *
 *   def gravar_arquivo_process(nome_arquivo, dados):
 *       processo = multiprocessing.Process(target=gravar_arquivo, args=(nome_arquivo, dados))
 *       processo.start()
 *       print(f'Processo para gravação do arquivo {nome_arquivo} iniciado.')
 *
 *   gravar_arquivo_process('exemplo.txt', 'Conteúdo a ser gravado no arquivo.')
 *   print('Continuando a execução do programa enquanto a gravação do arquivo ocorre em segundo plano...')
 *
 * The interpreter waits for the process before it exits; here `main` waits for the child.
 * The child is Node itself (`process.execPath -e code`), given the name and the data as its
 * arguments: no shell, so nothing needs quoting.
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

/** The child program's source: its arguments are process.argv[1] and [2] under `node -e`. */
const GRAVAR_ARQUIVO = `
const [nomeArquivo, dados] = process.argv.slice(1);
require("node:fs").writeFileSync(nomeArquivo, dados);
console.log(\`Arquivo \${nomeArquivo} gravado com sucesso.\`);
`;

async function gravarArquivoProcess(nomeArquivo: string, dados: string): Promise<asyncio.Process> {
  // stdout: PIPE, so the child's line is relayed after the parent's own two lines.
  const processo = await asyncio.createSubprocessExec(
    process.execPath,
    ["-e", GRAVAR_ARQUIVO, nomeArquivo, dados],
    { stdout: asyncio.PIPE },
  );
  console.log(`Processo para gravação do arquivo ${nomeArquivo} iniciado.`);
  return processo;
}

export async function main(): Promise<void> {
  // Exemplo de uso
  const nomeDoArquivo = "exemplo.txt";
  const dadosParaGravar = "Conteúdo a ser gravado no arquivo.";

  const processo = await gravarArquivoProcess(nomeDoArquivo, dadosParaGravar);
  console.log(
    "Continuando a execução do programa enquanto a gravação do arquivo ocorre em segundo plano...",
  );
  // Relay what the child prints, line by line, until it closes its stdout.
  for await (const linha of processo.stdout!) process.stdout.write(linha);
  const codigo = await processo.wait();
  if (codigo !== 0) throw new Error(`the writer exited with code ${codigo}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await asyncio.run(main);
