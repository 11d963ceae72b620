/**
 * `isCoroutineFunction(fn)`, as asyncio's `iscoroutinefunction`.
 */

/**
 * Whether `fn` is an `async` function (its `Symbol.toStringTag` is `"AsyncFunction"`, which
 * bound async functions and async methods keep). An async generator function is not one, nor
 * is a plain function that returns a promise, although `createTask` and `run` accept those too:
 * only calling such a function would tell.
 *
 * @example
 * asyncio.isCoroutineFunction(async () => 1); // true
 * asyncio.isCoroutineFunction(() => Promise.resolve(1)); // false
 * asyncio.isCoroutineFunction(async function* () {}); // false
 */
export function isCoroutineFunction(fn: unknown): fn is (...args: never[]) => Promise<unknown> {
  return (
    typeof fn === "function" &&
    (fn as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === "AsyncFunction"
  );
}
