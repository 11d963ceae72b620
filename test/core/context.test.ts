/**
 * Context variables: `ContextVar`, `Context`, `Token`, `copyContext`, mirroring CPython's
 * test_context.py (ContextTest) and the context tests of test_tasks.py (test_context_*,
 * test_get_context).
 *
 * Skipped:
 * - test_context.py HamtTest: the persistent map behind Python's contexts (an immutable Map
 *   copy here).
 * - test_context_var_repr_1: reprs. test_context_subclassing_1: the classes may be subclassed
 *   in JavaScript. test_context_var_new_1's `name` assignment: `name` is `readonly` in the
 *   types only.
 * - test_context_threads_1: threads; the same scenario with tasks is test_context_3.
 * - test_asyncio/test_context.py (DecimalContextTest): Python's `decimal` module.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as asyncio from "asyncio-ts";
import { runVirtual } from "../helpers.js";

/** A deterministic stand-in for `random.uniform(lo, hi)`: the same sequence every run. */
function pseudoRandom(seed: number): (lo: number, hi: number) => number {
  let state = seed;
  return (lo, hi) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return lo + (state / 2147483648) * (hi - lo);
  };
}

describe("ContextVar and Context (test_context.ContextTest)", () => {
  // mirrors test_context.ContextTest.test_context_var_new_1
  test("a ContextVar needs a string name", () => {
    assert.throws(() => new (asyncio.ContextVar as new () => unknown)(), TypeError);
    assert.throws(() => new asyncio.ContextVar(1 as never), {
      name: "TypeError",
      message: /ContextVar name must be a string, got number 1/,
    });
    assert.equal(new asyncio.ContextVar("aaa").name, "aaa");
    assert.throws(() => new asyncio.ContextVar("a", 5 as never), TypeError);
  });

  // mirrors test_context.ContextTest.test_context_new_1
  test("new Context() takes no values", () => {
    const AnyContext = asyncio.Context as unknown as new (vars: unknown) => asyncio.Context;
    assert.throws(() => new AnyContext(1), TypeError);
    assert.throws(() => new AnyContext({ a: 1 }), TypeError);
    assert.equal(new asyncio.Context().size, 0);
  });

  // mirrors test_context.ContextTest.test_context_typerrors_1
  test("a Context is looked up with ContextVars only", () => {
    const ctx = new asyncio.Context();
    assert.throws(() => ctx.get(1 as never), {
      name: "TypeError",
      message: /a ContextVar key was expected, got number 1/,
    });
    assert.throws(() => ctx.has("var" as never), TypeError);
  });

  // mirrors test_context.ContextTest.test_context_get_context_1
  test("copyContext returns a Context", () => {
    assert.ok(asyncio.copyContext() instanceof asyncio.Context);
  });

  // mirrors test_context.ContextTest.test_context_run_1
  test("Context.run needs a function", () => {
    const ctx = new asyncio.Context();
    assert.throws(() => (ctx.run as () => unknown)(), {
      name: "TypeError",
      message: /Context.run\(\) expects a function, got undefined/,
    });
  });

  // mirrors test_context.ContextTest.test_context_run_2
  test("Context.run passes the arguments and returns the result", () => {
    const ctx = new asyncio.Context();
    const func = (...args: unknown[]) => [...args, "bar"];
    assert.deepEqual(ctx.run(func), ["bar"]);
    assert.deepEqual(ctx.run(func, 1), [1, "bar"]);
    assert.deepEqual(ctx.run(func, 11, { a: 2 }), [11, { a: 2 }, "bar"]);
  });

  // mirrors test_context.ContextTest.test_context_run_3
  test("an error thrown inside Context.run propagates", () => {
    const ctx = new asyncio.Context();
    const func = () => {
      throw new RangeError("1 / 0");
    };
    assert.throws(() => ctx.run(func), RangeError);
    assert.throws(() => ctx.run(func), RangeError);
  });

  // mirrors test_context.ContextTest.test_context_run_4
  test("Context.run nests, and what is set inside stays in that context", () => {
    const ctx1 = new asyncio.Context();
    const ctx2 = new asyncio.Context();
    const cvar = new asyncio.ContextVar<string | null>("var");
    const func2 = () => {
      assert.equal(cvar.get(null), null);
    };
    const func1 = () => {
      assert.equal(cvar.get(null), null);
      cvar.set("spam");
      ctx2.run(func2);
      assert.equal(cvar.get(null), "spam");
      const cur = asyncio.copyContext();
      assert.equal(cur.size, 1);
      assert.equal(cur.get(cvar), "spam");
      return cur;
    };
    const returned = ctx1.run(func1);
    assert.deepEqual([...returned], [...ctx1]);
    assert.equal(returned.get(cvar), "spam");
    assert.equal(returned.has(cvar), true);
    assert.equal(cvar.get(null), null);
  });

  // mirrors test_context.ContextTest.test_context_run_5
  test("a variable set before an error inside Context.run does not leak out", () => {
    const ctx = new asyncio.Context();
    const cvar = new asyncio.ContextVar<string | null>("var");
    assert.throws(
      () =>
        ctx.run(() => {
          assert.equal(cvar.get(null), null);
          cvar.set("spam");
          throw new RangeError("1 / 0");
        }),
      RangeError,
    );
    assert.equal(cvar.get(null), null);
    assert.equal(ctx.get(cvar), "spam");
  });

  // mirrors test_context.ContextTest.test_context_run_6
  test("inside Context.run, set() writes to that context", () => {
    const ctx = new asyncio.Context();
    const c = new asyncio.ContextVar("a", { default: 0 });
    ctx.run(() => {
      assert.equal(c.get(), 0);
      assert.equal(ctx.get(c), undefined);
      c.set(42);
      assert.equal(c.get(), 42);
      assert.equal(ctx.get(c), 42);
    });
  });

  // mirrors test_context.ContextTest.test_context_run_7
  test("a Context cannot be entered twice", () => {
    const ctx = new asyncio.Context();
    let raised = false;
    const fun = () => {
      assert.throws(() => ctx.run(fun), {
        name: "RuntimeError",
        message: /is already entered/,
      });
      raised = true;
    };
    ctx.run(fun);
    assert.equal(raised, true);
    assert.equal(
      ctx.run(() => "entered again after leaving"),
      "entered again after leaving",
    );
  });

  // mirrors test_context.ContextTest.test_context_getset_1
  test("get, set and reset with tokens", () => {
    new asyncio.Context().run(() => {
      const c = new asyncio.ContextVar<number | string | null>("c");
      assert.throws(() => c.get(), asyncio.LookupError);
      assert.equal(c.get(null), null);

      const t0 = c.set(42);
      assert.equal(c.get(), 42);
      assert.equal(c.get(null), 42);
      assert.equal(t0.oldValue, asyncio.Token.MISSING);
      assert.equal(t0.var, c);

      const t = c.set("spam");
      assert.equal(c.get(), "spam");
      assert.equal(t.oldValue, 42);
      c.reset(t);
      assert.equal(c.get(), 42);

      c.set("spam2");
      assert.throws(() => c.reset(t), { name: "RuntimeError", message: /has already been used/ });
      assert.equal(c.get(), "spam2");

      const ctx1 = asyncio.copyContext();
      assert.equal(ctx1.has(c), true);

      c.reset(t0);
      assert.throws(() => c.reset(t0), { name: "RuntimeError", message: /has already been used/ });
      assert.equal(c.get(null), null);

      assert.equal(ctx1.has(c), true);
      assert.equal(ctx1.get(c), "spam2");
      assert.equal(ctx1.get(c, "aa"), "spam2");
      assert.equal(ctx1.size, 1);
      assert.deepEqual([...ctx1], [[c, "spam2"]]);

      const ctx2 = asyncio.copyContext();
      assert.equal(ctx2.has(c), false);
      assert.equal(ctx2.get(c), undefined);
      assert.equal(ctx2.get(c, "aa"), "aa");
      assert.equal(ctx2.size, 0);
      assert.deepEqual([...ctx2], []);
    });
  });

  // mirrors test_context.ContextTest.test_context_getset_2
  test("a token of one variable cannot reset another", () => {
    new asyncio.Context().run(() => {
      const v1 = new asyncio.ContextVar<number>("v1");
      const v2 = new asyncio.ContextVar<number>("v2");
      const t1 = v1.set(42);
      assert.throws(() => v2.reset(t1), { name: "RangeError", message: /by a different/ });
      assert.throws(() => v2.reset({} as never), TypeError);
    });
  });

  // mirrors test_context.ContextTest.test_context_getset_3
  test("a default is not a value of the context", () => {
    const c = new asyncio.ContextVar<number | string>("c", { default: 42 });
    const ctx = new asyncio.Context();
    ctx.run(() => {
      assert.equal(c.get(), 42);
      assert.equal(ctx.get(c), undefined);
      assert.equal(ctx.get(c, "spam"), "spam");
      assert.equal(ctx.has(c), false);
      assert.equal(ctx.size, 0);
      const t = c.set(1);
      assert.deepEqual([...ctx], [[c, 1]]);
      c.reset(t);
      assert.equal(ctx.size, 0);
      assert.equal(ctx.has(c), false);
    });
  });

  // mirrors test_context.ContextTest.test_context_getset_4
  test("a token cannot be reset in another context", () => {
    const c = new asyncio.ContextVar("c", { default: 42 });
    const ctx = new asyncio.Context();
    const tok = ctx.run(() => c.set(1));
    assert.throws(() => c.reset(tok), { name: "RangeError", message: /different Context/ });
  });

  // mirrors test_context.ContextTest.test_context_getset_5
  test("a copied context shares values but not later sets", () => {
    new asyncio.Context().run(() => {
      const c = new asyncio.ContextVar<number[]>("c", { default: [42] });
      c.set([]);
      asyncio.copyContext().run(() => {
        c.set([]);
        c.get().push(42);
        assert.deepEqual(c.get(), [42]);
      });
      assert.deepEqual(c.get(), []);
    });
  });

  // mirrors test_context.ContextTest.test_context_copy_1
  test("Context.copy is independent from then on", () => {
    const ctx1 = new asyncio.Context();
    const c = new asyncio.ContextVar("c", { default: 42 });
    ctx1.run(() => {
      c.set(10);
      const ctx2 = ctx1.copy();
      assert.equal(ctx2.get(c), 10);
      c.set(20);
      assert.equal(ctx1.get(c), 20);
      assert.equal(ctx2.get(c), 10);
      ctx2.run(() => {
        assert.equal(c.get(), 10);
        c.set(30);
        assert.equal(c.get(), 30);
      });
      assert.equal(ctx1.get(c), 20);
      assert.equal(ctx2.get(c), 30);
    });
  });
});

