/**
 * ExceptionGroup's `exceptions`, `subgroup` and `split` against Python 3.13's behaviour (the
 * expected values were printed by CPython for the same nested groups). Python's `Exception`
 * is JavaScript's `Error`; a tuple of classes is an array.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as asyncio from "asyncio-ts";

class ValueError extends Error {}
class KeyError extends Error {}
class OSError extends Error {}

type Shape = string | [string, Shape[]] | null;

/** The same shape CPython's `show()` printed: leaves as `Name(message)`, groups as [message, [...]]. */
function show(error: unknown): Shape {
  if (error === null) return null;
  if (error instanceof asyncio.ExceptionGroup) return [error.message, error.exceptions.map(show)];
  const e = error as Error;
  return `${e.constructor.name}(${e.message})`;
}

function nestedGroups() {
  const inner = new asyncio.ExceptionGroup("inner", [new TypeError("t2"), new ValueError("v3")]);
  const nested = new asyncio.ExceptionGroup("outer", [
    new ValueError("v1"),
    inner,
    new KeyError("k4"),
  ]);
  return { inner, nested };
}

test("exceptions is the errors array, in order", () => {
  const { inner, nested } = nestedGroups();
  assert.equal(nested.exceptions, nested.errors);
  assert.equal(nested.exceptions[1], inner);
  assert.ok(nested instanceof AggregateError);
  assert.equal(nested.name, "ExceptionGroup");
});

test("split by a class keeps the nesting on both sides", () => {
  const { nested } = nestedGroups();
  assert.deepEqual(nested.split(ValueError).map(show), [
    ["outer", ["ValueError(v1)", ["inner", ["ValueError(v3)"]]]],
    ["outer", [["inner", ["TypeError(t2)"]], "KeyError(k4)"]],
  ]);
});

test("split by several classes", () => {
  const { nested } = nestedGroups();
  assert.deepEqual(nested.split([TypeError, KeyError]).map(show), [
    ["outer", [["inner", ["TypeError(t2)"]], "KeyError(k4)"]],
    ["outer", ["ValueError(v1)", ["inner", ["ValueError(v3)"]]]],
  ]);
});

test("a group that matches as a whole is returned itself", () => {
  const { nested } = nestedGroups();
  assert.equal(nested.subgroup(Error), nested);
  assert.equal(nested.subgroup(asyncio.ExceptionGroup), nested);
  assert.deepEqual(nested.split(Error), [nested, null]);
});

test("nothing matching gives null and a new group with everything", () => {
  const { nested } = nestedGroups();
  const [match, rest] = nested.split(OSError);
  assert.equal(match, null);
  assert.deepEqual(show(rest), [
    "outer",
    ["ValueError(v1)", ["inner", ["TypeError(t2)", "ValueError(v3)"]], "KeyError(k4)"],
  ]);
  assert.notEqual(rest, nested, "CPython derives a new group");
  assert.equal(nested.subgroup(OSError), null);
});

test("a predicate sees the groups too, outermost first", () => {
  const { inner, nested } = nestedGroups();
  const seen: string[] = [];
  const [match, rest] = nested.split((error) => {
    const e = error as Error;
    seen.push(error instanceof asyncio.ExceptionGroup ? `group ${e.message}` : e.message);
    return error instanceof asyncio.ExceptionGroup && e.message === "inner";
  });
  assert.deepEqual(show(match), ["outer", [["inner", ["TypeError(t2)", "ValueError(v3)"]]]]);
  assert.deepEqual(show(rest), ["outer", ["ValueError(v1)", "KeyError(k4)"]]);
  assert.equal(match?.exceptions[0], inner);
  assert.deepEqual(seen, ["group outer", "v1", "group inner", "k4"]);
});

test("deep nesting: leaves are the same objects, the groups are new", () => {
  const leaf = new ValueError("x");
  const c = new asyncio.ExceptionGroup("c", [leaf]);
  const b = new asyncio.ExceptionGroup("b", [c]);
  const deep = new asyncio.ExceptionGroup("a", [b, new TypeError("y")]);
  const [match, rest] = deep.split(ValueError);
  assert.deepEqual(show(match), ["a", [["b", [["c", ["ValueError(x)"]]]]]]);
  assert.deepEqual(show(rest), ["a", ["TypeError(y)"]]);
  const matchedB = match?.exceptions[0] as asyncio.ExceptionGroup;
  assert.equal((matchedB.exceptions[0] as asyncio.ExceptionGroup).exceptions[0], leaf);
  assert.notEqual(matchedB, b, "CPython derives a new group even when all its leaves match");
});

test("a group whose leaves all match is derived anew, as CPython does", () => {
  const only = new asyncio.ExceptionGroup("only", [new ValueError("1"), new ValueError("2")]);
  const [match, rest] = only.split(ValueError);
  assert.notEqual(match, only);
  assert.deepEqual(show(match), ["only", ["ValueError(1)", "ValueError(2)"]]);
  assert.equal(rest, null);
});

test("derived groups keep the cause and the stack", () => {
  const group = new asyncio.ExceptionGroup("x", [new ValueError("1"), new TypeError("2")]);
  group.cause = new KeyError("c");
  const [match, rest] = group.split(ValueError);
  assert.equal(match?.cause, group.cause);
  assert.equal(rest?.cause, group.cause);
  assert.equal(match?.stack, group.stack);
});

test("a class that is not an error class is refused, as CPython refuses int", () => {
  const { nested } = nestedGroups();
  class NotAnError {}
  const matcher = NotAnError as unknown as asyncio.ExceptionMatcher;
  assert.throws(() => nested.split(matcher), TypeError);
  assert.throws(() => nested.subgroup(matcher), TypeError);
  const mixed = [ValueError, NotAnError] as unknown as asyncio.ExceptionMatcher;
  assert.throws(() => nested.split(mixed), TypeError);
  const notAMatcher = {} as unknown as asyncio.ExceptionMatcher;
  assert.throws(() => nested.split(notAMatcher), TypeError);
});

test("the constructor checks its arguments", () => {
  assert.throws(() => new asyncio.ExceptionGroup("m", []), TypeError);
  const notAString = 1 as unknown as string;
  assert.throws(() => new asyncio.ExceptionGroup(notAString, [new Error()]), TypeError);
});
