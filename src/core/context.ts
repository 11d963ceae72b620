/**
 * Context variables, as Python's `contextvars`: each Task runs in its own Context, a copy of
 * its creator's taken when the task is created; `ContextVar.set()` inside the task is seen by
 * the task (and tasks it creates afterwards), never by its creator.
 *
 * Invariant: a Context's `_vars` map is never mutated once published; `set()` replaces it with
 * a modified copy. Copying a Context is therefore O(1) (the map is shared) and a task that
 * never sets a variable costs one small object.
 */
import { LookupError, RuntimeError } from "./errors.js";
import type { Scope } from "./scope.js";
import { scopeStorage } from "./scope.js";
import { describeValue } from "./validate.js";

/** @internal The immutable map behind a Context. */
export type VarMap = ReadonlyMap<ContextVar<unknown>, unknown>;

const EMPTY: VarMap = new Map();

/** The context entered with `Context.run()` (synchronous), which wins over the scope's. */
let entered: Context | null = null;
/**
 * The scope `entered` was entered from: it applies there only, so a scope entered meanwhile
 * (an eager task's first step) keeps its own context, as Python's task runs in its own copy.
 */
let enteredScope: Scope | undefined;

/**
 * A mapping of context variables to values. Each Task has one; `copyContext()` snapshots the
 * current one.
 *
 * @example
 * const requestId = new asyncio.ContextVar<string>("requestId", { default: "-" });
 * const ctx = asyncio.copyContext();
 * ctx.run(() => requestId.set("abc"));
 * console.log(ctx.get(requestId), requestId.get()); // "abc" "-"
 */
export class Context {
  /** @internal */
  _vars: VarMap;
  #entered = false;

  /** An empty Context (Python's `contextvars.Context()`). */
  constructor();
  /** @internal A Context holding `vars`. */
  constructor(vars: VarMap);
  constructor(vars: VarMap = EMPTY) {
    if (!(vars instanceof Map)) {
      throw new TypeError(
        `Context() takes no arguments (copy one with copyContext() or ctx.copy()), got ${describeValue(vars)}`,
      );
    }
    this._vars = vars;
  }

  /** A shallow copy: the same values, independent from now on. */
  copy(): Context {
    return new Context(this._vars);
  }

  /** Calls `fn(...args)` synchronously with this context as the current one. */
  run<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): R {
    if (typeof fn !== "function") {
      throw new TypeError(`Context.run() expects a function, got ${describeValue(fn)}`);
    }
    if (this.#entered) {
      throw new RuntimeError("cannot enter context: it is already entered");
    }
    const previous = entered;
    const previousScope = enteredScope;
    this.#entered = true;
    entered = this;
    enteredScope = scopeStorage.getStore();
    try {
      return fn(...args);
    } finally {
      entered = previous;
      enteredScope = previousScope;
      this.#entered = false;
    }
  }

  /** The value of `variable` in this context, or `defaultValue` when it has none. */
  get<T>(variable: ContextVar<T>, defaultValue?: T): T | undefined {
    requireContextVar(variable);
    return this._vars.has(variable as ContextVar<unknown>)
      ? (this._vars.get(variable as ContextVar<unknown>) as T)
      : defaultValue;
  }

  /** Whether `variable` has a value in this context. */
  has(variable: ContextVar<unknown>): boolean {
    requireContextVar(variable);
    return this._vars.has(variable);
  }

  /** How many variables have a value in this context. */
  get size(): number {
    return this._vars.size;
  }

  /** The `[variable, value]` pairs of this context. */
  [Symbol.iterator](): IterableIterator<[ContextVar<unknown>, unknown]> {
    return this._vars.entries();
  }
}

function requireContextVar(value: unknown): void {
  if (!(value instanceof ContextVar)) {
    throw new TypeError(`a ContextVar key was expected, got ${describeValue(value)}`);
  }
}

/** The root context: what code outside any loop reads. */
const rootContext = new Context();

/** @internal The variables in effect right now (read-only: never allocates). */
export function currentVars(): VarMap {
  const scope = scopeStorage.getStore();
  if (entered !== null && scope === enteredScope) return entered._vars;
  return scope?._contextVars() ?? rootContext._vars;
}

