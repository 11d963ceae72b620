/**
 * The synchronisation examples print what their Python twins print under CPython 3.13, in the
 * same order.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as conditionKitchen from "../../examples/condition-kitchen.js";
import * as eventWait from "../../examples/event-wait.js";
import * as lockCounter from "../../examples/lock-counter.js";
import * as semaphoreLimit from "../../examples/semaphore-limit.js";
import { captureLog, runVirtual } from "../helpers.js";

test("lock-counter: no increment is lost", async () => {
  const lines = await captureLog(() => runVirtual(() => lockCounter.main(1000)));
  assert.deepEqual(lines, ["Contador final: 10000"]);
});

test("semaphore-limit: three tasks at a time, in CPython's order", async () => {
  const lines = await captureLog(() => runVirtual(semaphoreLimit.main));
  const expected: string[] = [];
  for (const batch of [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]) {
    for (const id of batch) expected.push(`Corrotina ${id} adquirida`);
    for (const id of batch) expected.push(`Corrotina ${id} liberada`);
  }
  assert.deepEqual(lines, expected);
});

test("event-wait: the waiter gets it once the event is set", async () => {
  const lines = await captureLog(() => runVirtual(eventWait.main));
  assert.deepEqual(lines, ["waiting for it ...", "... got it!"]);
});

test("condition-kitchen: each dish goes to the next customer in line", async () => {
  const lines = await captureLog(() => runVirtual(conditionKitchen.main));
  assert.deepEqual(lines, [
    "Clientes esperando a comida",
    "Cozinha serviu pão",
    "Cliente 1 comeu pão",
    "Cozinha serviu queijo",
    "Cliente 2 comeu queijo",
    "Cozinha serviu bolo",
    "Cliente 3 comeu bolo",
  ]);
});
