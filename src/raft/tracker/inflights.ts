/**
 * Append messages sent to one follower and not yet acknowledged, bounded by count and bytes.
 * Each element is the last index of a sent append; acknowledging index i frees every element ≤ i.
 */
export class Inflights {
  private readonly indexes: number[] = [];
  private readonly sizes: number[] = [];
  private bytes = 0;

  constructor(
    private readonly maxCount: number,
    /** 0 means no byte cap. */
    private readonly maxBytes: number,
  ) {}

  add(lastIndex: number, size: number): void {
    if (this.full()) throw new RangeError('cannot add into a full inflights window');
    this.indexes.push(lastIndex);
    this.sizes.push(size);
    this.bytes += size;
  }

  freeLE(index: number): void {
    let n = 0;
    while (n < this.indexes.length && this.indexes[n]! <= index) {
      this.bytes -= this.sizes[n]!;
      n++;
    }
    if (n > 0) {
      this.indexes.splice(0, n);
      this.sizes.splice(0, n);
    }
  }

  full(): boolean {
    return this.indexes.length >= this.maxCount || (this.maxBytes > 0 && this.bytes >= this.maxBytes);
  }

  count(): number {
    return this.indexes.length;
  }

  reset(): void {
    this.indexes.length = 0;
    this.sizes.length = 0;
    this.bytes = 0;
  }
}
