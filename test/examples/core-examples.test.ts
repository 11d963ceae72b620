/**
 * The examples of the core runtime print what their Python twins print, in the same order.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import * as computeTiming from "../../examples/compute-timing.js";
import * as corrotinaSemAgendar from "../../examples/corrotina-sem-agendar.js";
import * as createTaskVsAwait from "../../examples/create-task-vs-await.js";
import * as futureResult from "../../examples/future-result.js";
import * as hello from "../../examples/hello.js";
import * as helloWorld from "../../examples/hello-world.js";
import * as loopTime from "../../examples/loop-time.js";
import * as printWithDelay from "../../examples/print-with-delay.js";
import * as sayAfter from "../../examples/say-after.js";
import * as sharedFuture from "../../examples/shared-future.js";
import * as tarefasECalculo from "../../examples/tarefas-e-calculo.js";
import { captureLog, runVirtual } from "../helpers.js";

test("hello prints Início then Fim", async () => {
  const lines = await captureLog(() => runVirtual(hello.main));
  assert.deepEqual(lines, ["Início.", "Fim."]);
});

test("hello-world prints hello then world", async () => {
  const lines = await captureLog(() => runVirtual(helloWorld.main));
  assert.deepEqual(lines, ["hello", "world"]);
});

test("print-with-delay: Olá after 1 s, Mundo 2 s later", async () => {
  const lines = await captureLog(() => runVirtual(printWithDelay.main));
  assert.deepEqual(lines, ["Início da execução: 0", "Olá", "Mundo", "Fim da execução: 3"]);
});

test("create-task-vs-await: sequential takes 4 s, tasks 2 s", async () => {
  const lines = await captureLog(() => runVirtual(createTaskVsAwait.main));
  assert.deepEqual(lines, [
    "Iniciando tarefa 1.",
    "Tarefa 1 concluída!",
    "Iniciando tarefa 2.",
    "Tarefa 2 concluída!",
    "Em sequência: 4 s",
    "Iniciando tarefa 1.",
    "Iniciando tarefa 2.",
    "Tarefa 1 concluída!",
    "Tarefa 2 concluída!",
    "Com tarefas: 2 s",
  ]);
});

// The two programs the example joins, each alone: what the notes' COROUTINES and TASKS
// programs print under Python 3.13.
test("create-task-vs-await: the sequential program alone prints the notes' output", async () => {
  const lines = await captureLog(() => runVirtual(createTaskVsAwait.sequential));
  assert.deepEqual(lines, [
    "Iniciando tarefa 1.",
    "Tarefa 1 concluída!",
    "Iniciando tarefa 2.",
    "Tarefa 2 concluída!",
  ]);
});

test("create-task-vs-await: the tasks program alone prints the notes' output", async () => {
  const lines = await captureLog(() => runVirtual(createTaskVsAwait.concurrent));
  assert.deepEqual(lines, [
    "Iniciando tarefa 1.",
    "Iniciando tarefa 2.",
    "Tarefa 1 concluída!",
    "Tarefa 2 concluída!",
  ]);
});

test("shared-future: task 2 waits for the result task 1 sets", async () => {
  const lines = await captureLog(() => runVirtual(sharedFuture.main));
  assert.deepEqual(lines, [
    "Tarefa 1 iniciada.",
    "Tarefa 2 iniciada, aguardando o futuro.",
    "Tarefa 1 finalizada.",
    "Tarefa 2 finalizada com o resultado: Resultado da Tarefa 1",
  ]);
});

test("future-result: main prints the result the task set", async () => {
  const lines = await captureLog(() => runVirtual(futureResult.main));
  assert.deepEqual(lines, ["Início.", "Fim."]);
});

test("loop-time: A and B overlap, C and D run in turn", async () => {
  const lines = await captureLog(() => runVirtual(loopTime.main));
  assert.deepEqual(lines, [
    "Corotina A iniciada - 0",
    "Corotina B iniciada - 0",
    "Corotina A finalizada - 1",
    "Corotina B finalizada - 2",
    "Corotina C iniciada - 2",
    "Corotina C finalizada - 5",
    "Corotina D iniciada - 5",
    "Corotina D finalizada - 9",
  ]);
});

test("compute-timing: both computations give the same sum", async () => {
  const lines = await captureLog(() => runVirtual(() => computeTiming.main(1000)));
  assert.equal(lines.length, 4);
  assert.equal(lines[3], "332833500 332833500");
});

test("corrotina-sem-agendar: naming the coroutine shows it and runs nothing", async () => {
  const lines = await captureLog(async () => {
    corrotinaSemAgendar.mostrar();
    // A loop that runs for two seconds finds nothing of main scheduled.
    await runVirtual(() => asyncio.sleep(2));
  });
  assert.deepEqual(lines, ["[AsyncFunction: main]"]);
  // Handed to run, the same function is the coroutine that runs.
  assert.deepEqual(await captureLog(() => runVirtual(corrotinaSemAgendar.main)), [
    "hello",
    "world",
  ]);
});

test("tarefas-e-calculo: the computation prints before the tasks start", async () => {
  const lines = await captureLog(() => runVirtual(tarefasECalculo.main));
  assert.deepEqual(lines, ["Resultado do cálculo: 332833500", "hello", "world"]);
});

test("say-after: each program prints the clock, hello, world, the clock", async () => {
  const clock = /^\d\d:\d\d:\d\d$/;
  for (const program of [sayAfter.emSequencia, sayAfter.comTarefas]) {
    let elapsed = 0;
    const lines = await captureLog(() =>
      runVirtual(async () => {
        await program();
        elapsed = asyncio.getRunningLoop().time();
      }),
    );
    assert.equal(lines.length, 4, lines.join("\n"));
    const [started, hello, world, finished] = lines as [string, string, string, string];
    assert.match(started.replace("started at ", ""), clock, started);
    assert.deepEqual([hello, world], ["hello", "world"]);
    assert.match(finished.replace("finished at ", ""), clock, finished);
    assert.ok(started.startsWith("started at ") && finished.startsWith("finished at "));
    assert.equal(elapsed, program === sayAfter.emSequencia ? 3 : 2);
  }
  const both = await captureLog(() => runVirtual(sayAfter.main));
  assert.equal(both.length, 8);
});
