/**
 * The call graph (captureCallGraph, formatCallGraph, printCallGraph), mirroring CPython 3.14's
 * test_asyncio/test_graph.py (CallStackTestBase), plus what our model adds: depth and limit,
 * the creation site of debug mode, waitFor, the bookkeeping undone once a wait is over.
 *
 * How the expectations differ from CPython's, and why:
 * - Only the task that captures has a live stack (V8's async stack trace). Its running
 *   function is a plain frame (`s c4` where CPython has `a c4`): V8 marks only the suspended
 *   callers async. Library frames an await chain goes through (`runWithin` of `timeout()`)
 *   are real frames and show, as CPython's `_aexit` does.
 * - Any other task cannot be walked: its stack is one `t fn` entry, the function it runs
 *   (CPython lists every coroutine frame, e.g. `a main`, `a test_stack_gather`).
 *
 * Skipped, with the reason:
 * - TestCallStackC / TestCallStackPy: one implementation here, the scenarios run once.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { captureLog } from "../helpers.js";

/** A graph as test_graph.py's `capture_test_stack` walks it: label, stack, awaited-by. */
type Walked = [label: string, stack: string[], awaitedBy: Walked[]];

function walk(graph: asyncio.FutureCallGraph): Walked {
  const future = graph.future;
  let label = "F";
  if (future instanceof asyncio.Task) {
    const name = future.getName();
    label = name.startsWith("Task-") ? "T<anon>" : `T<${name}>`;
  }
  const stack = graph.callStack.map((entry) => {
    if (entry.kind === "task") return `t ${entry.functionName}`;
    return `${entry.isAsync ? "a" : "s"} ${entry.functionName}`;
  });
  const awaitedBy = graph.awaitedBy
    .map(walk)
    .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  return [label, stack, awaitedBy];
}

/** test_graph.py's capture_test_stack: the walked graph and the printed text. */
function captureTestStack(
  future: asyncio.Future<unknown> | null = null,
  depth = 1,
): { walked: Walked; text: string } {
  let text = "";
  asyncio.printCallGraph(future, {
    depth,
    write: (out) => {
      text = out;
    },
  });
  const graph = asyncio.captureCallGraph(future, { depth });
  assert.ok(graph !== null);
  return { walked: walk(graph), text };
}

/** The result of `captureTestStack`, once a scenario set it. */
function captured(value: { walked: Walked; text: string } | null): {
  walked: Walked;
  text: string;
} {
  assert.ok(value !== null, "the scenario did not capture its stack");
  return value;
}

// mirrors test_graph.CallStackTestBase.test_stack_tgroup
test("a task awaited by its TaskGroup's parent and by two tasks", async () => {
  let stackForC5: { walked: Walked; text: string } | null = null;
  let root: asyncio.Task<void> | null = null;

  function c5(): void {
    stackForC5 = captureTestStack(null, 2);
  }
  async function c4(): Promise<void> {
    await asyncio.sleep(0);
    c5();
  }
  async function c3(): Promise<void> {
    await c4();
  }
  async function c2(): Promise<void> {
    await c3();
  }
  async function c1(): Promise<void> {
    await root;
  }
  async function main(): Promise<void> {
    await asyncio.taskGroup(async (tg) => {
      root = tg.createTask(c2, { name: "c2_root" });
      tg.createTask(c1, { name: "sub_main_1" });
      tg.createTask(c1, { name: "sub_main_2" });
    });
  }
  async function testStackTgroup(): Promise<void> {
    await main();
  }
  await asyncio.run(testStackTgroup);

  const parent: Walked = ["T<anon>", ["t testStackTgroup"], []];
  const { walked, text } = captured(stackForC5);
  assert.deepEqual(walked, [
    "T<c2_root>",
    ["s c5", "s c4", "a c3", "a c2"],
    [parent, ["T<sub_main_1>", ["t c1"], [parent]], ["T<sub_main_2>", ["t c1"], [parent]]],
  ]);
  assert.match(text, /^\* Task\(name='c2_root', id=0x[0-9a-f]+\)\n {2}\+ Call stack:\n/);
  assert.match(text, /\| {3}File '.*callGraph\.test\.js', line \d+, in c5\(\)/);
  assert.ok(text.includes("  + Awaited by:\n    * Task(name='Task-"), text);
  assert.ok(text.includes(" async testStackTgroup()"), text);
});

