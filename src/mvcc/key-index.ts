// The revisions of one key, oldest first. A delete is a tombstone record; the puts between a creation and
// the tombstone that ends it form one generation, as in etcd's keyIndex. Reading a key at a revision takes
// the last record at or below it: a put is the value then, a tombstone (or nothing) means the key did not
// exist. Kept as one flat array, sized to what it holds, because there is one of these per key in memory.

/** A stored change: a put, or a delete (tombstone), at revision {main, sub}. */
export interface RevisionRecord {
  readonly main: number;
  readonly sub: number;
  readonly key: string;
  readonly tombstone: boolean;
  /** Not readonly only so the keyspace can move it between its value slabs (same bytes). */
  value: Uint8Array;
  readonly createRevision: number;
  readonly version: number;
  readonly lease: bigint;
}

/**
 * A lease as a record keeps it: zero as the one shared literal, since a converted or decoded zero is a
 * fresh bigint each time and most of the history's records have no lease.
 */
export function keptLease(lease: bigint): bigint {
  return lease === 0n ? 0n : lease;
}

export class KeyIndex {
  /** In revision order; empty only after compaction removed everything. */
  private history: RevisionRecord[];

  constructor(first: RevisionRecord) {
    // A literal holds exactly one slot, where pushing into [] would reserve seventeen.
    this.history = [first];
  }

  get key(): string {
    return this.history[0]!.key;
  }

  /** Adds a put or tombstone, newer than every record held. */
  add(record: RevisionRecord): void {
    this.history.push(record);
  }

  /** The newest record, put or tombstone. */
  latest(): RevisionRecord | undefined {
    return this.history[this.history.length - 1];
  }

  /** The put visible at `revision`, or undefined when the key did not exist then. */
  get(revision: number): RevisionRecord | undefined {
    const at = this.lastAtOrBelow(revision);
    if (at < 0) return undefined;
    const record = this.history[at]!;
    return record.tombstone ? undefined : record;
  }

  /** Every record, oldest first. */
  records(): readonly RevisionRecord[] {
    return this.history;
  }

  /** Whether nothing is left (after compaction removed everything). */
  get isEmpty(): boolean {
    return this.history.length === 0;
  }

  /**
   * Drops records no read or watcher at or after `revision` needs: everything before the last record at
   * or below `revision`, and that record too when it is a tombstone below `revision` (a tombstone at
   * exactly `revision` stays, so a watcher starting there still sees the delete). Returns the dropped
   * records (to delete from disk).
   */
  compact(revision: number): RevisionRecord[] {
    let firstKept = this.lastAtOrBelow(revision);
    if (firstKept < 0) return [];
    const boundary = this.history[firstKept]!;
    if (boundary.tombstone && boundary.main < revision) firstKept++;
    if (firstKept === 0) return [];
    const dropped = this.history.slice(0, firstKept);
    this.history = this.history.slice(firstKept);
    return dropped;
  }

  private lastAtOrBelow(revision: number): number {
    const history = this.history;
    // Most reads are of the newest record, so look there before searching.
    if (history.length === 0 || history[history.length - 1]!.main <= revision) return history.length - 1;
    let lo = 0;
    let hi = history.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (history[mid]!.main <= revision) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }
}
