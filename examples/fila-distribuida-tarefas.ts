/**
 * The jobs of `fila-distribuida.ts`: a module every worker imports, so the jobs are
 * `{ module, export }` pairs naming its exports.
 */

/** CPU-bound: how many primes lie in [start, end), and which process counted them. */
export function contarPrimos(start: number, end: number): { primos: number; pid: number } {
  let primos = 0;
  for (let n = Math.max(2, start); n < end; n++) {
    let primo = true;
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) {
        primo = false;
        break;
      }
    }
    if (primo) primos++;
  }
  return { primos, pid: process.pid };
}