// mirrors test_graph.CallStackTestBase.test_stack_async_gen
test("the stack goes through an async generator", async () => {
  let stack: { walked: Walked; text: string } | null = null;

  async function genNestedCall(): Promise<void> {
    stack = captureTestStack();
  }
  async function* gen(): AsyncGenerator<number> {
    for (let num = 0; num < 2; num++) {
      yield num;
      if (num === 1) await genNestedCall();
    }
  }
  async function main(): Promise<void> {
    for await (const _ of gen()) {
      // the values do not matter
    }
  }
  async function testStackAsyncGen(): Promise<void> {
    await main();
  }
  await asyncio.run(testStackAsyncGen);

  const { walked } = captured(stack);
  assert.equal(walked[0], "T<anon>");
  assert.deepEqual(walked[2], []);
  const frames = walked[1];
  assert.deepEqual(frames.slice(0, 3), ["s captureTestStack", "s genNestedCall", "s gen"]);
  assert.ok(frames.includes("s main") || frames.includes("a main"), frames.join(", "));
  assert.equal(frames[frames.length - 1], "a testStackAsyncGen");
});

// mirrors test_graph.CallStackTestBase.test_stack_gather
test("a child of gather is awaited by the task that called gather", async () => {
  let stackForDeep: { walked: Walked; text: string } | null = null;

  async function deep(): Promise<void> {
    await asyncio.sleep(0);
    stackForDeep = captureTestStack();
  }
  async function c1(): Promise<void> {
    await asyncio.sleep(0);
    await deep();
  }
  async function c2(): Promise<void> {
    await asyncio.sleep(0);
  }
  async function main(): Promise<void> {
    await asyncio.gather(c1, c2);
  }
  async function testStackGather(): Promise<void> {
    await main();
  }
  await asyncio.run(testStackGather);

  assert.deepEqual(captured(stackForDeep).walked, [
    "T<anon>",
    ["s captureTestStack", "s deep", "a c1"],
    [["T<anon>", ["t testStackGather"], []]],
  ]);
});

// mirrors test_graph.CallStackTestBase.test_stack_shield
test("a shielded task is awaited by the task that shields it", async () => {
  let stackForShield: { walked: Walked; text: string } | null = null;

  async function deep(): Promise<void> {
    await asyncio.sleep(0);
    stackForShield = captureTestStack();
  }
  async function c1(): Promise<void> {
    await asyncio.sleep(0);
    await deep();
  }
  async function main(): Promise<void> {
    await asyncio.shield(c1);
  }
  async function testStackShield(): Promise<void> {
    await main();
  }
  await asyncio.run(testStackShield);

  assert.deepEqual(captured(stackForShield).walked, [
    "T<anon>",
    ["s captureTestStack", "s deep", "a c1"],
    [["T<anon>", ["t testStackShield"], []]],
  ]);
});

// mirrors test_graph.CallStackTestBase.test_stack_timeout
test("a timeout() block is part of the task's stack", async () => {
  let stackForInner: { walked: Walked; text: string } | null = null;

  async function inner(): Promise<void> {
    await asyncio.sleep(0);
    stackForInner = captureTestStack();
  }
  async function c1(): Promise<void> {
    await asyncio.timeout(1, async function block() {
      await asyncio.sleep(0);
      await inner();
    });
  }
  async function main(): Promise<void> {
    await asyncio.shield(c1);
  }
  async function testStackTimeout(): Promise<void> {
    await main();
  }
  await asyncio.run(testStackTimeout);

  const { walked } = captured(stackForInner);
  assert.equal(walked[0], "T<anon>");
  assert.deepEqual(walked[2], [["T<anon>", ["t testStackTimeout"], []]]);
  const frames = walked[1];
  assert.deepEqual(frames.slice(0, 3), ["s captureTestStack", "s inner", "a block"]);
  assert.equal(frames[frames.length - 1], "a c1");
});

