/**
 * The notes' synchronous project: three tasks in plain functions, each blocking the whole
 * program for two seconds, so each starts only when the previous one has finished (six
 * seconds in all). No event loop: this is what the asynchronous version is compared with.
 *
 * Python:
 *   import time
 *
 *   def tarefa(numero):
 *       print(f"Iniciando tarefa {numero}.")
 *       time.sleep(2)
 *       print(f"Tarefa {numero} concluída!")
 *
 *   tarefa(1)
 *   tarefa(2)
 *   tarefa(3)
 *
 * `time.sleep` blocks the thread; JavaScript has no such function, and `Atomics.wait` on a
 * buffer nobody writes to is the way to block the thread for a given time in Node.
 * (`projeto-assincrono.ts` is the asynchronous version.)
 */
import { fileURLToPath } from "node:url";

/** `time.sleep(seconds)`: blocks the thread; nothing else runs meanwhile. */
function sleepBloqueante(seconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
}

function tarefa(numero: number, segundos: number): void {
  console.log(`Iniciando tarefa ${numero}.`);
  sleepBloqueante(segundos);
  console.log(`Tarefa ${numero} concluída!`);
}

/** Runs the three tasks in turn; `segundos` is each one's sleep (two in the notes). */
export function main(segundos = 2): void {
  tarefa(1, segundos);
  tarefa(2, segundos);
  tarefa(3, segundos);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
