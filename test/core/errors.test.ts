/**
 * The error classes, `ExceptionGroup` (mirroring the basics of CPython's
 * test_exception_group.py) and the argument checks not covered beside their feature.
 *
 * Skipped from test_exception_group.py: BaseExceptionGroup and the wrapping rules between
 * BaseException and Exception (JavaScript has one kind of error), reprs, `__notes__`,
 * tracebacks, generic aliases, read-only fields, and the deep-recursion tests (RecursionError).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as asyncio from "asyncio-ts";
import { runVirtual } from "../helpers.js";

describe("error classes", () => {
  test("a CancelledError made by the loop has no stack frames; one made by user code has", async () => {
    await runVirtual(async () => {
      const task = asyncio.createTask(() => asyncio.sleep(10));
      await asyncio.sleep(0);
      task.cancel("stop");
      const [delivered] = await asyncio.gather([task], { returnExceptions: true });
      assert.ok(delivered instanceof asyncio.CancelledError);
      assert.equal(delivered.message, "stop");
      assert.equal(delivered.stack, "CancelledError: stop");
      const fut = new asyncio.Future();
      fut.cancel();
      assert.throws(
        () => fut.result(),
        (error: unknown) =>
          error instanceof asyncio.CancelledError && error.stack === "CancelledError",
      );
      const own = new asyncio.CancelledError("mine");
      assert.match(own.stack ?? "", /^CancelledError: mine\n\s+at /);
    });
  });

  const simple = [
    asyncio.CancelledError,
    asyncio.TimeoutError,
    asyncio.InvalidStateError,
    asyncio.RuntimeError,
    asyncio.KeyboardInterrupt,
    asyncio.LookupError,
    asyncio.QueueEmpty,
    asyncio.QueueFull,
    asyncio.QueueShutDown,
    asyncio.BrokenBarrierError,
  ];
  for (const ErrorClass of simple) {
    test(`${ErrorClass.name} is an Error named after its class`, () => {
      const error = new ErrorClass("what happened");
      assert.ok(error instanceof Error);
      assert.ok(error instanceof ErrorClass);
      assert.equal(error.name, ErrorClass.name);
      assert.equal(error.message, "what happened");
      assert.match(error.stack ?? "", new RegExp(`^${ErrorClass.name}: what happened`));
      assert.equal(Object.keys(error).includes("name"), false);
      for (const other of simple) {
        if (other !== ErrorClass) assert.ok(!(error instanceof other));
      }
    });
  }

  test("IncompleteReadError keeps the partial bytes and the expected count", () => {
    const partial = new Uint8Array([1, 2, 3]);
    const error = new asyncio.IncompleteReadError(partial, 10);
    assert.equal(error.name, "IncompleteReadError");
    assert.equal(error.partial, partial);
    assert.equal(error.expected, 10);
    assert.equal(error.message, "3 bytes read on a total of 10 expected bytes");
    const untilSeparator = new asyncio.IncompleteReadError(partial, null);
    assert.equal(untilSeparator.expected, null);
    assert.equal(untilSeparator.message, "3 bytes read on a total of undefined expected bytes");
  });

  test("LimitOverrunError keeps how many bytes to consume", () => {
    const error = new asyncio.LimitOverrunError("Separator is not found", 42);
    assert.equal(error.name, "LimitOverrunError");
    assert.equal(error.message, "Separator is not found");
    assert.equal(error.consumed, 42);
  });

  test("DeadlockError lists the blocked tasks", async () => {
    await runVirtual(async () => {
      const fut = new asyncio.Future();
      const task = asyncio.createTask(() => fut, { name: "stuck" });
      await asyncio.sleep(0);
      const error = new asyncio.DeadlockError([{ task, waitsOn: fut }]);
      assert.equal(error.name, "DeadlockError");
      assert.ok(error instanceof Error);
      assert.deepEqual(error.blocked, [{ task, waitsOn: fut }]);
      assert.match(error.message, /<Task pending name="stuck"> waits on <Future pending>/);
      fut.cancel();
    });
  });
});

describe("ExceptionGroup (test_exception_group)", () => {
  /** The group of test_exception_group's `create_simple_eg()`. */
  function createSimpleEg(): asyncio.ExceptionGroup<Error> {
    return new asyncio.ExceptionGroup("simple eg", [
      new RangeError("1"),
      new TypeError("int"),
      new RangeError("2"),
    ]);
  }

  /** The shape of a group: nested arrays of "Class(message)" leaves. */
  function shape(error: unknown): unknown {
    if (error instanceof asyncio.ExceptionGroup) return error.exceptions.map(shape);
    const { name, message } = error as Error;
    return `${name}(${message})`;
  }

  const template = ["RangeError(1)", "TypeError(int)", "RangeError(2)"];

  // mirrors test_exception_group.BadConstructorArgs.test_bad_EG_construction__bad_message
  // mirrors test_exception_group.BadConstructorArgs.test_bad_EG_construction__bad_excs_sequence
  test("the constructor needs a string message and a non-empty array", () => {
    const errors = [new Error("x")];
    assert.throws(() => new asyncio.ExceptionGroup(42 as never, errors), TypeError);
    assert.throws(() => new asyncio.ExceptionGroup("bad", new Set(errors) as never), TypeError);
    assert.throws(() => new asyncio.ExceptionGroup("bad", []), {
      name: "TypeError",
      message: /non-empty array/,
    });
  });

  // mirrors test_exception_group.ExceptionGroupFields.test_basics_ExceptionGroup_fields
  test("a group has a message, its exceptions, and is an AggregateError", () => {
    const eg = createSimpleEg();
    assert.equal(eg.message, "simple eg");
    assert.equal(eg.name, "ExceptionGroup");
    assert.equal(eg.exceptions, eg.errors);
    assert.deepEqual(shape(eg), template);
    assert.ok(eg instanceof AggregateError);
    assert.ok(eg instanceof Error);
  });

  // mirrors test_exception_group.ExceptionGroupSubgroupTests.test_basics_subgroup_split__bad_arg_type
  test("subgroup and split take error classes, arrays of them or predicates only", () => {
    const eg = createSimpleEg();
    class NotAnError {}
    for (const bad of ["bad arg", NotAnError, new Error("instance not type"), [Error, 42]]) {
      assert.throws(() => eg.subgroup(bad as never), TypeError);
      assert.throws(() => eg.split(bad as never), TypeError);
    }
  });

  // mirrors test_exception_group.ExceptionGroupSubgroupTests.test_basics_subgroup_by_type__passthrough
  // mirrors test_exception_group.ExceptionGroupSubgroupTests.test_basics_subgroup_by_predicate__passthrough
  test("subgroup of everything returns the group itself", () => {
    const eg = createSimpleEg();
    for (const matcher of [Error, AggregateError, asyncio.ExceptionGroup, () => true]) {
      assert.equal(eg.subgroup(matcher), eg);
    }
  });

  // mirrors test_exception_group.ExceptionGroupSubgroupTests.test_basics_subgroup_by_type__no_match
  // mirrors test_exception_group.ExceptionGroupSubgroupTests.test_basics_subgroup_by_predicate__no_match
  test("subgroup of nothing is null", () => {
    const eg = createSimpleEg();
    assert.equal(eg.subgroup(SyntaxError), null);
    assert.equal(
      eg.subgroup(() => false),
      null,
    );
  });

  // mirrors test_exception_group.ExceptionGroupSubgroupTests.test_basics_subgroup_by_type__match
  // mirrors test_exception_group.ExceptionGroupSubgroupTests.test_basics_subgroup_by_predicate__match
  test("subgroup keeps the matching errors under the same message", () => {
    const eg = createSimpleEg();
    const cases: [asyncio.ExceptionMatcher, unknown][] = [
      [RangeError, ["RangeError(1)", "RangeError(2)"]],
      [TypeError, ["TypeError(int)"]],
      [[RangeError, TypeError], template],
      [(e: unknown) => e instanceof RangeError, ["RangeError(1)", "RangeError(2)"]],
    ];
    for (const [matcher, expected] of cases) {
      const sub = eg.subgroup(matcher);
      assert.ok(sub instanceof asyncio.ExceptionGroup);
      assert.equal(sub.message, eg.message);
      assert.deepEqual(shape(sub), expected);
    }
  });

  // mirrors test_exception_group.ExceptionGroupSplitTests.test_basics_split_by_type__passthrough
  // mirrors test_exception_group.ExceptionGroupSplitTests.test_basics_split_by_type__no_match
  // mirrors test_exception_group.ExceptionGroupSplitTests.test_basics_split_by_type__match
  // mirrors test_exception_group.ExceptionGroupSplitTests.test_basics_split_by_predicate__match
  test("split gives [matching, rest], null for an empty side", () => {
    const eg = createSimpleEg();
    assert.deepEqual(eg.split(Error), [eg, null]);
    const [none, all] = eg.split(SyntaxError);
    assert.equal(none, null);
    assert.deepEqual(shape(all), template);
    const cases: [asyncio.ExceptionMatcher, unknown, unknown][] = [
      [RangeError, ["RangeError(1)", "RangeError(2)"], ["TypeError(int)"]],
      [TypeError, ["TypeError(int)"], ["RangeError(1)", "RangeError(2)"]],
      [[SyntaxError, RangeError], ["RangeError(1)", "RangeError(2)"], ["TypeError(int)"]],
      [
        (e: unknown) => e instanceof TypeError,
        ["TypeError(int)"],
        ["RangeError(1)", "RangeError(2)"],
      ],
    ];
    for (const [matcher, matchShape, restShape] of cases) {
      const [match, rest] = eg.split(matcher);
      assert.equal(match?.message, eg.message);
      assert.equal(rest?.message, eg.message);
      assert.deepEqual(shape(match), matchShape);
      assert.deepEqual(shape(rest), restShape);
    }
  });

  // mirrors test_exception_group.NestedExceptionGroupSplitTest.test_split_by_type
  test("split keeps the nesting and the cause", () => {
    const inner = new asyncio.ExceptionGroup("inner", [new TypeError("t1"), new RangeError("r1")]);
    const cause = new Error("the cause");
    const outer = new asyncio.ExceptionGroup("outer", [inner, new TypeError("t2")]);
    outer.cause = cause;
    const [match, rest] = outer.split(TypeError);
    assert.deepEqual(shape(match), [["TypeError(t1)"], "TypeError(t2)"]);
    assert.deepEqual(shape(rest), [["RangeError(r1)"]]);
    assert.equal(match?.message, "outer");
    assert.equal((match?.exceptions[0] as asyncio.ExceptionGroup | undefined)?.message, "inner");
    assert.equal(match?.cause, cause);
    assert.equal(rest?.cause, cause);
  });

  // mirrors test_exception_group.NestedExceptionGroupSubclassSplitTest.test_split_ExceptionGroup_subclass_derive_and_new_overrides
  test("split builds its parts with derive(), so a subclass can keep its type", () => {
    class MyGroup<E> extends asyncio.ExceptionGroup<E> {
      override derive<F>(exceptions: readonly F[]): MyGroup<F> {
        return new MyGroup(this.message, exceptions);
      }
    }
    const eg = new MyGroup("mine", [new TypeError("t"), new RangeError("r")]);
    const [match, rest] = eg.split(TypeError);
    assert.ok(match instanceof MyGroup);
    assert.ok(rest instanceof MyGroup);
    const [plainMatch] = new asyncio.ExceptionGroup("plain", [
      new TypeError("t"),
      new RangeError("r"),
    ]).split(TypeError);
    assert.ok(!(plainMatch instanceof MyGroup));
  });
});

describe("argument checks", () => {
  test("the EventLoop constructor checks its options and its clock", () => {
    assert.throws(() => new asyncio.EventLoop(5 as never), {
      name: "TypeError",
      message: /EventLoop options must be an object, got number 5/,
    });
    assert.throws(() => new asyncio.EventLoop({ clock: {} as never }), {
      name: "TypeError",
      message: /clock must implement now\(\) and setAlarm\(\)/,
    });
    const loop = new asyncio.EventLoop();
    assert.equal(loop.isRunning(), false);
    assert.equal(loop.getDebug(), false);
    loop.close();
  });

  test("createTask checks its options", async () => {
    await runVirtual(async () => {
      assert.throws(() => asyncio.createTask(async () => {}, 5 as never), {
        name: "TypeError",
        message: /createTask\(\) options must be an options object, got number 5/,
      });
    });
  });
});
