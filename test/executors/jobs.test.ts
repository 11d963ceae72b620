/**
 * What a job is and what crosses the worker boundary: the two job forms (a self-contained
 * function sent as source, `{ module, export }`), arguments and results by structured clone,
 * `transfer()`, errors coming back with their class name, message, stack, cause and code, and
 * the checks of every public function and constructor of the executors. No CPython
 * counterpart: Python pickles functions by reference; JavaScript functions travel as source.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as asyncio from "asyncio-ts";
import { rejection } from "../helpers.js";

const fixture = new URL("./fixtures/jobModule.js", import.meta.url);

for (const kind of ["thread", "process"] as const) {
  describe(`jobs in a ${kind} pool`, () => {
    const makePool = (): asyncio.WorkerPoolExecutor =>
      kind === "thread"
        ? new asyncio.ThreadPoolExecutor({ maxWorkers: 1 })
        : new asyncio.ProcessPoolExecutor({ maxWorkers: 1 });

    test("job forms: arrow, function, method shorthand, async, module export", async () => {
      await asyncio.run(async () => {
        await using pool = makePool();
        assert.equal(await pool.submit((a: number, b: number) => a + b, 1, 2), 3);
        assert.equal(
          await pool.submit(function named(s: string) {
            return s.toUpperCase();
          }, "x"),
          "X",
        );
        const methods = {
          plus(a: number) {
            return a + 1;
          },
          async later(a: number) {
            await new Promise((resolve) => setTimeout(resolve, 1));
            return a + 2;
          },
        };
        assert.equal(await pool.submit(methods.plus, 1), 2);
        assert.equal(await pool.submit(methods.later, 1), 3);
        assert.equal(
          await pool.submit(async () => {
            const os = await import("node:os");
            return typeof os.cpus;
          }),
          "function",
        );
        assert.equal(await pool.submit({ module: fixture, export: "double" }, 21), 42);
        assert.equal(await pool.submit({ module: fixture.href, export: "tripleLater" }, 2), 6);
        assert.ok((await pool.submit<number>({ module: fixture, export: "cpuCount" })) > 0);
        // An absolute path, and a package (here a built-in module) by name.
        const path = decodeURIComponent(fixture.pathname);
        assert.equal(await pool.submit({ module: path, export: "double" }, 1), 2);
        assert.equal(await pool.submit({ module: "node:path", export: "join" }, "a", "b"), "a/b");
      });
    });

    test("a function using an outer variable fails with a ReferenceError that says why", async () => {
      await asyncio.run(async () => {
        await using pool = makePool();
        const outerFactor = 3;
        const error = await rejection(pool.submit((x: number) => x * outerFactor, 2));
        assert.ok(error instanceof ReferenceError);
        assert.match(error.message, /^outerFactor is not defined/);
        assert.match(error.message, /self-contained/);
        assert.match(error.message, /\{ module, export \}/);
        assert.match(error.stack ?? "", /^ReferenceError: outerFactor is not defined/);
        // The worker is fine.
        assert.equal(await pool.submit(() => 1), 1);
      });
    });

    test("module jobs: a missing export, or one that is not a function, fails the job", async () => {
      await asyncio.run(async () => {
        await using pool = makePool();
        const missing = await rejection(pool.submit({ module: fixture, export: "nope" }));
        assert.ok(missing instanceof TypeError);
        assert.match(missing.message, /has no export named "nope"/);
        const notAFunction = await rejection(
          pool.submit({ module: fixture, export: "notAFunction" }),
        );
        assert.ok(notAFunction instanceof TypeError);
        assert.match(notAFunction.message, /export "notAFunction" of .* is not a function/);
        const noModule = await rejection(
          pool.submit({ module: new URL("./fixtures/absent.js", import.meta.url), export: "x" }),
        );
        assert.equal((noModule as { code?: string }).code, "ERR_MODULE_NOT_FOUND");
        assert.equal(await pool.submit({ module: fixture, export: "double" }, 2), 4);
      });
    });

    test("arguments and results are structured-cloned", async () => {
      await asyncio.run(async () => {
        await using pool = makePool();
        const map = new Map<string, unknown>([["a", 1]]);
        const input = {
          map,
          set: new Set([1, 2]),
          date: new Date(0),
          bytes: new Uint8Array([1, 2, 3]),
          floats: new Float64Array([0.5]),
          big: 2n ** 70n,
          regexp: /a+b/gi,
          nested: { list: [1, "two", null, undefined] },
        };
        const echoed = await pool.submit((value: typeof input) => {
          value.map.set("seen", true);
          return value;
        }, input);
        assert.deepEqual(echoed, {
          ...input,
          map: new Map<string, unknown>([
            ["a", 1],
            ["seen", true],
          ]),
        });
        assert.ok(echoed.date instanceof Date);
        assert.equal(echoed.big, 2n ** 70n);
        // A copy went, a copy came back: the caller's Map is untouched.
        assert.equal(map.has("seen"), false);
        const made = await pool.submit(() => ({
          map: new Map([[1, new Date(1000)]]),
          big: -1n,
          view: new Int16Array([-1, 2]),
        }));
        assert.ok(made.map.get(1) instanceof Date);
        assert.equal(made.big, -1n);
        assert.deepEqual([...made.view], [-1, 2]);
      });
    });

    test("an argument that cannot be cloned fails at submit's send; a result, with why", async () => {
      await asyncio.run(async () => {
        await using pool = makePool();
        const badArgument = await rejection(
          pool.submit(
            (f: unknown) => typeof f,
            () => 1,
          ),
        );
        assert.ok(badArgument instanceof TypeError);
        assert.match(badArgument.message, /arguments could not be sent to the worker/);
        assert.match(badArgument.message, /could not be cloned/);
        const badResult = await rejection(pool.submit(() => ({ callback: () => 1 })));
        assert.ok(badResult instanceof TypeError);
        assert.match(badResult.message, /result could not be sent back from the worker/);
        assert.match(badResult.message, /could not be cloned/);
        assert.equal(await pool.submit(() => "ok"), "ok");
      });
    });

    test("a job's error comes back with class name, message, stack, cause chain and code", async () => {
      await asyncio.run(async () => {
        await using pool = makePool();
        const error = await rejection(
          pool.submit(function failing() {
            class QuotaError extends Error {
              code = "E_QUOTA";
            }
            Object.defineProperty(QuotaError.prototype, "name", { value: "QuotaError" });
            const root = new TypeError("root cause");
            const middle = new RangeError("middle", { cause: root });
            throw new QuotaError("over quota", { cause: middle });
          }),
        );
        assert.ok(error instanceof Error);
        assert.equal(error.name, "QuotaError");
        assert.equal(error.message, "over quota");
        assert.equal((error as { code?: string }).code, "E_QUOTA");
        assert.match(error.stack ?? "", /^QuotaError: over quota\n/);
        assert.match(error.stack ?? "", /at failing \(job:failing:\d+:\d+\)/);
        const middle = error.cause;
        assert.ok(middle instanceof RangeError);
        assert.equal(middle.message, "middle");
        assert.ok(middle.cause instanceof TypeError);
        assert.equal(middle.cause.message, "root cause");
        // A Node system error keeps its fields.
        const fsError = await rejection(
          pool.submit((path: string) => require("node:fs").readFileSync(path), "/nonexistent/x"),
        );
        assert.equal((fsError as NodeJS.ErrnoException).code, "ENOENT");
        assert.equal((fsError as NodeJS.ErrnoException).syscall, "open");
        assert.equal((fsError as NodeJS.ErrnoException).path, "/nonexistent/x");
        // A thrown value that is not an Error comes back as it was.
        assert.deepEqual(
          await rejection(
            pool.submit(() => {
              throw { reason: "plain object" };
            }),
          ),
          { reason: "plain object" },
        );
        assert.equal(
          await rejection(
            pool.submit(() => {
              throw "a string";
            }),
          ),
          "a string",
        );
      });
    });
  });
}

describe("transfer()", () => {
  test("moves a buffer to a thread: it is detached here", async () => {
    await asyncio.run(async () => {
      await using pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 1 });
      const bytes = new Uint8Array([1, 2, 3, 4]);
      const sum = await pool.submit(
        (b: Uint8Array) => b.reduce((a, x) => a + x, 0),
        asyncio.transfer(bytes),
      );
      assert.equal(sum, 10);
      assert.equal(bytes.byteLength, 0);
      assert.equal(bytes.buffer.byteLength, 0);
      // Inside a plain object argument, and a bare ArrayBuffer.
      const buffer = new ArrayBuffer(8);
      assert.equal(
        await pool.submit((o: { data: ArrayBuffer }) => o.data.byteLength, {
          data: asyncio.transfer(buffer),
        }),
        8,
      );
      assert.equal(buffer.byteLength, 0);
      // Without transfer(), a copy goes and the buffer stays here.
      const kept = new Uint8Array([5]);
      assert.equal(await pool.submit((b: Uint8Array) => b[0], kept), 5);
      assert.equal(kept.byteLength, 1);
    });
  });

  test("a process pool copies a transferred buffer: it stays usable here", async () => {
    await asyncio.run(async () => {
      await using pool = new asyncio.ProcessPoolExecutor({ maxWorkers: 1 });
      const bytes = new Uint8Array([1, 2, 3]);
      assert.equal(await pool.submit((b: Uint8Array) => b.length, asyncio.transfer(bytes)), 3);
      assert.deepEqual([...bytes], [1, 2, 3]);
    });
  });

  test("transfer() of anything but a buffer, a view or a port throws TypeError", () => {
    for (const value of [1, "bytes", {}, [1], null]) {
      assert.throws(() => asyncio.transfer(value as never), {
        name: "TypeError",
        message: /transfer\(\) takes an ArrayBuffer, a typed array, a DataView or a MessagePort/,
      });
    }
  });
});

describe("what cannot be a job is refused at submit", () => {
  test("native and bound functions throw TypeError", async () => {
    await asyncio.run(async () => {
      await using pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 1 });
      const bound = ((a: number) => a).bind(null);
      for (const fn of [Math.max, bound, parseInt]) {
        assert.throws(() => pool.submit(fn as (...args: unknown[]) => unknown, 1), {
          name: "TypeError",
          message:
            /is a native or bound function, which cannot be sent to a worker.*\{ module, export \}/,
        });
      }
      assert.equal(pool.statistics().workersStarted, 0);
    });
  });

  test("a relative module path throws TypeError that tells how to write it", async () => {
    await asyncio.run(async () => {
      await using pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 1 });
      for (const module of ["./jobs.js", "../jobs.js"]) {
        assert.throws(() => pool.submit({ module, export: "run" }), {
          name: "TypeError",
          message: new RegExp(
            `submit\\(\\) job.module "${module.replace(/\./g, "\\.")}" is relative.*new URL\\("${module.replace(/\./g, "\\.")}", import\\.meta\\.url\\)`,
          ),
        });
      }
    });
  });

  test("anything else than a function or { module, export } throws TypeError", async () => {
    await asyncio.run(async () => {
      await using pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 1 });
      for (const job of [null, undefined, 42, "() => 1", { module: fixture }]) {
        assert.throws(() => pool.submit(job as never), {
          name: "TypeError",
          message:
            /^submit\(\) job must be a self-contained function or \{ module, export \}, got /,
        });
      }
      for (const exportName of ["", 1, null]) {
        assert.throws(() => pool.submit({ module: fixture, export: exportName as string }), {
          name: "TypeError",
          message: /^submit\(\) job\.export must be a non-empty string, got /,
        });
      }
      for (const module of ["", 7, null]) {
        assert.throws(() => pool.submit({ module: module as string, export: "double" }), {
          name: "TypeError",
          message: /^submit\(\) job\.module must be a URL or a non-empty string, got /,
        });
      }
      assert.throws(() => asyncio.toThread(5 as never), { name: "TypeError" });
      assert.throws(() => asyncio.getRunningLoop().runInExecutor(null, "x" as never), {
        name: "TypeError",
      });
    });
  });
});

describe("bad arguments to the executors' functions and constructors", () => {
  for (const [className, Pool] of [
    ["ThreadPoolExecutor", asyncio.ThreadPoolExecutor],
    ["ProcessPoolExecutor", asyncio.ProcessPoolExecutor],
  ] as const) {
    test(`new ${className}() checks its options`, () => {
      for (const maxWorkers of [0, -1]) {
        assert.throws(() => new Pool({ maxWorkers }), {
          name: "RangeError",
          message: `${className} maxWorkers must be >= 1, got ${maxWorkers}`,
        });
      }
      for (const [maxWorkers, shown] of [
        [1.5, "number 1.5"],
        ["2", 'string "2"'],
        [Number.NaN, "number NaN"],
      ] as const) {
        assert.throws(() => new Pool({ maxWorkers: maxWorkers as number }), {
          name: "TypeError",
          message: `${className} maxWorkers must be an integer, got ${shown}`,
        });
      }
      // null means the default, as CPython's max_workers=None.
      assert.equal(new Pool({ maxWorkers: null as never }).maxWorkers, new Pool().maxWorkers);
      for (const options of [5, "x", null]) {
        assert.throws(() => new Pool(options as never), {
          name: "TypeError",
          message: new RegExp(`^${className} options must be an options object, got `),
        });
      }
      assert.throws(() => new Pool({ initargs: "a" as never }), {
        name: "TypeError",
        message: `${className} initargs must be an array, got string "a"`,
      });
      assert.throws(() => new Pool({ initializer: 3 as never }), {
        name: "TypeError",
        message: new RegExp(`^${className} initializer must be a self-contained function`),
      });
      assert.throws(() => new Pool({ initializer: Math.min }), {
        name: "TypeError",
        message: /native or bound function/,
      });
    });
  }

  test("new ThreadPoolExecutor() checks name and resourceLimits", () => {
    assert.throws(() => new asyncio.ThreadPoolExecutor({ name: 5 as never }), {
      name: "TypeError",
      message: "ThreadPoolExecutor name must be a string, got number 5",
    });
    assert.throws(() => new asyncio.ThreadPoolExecutor({ resourceLimits: 16 as never }), {
      name: "TypeError",
      message: "ThreadPoolExecutor resourceLimits must be an object, got number 16",
    });
  });

  test("an initializer's parameters may be typed (the initargs are its arguments)", async () => {
    await asyncio.run(async () => {
      await using pool = new asyncio.ThreadPoolExecutor({
        maxWorkers: 1,
        initializer: (name: string, count: number) => {
          (globalThis as { setting?: string }).setting = name.repeat(count);
        },
        initargs: ["ab", 2],
      });
      assert.equal(await pool.submit(() => (globalThis as { setting?: string }).setting), "abab");
    });
  });

  test("map() checks its items and options", async () => {
    await asyncio.run(async () => {
      await using pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 1 });
      const double = (x: number) => x * 2;
      for (const [items, shown] of [
        [5, "number 5"],
        [null, "null"],
        [{ length: 1 }, "an instance of Object"],
      ] as const) {
        assert.throws(() => pool.map(double, items as never), {
          name: "TypeError",
          message: `map() items must be iterable, got ${shown}`,
        });
      }
      assert.throws(() => pool.map(double, [1], 5 as never), {
        name: "TypeError",
        message: "map() options must be an options object, got number 5",
      });
      for (const timeout of ["1", Number.NaN, {}]) {
        assert.throws(() => pool.map(double, [1], { timeout: timeout as number }), {
          name: "TypeError",
          message: /^map\(\) timeout must be a number of seconds or null, got /,
        });
      }
      // A bad job in map() fails before any job is submitted.
      assert.throws(() => pool.map(Math.abs, [1, 2]), { name: "TypeError" });
      assert.equal(pool.statistics().completed + pool.statistics().queued, 0);
    });
  });

  test("shutdown() checks its options", async () => {
    const pool = new asyncio.ThreadPoolExecutor({ maxWorkers: 1 });
    assert.throws(() => pool.shutdown(5 as never), {
      name: "TypeError",
      message: "shutdown() options must be an options object, got number 5",
    });
    assert.throws(() => pool.shutdown({ wait: "yes" as never }), {
      name: "TypeError",
      message: 'shutdown() wait must be a boolean, got string "yes"',
    });
    assert.throws(() => pool.shutdown({ cancelFutures: 1 as never }), {
      name: "TypeError",
      message: "shutdown() cancelFutures must be a boolean, got number 1",
    });
    // None of these shut the pool down.
    await asyncio.run(async () => {
      assert.equal(await pool.submit(() => "still running"), "still running");
    });
    await pool.shutdown();
  });

  test("runInExecutor, setDefaultExecutor and shutdownDefaultExecutor check their arguments", async () => {
    await asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      assert.throws(() => loop.runInExecutor({} as never, () => 1), {
        name: "TypeError",
        message: "runInExecutor() executor must be an Executor or null, got an instance of Object",
      });
      assert.throws(() => loop.runInExecutor(undefined as never, () => 1), {
        name: "TypeError",
        message: "runInExecutor() executor must be an Executor or null, got undefined",
      });
      assert.throws(() => loop.setDefaultExecutor({} as never), {
        name: "TypeError",
        message: "executor must be ThreadPoolExecutor, got an instance of Object",
      });
      for (const timeout of ["1", Number.NaN]) {
        assert.throws(() => loop.shutdownDefaultExecutor(timeout as number), {
          name: "TypeError",
          message: /^shutdownDefaultExecutor\(\) timeout must be a number of seconds or null, got /,
        });
      }
    });
  });
});