// mirrors test_graph.CallStackTestBase.test_stack_wait
test("the futures given to wait() are awaited by the waiting task", async () => {
  let stackForInner: { walked: Walked; text: string } | null = null;

  async function inner(): Promise<void> {
    await asyncio.sleep(0);
    stackForInner = captureTestStack();
  }
  async function c1(): Promise<void> {
    await asyncio.timeout(1, async function block() {
      await asyncio.sleep(0);
      await inner();
    });
  }
  async function c2(): Promise<void> {
    for (let i = 0; i < 3; i++) await asyncio.sleep(0);
  }
  async function main(t1: asyncio.Task<void>, t2: asyncio.Task<void>): Promise<void> {
    for (;;) {
      const [, pending] = await asyncio.wait([t1, t2]);
      if (pending.size === 0) break;
    }
  }
  async function testStackWait(): Promise<void> {
    const t1 = asyncio.createTask(c1);
    const t2 = asyncio.createTask(c2);
    try {
      await main(t1, t2);
    } finally {
      await t1;
      await t2;
    }
  }
  await asyncio.run(testStackWait);

  const { walked } = captured(stackForInner);
  assert.equal(walked[0], "T<anon>");
  assert.deepEqual(walked[2], [["T<anon>", ["t testStackWait"], []]]);
  assert.equal(walked[1][walked[1].length - 1], "a c1");
});

// mirrors test_graph.CallStackTestBase.test_stack_task
test("a task awaited by the task that created it", async () => {
  let stackForInner: { walked: Walked; text: string } | null = null;

  async function inner(): Promise<void> {
    await asyncio.sleep(0);
    stackForInner = captureTestStack();
  }
  async function c1(): Promise<void> {
    await inner();
  }
  async function c2(): Promise<void> {
    await asyncio.createTask(c1, { name: "there there" });
  }
  async function main(): Promise<void> {
    await c2();
  }
  async function testStackTask(): Promise<void> {
    await main();
  }
  await asyncio.run(testStackTask);

  assert.deepEqual(captured(stackForInner).walked, [
    "T<there there>",
    ["s captureTestStack", "s inner", "a c1"],
    [["T<anon>", ["t testStackTask"], []]],
  ]);
});

// mirrors test_graph.CallStackTestBase.test_stack_future
test("a Future awaited by two tasks of a TaskGroup", async () => {
  let stackForFut: { walked: Walked; text: string } | null = null;

  async function testStackFuture(): Promise<void> {
    const fut = asyncio.getRunningLoop().createFuture<void>();
    async function a2(): Promise<void> {
      await fut;
    }
    async function a1(): Promise<void> {
      await a2();
    }
    async function b1(): Promise<void> {
      await fut;
    }
    await asyncio.taskGroup(async (tg) => {
      tg.createTask(a1, { name: "task A" });
      tg.createTask(b1, { name: "task B" });
      // A few iterations, so that both tasks await the future.
      for (let i = 0; i < 5; i++) await asyncio.sleep(0);
      stackForFut = captureTestStack(fut);
      fut.setResult();
    });
  }
  await asyncio.run(testStackFuture);

  const parent: Walked = ["T<anon>", ["t testStackFuture"], []];
  const { walked, text } = captured(stackForFut);
  assert.deepEqual(walked, [
    "F",
    [],
    [
      ["T<task A>", ["t a1"], [parent]],
      ["T<task B>", ["t b1"], [parent]],
    ],
  ]);
  assert.match(text, /^\* Future\(id=0x[0-9a-f]+\)\n/);
});

test("a task awaited through waitFor()", async () => {
  await asyncio.run(async function testWaitFor() {
    const gate = new asyncio.Event();
    const child = asyncio.createTask(() => gate.wait(), { name: "child" });
    const waiting = asyncio.createTask(() => asyncio.waitFor(child, 10), { name: "waiting" });
    await asyncio.sleep(0);
    await asyncio.sleep(0);
    const graph = asyncio.captureCallGraph(child);
    assert.ok(graph !== null);
    assert.deepEqual(walk(graph), [
      "T<child>",
      ["t <anonymous>"],
      [["T<waiting>", ["t <anonymous>"], []]],
    ]);
    gate.set();
    await waiting;
  });
});

