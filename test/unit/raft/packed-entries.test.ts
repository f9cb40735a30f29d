import { describe, expect, it } from 'vitest';
import { PackedEntries, type EntryPlace, type LogSpill } from '../../../src/raft/packed-entries.js';
import { MemoryStorage } from '../../../src/raft/storage.js';

/** An allocator that counts the slabs it made, to see which a log still holds. */
function countingAllocator(): { allocate: (bytes: number) => Uint8Array; made: Uint8Array[] } {
  const made: Uint8Array[] = [];
  return { made, allocate: (bytes) => (made.push(new Uint8Array(bytes)), made.at(-1)!) };
}

describe('packed log entries', () => {
  it('copies data into shared slabs, intact when the source changes, a new slab when one is full', () => {
    const { allocate, made } = countingAllocator();
    const ents = new PackedEntries(allocate, 1024);
    const source = new Uint8Array(100);
    for (let i = 0; i < 25; i++) {
      source.fill(i);
      ents.push(7, 0, source);
    }
    source.fill(255);
    for (let i = 0; i < 25; i++) {
      const e = ents.entry(i, 100 + i);
      expect(e).toMatchObject({ term: 7, index: 100 + i, type: 0 });
      expect([...e.data]).toEqual(new Array(100).fill(i));
    }
    // Ten 100-byte entries fit in a 1024-byte slab.
    expect(made).toHaveLength(3);
    expect(ents.entry(0, 0).data.buffer).toBe(ents.entry(9, 9).data.buffer);
  });

  it('gives data of an eighth of a slab or more a slab of their own, and empty data none', () => {
    const { allocate, made } = countingAllocator();
    const ents = new PackedEntries(allocate, 1024);
    ents.push(1, 1, new Uint8Array(128).fill(7));
    ents.push(1, 0, new Uint8Array(0));
    expect(made.map((slab) => slab.length)).toEqual([128]);
    expect([...ents.entry(0, 1).data]).toEqual(new Array(128).fill(7));
    expect(ents.entry(1, 2).data).toHaveLength(0);
  });

  it('a truncated suffix leaves views handed out before intact; a dropped prefix leaves a stand-in', () => {
    const { allocate, made } = countingAllocator();
    const ents = new PackedEntries(allocate, 1024);
    for (let i = 0; i < 30; i++) ents.push(1, 0, new Uint8Array(100).fill(i));
    const held = ents.entry(20, 20).data;
    ents.truncate(20);
    ents.push(2, 0, new Uint8Array(100).fill(99));
    expect([...held]).toEqual(new Array(100).fill(20));
    expect(ents.entry(20, 20).term).toBe(2);
    expect([...ents.entry(20, 20).data]).toEqual(new Array(100).fill(99));
    expect(made).toHaveLength(4); // the third slab was full: the new entry went to a fourth

    ents.dropBefore(15);
    expect(ents.length).toBe(6);
    expect(ents.entry(0, 15)).toMatchObject({ term: 1, type: 0 });
    expect(ents.entry(0, 15).data).toHaveLength(0);
    expect([...ents.entry(1, 16).data]).toEqual(new Array(100).fill(16));
    expect(ents.entry(1, 16).data.buffer).toBe(made[1]!.buffer);
    expect(ents.entry(5, 20).data.buffer).toBe(made[3]!.buffer);
    ents.push(3, 0, new Uint8Array(10).fill(5));
    expect([...ents.entry(6, 21).data]).toEqual(new Array(10).fill(5));
  });
});

/** A durable log kept as a map from place to entry, counting what is read back from it. */
function recordingSpill(residentBytes: number): LogSpill & { written: Map<string, { term: number; index: number; data: Uint8Array }>; reads: number[] } {
  const written = new Map<string, { term: number; index: number; data: Uint8Array }>();
  const reads: number[] = [];
  return {
    written,
    reads,
    residentBytes,
    read(index, place) {
      reads.push(index);
      const entry = written.get(`${place.file}:${place.offset}`)!;
      return { term: entry.term, index: entry.index, type: 0, data: entry.data };
    },
  };
}

