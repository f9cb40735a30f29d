// A binary min-heap of (lease, expiry) with lazy deletion: a renewal pushes a new entry instead of moving
// the old one, and due() drops entries the caller says are stale. Finding k due leases costs O(k log n).
// Ties on expiry are broken by id, so the order in which leases come due is fully determined.

import type { LeaseId } from './lessor.js';

export interface ExpiryEntry {
  readonly id: LeaseId;
  readonly expiry: number;
}

export class ExpiryQueue {
  private heap: ExpiryEntry[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(id: LeaseId, expiry: number): void {
    this.heap.push({ id, expiry });
    this.siftUp(this.heap.length - 1);
  }

  /** Replaces the contents with `entries` in O(n) (bottom-up heapify). */
  rebuild(entries: Iterable<ExpiryEntry>): void {
    this.heap = [...entries];
    for (let at = (this.heap.length >> 1) - 1; at >= 0; at--) this.siftDown(at);
  }

  /**
   * Up to `limit` distinct live leases with expiry <= now, earliest first. `isLive(entry)` says whether an
   * entry is still its lease's current expiry; stale ones are dropped for good. Live due entries go back
   * in the queue, so asking again before the leases are revoked returns them again.
   */
  due(now: number, limit: number, isLive: (entry: ExpiryEntry) => boolean): LeaseId[] {
    const found: ExpiryEntry[] = [];
    while (found.length < limit && this.heap.length > 0 && this.heap[0]!.expiry <= now) {
      const top = this.pop();
      // Identical entries (the same expiry pushed twice) pop one after the other: keep one.
      const previous = found[found.length - 1];
      if (!isLive(top) || (previous !== undefined && previous.id === top.id)) continue;
      found.push(top);
    }
    for (const entry of found) this.push(entry.id, entry.expiry);
    return found.map((entry) => entry.id);
  }

  private pop(): ExpiryEntry {
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
      if (!before(heap[at]!, heap[parent]!)) return;
      [heap[parent], heap[at]] = [heap[at]!, heap[parent]!];
      at = parent;
    }
  }

  private siftDown(at: number): void {
    const heap = this.heap;
    for (;;) {
      const left = at * 2 + 1;
      const right = left + 1;
      let first = at;
      if (left < heap.length && before(heap[left]!, heap[first]!)) first = left;
      if (right < heap.length && before(heap[right]!, heap[first]!)) first = right;
      if (first === at) return;
      [heap[first], heap[at]] = [heap[at]!, heap[first]!];
      at = first;
    }
  }
}

function before(a: ExpiryEntry, b: ExpiryEntry): boolean {
  return a.expiry < b.expiry || (a.expiry === b.expiry && a.id < b.id);
}
