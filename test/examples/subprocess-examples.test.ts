/**
 * The subprocess examples print what their Python twins print under CPython 3.13, in the same
 * order.
 *
 * Each example runs as a program of its own (`node build/examples/x.js`), in a temporary
 * directory that receives the file the writer makes, and the test compares its stdout exactly.
 *
 * The notes' multiprocessing writer prints its two lines before the child's in most runs under
 * 3.13 (the child may come first now and then, its output and the parent's both buffered
 * until exit); here the parent relays the child's line after its own, so the order is fixed.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

/** What an example printed, run as `node build/examples/<name>.js` in a temporary directory. */
async function runExample(
  name: string,
): Promise<{ stdout: string; stderr: string; files: Map<string, string> }> {
  const script = fileURLToPath(new URL(`../../examples/${name}.js`, import.meta.url));
  const dir = await mkdtemp(join(tmpdir(), "asyncio-ts-example-"));
  try {
    const { stdout, stderr } = await run(process.execPath, [script], {
      cwd: dir,
      timeout: 60_000,
    });
    const files = new Map<string, string>();
    const written = await readFile(join(dir, "exemplo.txt"), "utf8").catch(() => null);
    if (written !== null) files.set("exemplo.txt", written);
    return { stdout, stderr, files };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test("subprocess-gravar-arquivo: started, continuing, then the child's line", async () => {
  const { stdout, stderr, files } = await runExample("subprocess-gravar-arquivo");
  assert.equal(
    stdout,
    "Processo para gravação do arquivo exemplo.txt iniciado.\n" +
      "Continuando a execução do programa enquanto a gravação do arquivo ocorre em segundo plano...\n" +
      "Arquivo exemplo.txt gravado com sucesso.\n",
  );
  assert.equal(stderr, "");
  assert.equal(files.get("exemplo.txt"), "Conteúdo a ser gravado no arquivo.");
});

test("subprocess-tres-comandos: outputs in the order given, the slowest first", async () => {
  const { stdout, stderr, files } = await runExample("subprocess-tres-comandos");
  assert.equal(
    stdout,
    "Comando 1 (código 0): primeiro, o mais lento\n" +
      "Comando 2 (código 0): segundo\n" +
      "Comando 3 (código 0): terceiro\n",
  );
  assert.equal(stderr, "");
  assert.equal(files.size, 0);
});
