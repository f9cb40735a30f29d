// Where the keyspace keeps values: copies packed into slabs (so a value pins nothing it arrived with), each
// value named by a number, its address (slab number × SLAB_BYTES + offset), rather than by a view object
// of its own, which cost more than a small value. Compaction releases what it drops; a slab with no live
// value left is let go, and once slabs hold more dead bytes than live ones, the live values of the
// emptiest slabs move into fresh ones. A slab's bytes are never written twice, so a view handed out
// earlier keeps reading what it read.

const SLAB_BYTES = 256 * 1024;
/** Values this long get an allocation of their own: packing them saves nothing. */
const OWN_FROM = SLAB_BYTES / 8;
/** Dead bytes tolerated before repacking, however they compare to the live ones. */
const REPACK_FLOOR_BYTES = 16 * 1024 * 1024;
/** Buffers rather than plain byte arrays, as bytes arriving from gRPC are. */
const EMPTY = Buffer.alloc(0);

export class ValueSlabs {
  /** By slab number; undefined once let go (the number is reused). */
  private readonly slabs: (Buffer | undefined)[] = [];
  /** Live bytes per slab number. */
  private readonly live: number[] = [];
  private readonly freeNumbers: number[] = [];
  /** The slab small copies go to now, and how much of it they filled; -1 before the first. */
  private current = -1;
  private used = 0;
  private liveTotal = 0;
  private heldTotal = 0;

  /** Copies `value` in and returns its address; an empty value takes no space (its address is 0). */
  store(value: Uint8Array): number {
    const length = value.length;
    if (length === 0) return 0;
    let slab: number;
    let offset = 0;
    if (length >= OWN_FROM) {
      slab = this.hold(Buffer.allocUnsafeSlow(length));
    } else {
      if (this.current < 0 || this.used + length > SLAB_BYTES) this.startSlab();
      slab = this.current;
      offset = this.used;
      this.used += length;
    }
    this.slabs[slab]!.set(value, offset);
    this.live[slab]! += length;
    this.liveTotal += length;
    return slab * SLAB_BYTES + offset;
  }

  /** The stored bytes at `address`, as a view into their slab. */
  view(address: number, length: number): Buffer {
    if (length === 0) return EMPTY;
    const slab = Math.floor(address / SLAB_BYTES);
    const offset = address - slab * SLAB_BYTES;
    return this.slabs[slab]!.subarray(offset, offset + length);
  }

  /** Forgets a stored value, once nothing will read it through the keyspace again. */
  release(address: number, length: number): void {
    if (length === 0) return;
    const slab = Math.floor(address / SLAB_BYTES);
    this.live[slab]! -= length;
    this.liveTotal -= length;
    // The current slab stays while copies still go to it; startSlab() lets it go if it is empty by then.
    if (this.live[slab] === 0 && slab !== this.current) this.letGo(slab);
  }

  /** Bytes held by slabs but no longer by any stored value (the current slab's free tail is not dead). */
  get deadBytes(): number {
    const tail = this.current < 0 ? 0 : SLAB_BYTES - this.used;
    return this.heldTotal - tail - this.liveTotal;
  }

  get shouldRepack(): boolean {
    const dead = this.deadBytes;
    return dead > REPACK_FLOOR_BYTES && dead > this.liveTotal;
  }

  /**
   * Whether a value sits in a shared slab that is mostly dead, so that storing it again (and releasing
   * this copy) lets the slab go.
   */
  isInSparseSlab(address: number, length: number): boolean {
    if (length === 0 || length >= OWN_FROM) return false;
    const slab = Math.floor(address / SLAB_BYTES);
    return slab !== this.current && this.live[slab]! < SLAB_BYTES / 2;
  }

  private startSlab(): void {
    const previous = this.current;
    this.current = this.hold(Buffer.allocUnsafeSlow(SLAB_BYTES));
    this.used = 0;
    if (previous >= 0 && this.live[previous] === 0) this.letGo(previous);
  }

  private hold(slab: Buffer): number {
    const number = this.freeNumbers.pop() ?? this.slabs.length;
    this.slabs[number] = slab;
    this.live[number] = 0;
    this.heldTotal += slab.length;
    return number;
  }

  private letGo(slab: number): void {
    this.heldTotal -= this.slabs[slab]!.length;
    this.slabs[slab] = undefined;
    this.freeNumbers.push(slab);
  }
}
