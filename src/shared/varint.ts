// Unsigned LEB128 varints (protobuf's, and the raft log records'), read and written in one place. Reads are
// bounds-checked and throw a RangeError on bytes that are not what they claim; each format's reader turns
// that into its own error.

/** The longest varint: 64 bits in 7-bit groups. */
const MAX_VARINT_BYTES = 10;
/** How many of a wide varint's bytes wideUint() sums as a double (7 × 7 = 49 bits, within 2^53). */
const LOW_BYTES = 7;
const LOW_BITS = 49n;

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

  /** Moves past the varint at the cursor; returns how many bytes it took. */
  protected skipVarint(): number {
    const start = this.pos;
    while (this.pos < this.end && this.bytes[this.pos]! >= 0x80) this.pos++;
    if (this.pos >= this.end || this.pos - start >= MAX_VARINT_BYTES) throw new RangeError('bad uint64 varint');
    this.pos++;
    return this.pos - start;
  }

  /** A varint of up to ten bytes as a bigint: 70 bits, which a caller truncates or rejects past 64. */
  wideUint(): bigint {
    const start = this.pos;
    const length = this.skipVarint();
    // The first seven bytes (49 bits) add up exactly in a double, the rest (21 bits at most) in another:
    // two BigInts in all, where one per byte was three allocations a byte on every request id read.
    let low = 0;
    let high = 0;
    for (let i = Math.min(length, LOW_BYTES) - 1; i >= 0; i--) low = low * 0x80 + (this.bytes[start + i]! & 0x7f);
    for (let i = length - 1; i >= LOW_BYTES; i--) high = high * 0x80 + (this.bytes[start + i]! & 0x7f);
    return high === 0 ? BigInt(low) : (BigInt(high) << LOW_BITS) | BigInt(low);
  }
}

/** How many bytes `value` (a safe non-negative integer) takes as a varint. */
export function varintLength(value: number): number {
  let length = 1;
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) length++;
  return length;
}

/**
 * Writes `value` (a safe non-negative integer) as a varint at `at` (an array grows as it is written past its
 * end); returns the offset after it. Arithmetic: bit operators truncate to 32 bits.
 */
export function writeVarint(out: Uint8Array | number[], at: number, value: number): number {
  let rest = value;
  let pos = at;
  while (rest >= 0x80) {
    out[pos++] = (rest % 0x80) | 0x80;
    rest = Math.floor(rest / 0x80);
  }
  out[pos++] = rest;
  return pos;
}

// A 64-bit slot seen as two 32-bit halves: storing a bigint there wraps it to 64 bits (two's complement
// for a negative one) and reading the halves back allocates nothing, where BigInt arithmetic allocated a
// bigint per step on every request id and member id written.
const wideSlot = new BigUint64Array(1);
const wideHalves = new Uint32Array(wideSlot.buffer);
const LOW_HALF = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;

/** `value` (within int64 or uint64) as two 32-bit halves. */
function halves(value: bigint): { low: number; high: number } {
  wideSlot[0] = value;
  return { low: wideHalves[LOW_HALF]!, high: wideHalves[1 - LOW_HALF]! };
}

/** How many bytes `value` (int64 or uint64) takes as a varint. */
export function uint64VarintLength(value: bigint): number {
  const { low, high } = halves(value);
  if (high === 0) return varintLength(low);
  // The low 28 bits take four bytes; the rest (36 bits at most) as many again as they need.
  return 4 + varintLength(high * 16 + (low >>> 28));
}

/** Writes `value` (int64 or uint64) as a varint at `at`, in number arithmetic; returns the offset after it. */
export function writeUint64Varint(out: Uint8Array | number[], at: number, value: bigint): number {
  let { low, high } = halves(value);
  let pos = at;
  while (high !== 0 || low >= 0x80) {
    out[pos++] = (low & 0x7f) | 0x80;
    low = ((low >>> 7) | (high << 25)) >>> 0;
    high >>>= 7;
  }
  out[pos++] = low;
  return pos;
}

/** Appends `value` (a safe non-negative integer) as a varint. */
export function pushVarint(out: number[], value: number): void {
  writeVarint(out, out.length, value);
}

/** Appends `value` (within uint64) as a varint. */
export function pushUint64Varint(out: number[], value: bigint): void {
  writeUint64Varint(out, out.length, value);
}
