/**
 * The loop's timers: one binary min-heap ordered by deadline, then by insertion order, so
 * timers with equal deadlines fire first-in first-out.
 *
 * Invariants: `#heap[0]` is the earliest entry; every entry's `_heapIndex` is its position
 * while it is in the heap and -1 once it left. Cancelled timers are removed at once (O(log n)),
 * so the heap never holds dead entries and its top is always the next deadline to honour.
 */

/** What the heap orders: a deadline in loop seconds and an insertion number. */
export interface TimerEntry {
  /** @internal */
  readonly _when: number;
  /** @internal */
  _seq: number;
  /** @internal */
  _heapIndex: number;
}

export class TimerHeap<E extends TimerEntry> {
  #heap: E[] = [];
  #seq = 0;

  get size(): number {
    return this.#heap.length;
  }

  /** The earliest entry, or undefined. */
  peek(): E | undefined {
    return this.#heap[0];
  }

  push(entry: E): void {
    entry._seq = this.#seq++;
    entry._heapIndex = this.#heap.length;
    this.#heap.push(entry);
    this.#siftUp(entry._heapIndex);
  }

  /** Removes and returns the earliest entry; the heap must not be empty. */
  pop(): E {
    const heap = this.#heap;
    const top = heap[0] as E;
    const last = heap.pop() as E;
    if (heap.length > 0) {
      heap[0] = last;
      last._heapIndex = 0;
      this.#siftDown(0);
    }
    top._heapIndex = -1;
    return top;
  }

  /** Removes `entry` if it is still in the heap. */
  remove(entry: E): void {
    const index = entry._heapIndex;
    if (index < 0) return;
    const heap = this.#heap;
    const last = heap.pop() as E;
    entry._heapIndex = -1;
    if (index === heap.length) return;
    heap[index] = last;
    last._heapIndex = index;
    this.#siftDown(index);
    this.#siftUp(last._heapIndex);
  }

  clear(): void {
    for (const entry of this.#heap) entry._heapIndex = -1;
    this.#heap = [];
  }

  #less(a: E, b: E): boolean {
    return a._when < b._when || (a._when === b._when && a._seq < b._seq);
  }

  #siftUp(index: number): void {
    const heap = this.#heap;
    const entry = heap[index] as E;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex] as E;
      if (!this.#less(entry, parent)) break;
      heap[index] = parent;
      parent._heapIndex = index;
      index = parentIndex;
    }
    heap[index] = entry;
    entry._heapIndex = index;
  }

  #siftDown(index: number): void {
    const heap = this.#heap;
    const length = heap.length;
    const entry = heap[index] as E;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      if (right < length && this.#less(heap[right] as E, heap[left] as E)) child = right;
      const smallest = heap[child] as E;
      if (!this.#less(smallest, entry)) break;
      heap[index] = smallest;
      smallest._heapIndex = index;
      index = child;
    }
    heap[index] = entry;
    entry._heapIndex = index;
  }
}
