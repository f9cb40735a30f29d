// Where the keyspace keeps values in memory: copies packed into slabs (so a value pins nothing it arrived
// with), each value named by its address rather than by a view object of its own, which cost more than a
// small value. Compaction releases what it drops; see PackedSpace for how slabs are let go and repacked.

import { PackedSpace, containerOf, offsetOf } from './packed-space.js';

const SLAB_BYTES = 256 * 1024;
/** Buffers rather than plain byte arrays, as bytes arriving from gRPC are. */
const EMPTY = Buffer.alloc(0);

export class ValueSlabs extends PackedSpace {
  /** By slab number; undefined once let go (the number is reused). */
  private readonly slabs: (Buffer | undefined)[] = [];

  constructor() {
    // Memory is what this saves: repack once a fifth of the slabs is dead, moving slabs less than three
    // quarters live (copying at most three bytes for each byte let go).
    super(SLAB_BYTES, SLAB_BYTES / 8, 16 * 1024 * 1024, 1 / 4, 3 / 4);
  }

  /** Copies `value` in and returns its address; an empty value takes no space (its address is 0). */
  store(value: Uint8Array): number {
    if (value.length === 0) return 0;
    const address = this.reserve(value.length);
    this.slabs[containerOf(address)]!.set(value, offsetOf(address));
    return address;
  }

  /** The stored bytes at `address`, as a view into their slab. */
  view(address: number, length: number): Buffer {
    if (length === 0) return EMPTY;
    const offset = offsetOf(address);
    return this.slabs[containerOf(address)]!.subarray(offset, offset + length);
  }

  protected create(number: number, bytes: number): void {
    this.slabs[number] = Buffer.allocUnsafeSlow(bytes);
  }

  protected destroy(number: number): void {
    this.slabs[number] = undefined;
  }
}
