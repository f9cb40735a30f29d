// Every record of the keyspace's history, stored as columns of typed arrays and named by a number (its
// id) rather than held as an object with a view of its value: about 57 bytes a record (the key itself is
// shared with the index) where the object and the view took about 190. Records are made into objects
// only when read out (a range's results, a watcher's events). Columns come in chunks, so the table grows
// without copying; the ids of dropped records are reused.

import { keptLease, type RevisionRecord } from './key-index.js';
import { ValueSlabs } from './value-slabs.js';

const CHUNK_BITS = 14;
const CHUNK_RECORDS = 1 << CHUNK_BITS;
const SLOT_MASK = CHUNK_RECORDS - 1;
const TOMBSTONE = 1;
/** Compaction dropped it: it stays until the history in revision order no longer names it. */
const DROPPED = 2;

class Chunk {
  readonly main = new Float64Array(CHUNK_RECORDS);
  readonly createRevision = new Float64Array(CHUNK_RECORDS);
  readonly version = new Float64Array(CHUNK_RECORDS);
  readonly valueAddress = new Float64Array(CHUNK_RECORDS);
  readonly lease = new BigInt64Array(CHUNK_RECORDS);
  readonly sub = new Uint32Array(CHUNK_RECORDS);
  readonly valueLength = new Uint32Array(CHUNK_RECORDS);
  readonly flags = new Uint8Array(CHUNK_RECORDS);
  readonly key = new Array<string>(CHUNK_RECORDS).fill('');
}

export class RecordTable {
  /** @internal Holds every record's value. */
  readonly values = new ValueSlabs();
  private readonly chunks: Chunk[] = [];
  private readonly freeIds: number[] = [];
  /** Ids from here on were never handed out. */
  private unused = 0;

  /** Stores a record (its value copied in, its key as `key`, an equal string); returns its id. */
  add(record: RevisionRecord, key = record.key): number {
    const id = this.freeIds.pop() ?? this.unused++;
    if (id >>> CHUNK_BITS === this.chunks.length) this.chunks.push(new Chunk());
    const chunk = this.chunks[id >>> CHUNK_BITS]!;
    const slot = id & SLOT_MASK;
    chunk.main[slot] = record.main;
    chunk.sub[slot] = record.sub;
    chunk.key[slot] = key;
    chunk.flags[slot] = record.tombstone ? TOMBSTONE : 0;
    chunk.createRevision[slot] = record.createRevision;
    chunk.version[slot] = record.version;
    chunk.lease[slot] = record.lease;
    chunk.valueAddress[slot] = this.values.store(record.value);
    chunk.valueLength[slot] = record.value.length;
    return id;
  }

  /** Forgets a record no read will ask for again: its value is released and its id reused. */
  free(id: number): void {
    const chunk = this.chunk(id);
    const slot = id & SLOT_MASK;
    this.values.release(chunk.valueAddress[slot]!, chunk.valueLength[slot]!);
    chunk.valueLength[slot] = 0;
    chunk.key[slot] = '';
    this.freeIds.push(id);
  }

  main(id: number): number {
    return this.chunk(id).main[id & SLOT_MASK]!;
  }

  sub(id: number): number {
    return this.chunk(id).sub[id & SLOT_MASK]!;
  }

  key(id: number): string {
    return this.chunk(id).key[id & SLOT_MASK]!;
  }

  isTombstone(id: number): boolean {
    return (this.chunk(id).flags[id & SLOT_MASK]! & TOMBSTONE) !== 0;
  }

  /** Marks a record compaction dropped; free() it once nothing names it. */
  markDropped(id: number): void {
    this.chunk(id).flags[id & SLOT_MASK]! |= DROPPED;
  }

  isDropped(id: number): boolean {
    return (this.chunk(id).flags[id & SLOT_MASK]! & DROPPED) !== 0;
  }

  createRevision(id: number): number {
    return this.chunk(id).createRevision[id & SLOT_MASK]!;
  }

  version(id: number): number {
    return this.chunk(id).version[id & SLOT_MASK]!;
  }

  /** The record as an object, its value a view into the slab that holds it. */
  record(id: number): RevisionRecord {
    const chunk = this.chunk(id);
    const slot = id & SLOT_MASK;
    return {
      main: chunk.main[slot]!,
      sub: chunk.sub[slot]!,
      key: chunk.key[slot]!,
      tombstone: (chunk.flags[slot]! & TOMBSTONE) !== 0,
      value: this.values.view(chunk.valueAddress[slot]!, chunk.valueLength[slot]!),
      createRevision: chunk.createRevision[slot]!,
      version: chunk.version[slot]!,
      lease: keptLease(chunk.lease[slot]!),
    };
  }

  /** Moves the record's value to a fresh slab if its slab is mostly dead, so that slab can go. */
  repackValue(id: number): void {
    const chunk = this.chunk(id);
    const slot = id & SLOT_MASK;
    const address = chunk.valueAddress[slot]!;
    const length = chunk.valueLength[slot]!;
    if (!this.values.isInSparseSlab(address, length)) return;
    chunk.valueAddress[slot] = this.values.store(this.values.view(address, length));
    this.values.release(address, length);
  }

  private chunk(id: number): Chunk {
    return this.chunks[id >>> CHUNK_BITS]!;
  }
}
