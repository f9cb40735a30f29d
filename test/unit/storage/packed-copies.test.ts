import { describe, expect, it } from 'vitest';
import { PackedCopies } from '../../../src/storage/packed-copies.js';

describe('packed copies', () => {
  it('copies share slabs, stay intact when the source changes, and start a new slab when one is full', () => {
    const copies = new PackedCopies(1024);
    const source = Buffer.alloc(100);
    const made: Buffer[] = [];
    for (let i = 0; i < 25; i++) {
      source.fill(i);
      made.push(copies.copy(source));
    }
    source.fill(255);
    made.forEach((copy, i) => expect(copy.equals(Buffer.alloc(100, i))).toBe(true));
    // Ten 100-byte copies fit in a 1024-byte slab.
    expect(new Set(made.map((copy) => copy.buffer)).size).toBe(3);
    expect(made[0]!.buffer).toBe(made[9]!.buffer);
    expect(made.every((copy) => copies.isPacked(copy))).toBe(true);
  });

  it('large and empty inputs are not packed', () => {
    const copies = new PackedCopies(1024);
    const large = Buffer.alloc(128, 7);
    const copy = copies.copy(large);
    large.fill(0);
    expect(copy.equals(Buffer.alloc(128, 7))).toBe(true);
    expect(copy.buffer.byteLength).toBe(128);
    expect(copies.isPacked(copy)).toBe(false);
    expect(copies.copy(new Uint8Array(0)).length).toBe(0);
  });
});
