/**
 * The structured-flow examples print what their Python twins print (run with Python 3.13),
 * in the same order, under virtual time. Where Python prints `loop.time()`, the virtual clock
 * starts at 0.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import * as cancelRotina from "../../examples/cancel-rotina.js";
import * as futureConfiguration from "../../examples/future-configuration.js";
import * as gatherArquivos from "../../examples/gather-arquivos.js";
import * as gatherCorrotinas from "../../examples/gather-corrotinas.js";
import * as gatherFetchData from "../../examples/gather-fetch-data.js";
import * as gatherResults from "../../examples/gather-results.js";
import * as projetoAssincrono from "../../examples/projeto-assincrono.js";
import * as projetoSincrono from "../../examples/projeto-sincrono.js";
import { pythonRepr } from "../../examples/python-repr.js";
import * as quadrados from "../../examples/quadrados.js";
import * as taskGroup from "../../examples/task-group.js";
import * as taskState from "../../examples/task-state.js";
import { captureLog, runVirtual } from "../helpers.js";

test("gather-corrotinas: start 1, 2, 3; finish 3, 1, 2", async () => {
  const lines = await captureLog(() => runVirtual(gatherCorrotinas.main));
  assert.deepEqual(lines, [
    "Tarefa 1 iniciada.",
    "Tarefa 2 iniciada.",
    "Tarefa 3 iniciada.",
    "Tarefa 3 concluída.",
    "Tarefa 1 concluída.",
    "Tarefa 2 concluída.",
  ]);
});

test("projeto-assincrono: six seconds in sequence, two with gather", async () => {
  const times: number[] = [];
  const lines = await captureLog(() =>
    runVirtual(async () => {
      const loop = asyncio.getRunningLoop();
      await projetoAssincrono.sequencial();
      times.push(loop.time());
      await projetoAssincrono.assincrono();
      times.push(loop.time());
    }),
  );
  assert.deepEqual(lines, [
    "Iniciando tarefa 1.",
    "Tarefa 1 concluída!",
    "Iniciando tarefa 2.",
    "Tarefa 2 concluída!",
    "Iniciando tarefa 3.",
    "Tarefa 3 concluída!",
    "Iniciando tarefa 1.",
    "Iniciando tarefa 2.",
    "Iniciando tarefa 3.",
    "Tarefa 1 concluída!",
    "Tarefa 2 concluída!",
    "Tarefa 3 concluída!",
  ]);
  assert.deepEqual(times, [6, 8]);
  assert.deepEqual(await captureLog(() => runVirtual(projetoAssincrono.main)), lines);
});

test("projeto-sincrono: each task blocks the program until it has finished", async () => {
  const started = performance.now();
  const lines = await captureLog(async () => projetoSincrono.main(0.05));
  const elapsed = performance.now() - started;
  assert.deepEqual(lines, [
    "Iniciando tarefa 1.",
    "Tarefa 1 concluída!",
    "Iniciando tarefa 2.",
    "Tarefa 2 concluída!",
    "Iniciando tarefa 3.",
    "Tarefa 3 concluída!",
  ]);
  // Three sleeps of 50 ms, one after the other, all inside one synchronous call.
  assert.ok(elapsed >= 145, `${elapsed} ms`);
});

test("future-configuration: three waiters of one Future", async () => {
  const lines = await captureLog(() => runVirtual(futureConfiguration.main));
  assert.deepEqual(lines, [
    "Loading configuration...",
    "Task 1 waiting for the configuration...",
    "Task 2 waiting for the configuration...",
    "Task 3 waiting for the configuration...",
    "Task 1 using the configuration: http://example.com with a timeout of 5 seconds.",
    "Task 2 using the configuration: http://example.com with a timeout of 5 seconds.",
    "Task 3 using the configuration: http://example.com with a timeout of 5 seconds.",
  ]);
});

test("task-group: a group waits for its tasks; a failure cancels the rest", async () => {
  const lines = await captureLog(() => runVirtual(taskGroup.main));
  assert.deepEqual(lines, [
    "Task 1 started",
    "Task 2 started",
    "Task 3 started",
    "Task 1 finished",
    "Task 3 finished",
    "Task 2 finished",
    "All done: 10, 20, 30",
    "Task 1 started",
    "Task 2 started",
    "Task 3 started",
    "Task 1 finished",
    "Task 3 cancelled",
    "Failed: task 2 failed",
    "Task 1 done: True, task 3 cancelled: True",
  ]);
});

test("gather-fetch-data: results in argument order", async () => {
  const lines = await captureLog(() => runVirtual(gatherFetchData.main));
  assert.deepEqual(lines, [
    "Coroutine 1 starting to fetch data",
    "Coroutine 2 starting to fetch data",
    "Coroutine 3 starting to fetch data",
    "Received result: {'id': 1, 'data': 'Sample data from coroutine 1'}",
    "Received result: {'id': 2, 'data': 'Sample data from coroutine 2'}",
    "Received result: {'id': 3, 'data': 'Sample data from coroutine 3'}",
  ]);
});

test("gather-results: A, B, C and the results list", async () => {
  const lines = await captureLog(() => runVirtual(gatherResults.main));
  assert.deepEqual(lines, [
    "Task A iniciada",
    "Task B iniciada",
    "Task C iniciada",
    "Task A finalizada",
    "Task C finalizada",
    "Task B finalizada",
    "['Task A finalizada', 'Task B finalizada', 'Task C finalizada']",
  ]);
});

test("gather-arquivos: four files at once", async () => {
  const lines = await captureLog(() => runVirtual(gatherArquivos.main));
  assert.deepEqual(lines, [
    "Corotina arquivo1.txt iniciada - 0",
    "Corotina arquivo2.txt iniciada - 0",
    "Corotina arquivo3.txt iniciada - 0",
    "Corotina arquivo4.txt iniciada - 0",
    "Corotina arquivo1.txt finalizada - 2",
    "Corotina arquivo2.txt finalizada - 2",
    "Corotina arquivo3.txt finalizada - 2",
    "Corotina arquivo4.txt finalizada - 2",
    "Corotina arquivo1.txt finalizada",
    "Corotina arquivo2.txt finalizada",
    "Corotina arquivo3.txt finalizada",
    "Corotina arquivo4.txt finalizada",
  ]);
});

test("quadrados: the same squares in six seconds and in one", async () => {
  let elapsed = 0;
  const lines = await captureLog(() =>
    runVirtual(async () => {
      await quadrados.main();
      elapsed = asyncio.getRunningLoop().time();
    }),
  );
  assert.deepEqual(lines, ["[1, 4, 16, 64, 256, 1024]", "[1, 4, 16, 64, 256, 1024]"]);
  assert.equal(elapsed, 7);
});

test("cancel-rotina: the cancelled task never finishes", async () => {
  const lines = await captureLog(() => runVirtual(cancelRotina.main));
  assert.deepEqual(lines, ["Rotina iniciada - 0", "Rotina iniciada - 0", "Rotina finalizada - 1"]);
});

test("task-state: done() and the state before and after gather", async () => {
  const lines = await captureLog(() => runVirtual(taskState.main));
  assert.deepEqual(lines, [
    "False",
    "False",
    "PENDING",
    "PENDING",
    "True",
    "True",
    "A",
    "Erro: Erro na corotina",
  ]);
});

test("pythonRepr prints lists, dicts, strings and None as Python does", () => {
  assert.equal(pythonRepr([1, "a", null, true, { k: [2] }]), "[1, 'a', None, True, {'k': [2]}]");
  assert.equal(pythonRepr("it's"), `"it's"`);
});
