// Reading protobuf fields straight from a buffer, for the messages every member decodes many times a
// second (raft frames, the requests in log entries): protobufjs builds an object per message and a Long
// per 64-bit number, which the code then converts again. Every read is bounds-checked and throws a
// RangeError on bytes that are not what they claim.

import { VarintReader } from '../shared/varint.js';

/** Reads protobuf fields between two offsets of a buffer. */
export class FieldReader extends VarintReader {
  /** The last few 64-bit ids read and their bytes: a frame carries the same two or three over and over. */
  private static readonly ids: { bytes: Uint8Array; value: bigint }[] = [];

  constructor(bytes: Uint8Array, pos: number, end: number) {
    super(bytes, pos, end);
    if (end > bytes.length) throw new RangeError('field runs past the end of the frame');
  }

  /** A reader over the next `length` bytes (an embedded message); this one moves past them. */
  nested(length: number): FieldReader {
    if (length > this.end - this.pos) throw new RangeError('field runs past the end of its message');
    this.pos += length;
    return new FieldReader(this.bytes, this.pos - length, this.pos);
  }

  more(): boolean {
    return this.pos < this.end;
  }

  /** A uint64 varint as a bigint, from a small cache of the last ids read (member and cluster ids). */
  id(): bigint {
    const start = this.pos;
    const length = this.skipVarint();
    const ids = FieldReader.ids;
    for (let i = 0; i < ids.length; i++) if (this.sameAs(start, length, ids[i]!.bytes)) return ids[i]!.value;
    this.pos = start;
    const value = this.uint64();
    if (ids.length >= 8) ids.shift();
    ids.push({ bytes: Uint8Array.from(this.bytes.subarray(start, this.pos)), value });
    return value;
  }

  /**
   * Reads a bytes field and answers its index in `known`, or -1 (the field is read either way). Compared
   * where it lies: a view per field, made for every message of every frame, was most of what reading a
   * frame allocated.
   */
  knownBytes(known: readonly Uint8Array[]): number {
    const length = this.length();
    const start = this.pos;
    this.pos += length;
    for (let k = 0; k < known.length; k++) if (this.sameAs(start, length, known[k]!)) return k;
    return -1;
  }

  /** Whether the `length` bytes at `start` are `other`'s. */
  private sameAs(start: number, length: number, other: Uint8Array): boolean {
    if (other.length !== length) return false;
    for (let i = 0; i < length; i++) if (this.bytes[start + i] !== other[i]) return false;
    return true;
  }

  length(): number {
    const length = this.uint();
    if (length > this.end - this.pos) throw new RangeError('field runs past the end of its message');
    return length;
  }

  /** A bytes field: a view into the frame, as protobufjs gives it. */
  bytesField(): Uint8Array {
    const length = this.length();
    this.pos += length;
    return this.bytes.subarray(this.pos - length, this.pos);
  }

  text(): string {
    const bytes = this.bytesField();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
  }

  /** A uint64 varint as a bigint, not cached (request ids, each seen once). */
  uint64(): bigint {
    return BigInt.asUintN(64, this.wideUint());
  }

  /** An int64 varint (negative ones take ten bytes, two's complement), as protobufjs reads it. */
  int64(): bigint {
    return BigInt.asIntN(64, this.uint64());
  }

  /** Skips a field this member does not know. */
  skip(tag: number): void {
    const wireType = tag & 7;
    if (wireType === 0) this.skipVarint();
    else if (wireType === 1) this.advance(8);
    else if (wireType === 2) this.advance(this.length());
    else if (wireType === 5) this.advance(4);
    else throw new RangeError(`unsupported wire type ${wireType}`);
  }

  private advance(bytes: number): void {
    if (bytes > this.end - this.pos) throw new RangeError('field runs past the end of its message');
    this.pos += bytes;
  }
}
