/**
 * Compile-time checks that Futures, Tasks and GatheringFutures fit wherever a promise is
 * expected: they have `then`, `catch`, `finally` and `[Symbol.toStringTag]`, so TypeScript
 * takes them as `Promise<T>`; and of the low-level loop's runs. `npm run typecheck` compiles
 * this file; nothing here runs.
 */
import * as asyncio from "asyncio-ts";

/** Compiles only when A and B are the same type. */
type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<A, B>(_proof: Equal<A, B>): void {}

declare const future: asyncio.Future<string>;
declare function takesPromise(promise: Promise<number>): void;

export async function typeChecks(): Promise<void> {
  const task: Promise<number> = asyncio.createTask(async () => 1);
  const fut: Promise<string> = future;
  const gathering: Promise<[number, string]> = asyncio.gather(task, fut);
  takesPromise(asyncio.createTask(async () => 2));
  takesPromise(asyncio.shield(task));

  // The Promise statics take them as they take promises.
  const all = await Promise.all([asyncio.createTask(async () => 1), future]);
  expectType<typeof all, [number, string]>(true);
  const raced = await Promise.race([asyncio.createTask(async () => 1), future]);
  expectType<typeof raced, number | string>(true);
  const settled = await Promise.allSettled([asyncio.createTask(async () => 1)]);
  expectType<typeof settled, [PromiseSettledResult<number>]>(true);

  // catch and finally are typed as a promise's.
  const recovered = await future.catch(() => 0);
  expectType<typeof recovered, string | number>(true);
  const passed = await asyncio.gather(task, fut).finally(() => undefined);
  expectType<typeof passed, [number, string]>(true);
  const fromCatch: Promise<string> = future.catch((error: unknown) => String(error));
  void [gathering, fromCatch];

  // The low-level loop keeps the value type of what it runs.
  const loop: asyncio.EventLoop = asyncio.getEventLoop();
  const ran = await loop.runUntilComplete(async () => 1);
  expectType<typeof ran, number>(true);
  const ranTask = await loop.runUntilComplete(asyncio.createTask(async () => "t"));
  expectType<typeof ranTask, string>(true);
  const ranPromise = await loop.runUntilComplete(Promise.resolve(true));
  expectType<typeof ranPromise, boolean>(true);
  const forever: Promise<void> = loop.runForever();
  void forever;
  // @ts-expect-error a function that takes arguments is not a coroutine function
  await loop.runUntilComplete((n: number) => Promise.resolve(n));
  const unknownValue: unknown = ran;
  if (asyncio.isCoroutineFunction(unknownValue)) void unknownValue();

  // @ts-expect-error the value type still counts
  const wrong: Promise<string> = asyncio.createTask(async () => 1);
  void wrong;
}
