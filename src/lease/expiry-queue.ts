// A binary min-heap of (item, expiry) with lazy deletion: renewing pushes a new entry instead of moving
// the old one, and due() skips entries the caller says are stale. Finding k due items costs O(k log n).

interface Slot<T> {
  readonly item: T;
  readonly expiry: number;
}

export class ExpiryQueue<T> {
  private heap: Slot<T>[] = [];

  get size(): number {
    return this.heap.length;
  }

  clear(): void {
    this.heap = [];
  }

  push(item: T, expiry: number): void {
    this.heap.push({ item, expiry });
    this.siftUp(this.heap.length - 1);
  }

  /**
   * Up to `limit` distinct live items with expiry <= now, earliest first. `isLive(item, expiry)` says whether
   * an entry is still the item's current expiry; stale ones are dropped. Live due items stay queued until
   * they become stale, so asking again before they are dealt with returns them again.
   */
  due(now: number, limit: number, isLive: (item: T, expiry: number) => boolean): T[] {
    const found: Slot<T>[] = [];
    const seen = new Set<T>();
    while (found.length < limit && this.heap.length > 0 && this.heap[0]!.expiry <= now) {
      const top = this.pop();
      if (!isLive(top.item, top.expiry) || seen.has(top.item)) continue;
      seen.add(top.item);
      found.push(top);
    }
    for (const slot of found) this.push(slot.item, slot.expiry);
    return found.map((slot) => slot.item);
  }

  private pop(): Slot<T> {
    const top = this.heap[0]!;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  private siftUp(at: number): void {
    const heap = this.heap;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (heap[parent]!.expiry <= heap[at]!.expiry) return;
      [heap[parent], heap[at]] = [heap[at]!, heap[parent]!];
      at = parent;
    }
  }

  private siftDown(at: number): void {
    const heap = this.heap;
    for (;;) {
      const left = at * 2 + 1;
      const right = left + 1;
      let smallest = at;
      if (left < heap.length && heap[left]!.expiry < heap[smallest]!.expiry) smallest = left;
      if (right < heap.length && heap[right]!.expiry < heap[smallest]!.expiry) smallest = right;
      if (smallest === at) return;
      [heap[smallest], heap[at]] = [heap[at]!, heap[smallest]!];
      at = smallest;
    }
  }
}
