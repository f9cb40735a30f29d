// controller.ControllerExpectations: creations and deletions a controller has asked for and not yet seen in
// its informer. A controller only acts on a key whose expectations are met (or have waited 5 minutes), so
// a lagging cache never makes it create or delete twice.

export const EXPECTATIONS_TIMEOUT_MS = 5 * 60_000;

interface Expectation {
  add: number;
  del: number;
  /** Pod keys whose deletion is awaited (UIDTrackingControllerExpectations). */
  deleting: Set<string>;
  setAt: number;
}

export class Expectations {
  private readonly entries = new Map<string, Expectation>();

  constructor(private readonly now: () => number = Date.now) {}

  satisfied(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return true;
    return (entry.add <= 0 && entry.del <= 0) || this.now() - entry.setAt > EXPECTATIONS_TIMEOUT_MS;
  }

  expectCreations(key: string, count: number): void {
    this.entries.set(key, { add: count, del: 0, deleting: new Set(), setAt: this.now() });
  }

  expectDeletions(key: string, podKeys: readonly string[]): void {
    this.entries.set(key, { add: 0, del: podKeys.length, deleting: new Set(podKeys), setAt: this.now() });
  }

  creationObserved(key: string): void {
    const entry = this.entries.get(key);
    if (entry) entry.add--;
  }

  /** A failed create will never be observed. */
  creationFailed(key: string): void {
    this.creationObserved(key);
  }

  deletionObserved(key: string, podKey: string): void {
    const entry = this.entries.get(key);
    if (entry?.deleting.delete(podKey)) entry.del--;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}
