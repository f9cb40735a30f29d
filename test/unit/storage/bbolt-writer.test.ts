// The bbolt writer read back by the reader: trees several branch levels deep, values over a page
// (overflow pages), inline and nested buckets, empty buckets, and the meta pages' checksums.

import { describe, expect, it } from 'vitest';
import { readBoltFile } from '../../../src/storage/bbolt/reader.js';
import { writeBoltFile } from '../../../src/storage/bbolt/writer.js';
import { PAGE_SIZE, type BoltBucket } from '../../../src/storage/bbolt/page-layout.js';

const key = (i: number): Buffer => Buffer.from(`key-${String(i).padStart(6, '0')}`);

function bucket(name: string, count: number, value: (i: number) => Buffer, buckets: BoltBucket[] = []): BoltBucket {
  return { name: Buffer.from(name), entries: Array.from({ length: count }, (_, i) => [key(i), value(i)] as const), buckets };
}

describe('bbolt writer', () => {
  it('writes trees the reader walks back entry for entry', () => {
    const large = bucket('large', 40_000, (i) => Buffer.from(`value-${i}`));
    const overflow = bucket('overflow', 30, (i) => Buffer.alloc(i * 1000, i));
    const small = bucket('small', 3, (i) => Buffer.from([i]));
    const empty = bucket('empty', 0, () => Buffer.alloc(0));
    const parent = bucket('parent', 2, (i) => Buffer.from(`p${i}`), [bucket('child', 500, (i) => Buffer.from(`c${i}`))]);
    const file = writeBoltFile([small, large, parent, empty, overflow]);
    expect(file.length % PAGE_SIZE).toBe(0);

    const db = readBoltFile(file);
    expect(db.meta.pgid).toBe(BigInt(file.length / PAGE_SIZE));
    expect(db.buckets.map((b) => b.name.toString())).toEqual(['empty', 'large', 'overflow', 'parent', 'small']);
    const strip = (b: BoltBucket): unknown => ({ name: b.name.toString(), entries: b.entries.map(([k, v]) => [k.toString('hex'), v.toString('hex')]), buckets: b.buckets.map(strip) });
    expect(db.buckets.map(strip)).toEqual([empty, large, overflow, parent, small].map(strip));
  });

  it('sorts entries given out of order', () => {
    const db = readBoltFile(writeBoltFile([{ name: Buffer.from('b'), entries: [[Buffer.from('z'), Buffer.from('1')], [Buffer.from('a'), Buffer.from('2')]], buckets: [] }]));
    expect(db.buckets[0]!.entries.map(([k]) => k.toString())).toEqual(['a', 'z']);
  });

  it('is still readable from the other meta page when one is damaged, and refuses when both are', () => {
    const file = writeBoltFile([bucket('b', 10, (i) => Buffer.from([i]))]);
    flipByte(file, PAGE_SIZE + 16 + 16); // the newer meta's root id: its checksum no longer matches
    expect(readBoltFile(file).meta.txid).toBe(1n);
    flipByte(file, 16 + 16);
    expect(() => readBoltFile(file)).toThrow(/checksum error/);
  });
});

function flipByte(file: Buffer, offset: number): void {
  file.writeUInt8(file.readUInt8(offset) ^ 0xff, offset);
}
