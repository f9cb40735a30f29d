// The watch cache's window of recent events, sized by time as kube-apiserver's watchCache sizes it
// (cacher/watch_cache.go): a ring that doubles while it is full and its oldest event is younger than
// the fresh duration, and halves when even its newest quarter is older, between a lower and an upper
// bound of capacity. 75 s is a little more than the 1-minute bookmark period, so a watcher that resumes
// from its last event or bookmark finds what it missed however fast events came; a fixed count would
// push it out of the window during a burst and make it relist.

/** kube's eventFreshDuration. */
export const EVENT_FRESH_MS = 75_000;
/** kube's defaultLowerBoundCapacity and defaultUpperBoundCapacity. */
export const LOWER_BOUND_CAPACITY = 100;
export const UPPER_BOUND_CAPACITY = 100 * 1024;

export interface HistoryBounds {
  /** The most events kept, however recent. */
  readonly upperBound: number;
  /** How long an event is worth keeping (ms). */
  readonly freshMs: number;
}

export class EventHistory<E extends { readonly revision: number }> {
  private events: (E | undefined)[];
  /** When each slot's event was recorded (a monotonic clock, ms). */
  private times: number[];
  /** The events are at [start, end) modulo capacity; both only grow. */
  private start = 0;
  private end = 0;
  /** Every event after this revision is kept: the last one dropped, or the list the cache began from. */
  private completeAfter = 0;
  private readonly lowerBound: number;

  constructor(private readonly bounds: HistoryBounds) {
    this.lowerBound = Math.min(LOWER_BOUND_CAPACITY, bounds.upperBound);
    this.events = new Array<E | undefined>(this.lowerBound);
    this.times = new Array<number>(this.lowerBound).fill(0);
  }

  get capacity(): number {
    return this.events.length;
  }

  get size(): number {
    return this.end - this.start;
  }

  /** The oldest revision a watch may start after (older: 410 Expired). */
  get oldestRevision(): number {
    return this.completeAfter;
  }

  /** Forgets every event: the cache listed again at `revision`. */
  reset(revision: number): void {
    this.events.fill(undefined);
    this.start = this.end;
    this.completeAfter = revision;
  }

  push(event: E, now: number): void {
    this.resize(now);
    if (this.size === this.capacity) {
      this.completeAfter = this.events[this.start % this.capacity]!.revision;
      this.start++;
    }
    this.events[this.end % this.capacity] = event;
    this.times[this.end % this.capacity] = now;
    this.end++;
  }

  /** The events after `revision`, oldest first; undefined when some of them are no longer kept. */
  since(revision: number): E[] | undefined {
    if (revision < this.completeAfter) return undefined;
    let low = this.start;
    let high = this.end;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.events[mid % this.capacity]!.revision > revision) high = mid;
      else low = mid + 1;
    }
    const out: E[] = [];
    for (let i = low; i < this.end; i++) out.push(this.events[i % this.capacity]!);
    return out;
  }

  private resize(now: number): void {
    const capacity = this.capacity;
    if (this.size !== capacity) return;
    if (now - this.times[this.start % capacity]! < this.bounds.freshMs) {
      if (capacity < this.bounds.upperBound) this.reshape(Math.min(capacity * 2, this.bounds.upperBound));
    } else if (now - this.times[(this.end - Math.floor(capacity / 4)) % capacity]! > this.bounds.freshMs) {
      // Even the newest quarter is stale: the rate fell, so half the room keeps as much time.
      if (capacity > this.lowerBound) this.reshape(Math.max(Math.floor(capacity / 2), this.lowerBound));
    }
  }

  private reshape(capacity: number): void {
    const old = this.capacity;
    if (capacity < old) {
      this.completeAfter = this.events[(this.end - capacity - 1) % old]!.revision;
      this.start = this.end - capacity;
    }
    const events = new Array<E | undefined>(capacity);
    const times = new Array<number>(capacity).fill(0);
    for (let i = this.start; i < this.end; i++) {
      events[i % capacity] = this.events[i % old];
      times[i % capacity] = this.times[i % old]!;
    }
    this.events = events;
    this.times = times;
  }
}
