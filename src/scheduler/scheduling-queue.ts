// kube-scheduler's PriorityQueue: activeQ (highest priority first, then earliest queued), backoffQ (a
// pod that failed waits 1 s·2^(attempts−1), at most 10 s), and unschedulable pods, which go back when the
// cluster changes (moveAllToActiveOrBackoff) or after 5 minutes. A failure reported after a cluster change
// that happened during its cycle goes to backoff, not to the unschedulable pool, so it is not stranded.

import { objectKey } from '../client/kube/index.js';
import type { Pod } from './types.js';

export const INITIAL_BACKOFF_MS = 1_000;
export const MAX_BACKOFF_MS = 10_000;
export const MAX_IN_UNSCHEDULABLE_MS = 5 * 60_000;

export interface QueuedPod {
  pod: Pod;
  /** When it entered the queue (activeQ order among equal priorities). */
  timestamp: number;
  attempts: number;
  /** When it last failed (backoff is counted from here). */
  failedAt: number;
}

export class SchedulingQueue {
  private readonly active = new Map<string, QueuedPod>();
  private readonly backoff = new Map<string, QueuedPod>();
  private readonly unschedulable = new Map<string, QueuedPod>();
  /** Pods popped and not yet done, so an update while in flight is not queued twice. */
  private readonly inFlight = new Map<string, QueuedPod>();
  private moveRequestCycle = -1;
  private schedulingCycle = 0;
  private waiters: Array<(pod: QueuedPod | undefined) => void> = [];
  private closed = false;

  constructor(private readonly now: () => number = Date.now) {}

  /** A new pending pod: straight to activeQ. */
  add(pod: Pod): void {
    const key = objectKey(pod);
    if (this.inFlight.has(key)) {
      this.inFlight.get(key)!.pod = pod;
      return;
    }
    this.backoff.delete(key);
    this.unschedulable.delete(key);
    const existing = this.active.get(key);
    this.active.set(key, existing ? { ...existing, pod } : { pod, timestamp: this.now(), attempts: 0, failedAt: 0 });
    this.wake();
  }

  /** An update may make an unschedulable pod schedulable: it moves as on a cluster event. */
  update(pod: Pod): void {
    const key = objectKey(pod);
    for (const queue of [this.active, this.backoff]) {
      const queued = queue.get(key);
      if (queued) {
        queued.pod = pod;
        return;
      }
    }
    const parked = this.unschedulable.get(key);
    if (parked) {
      this.unschedulable.delete(key);
      parked.pod = pod;
      this.requeue(key, parked);
      return;
    }
    this.add(pod);
  }

  delete(pod: Pod): void {
    const key = objectKey(pod);
    this.active.delete(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
  }

  /** The next pod to schedule; waits for one; undefined once closed. */
  pop(): Promise<QueuedPod | undefined> {
    const next = this.takeNext();
    if (next || this.closed) return Promise.resolve(next);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The cycle a popped pod started in, for addUnschedulable. */
  get cycle(): number {
    return this.schedulingCycle;
  }

  /** A pod that failed to schedule: to backoff if the cluster changed since its cycle began, else parked. */
  addUnschedulable(queued: QueuedPod, podCycle: number): void {
    const key = objectKey(queued.pod);
    this.inFlight.delete(key);
    if (this.active.has(key) || this.backoff.has(key)) return;
    const failed = { ...queued, failedAt: this.now() };
    if (this.moveRequestCycle >= podCycle) this.backoff.set(key, failed);
    else this.unschedulable.set(key, failed);
  }

  /** A pod whose cycle failed for another reason (a rejected bind): it retries after its backoff. */
  addBackoff(queued: QueuedPod): void {
    const key = objectKey(queued.pod);
    this.inFlight.delete(key);
    if (this.active.has(key) || this.unschedulable.has(key)) return;
    this.backoff.set(key, { ...queued, failedAt: this.now() });
  }

  /** The pod's cycle is over (bound, or handed to addUnschedulable). */
  done(pod: Pod): void {
    this.inFlight.delete(objectKey(pod));
  }

  /** A cluster event (node added or changed, a pod deleted or assigned): every parked pod gets another try. */
  moveAllToActiveOrBackoff(): void {
    for (const [key, queued] of this.unschedulable) this.requeue(key, queued);
    this.unschedulable.clear();
    this.moveRequestCycle = this.schedulingCycle;
  }

  /** Moves pods whose backoff is over to activeQ (kube-scheduler runs this every second). */
  flushBackoffCompleted(): void {
    const now = this.now();
    for (const [key, queued] of this.backoff) {
      if (this.backoffExpiry(queued) > now) continue;
      this.backoff.delete(key);
      this.active.set(key, queued);
    }
    this.wake();
  }

  /** Moves pods parked longer than 5 minutes back (kube-scheduler runs this every 30 s). */
  flushUnschedulableLeftover(): void {
    const now = this.now();
    for (const [key, queued] of this.unschedulable) {
      if (now - queued.failedAt < MAX_IN_UNSCHEDULABLE_MS) continue;
      this.unschedulable.delete(key);
      this.requeue(key, queued);
    }
  }

  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }

  /** Sizes, for tests and logs. */
  get sizes(): { active: number; backoff: number; unschedulable: number } {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size };
  }

  backoffDuration(attempts: number): number {
    if (attempts <= 0) return 0;
    return Math.min(MAX_BACKOFF_MS, INITIAL_BACKOFF_MS * 2 ** (attempts - 1));
  }

  private backoffExpiry(queued: QueuedPod): number {
    return queued.failedAt + this.backoffDuration(queued.attempts);
  }

  private requeue(key: string, queued: QueuedPod): void {
    if (this.backoffExpiry(queued) > this.now()) this.backoff.set(key, queued);
    else this.active.set(key, queued);
    this.wake();
  }

  private takeNext(): QueuedPod | undefined {
    let bestKey: string | undefined;
    let best: QueuedPod | undefined;
    for (const [key, queued] of this.active) {
      if (!best || before(queued, best)) {
        best = queued;
        bestKey = key;
      }
    }
    if (!best) return undefined;
    this.active.delete(bestKey!);
    best.attempts++;
    this.schedulingCycle++;
    this.inFlight.set(bestKey!, best);
    return best;
  }

  private wake(): void {
    while (this.waiters.length > 0) {
      const next = this.takeNext();
      if (!next) return;
      this.waiters.shift()!(next);
    }
  }
}

/** PrioritySort's Less: higher priority first, then the earlier queue timestamp. */
function before(a: QueuedPod, b: QueuedPod): boolean {
  const pa = a.pod.spec.priority ?? 0;
  const pb = b.pod.spec.priority ?? 0;
  return pa !== pb ? pa > pb : a.timestamp < b.timestamp;
}