test("limit keeps the outermost entries when positive, the innermost when negative", async () => {
  function frames(graph: asyncio.FutureCallGraph | null): string[] {
    assert.ok(graph !== null);
    return graph.callStack.map((entry) => entry.functionName);
  }
  const seen: Record<string, string[]> = {};
  async function leaf(): Promise<void> {
    await asyncio.sleep(0);
    seen.all = frames(asyncio.captureCallGraph());
    seen.two = frames(asyncio.captureCallGraph(null, { limit: 2 }));
    seen.minusTwo = frames(asyncio.captureCallGraph(null, { limit: -2 }));
    seen.none = frames(asyncio.captureCallGraph(null, { limit: 0 }));
    seen.depth2 = frames(asyncio.captureCallGraph(null, { depth: 2 }));
  }
  async function middle(): Promise<void> {
    await leaf();
  }
  async function top(): Promise<void> {
    await middle();
  }
  await asyncio.run(top);
  assert.deepEqual(seen.all, ["leaf", "middle", "top"]);
  assert.deepEqual(seen.two, ["middle", "top"]);
  assert.deepEqual(seen.minusTwo, ["leaf", "middle"]);
  assert.deepEqual(seen.none, []);
  assert.deepEqual(seen.depth2, ["middle", "top"]);
});

test("limit 0 keeps the awaited-by chain without call stacks", async () => {
  await asyncio.run(async function outer() {
    const child = asyncio.createTask(async function child() {
      await asyncio.sleep(0);
      const graph = asyncio.captureCallGraph(null, { limit: 0 });
      assert.ok(graph !== null);
      assert.deepEqual(walk(graph), ["T<anon>", [], [["T<anon>", [], []]]]);
    });
    await child;
  });
});

test("in debug mode a suspended task shows where it was created", async () => {
  await asyncio.run(
    async function main() {
      const gate = new asyncio.Event();
      const child = asyncio.createTask(async function worker() {
        await gate.wait();
      });
      await asyncio.sleep(0);
      const graph = asyncio.captureCallGraph(child);
      assert.ok(graph !== null);
      const [entry] = graph.callStack;
      assert.ok(entry !== undefined);
      assert.equal(entry.kind, "task");
      assert.equal(entry.functionName, "worker");
      assert.match(entry.fileName ?? "", /callGraph\.test\.js$/);
      assert.equal(typeof entry.lineNumber, "number");
      const text = asyncio.formatCallGraph(child);
      assert.match(
        text,
        /\| {3}async worker\(\), created at File '.*callGraph\.test\.js', line \d+/,
      );
      gate.set();
      await child;
    },
    { debug: true },
  );
});

test("outside debug mode a suspended task shows its function only", async () => {
  await asyncio.run(async function main() {
    const child = asyncio.createTask(async function worker() {
      await asyncio.sleep(0);
    });
    const graph = asyncio.captureCallGraph(child);
    assert.ok(graph !== null);
    assert.deepEqual(graph.callStack, [
      {
        functionName: "worker",
        isAsync: true,
        kind: "task",
        fileName: null,
        lineNumber: null,
        columnNumber: null,
      },
    ]);
    assert.ok(asyncio.formatCallGraph(child).includes("\n  |   async worker()"));
    await child;
  });
});

test("the awaited-by records are undone once the waits are over", async () => {
  await asyncio.run(async () => {
    const waitersOf = (future: asyncio.Future<unknown>) =>
      asyncio.captureCallGraph(future)?.awaitedBy.length;
    const gathered = asyncio.createTask(() => asyncio.sleep(0));
    const shielded = asyncio.createTask(() => asyncio.sleep(0));
    const waited = asyncio.createTask(() => asyncio.sleep(0));
    let grouped: asyncio.Task<void> | null = null;
    await asyncio.gather(gathered);
    await asyncio.shield(shielded);
    await asyncio.wait([waited]);
    await asyncio.taskGroup(async (tg) => {
      grouped = tg.createTask(() => asyncio.sleep(0));
    });
    await asyncio.sleep(0);
    assert.ok(grouped !== null);
    for (const future of [gathered, shielded, waited, grouped]) assert.equal(waitersOf(future), 0);
  });
});

