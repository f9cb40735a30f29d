// The ids of the history's records in revision order, for watchers catching up from the past: 32-bit ids
// in one growable typed array, 4 bytes a record.

/** What the order reads of a record, by id (the record table). */
interface Revisions {
  main(id: number): number;
}

const INITIAL_CAPACITY = 1024;

export class RevisionOrder {
  private ids = new Uint32Array(INITIAL_CAPACITY);
  private count = 0;

  get length(): number {
    return this.count;
  }

  at(i: number): number {
    return this.ids[i]!;
  }

  /** Appends a record newer than every one held. */
  push(id: number): void {
    if (this.count === this.ids.length) this.resize(this.ids.length * 2);
    this.ids[this.count++] = id;
  }

  /** Where the first record at or above `revision` is (the length when there is none). */
  firstFrom(table: Revisions, revision: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (table.main(this.ids[mid]!) < revision) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Keeps, in order, the ids `keep` accepts; the array shrinks when a quarter of it or less is used. */
  retain(keep: (id: number) => boolean): void {
    let kept = 0;
    for (let i = 0; i < this.count; i++) {
      const id = this.ids[i]!;
      if (keep(id)) this.ids[kept++] = id;
    }
    this.count = kept;
    if (kept * 4 <= this.ids.length && this.ids.length > INITIAL_CAPACITY) this.resize(Math.max(INITIAL_CAPACITY, kept * 2));
  }

  private resize(capacity: number): void {
    const ids = new Uint32Array(capacity);
    ids.set(this.ids.subarray(0, this.count));
    this.ids = ids;
  }
}
