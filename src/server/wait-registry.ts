// Everyone waiting on the member, in one place (etcd's wait.Wait and its applied-index wait): proposals by
// request id, membership changes, ReadIndex rounds by context, and callers waiting for an index to apply.
// Every wait has a timeout or is tied to one that has, and shutdown rejects them all.

import type { ConfChangeType, NodeId } from '../raft/index.js';

interface Pending<V> {
  resolve(value: V): void;
  reject(err: Error): void;
  /** performance.now() past which it fails with timeoutError(). */
  readonly deadline: number;
  readonly timeoutError: () => Error;
}

/**
 * Callers keyed by an id, each resolved once by trigger(), failed by fail() or by its timeout. One timer
 * for them all, set for the earliest deadline: a timer per call (set, then cleared when its entry applied)
 * was two timer-list operations and three closures on every proposal and read round, and almost none fire.
 */
export class KeyedWaits<K, V> {
  private readonly pending = new Map<K, Pending<V>>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;

  /** Waits for `key`'s value; rejects with `timeoutError()` after `timeoutMs`. */
  wait(key: K, timeoutMs: number, timeoutError: () => Error): Promise<V> {
    const deadline = performance.now() + timeoutMs;
    return new Promise<V>((resolve, reject) => {
      const earlier = this.pending.get(key);
      // The same key asked for twice (a membership change proposed again while pending): both get the answer.
      const waiter: Pending<V> = earlier
        ? {
            resolve: (value) => {
              earlier.resolve(value);
              resolve(value);
            },
            reject: (err) => {
              earlier.reject(err);
              reject(err);
            },
            deadline: Math.max(deadline, earlier.deadline),
            timeoutError,
          }
        : { resolve, reject, deadline, timeoutError };
      this.pending.set(key, waiter);
      if (waiter.deadline < this.timerAt) this.armFor(waiter.deadline);
    });
  }

  private armFor(deadline: number): void {
    clearTimeout(this.timer);
    this.timerAt = deadline;
    this.timer = setTimeout(() => this.expire(), Math.max(0, deadline - performance.now()));
    this.timer.unref();
  }

  /** Fails every waiter past its deadline, then sets the timer for the earliest left. */
  private expire(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = performance.now();
    let next = Number.POSITIVE_INFINITY;
    for (const [key, waiter] of this.pending) {
      if (waiter.deadline <= now) {
        this.pending.delete(key);
        waiter.reject(waiter.timeoutError());
      } else {
        next = Math.min(next, waiter.deadline);
      }
    }
    if (next !== Number.POSITIVE_INFINITY) this.armFor(next);
  }

  /** Whether a caller still waits on `key` (neither answered nor timed out). */
  isWaiting(key: K): boolean {
    return this.pending.has(key);
  }

  /** Resolves the caller waiting on `key`; false when nobody is (another member proposed it, or it timed out). */
  trigger(key: K, value: V): boolean {
    const waiter = this.pending.get(key);
    if (!waiter) return false;
    this.pending.delete(key);
    waiter.resolve(value);
    return true;
  }

  fail(key: K, err: Error): boolean {
    const waiter = this.pending.get(key);
    if (!waiter) return false;
    this.pending.delete(key);
    waiter.reject(err);
    return true;
  }

  get size(): number {
    return this.pending.size;
  }

  rejectAll(err: Error): void {
    const waiters = [...this.pending.values()];
    this.pending.clear();
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    for (const waiter of waiters) waiter.reject(err);
  }
}

/** Callers waiting until the member has applied a given index. */
export class AppliedIndexWaits {
  private waiters: { index: number; resolve(): void; reject(err: Error): void }[] = [];
  private applied: number;
  private failure: Error | undefined;

  constructor(appliedIndex: number) {
    this.applied = appliedIndex;
  }

  wait(index: number): Promise<void> {
    if (this.applied >= index) return Promise.resolve();
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiters.push({ index, resolve, reject }));
  }

  /** The member applied everything up to `index`. */
  advance(index: number): void {
    this.applied = index;
    if (this.waiters.length === 0) return;
    const due = this.waiters.filter((w) => w.index <= index);
    this.waiters = this.waiters.filter((w) => w.index > index);
    for (const waiter of due) waiter.resolve();
  }

  /** Fails every waiter, and every later wait that is not already satisfied. */
  rejectAll(err: Error): void {
    this.failure = err;
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(err);
  }
}

/** A membership change is answered by the conf change entry that names the same node and type. */
export function confChangeKey(nodeId: NodeId, type: ConfChangeType): string {
  return `${type}/${nodeId.toString(16)}`;
}

/** What applying an entry produced, for the member that proposed it. */
export interface ApplyOutcome {
  readonly result: unknown;
  /** The store revision once the entry applied (the response header's revision). */
  readonly revision: number;
  /** Settles when follow-up work the response must wait for is done (a physical compaction). */
  readonly done?: Promise<void>;
}

export class WaitRegistry {
  /** Client proposals by request id, answered when their entry applies here. */
  readonly proposals = new KeyedWaits<bigint, ApplyOutcome>();
  /** Membership changes by confChangeKey(), answered when the conf change applies here. */
  readonly confChanges = new KeyedWaits<string, void>();
  /** ReadIndex rounds by request context, answered with the read index. */
  readonly readRounds = new KeyedWaits<string, number>();
  readonly appliedIndex: AppliedIndexWaits;

  constructor(appliedIndex: number) {
    this.appliedIndex = new AppliedIndexWaits(appliedIndex);
  }

  /** Shutdown: nobody is left waiting. */
  rejectAll(err: Error): void {
    this.proposals.rejectAll(err);
    this.confChanges.rejectAll(err);
    this.readRounds.rejectAll(err);
    this.appliedIndex.rejectAll(err);
  }
}
