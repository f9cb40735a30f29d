// A run of consecutive log entries kept without an object per entry. The in-memory log holds up to
// --snapshot-count entries (100,000 by default) for followers that fall behind; as objects, each was an
// entry and a view of its data (about 150 bytes of heap), promoted to the old generation and all dropped
// at the next snapshot, which made the collector work for every put. Here a position's term, type and
// where its data lies are numbers in arrays, the data is copied into shared slabs, and an Entry is made
// only when one is read.

import { EMPTY_BYTES, type Entry, type EntryType } from './types.js';

/** Allocates a slab (a test counts them). */
export type SlabAllocator = (bytes: number) => Uint8Array;

const DEFAULT_SLAB_BYTES = 1024 * 1024;

export class PackedEntries {
  private readonly terms: number[] = [];
  private readonly types: number[] = [];
  /** Per position: which slab holds its data (counted from the first slab ever made), where, how long. */
  private readonly slabIds: number[] = [];
  private readonly starts: number[] = [];
  private readonly lengths: number[] = [];
  /** slabs[i] is slab number firstSlabId + i; data of `slabBytes / 8` or more get a slab of their own. */
  private slabs: Uint8Array[] = [];
  private firstSlabId = 0;
  /** The slab small data go to, and how much of it is used. */
  private fillId = -1;
  private fillUsed = 0;

  constructor(
    private readonly allocate: SlabAllocator = (bytes) => new Uint8Array(bytes),
    private readonly slabBytes: number = DEFAULT_SLAB_BYTES,
  ) {}

  get length(): number {
    return this.terms.length;
  }

  term(position: number): number {
    return this.terms[position]!;
  }

  /** Bytes of data of the entry at `position`. */
  dataLength(position: number): number {
    return this.lengths[position]!;
  }

  /** Adds an entry at the end; its data are copied (the caller's bytes may be a view into a larger buffer). */
  push(term: number, type: EntryType, data: Uint8Array): void {
    this.terms.push(term);
    this.types.push(type);
    const length = data.length;
    if (length === 0) {
      this.slabIds.push(-1);
      this.starts.push(0);
      this.lengths.push(0);
      return;
    }
    let id: number;
    let start = 0;
    if (length >= this.slabBytes / 8) {
      id = this.addSlab(length);
    } else {
      if (this.fillId < 0 || this.fillUsed + length > this.slabBytes) {
        this.fillId = this.addSlab(this.slabBytes);
        this.fillUsed = 0;
      }
      id = this.fillId;
      start = this.fillUsed;
      this.fillUsed += length;
    }
    // Bytes once written are never written again: views handed out earlier stay valid.
    this.slabs[id - this.firstSlabId]!.set(data, start);
    this.slabIds.push(id);
    this.starts.push(start);
    this.lengths.push(length);
  }

  /** The entry at `position`, whose log index is `index`. */
  entry(position: number, index: number): Entry {
    return { term: this.terms[position]!, index, type: this.types[position] as EntryType, data: this.data(position) };
  }

  /** Drops the positions from `position` on (a conflicting suffix). */
  truncate(position: number): void {
    for (const column of [this.terms, this.types, this.slabIds, this.starts, this.lengths]) column.length = position;
  }

  /**
   * Drops the positions before `position` and the slabs only they used; the entry left first keeps its term
   * and loses its data (it stands for the snapshot point).
   */
  dropBefore(position: number): void {
    for (const column of [this.terms, this.types, this.slabIds, this.starts, this.lengths]) column.splice(0, position);
    if (this.terms.length === 0) return;
    this.types[0] = 0;
    this.slabIds[0] = -1;
    this.starts[0] = 0;
    this.lengths[0] = 0;
    let lowest = this.fillId < 0 ? this.firstSlabId + this.slabs.length : this.fillId;
    for (const id of this.slabIds) if (id >= 0 && id < lowest) lowest = id;
    this.slabs = this.slabs.slice(lowest - this.firstSlabId);
    this.firstSlabId = lowest;
  }

  private data(position: number): Uint8Array {
    const id = this.slabIds[position]!;
    if (id < 0) return EMPTY_BYTES;
    const start = this.starts[position]!;
    return this.slabs[id - this.firstSlabId]!.subarray(start, start + this.lengths[position]!);
  }

  private addSlab(bytes: number): number {
    this.slabs.push(this.allocate(bytes));
    return this.firstSlabId + this.slabs.length - 1;
  }
}
