// The revisions of one key, oldest first. A delete is a tombstone record; the puts between a creation and
// the tombstone that ends it form one generation, as in etcd's keyIndex. Reading a key at a revision takes
// the last record at or below it: a put is the value then, a tombstone (or nothing) means the key did not
// exist. There is one of these per key in memory, so a key with one record holds it alone, without an
// object or array around it, and a longer history is an array sized to what it holds.

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

/** A key's records as the index holds them: the one record, or several oldest first. */
export type KeyIndex = RevisionRecord | RevisionRecord[];

/**
 * Histories up to this long are copied into an array of the exact size on each add; longer ones grow in
 * place, where pushing reserves half as much again (a short array pushed into would reserve 17 slots).
 */
const EXACT_UP_TO = 8;

/** The key's records with `record` (newer than every one held) added; the result replaces `index`. */
export function withRecord(index: KeyIndex | undefined, record: RevisionRecord): KeyIndex {
  if (index === undefined) return record;
  if (!Array.isArray(index)) return [index, record];
  if (index.length >= EXACT_UP_TO) {
    index.push(record);
    return index;
  }
  const grown = new Array<RevisionRecord>(index.length + 1);
  for (let i = 0; i < index.length; i++) grown[i] = index[i]!;
  grown[index.length] = record;
  return grown;
}

/** Every record, oldest first. */
export function recordsOf(index: KeyIndex): readonly RevisionRecord[] {
  return Array.isArray(index) ? index : [index];
}

/** The put visible at `revision`, or undefined when the key did not exist then. */
export function visibleAt(index: KeyIndex, revision: number): RevisionRecord | undefined {
  const record = lastAtOrBelow(index, revision);
  return record === undefined || record.tombstone ? undefined : record;
}

/**
 * Drops records no read or watcher at or after `revision` needs: everything before the last record at
 * or below `revision`, and that record too when it is a tombstone below `revision` (a tombstone at
 * exactly `revision` stays, so a watcher starting there still sees the delete). Returns what is kept
 * (undefined when nothing is) and the dropped records (to delete from disk).
 */
export function compacted(index: KeyIndex, revision: number): { kept: KeyIndex | undefined; dropped: readonly RevisionRecord[] } {
  const records = recordsOf(index);
  let firstKept = lastIndexAtOrBelow(records, revision);
  if (firstKept < 0) return { kept: index, dropped: [] };
  const boundary = records[firstKept]!;
  if (boundary.tombstone && boundary.main < revision) firstKept++;
  if (firstKept === 0) return { kept: index, dropped: [] };
  const dropped = records.slice(0, firstKept);
  const left = records.length - firstKept;
  return { kept: left === 0 ? undefined : left === 1 ? records[firstKept]! : records.slice(firstKept), dropped };
}

function lastAtOrBelow(index: KeyIndex, revision: number): RevisionRecord | undefined {
  if (!Array.isArray(index)) return index.main <= revision ? index : undefined;
  const at = lastIndexAtOrBelow(index, revision);
  return at < 0 ? undefined : index[at];
}

function lastIndexAtOrBelow(records: readonly RevisionRecord[], revision: number): number {
  // Most reads are of the newest record, so look there before searching.
  if (records[records.length - 1]!.main <= revision) return records.length - 1;
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (records[mid]!.main <= revision) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