/** @internal The context `ContextVar.set()` writes to right now. */
export function currentContext(): Context {
  const scope = scopeStorage.getStore();
  if (entered !== null && scope === enteredScope) return entered;
  return scope?._writableContext() ?? rootContext;
}

/**
 * A copy of the current context, as Python's `contextvars.copy_context()`.
 *
 * @example
 * const ctx = asyncio.copyContext();
 * const task = asyncio.createTask(() => work(), { context: ctx });
 */
export function copyContext(): Context {
  return new Context(currentVars());
}

const MISSING: unique symbol = Symbol("Token.MISSING");

/** What `ContextVar.set()` returns: pass it to `reset()` to restore the previous value. */
export class Token<T> {
  /** Marks `oldValue` when the variable had no value before `set()`. */
  static readonly MISSING: typeof MISSING = MISSING;
  /** The variable that was set. */
  readonly var: ContextVar<T>;
  /** The value before `set()`, or `Token.MISSING`. */
  readonly oldValue: T | typeof MISSING;
  /** @internal */
  readonly _context: Context;
  /** @internal */
  _used = false;

  /** @internal */
  constructor(variable: ContextVar<T>, oldValue: T | typeof MISSING, context: Context) {
    this.var = variable;
    this.oldValue = oldValue;
    this._context = context;
  }
}

/** Options of {@link ContextVar}. */
export interface ContextVarOptions<T> {
  /** The value `get()` returns when the variable has none in the current context. */
  default?: T;
}

/**
 * A context variable, as Python's `contextvars.ContextVar`: a value per Task, inherited by the
 * tasks it creates.
 *
 * @example
 * const user = new asyncio.ContextVar<string>("user", { default: "anonymous" });
 * await asyncio.run(async () => {
 *   user.set("ana");
 *   await asyncio.createTask(async () => console.log(user.get())); // "ana"
 * });
 */
export class ContextVar<T> {
  readonly #name: string;
  readonly #hasDefault: boolean;
  readonly #default: T | undefined;

  constructor(name: string, options?: ContextVarOptions<T>) {
    if (typeof name !== "string") {
      throw new TypeError(`ContextVar name must be a string, got ${describeValue(name)}`);
    }
    if (options !== undefined && (options === null || typeof options !== "object")) {
      throw new TypeError(`ContextVar options must be an object, got ${describeValue(options)}`);
    }
    this.#name = name;
    this.#hasDefault = options !== undefined && "default" in options;
    this.#default = options?.default;
  }

  /** The name given at creation, for debugging. */
  get name(): string {
    return this.#name;
  }

  /**
   * The value in the current context; else `defaultValue` when given; else the variable's
   * default; else a `LookupError`.
   */
  get(...defaultValue: [] | [T]): T {
    const vars = currentVars();
    if (vars.has(this as ContextVar<unknown>)) return vars.get(this as ContextVar<unknown>) as T;
    if (defaultValue.length > 0) return defaultValue[0] as T;
    if (this.#hasDefault) return this.#default as T;
    throw new LookupError(`ContextVar ${JSON.stringify(this.name)} has no value and no default`);
  }

  /** Sets the value in the current context; returns a token for `reset()`. */
  set(value: T): Token<T> {
    const context = currentContext();
    const key = this as ContextVar<unknown>;
    const old = context._vars.has(key) ? (context._vars.get(key) as T) : MISSING;
    const vars = new Map(context._vars);
    vars.set(key, value);
    context._vars = vars;
    return new Token(this, old, context);
  }

  /** Restores the value the variable had before the `set()` that returned `token`. */
  reset(token: Token<T>): void {
    if (!(token instanceof Token)) {
      throw new TypeError(`ContextVar.reset() expects a Token, got ${describeValue(token)}`);
    }
    if (token._used) {
      throw new RuntimeError("Token has already been used once");
    }
    if (token.var !== this) {
      throw new RangeError(`Token was created by a different ContextVar than ${this.name}`);
    }
    const context = currentContext();
    if (token._context !== context) {
      throw new RangeError("Token was created in a different Context");
    }
    const vars = new Map(context._vars);
    if (token.oldValue === MISSING) {
      vars.delete(this as ContextVar<unknown>);
    } else {
      vars.set(this as ContextVar<unknown>, token.oldValue);
    }
    context._vars = vars;
    token._used = true;
  }
}
