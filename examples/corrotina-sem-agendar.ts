/**
 * Only naming a coroutine does not run it. The notes show it in Python's interactive
 * interpreter, after defining the `main` of `hello-world.ts`:
 *
 * Python:
 *   >>> main()
 *   <coroutine object main at 0x1053bb7c8>
 *
 * `main()` in Python builds a coroutine object and runs none of its body: nothing is printed
 * but the object. A JavaScript call of an async function starts its body at once, so in
 * asyncio-ts the coroutine is the function itself, handed over uncalled (`asyncio.run(main)`,
 * `createTask(main)`). Shown here, `main` is a function nobody has run: nothing is printed but
 * the function, and nothing is scheduled.
 */
import { fileURLToPath } from "node:url";
import * as asyncio from "asyncio-ts";

export async function main(): Promise<void> {
  console.log("hello");
  await asyncio.sleep(1);
  console.log("world");
}

/** The `>>> main()` of the notes: show the coroutine without running it. */
export function mostrar(): void {
  console.log(main);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) mostrar();
