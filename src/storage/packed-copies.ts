// Copies of small byte strings packed one after another into shared slabs. Bytes usually arrive as views
// into a bigger buffer (a request, a raft frame, a pooled allocation) and would keep all of it alive as
// long as the view lives; an allocation of their own costs more than small bytes themselves.

/** Buffers rather than plain byte arrays, as bytes arriving from gRPC are. */
const EMPTY = Buffer.alloc(0);

export class PackedCopies {
  private slab: Buffer;
  private used = 0;

  /** Copies at least `slabBytes / 8` long get an allocation of their own: packing them saves nothing. */
  constructor(readonly slabBytes: number) {
    this.slab = Buffer.allocUnsafeSlow(slabBytes);
  }

  copy(bytes: Uint8Array): Buffer {
    const length = bytes.length;
    if (length === 0) return EMPTY;
    if (length >= this.slabBytes / 8) {
      const own = Buffer.allocUnsafeSlow(length);
      own.set(bytes);
      return own;
    }
    if (this.used + length > this.slabBytes) {
      this.slab = Buffer.allocUnsafeSlow(this.slabBytes);
      this.used = 0;
    }
    const copy = this.slab.subarray(this.used, this.used + length);
    copy.set(bytes);
    this.used += length;
    return copy;
  }

  /** The slab copies go to now. */
  get currentSlab(): ArrayBufferLike {
    return this.slab.buffer;
  }

  /** Bytes of the current slab not used yet. */
  get freeBytes(): number {
    return this.slabBytes - this.used;
  }

  /** Whether `copy` shares a slab with others (as opposed to an allocation of its own, or empty). */
  isPacked(copy: Uint8Array): boolean {
    return copy.byteLength < this.slabBytes / 8 && copy.byteLength > 0;
  }
}
