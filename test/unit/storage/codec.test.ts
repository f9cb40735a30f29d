import { randomBytes } from 'node:crypto';
import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EntryType } from '../../../src/raft/types.js';
import type { ConfState, Entry } from '../../../src/raft/types.js';
import {
  CODEC_VERSION,
  RecordKind,
  decodeConfState,
  decodeEntry,
  decodeHardState,
  decodeLogBounds,
  decodeSegmentStart,
  decodeSnapshotMetadata,
  encodeConfState,
  encodeEntry,
  encodeHardState,
  encodeLogBounds,
  encodeSegmentStart,
  encodeSnapshotMetadata,
  isIntactRecord,
} from '../../../src/storage/codec.js';
import { crc32, tableCrc32 } from '../../../src/storage/crc32.js';
import { CorruptLogError } from '../../../src/storage/errors.js';

const safeIndex = fc.oneof(fc.nat(1000), fc.maxSafeNat());
const nodeId = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const entryArb: fc.Arbitrary<Entry> = fc.record({
  term: safeIndex,
  index: safeIndex,
  type: fc.constantFrom(EntryType.Normal, EntryType.ConfChange),
  data: fc.uint8Array({ maxLength: 300 }),
});
const confStateArb: fc.Arbitrary<ConfState> = fc.record({
  voters: fc.array(nodeId, { maxLength: 7 }),
  learners: fc.array(nodeId, { maxLength: 3 }),
});

/** A record of `kind` with the given payload bytes and a correct checksum, to test what decoding checks next. */
function forgeRecord(kind: RecordKind, payload: number[], version = CODEC_VERSION): Uint8Array {
  const body = Uint8Array.of(version, kind, ...payload);
  const out = new Uint8Array(body.length + 4);
  out.set(body);
  new DataView(out.buffer).setUint32(body.length, crc32(body));
  return out;
}

describe('codec', () => {
  it('round-trips every record type', () => {
    fc.assert(
      fc.property(entryArb, (e) => {
        expect(decodeEntry(encodeEntry(e))).toEqual(e);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(safeIndex, nodeId, safeIndex, (term, vote, commit) => {
        expect(decodeHardState(encodeHardState({ term, vote, commit }))).toEqual({ term, vote, commit });
      }),
    );
    fc.assert(
      fc.property(confStateArb, (cs) => {
        expect(decodeConfState(encodeConfState(cs))).toEqual(cs);
      }),
    );
    fc.assert(
      fc.property(safeIndex, safeIndex, confStateArb, (index, term, confState) => {
        const meta = { index, term, confState };
        expect(decodeSnapshotMetadata(encodeSnapshotMetadata(meta))).toEqual(meta);
      }),
    );
    fc.assert(
      fc.property(safeIndex, safeIndex, safeIndex, (compactedIndex, compactedTerm, lastIndex) => {
        const bounds = { compactedIndex, compactedTerm, lastIndex };
        expect(decodeLogBounds(encodeLogBounds(bounds))).toEqual(bounds);
      }),
    );
    fc.assert(
      fc.property(fc.nat({ max: 0xffff_ffff }), (crc) => {
        expect(decodeSegmentStart(encodeSegmentStart(crc))).toBe(crc);
      }),
    );
  });

  it('is compact: a small entry costs a few bytes over its data', () => {
    const bytes = encodeEntry({ term: 3, index: 100, type: EntryType.Normal, data: new Uint8Array(10) });
    expect(bytes.length).toBe(2 + 1 + 1 + 1 + 1 + 10 + 4);
  });

  it('writes an entry byte for byte as logs on disk hold it (version, kind, varints, data, CRC)', () => {
    const hex = (term: number, index: number, type: EntryType, data: number[]): string => Buffer.from(encodeEntry({ term, index, type, data: new Uint8Array(data) })).toString('hex');
    expect(hex(1, 1, EntryType.Normal, [])).toBe('010101010000fe8056e4');
    expect(hex(3, 100, EntryType.Normal, [1, 2, 3])).toBe('010103640003010203271da143');
    expect(hex(2 ** 53 - 1, 2 ** 53 - 1, EntryType.Normal, [255])).toBe('0101ffffffffffffff0fffffffffffffff0f0001ffb67bff36');
  });

  it('detects any single-bit flip and any truncation', () => {
    fc.assert(
      fc.property(entryArb, fc.nat(), fc.nat(7), (e, at, bit) => {
        const bytes = encodeEntry(e);
        const flipped = Uint8Array.from(bytes);
        flipped[at % bytes.length]! ^= 1 << bit;
        expect(() => decodeEntry(flipped)).toThrow(CorruptLogError);
        expect(() => decodeEntry(bytes.subarray(0, at % bytes.length))).toThrow(CorruptLogError);
        expect([isIntactRecord(bytes), isIntactRecord(flipped), isIntactRecord(bytes.subarray(0, at % bytes.length))]).toEqual([true, false, false]);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a record of another kind or version even with a valid checksum', () => {
    const hs = encodeHardState({ term: 1, vote: 1n, commit: 1 });
    expect(() => decodeEntry(hs)).toThrow(/expected a Entry record/);
    const payload = [...hs.subarray(2, hs.length - 4)];
    expect(decodeHardState(forgeRecord(RecordKind.HardState, payload))).toEqual({ term: 1, vote: 1n, commit: 1 });
    expect(() => decodeHardState(forgeRecord(RecordKind.HardState, payload, CODEC_VERSION + 1))).toThrow(
      /unsupported record version/,
    );
  });

  it('refuses indexes at or above 2^53, node ids above 2^64 and trailing bytes', () => {
    // 2^53 as a varint: seven groups of zero bits (49 bits), then 0x10 (bit 4 of the eighth group is bit 53).
    const twoTo53 = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10];
    expect(() => decodeLogBounds(forgeRecord(RecordKind.LogBounds, [...twoTo53, 0, 0]))).toThrow(/not a safe integer/);
    const twoTo64 = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02];
    expect(() => decodeHardState(forgeRecord(RecordKind.HardState, [1, ...twoTo64, 0]))).toThrow(/exceeds uint64/);
    expect(() => decodeLogBounds(forgeRecord(RecordKind.LogBounds, [1, 1, 1, 0]))).toThrow(/trailing/);
    expect(() => encodeEntry({ term: 2 ** 53, index: 1, type: EntryType.Normal, data: new Uint8Array() })).toThrow(
      RangeError,
    );
  });

  it('computes the same CRC-32 as zlib, in one go or in pieces', () => {
    const data = randomBytes(5000);
    const reference = zlib.crc32(data);
    expect(tableCrc32(data)).toBe(reference);
    expect(crc32(data.subarray(1234), crc32(data.subarray(0, 1234)))).toBe(reference);
    expect(tableCrc32(data.subarray(1234), tableCrc32(data.subarray(0, 1234)))).toBe(reference);
  });
});
