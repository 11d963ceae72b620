/**
 * `Hold`: the proof of an acquisition that `hold()` returns, released at the end of an
 * `await using` block.
 */

/** @internal What a Hold releases. */
interface Releasable {
  release(): void;
}

/**
 * Proof of an acquisition, returned by `hold()`: disposing of it (at the end of an
 * `await using` or `using` block) releases the primitive once; `release()` does it earlier.
 *
 * @example
 * const lock = new asyncio.Lock();
 * {
 *   await using _ = await lock.hold();
 *   // ... the lock is held here ...
 * } // released here, even if the block threw
 */
export class Hold {
  #owner: Releasable | null;

  /** @internal */
  constructor(owner: Releasable) {
    this.#owner = owner;
  }

  /** Whether this hold was already released. */
  get released(): boolean {
    return this.#owner === null;
  }

  /** Releases the primitive now; later calls (and the disposal) do nothing. */
  release(): void {
    const owner = this.#owner;
    if (owner === null) return;
    this.#owner = null;
    owner.release();
  }

  /** `using`: releases the primitive (see `release()`). */
  [Symbol.dispose](): void {
    this.release();
  }

  /** `await using`: releases the primitive (see `release()`); releasing never waits. */
  [Symbol.asyncDispose](): Promise<void> {
    try {
      this.release();
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
