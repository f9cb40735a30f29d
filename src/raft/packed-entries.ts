// A run of consecutive log entries kept without an object per entry. The in-memory log holds up to
// --snapshot-count entries (100,000 by default) for followers that fall behind; as objects, each was an
// entry and a view of its data (about 150 bytes of heap), promoted to the old generation and all dropped
// at the next snapshot, which made the collector work for every put. Here a position's term, type and
// where its data lies are numbers in arrays, the data is copied into shared slabs, and an Entry is made
// only when one is read.
//
// With a durable log to read from (a LogSpill), only the newest slabs stay in memory: once the slabs hold
// more than `residentBytes`, the oldest ones whose every entry has a place in the durable log are let go,
// and an entry read from them is read back from there (a follower far enough behind to need it).

import { EMPTY_BYTES, type Entry, type EntryType } from './types.js';

/** Allocates a slab (a test counts them). */
export type SlabAllocator = (bytes: number) => Uint8Array;

/** Where the durable log holds an entry: its file's number and where the entry's record lies in it. */
export interface EntryPlace {
  readonly file: number;
  readonly offset: number;
}

/** Where the durable log put a run of entries: one file, and per entry where its record lies (-1: not written). */
export interface EntryPlacement {
  readonly file: number;
  readonly offsets: readonly number[];
}

/** The durable log behind the in-memory one: entries whose data memory let go of are read from it. */
export interface LogSpill {
  /** The entry at `index`, which the durable log holds at `place`. */
  read(index: number, place: EntryPlace): Entry;
  /** Bytes of slabs kept in memory before the oldest are let go. */
  readonly residentBytes: number;
}

const DEFAULT_SLAB_BYTES = 1024 * 1024;

export class PackedEntries {
  private readonly terms: number[] = [];
  private readonly types: number[] = [];
  /** Per position: which slab holds its data (counted from the first slab ever made), where, how long. */
  private readonly slabIds: number[] = [];
  private readonly starts: number[] = [];
  private readonly lengths: number[] = [];
  /** Per position: where the durable log holds it (file -1: nowhere known). */
  private readonly placeFiles: number[] = [];
  private readonly placeOffsets: number[] = [];
  /** slabs[i] is slab number firstSlabId + i, undefined once let go; data of `slabBytes / 8` or more get a slab of their own. */
  private slabs: (Uint8Array | undefined)[] = [];
  /** Per slab: how many of its entries have no place in the durable log (a slab with any stays in memory). */
  private unplaced: number[] = [];
  private residentBytes = 0;
  /** slabs before this one are let go of or held for good (an unplaced entry): letGoOfOldSlabs starts here. */
  private firstCandidate = 0;
  private firstSlabId = 0;
  /** The slab small data go to, and how much of it is used. */
  private fillId = -1;
  private fillUsed = 0;

  constructor(
    private readonly allocate: SlabAllocator = (bytes) => new Uint8Array(bytes),
    private readonly slabBytes: number = DEFAULT_SLAB_BYTES,
    private readonly spill?: LogSpill,
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

  /**
   * Adds an entry at the end; its data are copied (the caller's bytes may be a view into a larger buffer).
   * `place` says where the durable log holds it, which lets its slab go later.
   */
  push(term: number, type: EntryType, data: Uint8Array, place?: EntryPlace): void {
    this.terms.push(term);
    this.types.push(type);
    this.placeFiles.push(place?.file ?? -1);
    this.placeOffsets.push(place?.offset ?? 0);
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
      id = this.addSlab(length, this.fillId);
    } else {
      if (this.fillId < 0 || this.fillUsed + length > this.slabBytes) {
        // The full slab is filled no more: it may be let go like any other.
        this.fillId = this.addSlab(this.slabBytes, -1);
        this.fillUsed = 0;
      }
      id = this.fillId;
      start = this.fillUsed;
      this.fillUsed += length;
    }
    // Bytes once written are never written again: views handed out earlier stay valid.
    this.slabs[id - this.firstSlabId]!.set(data, start);
    if (place === undefined) this.unplaced[id - this.firstSlabId]!++;
    this.slabIds.push(id);
    this.starts.push(start);
    this.lengths.push(length);
  }

