// Every record of the keyspace's history, stored as columns of typed arrays and named by a number (its
// id) rather than held as an object with a view of its value: about 57 bytes a record (the key itself is
// shared with the index) where the object and the view took about 190. Records are made into objects
// only when read out (a range's results, a watcher's events). Columns come in chunks, so the table grows
// without copying; the ids of dropped records are reused.

import { keptLease, type RevisionRecord } from './key-index.js';
import { ValueSlabs } from './value-slabs.js';
import type { ValueSpill } from './value-spill.js';

const CHUNK_BITS = 14;
const CHUNK_RECORDS = 1 << CHUNK_BITS;
const SLOT_MASK = CHUNK_RECORDS - 1;
const TOMBSTONE = 1;
/** Compaction dropped it: it stays until the history in revision order no longer names it. */
const DROPPED = 2;
/** Its value is in the spill files, not in the slabs. */
const SPILLED = 4;

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

  /** @param spill where values of older revisions can go (none: they stay in memory) */
  constructor(readonly spill?: ValueSpill) {}

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
    this.holderOf(chunk, slot).release(chunk.valueAddress[slot]!, chunk.valueLength[slot]!);
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

  lease(id: number): bigint {
    return keptLease(this.chunk(id).lease[id & SLOT_MASK]!);
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
      value: this.valueIn(chunk, slot),
      createRevision: chunk.createRevision[slot]!,
      version: chunk.version[slot]!,
      lease: keptLease(chunk.lease[slot]!),
    };
  }

  valueLength(id: number): number {
    return this.chunk(id).valueLength[id & SLOT_MASK]!;
  }

  /** The record's value, read back from the spill files if it is there. */
  value(id: number): Buffer {
    return this.valueIn(this.chunk(id), id & SLOT_MASK);
  }

  /** Records that the value of `id` was written to the spill files at `address`; its slab copy goes. */
  spilled(id: number, address: number): void {
    const chunk = this.chunk(id);
    const slot = id & SLOT_MASK;
    this.values.release(chunk.valueAddress[slot]!, chunk.valueLength[slot]!);
    chunk.valueAddress[slot] = address;
    chunk.flags[slot]! |= SPILLED;
  }

  /** Moves the record's value out of a slab or spill segment that is mostly dead, so that it can go. */
  repackValue(id: number): void {
    const chunk = this.chunk(id);
    const slot = id & SLOT_MASK;
    const address = chunk.valueAddress[slot]!;
    const length = chunk.valueLength[slot]!;
    const holder = this.holderOf(chunk, slot);
    if (!holder.isInSparseContainer(address, length)) return;
    const value = this.valueIn(chunk, slot);
    chunk.valueAddress[slot] = holder === this.spill ? this.spill.write([value])[0]! : this.values.store(value);
    holder.release(address, length);
  }

  private valueIn(chunk: Chunk, slot: number): Buffer {
    const address = chunk.valueAddress[slot]!;
    const length = chunk.valueLength[slot]!;
    return (chunk.flags[slot]! & SPILLED) !== 0 ? this.spill!.read(address, length) : this.values.view(address, length);
  }

  private holderOf(chunk: Chunk, slot: number): ValueSlabs | ValueSpill {
    return (chunk.flags[slot]! & SPILLED) !== 0 ? this.spill! : this.values;
  }

  private chunk(id: number): Chunk {
    return this.chunks[id >>> CHUNK_BITS]!;
  }
}
