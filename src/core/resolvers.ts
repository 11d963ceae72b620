/**
 * @internal Promise plumbing of the core: the types of `then` handlers and a way to create a
 * promise without allocating an executor closure (`new Promise(captureResolvers)`), used on
 * every wait (justified by bench/spawn-join and bench/queue).
 */

/** @internal A resolve or reject function of a promise. */
export type Settle = (value: unknown) => void;
/** A `then` fulfilment handler. */
export type OnFulfilled<T, R> = ((value: T) => R | PromiseLike<R>) | null | undefined;
/** A `then` rejection handler. */
export type OnRejected<R> = ((reason: unknown) => R | PromiseLike<R>) | null | undefined;

/**
 * @internal `new Promise(captureResolvers)` leaves the new promise's resolvers in
 * `capturedResolve`/`capturedReject` (read them at once): no executor closure is allocated.
 */
export let capturedResolve: Settle;
/** @internal See `captureResolvers`. */
export let capturedReject: Settle;
/**
 * @internal Drops the captured resolvers once they were handed on: left in these module
 * variables they would keep the last awaiting promise — and through it the awaiting task and
 * everything it references — reachable after its loop is gone, so it could never be collected
 * (nor reported as "destroyed but pending" or "never retrieved").
 */
export function releaseResolvers(): void {
  capturedResolve = NOOP;
  capturedReject = NOOP;
}

function NOOP(): void {}

/** @internal See `capturedResolve`. */
export function captureResolvers<T>(resolve: (value: T) => void, reject: Settle): void {
  capturedResolve = resolve as Settle;
  capturedReject = reject;
}

/** @internal What a fast path returns: settled promises shared by every call. */
export const RESOLVED_TRUE: Promise<true> = Promise.resolve(true);
/** @internal See `RESOLVED_TRUE`. */
export const RESOLVED_VOID: Promise<void> = Promise.resolve();
