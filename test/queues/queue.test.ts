/**
 * Queue, mirroring CPython's test_queues: QueueBasicTests, QueueGetTests, QueuePutTests, and
 * the join and shutdown mixins for each of Queue, LifoQueue and PriorityQueue; plus `for await`,
 * argument checks and loop binding.
 *
 * Skipped from test_queues:
 * - QueueBasicTests.test_generic_alias: `Queue[int]` is Python typing; TypeScript's `Queue<number>`
 *   exists only at compile time.
 * Adapted: QueuePutTests.test_float_maxsize checks that a fractional maxsize is refused (a
 * TypeError): Python accepts 1.3 and rounds the limit up in effect.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";
import { rejection, runVirtual } from "../helpers.js";
import { joinAll, settleAll, waitForTimeout } from "../syncHelpers.js";

type QueueClass = new <T>(maxsize?: number) => asyncio.Queue<T>;
const QUEUE_CLASSES: [string, QueueClass][] = [
  ["Queue", asyncio.Queue],
  ["LifoQueue", asyncio.LifoQueue],
  ["PriorityQueue", asyncio.PriorityQueue],
];

// mirrors test_queues.QueueBasicTests.test_repr and test_str
test("toString shows maxsize, items, getters, putters, tasks and shutdown", async () => {
  await runVirtual(async () => {
    let q = new asyncio.Queue<number>();
    assert.equal(String(q), "<Queue maxsize=0>");

    const getter = asyncio.createTask(() => q.get());
    await asyncio.sleep(0);
    assert.match(String(q), /getters\[1\]/);
    q.putNowait(0);
    assert.equal(await getter, 0);

    q = new asyncio.Queue<number>(1);
    q.putNowait(1);
    const putter = asyncio.createTask(() => q.put(2));
    await asyncio.sleep(0);
    assert.match(String(q), /putters\[1\]/);
    q.getNowait();
    await putter;
    assert.equal(putter.done(), true);

    q = new asyncio.Queue<number>();
    q.putNowait(1);
    assert.equal(String(q), "<Queue maxsize=0 items=[ 1 ] tasks=1>");
  });
});

// mirrors test_queues.QueueBasicTests.test_empty
test("empty", async () => {
  await runVirtual(async () => {
    const q = new asyncio.Queue<number>();
    assert.equal(q.empty(), true);
    await q.put(1);
    assert.equal(q.empty(), false);
    assert.equal(await q.get(), 1);
    assert.equal(q.empty(), true);
  });
});

// mirrors test_queues.QueueBasicTests.test_full
test("full", async () => {
  await runVirtual(async () => {
    assert.equal(new asyncio.Queue().full(), false);
    const q = new asyncio.Queue<number>({ maxsize: 1 });
    await q.put(1);
    assert.equal(q.full(), true);
  });
});

// mirrors test_queues.QueueBasicTests.test_order
test("a Queue is first in, first out", async () => {
  await runVirtual(async () => {
    const q = new asyncio.Queue<number>();
    for (const i of [1, 3, 2]) await q.put(i);
    const items = [await q.get(), await q.get(), await q.get()];
    assert.deepEqual(items, [1, 3, 2]);
  });
});

// mirrors test_queues.QueueBasicTests.test_maxsize
test("put waits while the queue holds maxsize items", async () => {
  await runVirtual(async () => {
    const q = new asyncio.Queue<number>(2);
    assert.equal(q.maxsize, 2);
    const haveBeenPut: number[] = [];
    const t = asyncio.createTask(async () => {
      for (let i = 0; i < 3; i++) {
        await q.put(i);
        haveBeenPut.push(i);
      }
      return true;
    });
    for (let i = 0; i < 2; i++) await asyncio.sleep(0);
    // The putter is blocked after putting two items.
    assert.deepEqual(haveBeenPut, [0, 1]);
    assert.equal(await q.get(), 0);
    // Let the putter resume and put the last item.
    await asyncio.sleep(0);
    assert.deepEqual(haveBeenPut, [0, 1, 2]);
    assert.equal(await q.get(), 1);
    assert.equal(await q.get(), 2);
    assert.equal(t.done(), true);
    assert.equal(t.result(), true);
  });
});

// mirrors test_queues.QueueGetTests.test_blocking_get
test("get returns a queued item", async () => {
  await runVirtual(async () => {
    const q = new asyncio.Queue<number>();
    q.putNowait(1);
    assert.equal(await q.get(), 1);
  });
});

// mirrors test_queues.QueueGetTests.test_get_with_putters
test("get wakes a waiting putter", async () => {
  await runVirtual(async () => {
    const q = new asyncio.Queue<number>(1);
    await q.put(1);
    const putter = asyncio.createTask(() => q.put(2));
    await asyncio.sleep(0);
    assert.equal(q.statistics().puttersWaiting, 1);
    assert.equal(await q.get(), 1);
    await putter;
    assert.equal(q.getNowait(), 2);
  });
});

// mirrors test_queues.QueueGetTests.test_blocking_get_wait
test("get waits for an item put later", async () => {
  await runVirtual(async () => {
    const loop = asyncio.getRunningLoop();
    const q = new asyncio.Queue<number>();
    const started = new asyncio.Event();
    let finished = false;
    const queueGetTask = asyncio.createTask(async () => {
      started.set();
      const res = await q.get();
      finished = true;
      return res;
    });
    await started.wait();
    assert.equal(finished, false);
    loop.callLater(0.01, () => q.putNowait(1));
    const res = await queueGetTask;
    assert.equal(finished, true);
    assert.equal(res, 1);
  });
});

// mirrors test_queues.QueueGetTests.test_nonblocking_get
test("getNowait returns a queued item", () => {
  const q = new asyncio.Queue<number>();
  q.putNowait(1);
  assert.equal(q.getNowait(), 1);
});

// mirrors test_queues.QueueGetTests.test_nonblocking_get_exception
test("getNowait on an empty queue is QueueEmpty", () => {
  const q = new asyncio.Queue();
  assert.throws(() => q.getNowait(), asyncio.QueueEmpty);
});

// mirrors test_queues.QueueGetTests.test_get_cancelled_race
test("a cancelled getter does not take the item meant for the next one", async () => {
  await runVirtual(async () => {
    const q = new asyncio.Queue<string>();
    const t1 = asyncio.createTask(() => q.get());
    const t2 = asyncio.createTask(() => q.get());
    await asyncio.sleep(0);
    t1.cancel();
    await asyncio.sleep(0);
    assert.equal(t1.done(), true);
    await q.put("a");
    await asyncio.sleep(0);
    assert.equal(await t2, "a");
  });
});

// mirrors test_queues.QueueGetTests.test_get_with_waiting_putters
test("get takes items from waiting putters in order", async () => {
  await runVirtual(async () => {
    const q = new asyncio.Queue<string>(1);
    asyncio.createTask(() => q.put("a"));
    asyncio.createTask(() => q.put("b"));
    assert.equal(await q.get(), "a");
    assert.equal(await q.get(), "b");
  });
});

// mirrors test_queues.QueueGetTests.test_why_are_getters_waiting
test("a producer and a consumer of a one-slot queue both finish", async () => {
  await runVirtual(async () => {
    const q = new asyncio.Queue<number>(1);
    const items = 5;
    const producer = asyncio.createTask(async () => {
      for (let i = 0; i < items; i++) await q.put(i);
    });
    const consumer = asyncio.createTask(async () => {
      for (let i = 0; i < items; i++) await q.get();
    });
    await joinAll([producer, consumer]);
  });
});

// mirrors test_queues.QueueGetTests.test_cancelled_getters_not_being_held_in_self_getters
test("a getter that timed out leaves no waiter behind", async () => {
  await runVirtual(async () => {
    const queue = new asyncio.Queue(5);
    const error = await rejection(waitForTimeout(() => queue.get(), 0.1));
    assert.ok(error instanceof asyncio.TimeoutError);
    assert.equal(queue.statistics().gettersWaiting, 0);
  });
});

// mirrors test_queues.QueuePutTests.test_blocking_put
test("put on an unbounded queue does not wait", async () => {
  await runVirtual(async () => {
    const q = new asyncio.Queue<number>();
    await q.put(1);
    assert.equal(await q.get(), 1);
  });
});

// mirrors test_queues.QueuePutTests.test_blocking_put_wait
test("put waits for a slot freed later", async () => {
  await runVirtual(async () => {
    const q = new asyncio.Queue<number>(1);
    const started = new asyncio.Event();
    let finished = false;
    asyncio.getRunningLoop().callLater(0.01, () => q.getNowait());
    const queuePutTask = asyncio.createTask(async () => {
      started.set();
      await q.put(1);
      await q.put(2);
      finished = true;
    });
    await started.wait();
    assert.equal(finished, false);
    await queuePutTask;
    assert.equal(finished, true);
  });
});

// mirrors test_queues.QueuePutTests.test_nonblocking_put
test("putNowait adds an item", () => {
  const q = new asyncio.Queue<number>();
  q.putNowait(1);
  assert.equal(q.getNowait(), 1);
});

// mirrors test_queues.QueuePutTests.test_get_cancel_drop_one_pending_reader
test("a reader cancelled after being handed an item does not drop it", async () => {
  await runVirtual(async () => {
    const q = new asyncio.Queue<number>();
    let reader = asyncio.createTask(() => q.get());
    await asyncio.sleep(0);
    q.putNowait(1);
    q.putNowait(2);
    reader.cancel();
    try {
      await reader;
    } catch (error) {
      if (!(error instanceof asyncio.CancelledError)) throw error;
      // Try again.
      reader = asyncio.createTask(() => q.get());
      await reader;
    }
    // Getting 2 would mean that 1 was dropped.
    assert.equal(reader.result(), 1);
  });
});

// mirrors test_queues.QueuePutTests.test_get_cancel_drop_many_pending_readers
test("a reader cancelled among several does not drop an item", async () => {
  await runVirtual(async () => {
    const q = new asyncio.Queue<number>();
    const [reader1, reader2, reader3] = [1, 2, 3].map(() => asyncio.createTask(() => q.get()));
    await asyncio.sleep(0);
    q.putNowait(1);
    q.putNowait(2);
    reader1?.cancel();
    assert.ok((await rejection(reader1 as asyncio.Task<number>)) instanceof asyncio.CancelledError);
    await reader3;
    await reader2;
    // The order in which concurrent readers receive the items is not specified.
    assert.deepEqual(new Set([reader2?.result(), reader3?.result()]), new Set([1, 2]));
  });
});

// mirrors test_queues.QueuePutTests.test_put_cancel_drop
test("a writer cancelled after being given a slot does not put its item", async () => {
  await runVirtual(async () => {
    const q = new asyncio.Queue<number>(1);
    q.putNowait(1);
    // Putting a second item has to wait (qsize is 1).
    let writer = asyncio.createTask(() => q.put(2));
    await asyncio.sleep(0);
    assert.equal(q.getNowait(), 1);
    writer.cancel();
    try {
      await writer;
    } catch (error) {
      if (!(error instanceof asyncio.CancelledError)) throw error;
      // Try again.
      writer = asyncio.createTask(() => q.put(2));
      await writer;
    }
    assert.equal(q.getNowait(), 2);
    assert.equal(q.qsize(), 0);
  });
});

// mirrors test_queues.QueuePutTests.test_nonblocking_put_exception
test("putNowait on a full queue is QueueFull and changes nothing", () => {
  const q = new asyncio.Queue<number>(1);
  q.putNowait(1);
  assert.throws(() => q.putNowait(2), asyncio.QueueFull);
  assert.equal(q.qsize(), 1);
  assert.equal(q.statistics().unfinishedTasks, 1);
});

// mirrors test_queues.QueuePutTests.test_float_maxsize (adapted: see the file comment)
test("maxsize must be a non-negative integer", () => {
  for (const [name, QueueClass] of QUEUE_CLASSES) {
    assert.throws(() => new QueueClass(1.3), TypeError, name);
    assert.throws(() => new QueueClass(1.3), new RegExp(`${name} maxsize must be an integer`));
    assert.throws(() => new QueueClass(-1), RangeError, name);
    assert.throws(() => new QueueClass(Number.NaN), TypeError, name);
    assert.throws(() => new QueueClass(Number.POSITIVE_INFINITY), /use 0 for no limit/);
    assert.throws(() => new QueueClass("2" as unknown as number), TypeError, name);
    assert.equal(new QueueClass().maxsize, 0);
    assert.equal(new QueueClass(0).maxsize, 0);
  }
  assert.throws(() => new asyncio.Queue({ maxsize: -2 }), RangeError);
  assert.throws(() => new asyncio.Queue(null as unknown as number), TypeError);
  assert.equal(new asyncio.Queue({}).maxsize, 0);
});

// mirrors test_queues.QueuePutTests.test_put_cancelled
test("put resolves once its item is in the queue", async () => {
  await runVirtual(async () => {
    const q = new asyncio.Queue<number>();
    const t = asyncio.createTask(async () => {
      await q.put(1);
      return true;
    });
    assert.equal(await q.get(), 1);
    assert.equal(t.done(), true);
    assert.equal(t.result(), true);
  });
});

// mirrors test_queues.QueuePutTests.test_put_cancelled_race
test("a cancelled putter does not take the slot meant for the next one", async () => {
  await runVirtual(async () => {
    const q = new asyncio.Queue<string>(1);
    const putA = asyncio.createTask(() => q.put("a"));
    const putB = asyncio.createTask(() => q.put("b"));
    const putC = asyncio.createTask(() => q.put("X"));
    await asyncio.sleep(0);
    assert.equal(putA.done(), true);
    assert.equal(putB.done(), false);
    putC.cancel();
    await asyncio.sleep(0);
    assert.equal(putC.done(), true);
    assert.equal(q.getNowait(), "a");
    await asyncio.sleep(0);
    assert.equal(q.getNowait(), "b");
    await putB;
  });
});

// mirrors test_queues.QueuePutTests.test_put_with_waiting_getters
test("put hands its item to a waiting getter", async () => {
  await runVirtual(async () => {
    const q = new asyncio.Queue<string>();
    const t = asyncio.createTask(() => q.get());
    await asyncio.sleep(0);
    await q.put("a");
    assert.equal(await t, "a");
  });
});

// mirrors test_queues.QueuePutTests.test_why_are_putters_waiting
test("putters blocked on a full queue all finish once it is drained", async () => {
  await runVirtual(async () => {
    const queue = new asyncio.Queue<number>(2);
    const getter = asyncio.createTask(async () => {
      await asyncio.sleep(0);
      const num = queue.qsize();
      for (let i = 0; i < num; i++) queue.getNowait();
    });
    const putters = [0, 1, 2, 3].map((item) => asyncio.createTask(() => queue.put(item)));
    await joinAll([getter, ...putters]);
    assert.equal(queue.qsize(), 2);
  });
});

// mirrors test_queues.QueuePutTests.test_cancelled_puts_not_being_held_in_self_putters
test("a cancelled putter leaves no waiter behind", async () => {
  await runVirtual(async () => {
    const queue = new asyncio.Queue<number>(1);
    queue.putNowait(1);
    const putTask = asyncio.createTask(() => queue.put(1));
    await asyncio.sleep(0);
    assert.equal(queue.statistics().puttersWaiting, 1);
    putTask.cancel();
    assert.ok((await rejection(putTask)) instanceof asyncio.CancelledError);
    assert.equal(queue.statistics().puttersWaiting, 0);
  });
});

// mirrors test_queues.QueuePutTests.test_cancelled_put_silence_value_error_exception
test("a putter cancelled after getNowait took it off the line ends cancelled", async () => {
  await runVirtual(async () => {
    const queue = new asyncio.Queue<number>(1);
    queue.putNowait(1);
    const putTask = asyncio.createTask(() => queue.put(1));
    await asyncio.sleep(0);
    // getNowait() removes put_task's waiter from the putters...
    queue.getNowait();
    // ...so its own removal, when cancelled, finds nothing: that must not matter.
    putTask.cancel();
    assert.ok((await rejection(putTask)) instanceof asyncio.CancelledError);
    assert.equal(queue.statistics().puttersWaiting, 0);
    assert.equal(queue.qsize(), 0);
  });
});

for (const [name, QueueClass] of QUEUE_CLASSES) {
  // mirrors test_queues._QueueJoinTestMixin.test_task_done_underflow
  test(`${name}: taskDone without an unfinished item is a RangeError and changes nothing`, () => {
    const q = new QueueClass<number>();
    assert.throws(() => q.taskDone(), RangeError);
    assert.throws(() => q.taskDone(), /taskDone\(\) called too many times/);
    assert.equal(q.statistics().unfinishedTasks, 0);
    q.putNowait(1);
    q.getNowait();
    q.taskDone();
    assert.throws(() => q.taskDone(), RangeError);
    assert.equal(q.statistics().unfinishedTasks, 0);
  });

  // mirrors test_queues._QueueJoinTestMixin.test_task_done
  test(`${name}: join waits until every item is marked done`, async () => {
    await runVirtual(async () => {
      const q = new QueueClass<number>();
      for (let i = 0; i < 100; i++) q.putNowait(i);
      let accumulator = 0;
      let running = true;
      const worker = async () => {
        while (running) {
          const item = await q.get();
          accumulator += item;
          q.taskDone();
        }
      };
      const tasks = [asyncio.createTask(worker), asyncio.createTask(worker)];
      await q.join();
      assert.equal(accumulator, (99 * 100) / 2);
      // Stop the workers.
      running = false;
      for (let i = 0; i < tasks.length; i++) q.putNowait(0);
      await joinAll(tasks);
    });
  });

  // mirrors test_queues._QueueJoinTestMixin.test_join_empty_queue
  test(`${name}: join on an empty queue returns at once`, async () => {
    await runVirtual(async () => {
      const q = new QueueClass();
      await q.join();
      await q.join();
    });
  });

  // mirrors test_queues._QueueJoinTestMixin.test_format
  test(`${name}: toString shows unfinished tasks`, () => {
    const q = new QueueClass<number>();
    assert.equal(String(q), `<${name} maxsize=0>`);
    q.putNowait(1);
    q.putNowait(2);
    q.getNowait();
    q.getNowait();
    assert.equal(String(q), `<${name} maxsize=0 tasks=2>`);
  });

  // mirrors test_queues._QueueShutdownTestMixin.test_format
  test(`${name}: toString shows the shutdown`, () => {
    const q = new QueueClass();
    q.shutdown();
    assert.equal(String(q), `<${name} maxsize=0 shutdown>`);
  });

  // mirrors test_queues._QueueShutdownTestMixin.test_shutdown_empty
  test(`${name}: shutting down an empty queue fails its getters and later calls`, async () => {
    await runVirtual(async () => {
      const q = new QueueClass<string>();
      const getTask = asyncio.createTask(() => q.get());
      await asyncio.sleep(0); // the get task must wait before the shutdown
      q.shutdown({ immediate: false });
      assert.equal(q.qsize(), 0);
      await q.join();
      await asyncio.sleep(0);
      assert.equal(getTask.done(), true);
      assert.ok((await rejection(getTask)) instanceof asyncio.QueueShutDown);
      assert.ok((await rejection(q.put("data"))) instanceof asyncio.QueueShutDown);
      assert.throws(() => q.putNowait("data"), asyncio.QueueShutDown);
      assert.ok((await rejection(q.get())) instanceof asyncio.QueueShutDown);
      assert.throws(() => q.getNowait(), asyncio.QueueShutDown);
    });
  });

  // mirrors test_queues._QueueShutdownTestMixin.test_shutdown_nonempty
  test(`${name}: shutting down a queue fails its putters but lets it drain`, async () => {
    await runVirtual(async () => {
      const q = new QueueClass<string>(1);
      q.putNowait("data");
      const joinTask = asyncio.createTask(() => q.join());
      const putTask = asyncio.createTask(() => q.put("data2"));
      await asyncio.sleep(0);
      assert.equal(putTask.done(), false);

      q.shutdown({ immediate: false });
      assert.equal(q.qsize(), 1);
      await asyncio.sleep(0);
      assert.equal(putTask.done(), true);
      assert.ok((await rejection(putTask)) instanceof asyncio.QueueShutDown);

      assert.equal(await q.get(), "data");
      await asyncio.sleep(0);
      assert.equal(joinTask.done(), false);

      assert.ok((await rejection(q.put("data"))) instanceof asyncio.QueueShutDown);
      assert.throws(() => q.putNowait("data"), asyncio.QueueShutDown);
      assert.ok((await rejection(q.get())) instanceof asyncio.QueueShutDown);
      assert.throws(() => q.getNowait(), asyncio.QueueShutDown);

      // One unfinished task: marking it done ends the join.
      q.taskDone();
      await asyncio.sleep(0);
      assert.equal(joinTask.done(), true);
      await joinTask;
      assert.throws(() => q.taskDone(), RangeError);
    });
  });

  // mirrors test_queues._QueueShutdownTestMixin.test_shutdown_immediate
  test(`${name}: an immediate shutdown drops the items and ends join`, async () => {
    await runVirtual(async () => {
      const q = new QueueClass<string>();
      q.putNowait("data");
      const joinTask = asyncio.createTask(() => q.join());
      q.shutdown({ immediate: true });
      assert.equal(q.qsize(), 0);
      await asyncio.sleep(0);
      assert.equal(joinTask.done(), true);
      await joinTask;
      assert.ok((await rejection(q.put("data"))) instanceof asyncio.QueueShutDown);
      assert.throws(() => q.putNowait("data"), asyncio.QueueShutDown);
      assert.ok((await rejection(q.get())) instanceof asyncio.QueueShutDown);
      assert.throws(() => q.getNowait(), asyncio.QueueShutDown);
      assert.throws(() => q.taskDone(), RangeError);
    });
  });

  // mirrors test_queues._QueueShutdownTestMixin.test_shutdown_immediate_with_unfinished
  test(`${name}: an immediate shutdown keeps items already taken unfinished`, async () => {
    await runVirtual(async () => {
      const q = new QueueClass<string>();
      q.putNowait("data");
      q.putNowait("data");
      const joinTask = asyncio.createTask(() => q.join());
      assert.equal(await q.get(), "data");
      q.shutdown({ immediate: true });
      assert.equal(q.qsize(), 0);
      await asyncio.sleep(0);
      assert.equal(joinTask.done(), false);
      assert.ok((await rejection(q.put("data"))) instanceof asyncio.QueueShutDown);
      assert.throws(() => q.putNowait("data"), asyncio.QueueShutDown);
      assert.ok((await rejection(q.get())) instanceof asyncio.QueueShutDown);
      assert.throws(() => q.getNowait(), asyncio.QueueShutDown);
      // One unfinished task.
      q.taskDone();
      assert.throws(() => q.taskDone(), RangeError);
      await asyncio.sleep(0);
      assert.equal(joinTask.done(), true);
      await joinTask;
    });
  });

  test(`${name}: for await yields the items until the queue is shut down and drained`, async () => {
    await runVirtual(async () => {
      const q = new QueueClass<number>(2);
      const seen: number[] = [];
      const consumer = asyncio.createTask(async () => {
        for await (const item of q) {
          seen.push(item);
          q.taskDone();
          await asyncio.sleep(1);
        }
        return "ended";
      });
      await q.put(1);
      await q.put(2);
      await q.put(3);
      q.shutdown();
      assert.equal(await consumer, "ended");
      assert.deepEqual(
        seen.sort((a, b) => a - b),
        [1, 2, 3],
      );
      await q.join();
    });
  });
}

test("shutdown wakes every getter and putter", async () => {
  await runVirtual(async () => {
    const empty = new asyncio.Queue<number>();
    const getters = [1, 2, 3].map(() => asyncio.createTask(() => empty.get()));
    const full = new asyncio.Queue<number>(1);
    full.putNowait(0);
    const putters = [1, 2, 3].map((i) => asyncio.createTask(() => full.put(i)));
    await asyncio.sleep(0);
    empty.shutdown();
    full.shutdown();
    for (const outcome of await settleAll<unknown>([...getters, ...putters])) {
      assert.ok(!outcome.ok && outcome.error instanceof asyncio.QueueShutDown);
    }
    assert.equal(empty.statistics().gettersWaiting, 0);
    assert.equal(full.statistics().puttersWaiting, 0);
    assert.equal(full.getNowait(), 0);
  });
});

test("shutdown validates its options and changes nothing on bad input", () => {
  const q = new asyncio.Queue<number>();
  q.putNowait(1);
  assert.throws(() => q.shutdown({ immediate: "yes" as unknown as boolean }), TypeError);
  assert.throws(() => q.shutdown(5 as unknown as asyncio.ShutdownOptions), TypeError);
  assert.equal(q.statistics().isShutdown, false);
  q.putNowait(2);
  assert.equal(q.qsize(), 2);
});

test("for await stops when left early, without touching the queue", async () => {
  await runVirtual(async () => {
    const q = new asyncio.Queue<number>();
    for (const i of [1, 2, 3]) q.putNowait(i);
    for await (const item of q) {
      if (item === 2) break;
    }
    assert.equal(q.qsize(), 1);
    const iterator = q[Symbol.asyncIterator]();
    assert.deepEqual(await iterator.return?.(), { done: true, value: undefined });
    assert.deepEqual(await iterator.next(), { done: true, value: undefined });
    assert.equal(q.qsize(), 1);
  });
});

test("for await passes a cancellation through", async () => {
  await runVirtual(async () => {
    const q = new asyncio.Queue<number>();
    const consumer = asyncio.createTask(async () => {
      for await (const _ of q) {
        // nothing arrives
      }
    });
    await asyncio.sleep(1);
    consumer.cancel();
    assert.ok((await rejection(consumer)) instanceof asyncio.CancelledError);
    assert.equal(q.statistics().gettersWaiting, 0);
  });
});

test("ready items and free slots are taken without a loop iteration", async () => {
  await runVirtual(async () => {
    const q = new asyncio.Queue<number>(10);
    let otherRan = false;
    asyncio.getRunningLoop().callSoon(() => {
      otherRan = true;
    });
    for (let i = 0; i < 10; i++) await q.put(i);
    for (let i = 0; i < 10; i++) {
      assert.equal(await q.get(), i);
      q.taskDone();
    }
    await q.join();
    assert.equal(otherRan, false);
  });
});

test("a queue created outside any loop refuses to wait from a second loop", async () => {
  const q = new asyncio.Queue<number>();
  await runVirtual(async () => {
    const getter = asyncio.createTask(() => q.get());
    await asyncio.sleep(0);
    q.putNowait(1);
    assert.equal(await getter, 1);
  });
  await runVirtual(async () => {
    q.putNowait(2);
    assert.equal(await q.get(), 2); // an item is ready: no loop needed
    const error = await rejection(q.get());
    assert.ok(error instanceof asyncio.RuntimeError);
    assert.equal(q.statistics().gettersWaiting, 0);
  });
});

test("a full bounded queue refuses a putter from a second loop and stays unchanged", async () => {
  const q = new asyncio.Queue<number>(1);
  await runVirtual(async () => {
    q.putNowait(1);
    const putter = asyncio.createTask(() => q.put(2));
    await asyncio.sleep(0);
    assert.equal(q.getNowait(), 1);
    await putter;
  });
  await runVirtual(async () => {
    const error = await rejection(q.put(3));
    assert.ok(error instanceof asyncio.RuntimeError);
    assert.equal(q.statistics().puttersWaiting, 0);
    assert.equal(q.qsize(), 1);
    assert.equal(q.statistics().unfinishedTasks, 2);
  });
});

test("the for-await iterator is its own async iterable", () => {
  const q = new asyncio.Queue<number>();
  const iterator = q[Symbol.asyncIterator]();
  assert.equal(iterator[Symbol.asyncIterator](), iterator);
});
