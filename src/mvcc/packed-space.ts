// Space for values handed out in numbered containers (memory slabs, files on disk) filled one after another,
// each value named by its address (container number × CONTAINER_BYTES + offset), with the live bytes of
// every container counted: a container with nothing live left is let go and its number reused, and once
// the containers hold enough dead bytes, the live values of the sparse ones can move to fresh ones. A
// container's bytes are never written twice, so what was read from it stays true.

/** Addresses leave room for this much in one container, whatever a kind of container holds. */
export const CONTAINER_BYTES = 2 ** 32;

export abstract class PackedSpace {
  /** Live bytes per container number; undefined for a number let go. */
  private readonly live: (number | undefined)[] = [];
  private readonly sizes: number[] = [];
  private readonly freeNumbers: number[] = [];
  /** The container small values go to now, and how much of it they filled; -1 before the first. */
  private current = -1;
  private used = 0;
  private liveTotal = 0;
  private heldTotal = 0;
  /** Dead bytes left by the last repacking (in containers not sparse enough to move). */
  private deadAfterRepack = 0;

  /**
   * @param containerBytes the size of a shared container
   * @param ownFrom values this long get a container of their own: packing them saves nothing
   * @param repackFloor dead bytes tolerated before repacking (beyond what the last one left), however they compare to the live ones
   * @param deadPerLive how many dead bytes per live byte are tolerated before repacking
   * @param sparseBelow a container whose live share is below this is sparse: its values move when repacking
   */
  protected constructor(
    private readonly containerBytes: number,
    private readonly ownFrom: number,
    private readonly repackFloor: number,
    private readonly deadPerLive: number,
    private readonly sparseBelow: number,
  ) {}

  /** Makes container `number`, `bytes` long. */
  protected abstract create(number: number, bytes: number): void;
  /** Lets container `number` go. */
  protected abstract destroy(number: number): void;

  /** Reserves `length` bytes (more than 0) and returns their address. */
  protected reserve(length: number): number {
    let container: number;
    let offset = 0;
    if (length >= this.ownFrom) {
      container = this.hold(length);
    } else {
      if (this.current < 0 || this.used + length > this.containerBytes) this.startContainer();
      container = this.current;
      offset = this.used;
      this.used += length;
    }
    this.live[container]! += length;
    this.liveTotal += length;
    return container * CONTAINER_BYTES + offset;
  }

  /** Forgets a value, once nothing will read it again. */
  release(address: number, length: number): void {
    if (length === 0) return;
    const container = containerOf(address);
    this.live[container]! -= length;
    this.liveTotal -= length;
    // The current container stays while values still go to it; startContainer() lets it go if it is empty by then.
    if (this.live[container] === 0 && container !== this.current) this.letGo(container);
  }

  /** Bytes of the values held. */
  get liveBytes(): number {
    return this.liveTotal;
  }

  /** Bytes held by containers but no longer by any value (the current container's free tail is not dead). */
  get deadBytes(): number {
    const tail = this.current < 0 ? 0 : this.containerBytes - this.used;
    return this.heldTotal - tail - this.liveTotal;
  }

  get shouldRepack(): boolean {
    const dead = this.deadBytes;
    return dead > this.deadAfterRepack + this.repackFloor && dead > this.liveTotal * this.deadPerLive;
  }

  /** Called once every sparse container's values have moved. */
  repacked(): void {
    this.deadAfterRepack = this.deadBytes;
  }

  /** Whether a value sits in a shared container that is mostly dead, so that moving it lets the container go. */
  isInSparseContainer(address: number, length: number): boolean {
    if (length === 0 || length >= this.ownFrom) return false;
    const container = containerOf(address);
    return container !== this.current && this.live[container]! < this.containerBytes * this.sparseBelow;
  }

  private startContainer(): void {
    const previous = this.current;
    this.current = this.hold(this.containerBytes);
    this.used = 0;
    if (previous >= 0 && this.live[previous] === 0) this.letGo(previous);
  }

  private hold(bytes: number): number {
    const number = this.freeNumbers.pop() ?? this.live.length;
    this.create(number, bytes);
    this.live[number] = 0;
    this.sizes[number] = bytes;
    this.heldTotal += bytes;
    return number;
  }

  private letGo(container: number): void {
    this.destroy(container);
    this.heldTotal -= this.sizes[container]!;
    this.live[container] = undefined;
    this.freeNumbers.push(container);
  }
}

export function containerOf(address: number): number {
  return Math.floor(address / CONTAINER_BYTES);
}

export function offsetOf(address: number): number {
  return address % CONTAINER_BYTES;
}
