// Where the keyspace keeps values: packed copies (so a value pins nothing it arrived with), with the live
// bytes of each slab counted. Compaction releases what it drops; once slabs hold more dead bytes than live
// ones, the live values of the emptiest slabs move into fresh ones and the old slabs become garbage.

import { PackedCopies } from '../storage/packed-copies.js';

const SLAB_BYTES = 256 * 1024;
/** Dead bytes tolerated before repacking, however they compare to the live ones. */
const REPACK_FLOOR_BYTES = 16 * 1024 * 1024;

export class ValueSlabs {
  private readonly copies = new PackedCopies(SLAB_BYTES);
  /** Live bytes per slab still holding any; a slab leaves the map when its last value is released. */
  private readonly live = new Map<ArrayBufferLike, number>();
  private liveTotal = 0;

  /** A copy of `value` that pins nothing but its slab. */
  store(value: Uint8Array): Buffer {
    const copy = this.copies.copy(value);
    if (!this.copies.isPacked(copy)) return copy;
    this.live.set(copy.buffer, (this.live.get(copy.buffer) ?? 0) + copy.length);
    this.liveTotal += copy.length;
    return copy;
  }

  /** Forgets a value `store` returned, once nothing will read it through the keyspace again. */
  release(value: Uint8Array): void {
    const live = this.live.get(value.buffer);
    if (live === undefined) return;
    this.liveTotal -= value.length;
    // An emptied slab leaves the map even when copies still go to it (store() puts it back), so that a
    // slab emptied while current is not held here after copies moved on.
    if (live === value.length) this.live.delete(value.buffer);
    else this.live.set(value.buffer, live - value.length);
  }

  /** Bytes held by slabs but no longer by any stored value (the current slab's free tail is not dead). */
  get deadBytes(): number {
    const current = this.live.has(this.copies.currentSlab) ? this.copies.freeBytes : 0;
    return this.live.size * SLAB_BYTES - current - this.liveTotal;
  }

  get shouldRepack(): boolean {
    const dead = this.deadBytes;
    return dead > REPACK_FLOOR_BYTES && dead > this.liveTotal;
  }

  /**
   * Whether a value sits in a slab that is mostly dead, so that storing it again (and releasing this
   * copy) lets the slab go.
   */
  isInSparseSlab(value: Uint8Array): boolean {
    const live = this.live.get(value.buffer);
    return live !== undefined && value.buffer !== this.copies.currentSlab && live < SLAB_BYTES / 2;
  }
}
