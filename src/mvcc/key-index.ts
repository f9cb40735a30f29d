// The revisions of one key, oldest first. A delete is a tombstone record; the puts between a creation and
// the tombstone that ends it form one generation, as in etcd's keyIndex. Reading a key at a revision takes
// the last record at or below it: a put is the value then, a tombstone (or nothing) means the key did not
// exist. There is one of these per key in memory, so a key with one record holds its id alone, without an
// object or array around it, and a longer history is an array of ids sized to what it holds.

/** A stored change: a put, or a delete (tombstone), at revision {main, sub}. */
export interface RevisionRecord {
  readonly main: number;
  readonly sub: number;
  readonly key: string;
  readonly tombstone: boolean;
  readonly value: Uint8Array;
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

/** What the index reads of a record, by id (the record table). */
export interface RecordRevisions {
  main(id: number): number;
  isTombstone(id: number): boolean;
}

/** A key's records as the index holds them, by id: the one record, or several oldest first. */
export type KeyIndex = number | number[];

/**
 * Histories up to this long are copied into an array of the exact size on each add; longer ones grow in
 * place, where pushing reserves half as much again (a short array pushed into would reserve 17 slots).
 */
const EXACT_UP_TO = 8;

/** The key's records with `id` (newer than every one held) added; the result replaces `index`. */
export function withRecord(index: KeyIndex | undefined, id: number): KeyIndex {
  if (index === undefined) return id;
  if (typeof index === 'number') return [index, id];
  if (index.length >= EXACT_UP_TO) {
    index.push(id);
    return index;
  }
  const grown = new Array<number>(index.length + 1);
  for (let i = 0; i < index.length; i++) grown[i] = index[i]!;
  grown[index.length] = id;
  return grown;
}

/** The newest record, put or tombstone. */
export function latestOf(index: KeyIndex): number {
  return typeof index === 'number' ? index : index[index.length - 1]!;
}

/** Every record, oldest first. */
export function recordsOf(index: KeyIndex): readonly number[] {
  return typeof index === 'number' ? [index] : index;
}

/** The put visible at `revision`, or undefined when the key did not exist then. */
export function visibleAt(table: RecordRevisions, index: KeyIndex, revision: number): number | undefined {
  const id = lastAtOrBelow(table, index, revision);
  return id === undefined || table.isTombstone(id) ? undefined : id;
}

/**
 * Drops records no read or watcher at or after `revision` needs: everything before the last record at
 * or below `revision`, and that record too when it is a tombstone below `revision` (a tombstone at
 * exactly `revision` stays, so a watcher starting there still sees the delete). Returns what is kept
 * (undefined when nothing is) and the dropped records (to delete from disk).
 */
export function compacted(table: RecordRevisions, index: KeyIndex, revision: number): { kept: KeyIndex | undefined; dropped: readonly number[] } {
  const ids = recordsOf(index);
  let firstKept = lastIndexAtOrBelow(table, ids, revision);
  if (firstKept < 0) return { kept: index, dropped: [] };
  const boundary = ids[firstKept]!;
  if (table.isTombstone(boundary) && table.main(boundary) < revision) firstKept++;
  if (firstKept === 0) return { kept: index, dropped: [] };
  const dropped = ids.slice(0, firstKept);
  const left = ids.length - firstKept;
  return { kept: left === 0 ? undefined : left === 1 ? ids[firstKept]! : ids.slice(firstKept), dropped };
}

function lastAtOrBelow(table: RecordRevisions, index: KeyIndex, revision: number): number | undefined {
  if (typeof index === 'number') return table.main(index) <= revision ? index : undefined;
  const at = lastIndexAtOrBelow(table, index, revision);
  return at < 0 ? undefined : index[at];
}

function lastIndexAtOrBelow(table: RecordRevisions, ids: readonly number[], revision: number): number {
  // Most reads are of the newest record, so look there before searching.
  if (table.main(ids[ids.length - 1]!) <= revision) return ids.length - 1;
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (table.main(ids[mid]!) <= revision) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
