/** The jobs of bench/distributed.bench.ts, imported by the workers ({ module, export }). */

export function add(a: number, b: number): number {
  return a + b;
}

/** CPU-bound: the primes below `n` (about 0.3 s for 1,500,000 here). */
export function countPrimes(n: number): number {
  let count = 0;
  for (let i = 2; i < n; i++) {
    let prime = true;
    for (let d = 2; d * d <= i; d++) {
      if (i % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}