describe("contexts of tasks (test_tasks)", () => {
  // mirrors test_tasks.BaseTaskTests.test_context_1
  test("a task starts with a copy of its creator's context", async () => {
    const cvar = new asyncio.ContextVar("cvar", { default: "nope" });
    await runVirtual(async () => {
      const sub = async () => {
        await asyncio.sleep(0.01);
        assert.equal(cvar.get(), "nope");
        cvar.set("something else");
      };
      assert.equal(cvar.get(), "nope");
      const subtask = asyncio.createTask(sub);
      cvar.set("yes");
      assert.equal(cvar.get(), "yes");
      await subtask;
      assert.equal(cvar.get(), "yes");
    });
    assert.equal(cvar.get(), "nope");
  });

  test("a task sees what its creator set before creating it", async () => {
    const cvar = new asyncio.ContextVar("cvar", { default: "nope" });
    await runVirtual(async () => {
      cvar.set("before");
      const child = asyncio.createTask(async () => {
        const seen = cvar.get();
        const grandchild = asyncio.createTask(async () => cvar.get());
        cvar.set("child's own");
        return [seen, await grandchild, cvar.get()];
      });
      cvar.set("after");
      assert.deepEqual(await child, ["before", "before", "child's own"]);
      assert.equal(cvar.get(), "after");
    });
  });

  // mirrors test_tasks.BaseTaskTests.test_context_2
  test("done callbacks do not pollute the task's context, and awaits preserve it", async () => {
    const cvar = new asyncio.ContextVar("cvar", { default: "nope" });
    await runVirtual(async () => {
      const loop = asyncio.getRunningLoop();
      const futOnDone = () => {
        cvar.set("something else");
      };
      assert.equal(cvar.get(), "nope");
      for (let j = 0; j < 2; j++) {
        const fut = loop.createFuture<void>();
        fut.addDoneCallback(futOnDone);
        cvar.set(`yes${j}`);
        loop.callSoon(() => fut.setResult(undefined));
        await fut;
        assert.equal(cvar.get(), `yes${j}`);
        for (let i = 0; i < 3; i++) {
          cvar.set(`yes${i}-${j}`);
          await asyncio.sleep(0.001);
          assert.equal(cvar.get(), `yes${i}-${j}`);
        }
      }
    });
    assert.equal(cvar.get(), "nope");
  });

  // mirrors test_tasks.BaseTaskTests.test_context_3
  test("a hundred tasks each keep their own value across sleeps", async () => {
    const cvar = new asyncio.ContextVar("cvar", { default: -1 });
    const uniform = pseudoRandom(3);
    const checked = await runVirtual(async () => {
      let count = 0;
      const sub = async (num: number) => {
        for (let i = 0; i < 10; i++) {
          cvar.set(num + i);
          await asyncio.sleep(uniform(0.001, 0.05));
          assert.equal(cvar.get(), num + i);
          count++;
        }
      };
      const tasks = [];
      for (let i = 0; i < 100; i++) {
        const num = Math.floor(uniform(0, 11));
        tasks.push(asyncio.getRunningLoop().createTask(() => sub(num)));
      }
      for (const task of tasks) await task;
      return count;
    });
    assert.equal(checked, 1000);
    assert.equal(cvar.get(), -1);
  });

  // mirrors test_tasks.BaseTaskTests.test_context_4
  // mirrors test_tasks.BaseTaskTests.test_context_5
  // mirrors test_tasks.BaseTaskTests.test_context_6
  for (const [label, create] of [
    [
      "new Task()",
      (fn: () => Promise<void>, context: asyncio.Context) => new asyncio.Task(fn, { context }),
    ],
    [
      "createTask()",
      (fn: () => Promise<void>, context: asyncio.Context) => asyncio.createTask(fn, { context }),
    ],
    [
      "loop.createTask()",
      (fn: () => Promise<void>, context: asyncio.Context) =>
        asyncio.getRunningLoop().createTask(fn, { context }),
    ],
  ] as const) {
    test(`${label} with a context runs the task in that very context`, async () => {
      const cvar = new asyncio.ContextVar<number>("cvar");
      const ret = await runVirtual(async () => {
        const coro = async (val: number) => {
          await asyncio.sleep(0);
          cvar.set(val);
        };
        const seen: (number | undefined)[] = [];
        const ctx = asyncio.copyContext();
        seen.push(ctx.get(cvar));
        await create(() => coro(1), ctx);
        seen.push(ctx.get(cvar));
        await create(() => coro(2), ctx);
        seen.push(ctx.get(cvar));
        return seen;
      });
      assert.deepEqual(ret, [undefined, 1, 2]);
    });
  }

  // mirrors test_tasks.BaseTaskTests.test_get_context
  test("getContext returns the context the task runs in", async () => {
    await runVirtual(async () => {
      const context = asyncio.copyContext();
      const task = asyncio.createTask(async () => {}, { context });
      await task;
      assert.equal(task.getContext(), context);
      const cvar = new asyncio.ContextVar<string>("cvar");
      const own = asyncio.createTask(async () => {
        cvar.set("inside");
      });
      await own;
      assert.equal(own.getContext().get(cvar), "inside");
      assert.throws(() => asyncio.createTask(async () => {}, { context: {} as never }), TypeError);
    });
  });

  test("ContextVar.get without a value or default is a LookupError naming the variable", async () => {
    await runVirtual(async () => {
      const cvar = new asyncio.ContextVar<string>("requestId");
      assert.throws(() => cvar.get(), {
        name: "LookupError",
        message: 'ContextVar "requestId" has no value and no default',
      });
      assert.equal(cvar.get("fallback"), "fallback");
    });
  });
});

describe("ContextVar name", () => {
  test("the name cannot be reassigned", () => {
    const variable = new asyncio.ContextVar<number>("answer");
    assert.throws(() => {
      (variable as { name: string }).name = "other";
    }, TypeError);
    assert.equal(variable.name, "answer");
  });
});
