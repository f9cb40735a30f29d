// Unsigned LEB128 varints (protobuf's, and the raft log records'), read and written in one place. Reads are
// bounds-checked and throw a RangeError on bytes that are not what they claim; each format's reader turns
// that into its own error.

/** The longest varint: 64 bits in 7-bit groups. */
const MAX_VARINT_BYTES = 10;

/** A cursor reading varints between two offsets of a buffer. */
export class VarintReader {
  constructor(
    readonly bytes: Uint8Array,
    public pos: number,
    readonly end: number,
  ) {}

  /** A varint that must fit a safe integer (terms, indexes, tags, lengths). */
  uint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (this.pos >= this.end) throw new RangeError('varint runs past the end of its field');
      const b = this.bytes[this.pos++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (value > Number.MAX_SAFE_INTEGER) throw new RangeError('varint is not a safe integer');
        return value;
      }
      scale *= 0x80;
    }
    throw new RangeError('varint too long');
  }

  /** The bytes of the varint at the cursor, which moves past it. */
  varintBytes(): Uint8Array {
    const start = this.pos;
    while (this.pos < this.end && this.bytes[this.pos]! >= 0x80) this.pos++;
    if (this.pos >= this.end || this.pos - start >= MAX_VARINT_BYTES) throw new RangeError('bad uint64 varint');
    this.pos++;
    return this.bytes.subarray(start, this.pos);
  }

  /** A varint of up to ten bytes as a bigint: 70 bits, which a caller truncates or rejects past 64. */
  wideUint(): bigint {
    const raw = this.varintBytes();
    let value = 0n;
    for (let i = raw.length - 1; i >= 0; i--) value = (value << 7n) | BigInt(raw[i]! & 0x7f);
    return value;
  }
}

/** Appends `value` (a safe non-negative integer) as a varint. Arithmetic: bit operators truncate to 32 bits. */
export function pushVarint(out: number[], value: number): void {
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
}

/** Appends `value` (within uint64) as a varint. */
export function pushUint64Varint(out: number[], value: bigint): void {
  let rest = value;
  while (rest >= 0x80n) {
    out.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  out.push(Number(rest));
}