  /** The entry at `position`, whose log index is `index`. */
  entry(position: number, index: number): Entry {
    const id = this.slabIds[position]!;
    if (id >= 0 && this.slabs[id - this.firstSlabId] === undefined) return this.readBack(position, index);
    return { term: this.terms[position]!, index, type: this.types[position] as EntryType, data: this.data(position) };
  }

  /**
   * Drops the positions from `position` on (a conflicting suffix). Their slabs' counts of unplaced entries
   * stay: such a slab is kept until a prefix drop takes it, as it was before spilling existed.
   */
  truncate(position: number): void {
    for (const column of this.columns()) column.length = position;
  }

  /**
   * Drops the positions before `position` and the slabs only they used; the entry left first keeps its term
   * and loses its data (it stands for the snapshot point).
   */
  dropBefore(position: number): void {
    for (const column of this.columns()) column.splice(0, position);
    if (this.terms.length === 0) return;
    this.types[0] = 0;
    this.slabIds[0] = -1;
    this.starts[0] = 0;
    this.lengths[0] = 0;
    this.placeFiles[0] = -1;
    let lowest = this.fillId < 0 ? this.firstSlabId + this.slabs.length : this.fillId;
    for (const id of this.slabIds) if (id >= 0 && id < lowest) lowest = id;
    for (const slab of this.slabs.slice(0, lowest - this.firstSlabId)) this.residentBytes -= slab?.length ?? 0;
    this.slabs = this.slabs.slice(lowest - this.firstSlabId);
    this.unplaced = this.unplaced.slice(lowest - this.firstSlabId);
    this.firstCandidate = Math.max(0, this.firstCandidate - (lowest - this.firstSlabId));
    this.firstSlabId = lowest;
  }

  private columns(): number[][] {
    return [this.terms, this.types, this.slabIds, this.starts, this.lengths, this.placeFiles, this.placeOffsets];
  }

  private readBack(position: number, index: number): Entry {
    const entry = this.spill!.read(index, { file: this.placeFiles[position]!, offset: this.placeOffsets[position]! });
    // The durable log must give back what memory held: anything else is a log that cannot be trusted.
    if (entry.index !== index || entry.term !== this.terms[position] || entry.type !== this.types[position] || entry.data.length !== this.lengths[position]) {
      throw new Error(`durable log gave back entry ${entry.index} (term ${entry.term}, ${entry.data.length} bytes) for entry ${index} (term ${this.terms[position]}, ${this.lengths[position]} bytes)`);
    }
    return entry;
  }

  private data(position: number): Uint8Array {
    const id = this.slabIds[position]!;
    if (id < 0) return EMPTY_BYTES;
    const start = this.starts[position]!;
    return this.slabs[id - this.firstSlabId]!.subarray(start, start + this.lengths[position]!);
  }

  /** Adds a slab of `bytes`; `filling` (a slab id, or -1) is the slab data still go to, kept whatever the budget. */
  private addSlab(bytes: number, filling: number): number {
    this.letGoOfOldSlabs(bytes, filling);
    this.slabs.push(this.allocate(bytes));
    this.unplaced.push(0);
    this.residentBytes += bytes;
    return this.firstSlabId + this.slabs.length - 1;
  }

  /** Before `incoming` more bytes of slabs: lets go of the oldest slabs whose entries all have a place, down to the budget. */
  private letGoOfOldSlabs(incoming: number, filling: number): void {
    if (this.spill === undefined) return;
    for (let i = this.firstCandidate; i < this.slabs.length && this.residentBytes + incoming > this.spill.residentBytes; i++) {
      const slab = this.slabs[i];
      if (slab === undefined || this.unplaced[i]! > 0 || this.firstSlabId + i === filling) continue;
      this.slabs[i] = undefined;
      this.residentBytes -= slab.length;
    }
    // Counts of unplaced entries never fall, so what is skipped here stays skipped: the next call starts after it.
    while (this.firstCandidate < this.slabs.length && (this.slabs[this.firstCandidate] === undefined || this.unplaced[this.firstCandidate]! > 0)) this.firstCandidate++;
  }
}