test("futureAddToAwaitedBy and futureDiscardFromAwaitedBy", async () => {
  await asyncio.run(async function main() {
    const loop = asyncio.getRunningLoop();
    const fut = loop.createFuture<void>();
    const other = loop.createFuture<void>();
    const me = asyncio.currentTask();
    assert.ok(me !== null);
    asyncio.futureAddToAwaitedBy(fut, me);
    asyncio.futureAddToAwaitedBy(fut, me);
    asyncio.futureAddToAwaitedBy(fut, other);
    let graph = asyncio.captureCallGraph(fut);
    assert.deepEqual(
      graph?.awaitedBy.map((level) => level.future),
      [me, other],
    );
    asyncio.futureDiscardFromAwaitedBy(fut, me);
    graph = asyncio.captureCallGraph(fut);
    assert.deepEqual(
      graph?.awaitedBy.map((level) => level.future),
      [other],
    );
    asyncio.futureDiscardFromAwaitedBy(fut, other);
    assert.deepEqual(asyncio.captureCallGraph(fut)?.awaitedBy, []);
    // Anything but Futures is ignored, as in asyncio.
    asyncio.futureAddToAwaitedBy(fut, {} as asyncio.Future<unknown>);
    asyncio.futureAddToAwaitedBy(Promise.resolve() as never, me);
    assert.deepEqual(asyncio.captureCallGraph(fut)?.awaitedBy, []);
  });
});

test("a cycle of waiters is shown once, not followed forever", async () => {
  await asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    const a = loop.createFuture<void>();
    const b = loop.createFuture<void>();
    asyncio.futureAddToAwaitedBy(a, b);
    asyncio.futureAddToAwaitedBy(b, a);
    const graph = asyncio.captureCallGraph(a);
    assert.ok(graph !== null);
    assert.deepEqual(walk(graph), ["F", [], [["F", [], []]]]);
  });
});

test("a chain of 10,000 tasks awaiting one another is captured", async () => {
  await asyncio.run(async () => {
    const fut = asyncio.getRunningLoop().createFuture<void>();
    let previous: asyncio.Future<void> = fut;
    const chain: asyncio.Task<void>[] = [];
    for (let i = 0; i < 10_000; i++) {
      const awaited = previous;
      const task = asyncio.createTask(async () => {
        await awaited;
      });
      chain.push(task);
      previous = task;
    }
    await asyncio.sleep(0);
    const graph = asyncio.captureCallGraph(fut);
    let levels = 0;
    for (let level = graph; level !== null; level = level.awaitedBy[0] ?? null) levels++;
    assert.equal(levels, 10_001);
    // The text of the last 300 levels (each level is indented further: the text of all
    // 10,001 would take hundreds of megabytes, as in asyncio).
    const text = asyncio.formatCallGraph(chain[chain.length - 300]);
    assert.equal(text.split("\n").filter((line) => line.includes("* Task(")).length, 300);
    fut.setResult();
    await previous;
  });
});

test("printCallGraph writes to console.log by default", async () => {
  const lines = await captureLog(() =>
    asyncio.run(async () => {
      asyncio.printCallGraph();
    }),
  );
  assert.equal(lines.length, 1);
  assert.match(lines[0] ?? "", /^\* Task\(name='Task-\d+', id=0x[0-9a-f]+\)/);
});

test("no current task: null in a loop callback, a RuntimeError outside a loop", async () => {
  await assert.rejects(async () => asyncio.captureCallGraph(), asyncio.RuntimeError);
  await asyncio.run(async () => {
    const loop = asyncio.getRunningLoop();
    const done = loop.createFuture<[unknown, string]>();
    loop.callSoon(() => done.setResult([asyncio.captureCallGraph(), asyncio.formatCallGraph()]));
    assert.deepEqual(await done, [null, ""]);
  });
});

test("bad arguments are refused with a TypeError", async () => {
  await asyncio.run(async () => {
    assert.throws(() => asyncio.captureCallGraph({} as never), TypeError);
    assert.throws(() => asyncio.captureCallGraph(null, { depth: 0 }), TypeError);
    assert.throws(() => asyncio.captureCallGraph(null, { limit: 1.5 }), TypeError);
    assert.throws(() => asyncio.printCallGraph(null, { write: 1 as never }), TypeError);
  });
});
