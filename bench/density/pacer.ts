// Open-loop pacing, as clusterloader2's qpsLoad tuning set starts its actions: operation i is due at
// start + i × interval whether or not the earlier ones have answered, so the rate asked for is the rate
// sent, not the server's latency. Unlike qpsLoad, the number in flight is bounded (a client has finite
// sockets and memory); an operation that waits for a slot, or for a busy event loop, starts behind its due
// time and counts as late. An interval of 0 starts them as fast as the bound lets. Nothing starts after
// `stopAt`; those left count as not started. Failures are counted (by message), not retried.

import { realClock, sleepOn, type Clock } from '../../src/client/kube/clock.js';

export interface PaceSpec {
  readonly count: number;
  /** Milliseconds between due times; 0: no schedule, only the in-flight bound. */
  readonly intervalMs: number;
  readonly maxInFlight: number;
  /** A start this many milliseconds after its due time counts as late. */
  readonly lateAfterMs: number;
  /** Clock time after which nothing starts. */
  readonly stopAt?: number;
}

export interface PaceReport {
  readonly started: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly notStarted: number;
  readonly late: number;
  /** The largest delay of a start behind its due time (ms). */
  readonly maxLagMs: number;
  readonly peakInFlight: number;
  /** From the first start to the last start (ms). */
  readonly issueMs: number;
  /** Failures by error message. */
  readonly errors: ReadonlyMap<string, number>;
}

export class Pacer {
  started = 0;
  succeeded = 0;
  failed = 0;
  late = 0;
  inFlight = 0;
  private maxLagMs = 0;
  private peakInFlight = 0;
  private readonly errors = new Map<string, number>();
  private slotFreed: (() => void) | undefined;

  constructor(
    private readonly spec: PaceSpec,
    private readonly clock: Clock = realClock,
  ) {
    if (!(spec.maxInFlight >= 1)) throw new Error('maxInFlight must be at least 1');
  }

  /** Runs `operation(0 … count − 1)` on the schedule; resolves when every started one has settled. */
  async run(operation: (index: number) => Promise<unknown>): Promise<PaceReport> {
    const { count, intervalMs, maxInFlight, lateAfterMs, stopAt = Infinity } = this.spec;
    const first = this.clock.now();
    let lastStart = first;
    const running = new Set<Promise<void>>();
    let i = 0;
    for (; i < count; i++) {
      const due = first + i * intervalMs;
      if (due >= stopAt) break;
      if (due > this.clock.now()) await sleepOn(this.clock, due - this.clock.now());
      while (this.inFlight >= maxInFlight) await new Promise<void>((resolve) => (this.slotFreed = resolve));
      const now = this.clock.now();
      if (now >= stopAt) break;
      const lag = now - due;
      if (lag > lateAfterMs) this.late++;
      this.maxLagMs = Math.max(this.maxLagMs, lag);
      this.started++;
      this.inFlight++;
      this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
      lastStart = now;
      const index = i;
      // Started from a microtask so that an operation throwing at once counts as a failure too.
      const settled: Promise<void> = Promise.resolve()
        .then(() => operation(index))
        .then(
          () => void this.succeeded++,
          (error: unknown) => this.fail(error),
        )
        .finally(() => {
          this.inFlight--;
          running.delete(settled);
          const wake = this.slotFreed;
          this.slotFreed = undefined;
          wake?.();
        });
      running.add(settled);
    }
    await Promise.all(running);
    return {
      started: this.started, succeeded: this.succeeded, failed: this.failed, notStarted: count - i, late: this.late,
      maxLagMs: this.maxLagMs, peakInFlight: this.peakInFlight, issueMs: lastStart - first, errors: this.errors,
    };
  }

  private fail(error: unknown): void {
    this.failed++;
    const message = error instanceof Error ? error.message : String(error);
    this.errors.set(message, (this.errors.get(message) ?? 0) + 1);
  }
}
