/**
 * Compile-time checks of the combinators' types: `npm run build:test` (tsc) compiles this
 * file, so a wrong type fails the build. The `@ts-expect-error` lines prove that wrong uses
 * are rejected (tsc fails if such a line compiles). Nothing here runs: the checks live in a
 * function that is never called.
 */
import * as asyncio from "asyncio-ts";

/** Compiles only when A and B are the same type. */
type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<A, B>(_proof: Equal<A, B>): void {}

declare const p1: Promise<number>;
declare const t2: asyncio.Task<string>;
declare const f3: asyncio.Future<boolean>;
declare const fn4: () => Promise<Date>;
declare const tasks: asyncio.Task<number>[];
declare const maybe: boolean;

export async function typeChecks(): Promise<void> {
  // The variadic form is a tuple of each awaitable's value.
  const pair = await asyncio.gather(p1, t2);
  expectType<typeof pair, [number, string]>(true);
  const [n, s] = pair;
  n.toFixed();
  s.toUpperCase();

  const four = await asyncio.gather(p1, t2, f3, fn4);
  expectType<typeof four, [number, string, boolean, Date]>(true);

  // The gather itself is a Future that can be cancelled.
  const gathering: asyncio.GatheringFuture<[number, string]> = asyncio.gather(p1, t2);
  gathering.cancel();

  // The array form: a tuple literal stays a tuple, an array stays an array.
  const tuple = await asyncio.gather([p1, t2]);
  expectType<typeof tuple, [number, string]>(true);
  const list = await asyncio.gather(tasks);
  expectType<typeof list, number[]>(true);

  // returnExceptions: each position may hold an Error instead.
  const outcomes = await asyncio.gather([p1, t2], { returnExceptions: true });
  expectType<typeof outcomes, [number | Error, string | Error]>(true);
  const plain = await asyncio.gather([p1], { returnExceptions: false });
  expectType<typeof plain, [number]>(true);

  expectType<Awaited<ReturnType<typeof asyncio.gather<[]>>>, []>(true);

  // Options last in the variadic form too, as Python's gather(*aws, return_exceptions=True).
  const variadicOutcomes = await asyncio.gather(p1, t2, { returnExceptions: true });
  expectType<typeof variadicOutcomes, [number | Error, string | Error]>(true);
  const spread = await asyncio.gather(...tasks, { returnExceptions: true });
  expectType<typeof spread, (number | Error)[]>(true);
  const variadicPlain = await asyncio.gather(p1, t2, { returnExceptions: false });
  expectType<typeof variadicPlain, [number, string]>(true);
  const noOptions = await asyncio.gather(p1, fn4, {});
  expectType<typeof noOptions, [number, Date]>(true);
  const either = await asyncio.gather(p1, { returnExceptions: maybe });
  expectType<typeof either, [number | Error]>(true);

  // @ts-expect-error options come last
  asyncio.gather({ returnExceptions: true }, p1);
  // @ts-expect-error an unknown option
  asyncio.gather(p1, { returnException: true });
  // @ts-expect-error returnExceptions must be a boolean in the variadic form too
  asyncio.gather(p1, { returnExceptions: 1 });
  // @ts-expect-error a plain value is not an awaitable
  asyncio.gather(p1, 42);
  // @ts-expect-error a function that takes arguments is not a coroutine function: wrap it
  asyncio.gather((id: number) => Promise.resolve(id));
  // @ts-expect-error the results are a tuple of the awaitables' types
  const [wrong]: [string] = await asyncio.gather(p1);
  void wrong;
  // @ts-expect-error returnExceptions must be a boolean
  asyncio.gather([p1], { returnExceptions: "yes" });

  // The other combinators keep the value type too.
  const shielded: asyncio.Future<string> = asyncio.shield(t2);
  const waited: number = await asyncio.waitFor(p1, 1);
  const timed: Date = await asyncio.timeout(1, fn4);
  const grouped: string = await asyncio.taskGroup(async (tg) => {
    tg.createTask(async () => 1);
    return "done";
  });
  const [done, pending] = await asyncio.wait(tasks, { returnWhen: asyncio.FIRST_COMPLETED });
  expectType<typeof done, Set<asyncio.Task<number>>>(true);
  expectType<typeof pending, Set<asyncio.Task<number>>>(true);
  const completed: AsyncIterable<asyncio.CompletedFuture<number>> = asyncio.asCompleted(tasks);
  for await (const task of completed) task.result().toFixed();
  for (const next of asyncio.asCompleted(tasks)) (await next).toFixed();
  void [shielded, waited, timed, grouped];

  // @ts-expect-error wait takes Tasks and Futures only
  await asyncio.wait([p1]);
  // @ts-expect-error returnWhen is one of the three constants
  await asyncio.wait(tasks, { returnWhen: "FIRST" });
  // @ts-expect-error a TaskGroup's createTask takes a function, not a promise
  await asyncio.taskGroup(async (tg) => tg.createTask(p1));
}