describe('packed log entries over a durable log', () => {
  const put = (ents: PackedEntries, spill: ReturnType<typeof recordingSpill>, term: number, index: number, data: Uint8Array, placed = true): void => {
    const place: EntryPlace = { file: 1, offset: index * 1000 };
    spill.written.set(`${place.file}:${place.offset}`, { term, index, data: data.slice() });
    ents.push(term, 0, data, placed ? place : undefined);
  };

  it('lets go of the oldest slabs past the budget and reads their entries back, the newest from memory', () => {
    const { allocate, made } = countingAllocator();
    const spill = recordingSpill(3 * 1024);
    const ents = new PackedEntries(allocate, 1024, spill);
    for (let i = 0; i < 60; i++) put(ents, spill, 1, i, new Uint8Array(100).fill(i));
    expect(made).toHaveLength(6);
    for (let i = 0; i < 60; i++) expect([...ents.entry(i, i).data]).toEqual(new Array(100).fill(i));
    // Ten entries a slab, three slabs' worth kept: the first three slabs were read back, the last three not.
    expect(spill.reads).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('keeps a slab holding any entry the durable log has no place for', () => {
    const spill = recordingSpill(1024);
    const ents = new PackedEntries(undefined, 1024, spill);
    put(ents, spill, 1, 0, new Uint8Array(100).fill(7), false);
    for (let i = 1; i < 40; i++) put(ents, spill, 1, i, new Uint8Array(100).fill(i));
    for (let i = 0; i < 40; i++) ents.entry(i, i);
    // Slab one stays (entry 0 unplaced), slabs two and three were let go, slab four fills.
    expect(spill.reads).toEqual(Array.from({ length: 20 }, (_, i) => 10 + i));
  });

  it('refuses an entry the durable log gives back unlike the one it was given', () => {
    const spill = recordingSpill(0);
    const ents = new PackedEntries(undefined, 1024, spill);
    for (let i = 0; i < 30; i++) put(ents, spill, 2, i, new Uint8Array(100));
    spill.written.set('1:0', { term: 3, index: 0, data: new Uint8Array(100) });
    expect(() => ents.entry(0, 0)).toThrow(/gave back entry 0 \(term 3, 100 bytes\) for entry 0 \(term 2, 100 bytes\)/);
  });

  it('after a prefix drop, counts only the slabs left against the budget', () => {
    const spill = recordingSpill(2 * 1024);
    const ents = new PackedEntries(undefined, 1024, spill);
    for (let i = 0; i < 25; i++) put(ents, spill, 1, i, new Uint8Array(100).fill(i));
    ents.dropBefore(20);
    // Slab three (entries 20-29) and slab four (30-39) are the two the budget holds.
    for (let i = 25; i < 40; i++) put(ents, spill, 1, i, new Uint8Array(100).fill(i));
    for (let position = 1; position < 20; position++) expect(ents.entry(position, 20 + position).data[0]).toBe(20 + position);
    expect(spill.reads).toEqual([]);
    put(ents, spill, 1, 40, new Uint8Array(100).fill(40));
    for (let position = 1; position < 21; position++) expect(ents.entry(position, 20 + position).data[0]).toBe(20 + position);
    expect(spill.reads).toEqual(Array.from({ length: 9 }, (_, i) => 21 + i));
  });
});

describe('MemoryStorage over packed entries', () => {
  it('answers entries() with at least one entry, then more within maxSize', () => {
    const storage = new MemoryStorage();
    const text = new TextEncoder();
    storage.append([1, 2, 3].map((index) => ({ term: 1, index, type: 0, data: text.encode(`value-${index}`) })));
    const read = storage.entries(1, 4, Number.MAX_SAFE_INTEGER);
    expect(read.map((e) => new TextDecoder().decode(e.data))).toEqual(['value-1', 'value-2', 'value-3']);
    // Each entry counts its data plus 16: one is always returned, two fit in 46 bytes.
    expect(storage.entries(1, 4, 0)).toHaveLength(1);
    expect(storage.entries(1, 4, 46)).toHaveLength(2);
  });
});
