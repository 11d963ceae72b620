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
import { test } from "node:test";
import { runExample } from "./runExample.js";

test("subprocess-gravar-arquivo: started, continuing, then the child's line", async () => {
  const { stdout, stderr, written } = await runExample("subprocess-gravar-arquivo");
  assert.equal(
    stdout,
    "Processo para gravação do arquivo exemplo.txt iniciado.\n" +
      "Continuando a execução do programa enquanto a gravação do arquivo ocorre em segundo plano...\n" +
      "Arquivo exemplo.txt gravado com sucesso.\n",
  );
  assert.equal(stderr, "");
  assert.equal(written, "Conteúdo a ser gravado no arquivo.");
});

test("subprocess-tres-comandos: outputs in the order given, the slowest first", async () => {
  const { stdout, stderr, written } = await runExample("subprocess-tres-comandos");
  assert.equal(
    stdout,
    "Comando 1 (código 0): primeiro, o mais lento\n" +
      "Comando 2 (código 0): segundo\n" +
      "Comando 3 (código 0): terceiro\n",
  );
  assert.equal(stderr, "");
  assert.equal(written, null);
});
