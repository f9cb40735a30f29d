// client-go's leader election (tools/leaderelection) on a coordination.k8s.io/v1 Lease. A candidate tries
// to acquire every retryPeriod; a lease held by someone else counts as expired only after leaseDuration has
// passed on *our* clock since we last saw the record change (clocks are not compared across machines). The
// leader renews every retryPeriod; if it cannot renew within renewDeadline it stops leading, well before the
// others may take over. Updates are PUTs carrying the resourceVersion, so two candidates can never both win.

import { isConflict, isNotFound } from './api-error.js';
import type { KubeClient } from './client.js';
import { realClock, sleepOn, type Clock } from './clock.js';
import { microTime } from './core-event.js';
import type { KubeObject } from './objects.js';
import { Resources } from './resource.js';

export interface Lease extends KubeObject {
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

export interface LeaderElectionConfig {
  client: KubeClient;
  lock: { namespace: string; name: string };
  identity: string;
  /** Defaults as kube-controller-manager and kube-scheduler: 15 s, 10 s, 2 s. */
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Called once leading; `signal` aborts when leadership is lost or the election stops. */
  onStartedLeading: (signal: AbortSignal) => void | Promise<void>;
  onStoppedLeading?: () => void;
  onNewLeader?: (identity: string) => void;
  /** On stop, hand the lease back at once (holder cleared) instead of letting it expire. */
  releaseOnCancel?: boolean;
  /** Stops the election (and leadership). */
  signal?: AbortSignal;
  clock?: Clock;
  onError?: (error: unknown) => void;
}

const JITTER_FACTOR = 1.2;

export const LEADER_ELECTION_DEFAULTS = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 } as const;

/** Runs one candidate: waits to acquire, leads while renewing, resolves when leadership ends or on stop. */
export async function runLeaderElection(config: LeaderElectionConfig): Promise<void> {
  const elector = new LeaderElector(config);
  await elector.run();
}

export class LeaderElector {
  private readonly clock: Clock;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private observed?: { raw: string; lease: Lease };
  private observedAt = 0;
  private reportedLeader?: string;

  constructor(private readonly config: LeaderElectionConfig) {
    this.clock = config.clock ?? realClock;
    this.leaseDurationMs = config.leaseDurationMs ?? LEADER_ELECTION_DEFAULTS.leaseDurationMs;
    this.renewDeadlineMs = config.renewDeadlineMs ?? LEADER_ELECTION_DEFAULTS.renewDeadlineMs;
    this.retryPeriodMs = config.retryPeriodMs ?? LEADER_ELECTION_DEFAULTS.retryPeriodMs;
    if (this.leaseDurationMs <= this.renewDeadlineMs) throw new Error('leaseDuration must be greater than renewDeadline');
    if (this.renewDeadlineMs <= JITTER_FACTOR * this.retryPeriodMs) throw new Error('renewDeadline must be greater than retryPeriod*JitterFactor');
  }

  /** The holder this candidate last saw in the lease. */
  leader(): string | undefined {
    return this.observed?.lease.spec?.holderIdentity || undefined;
  }

  isLeader(): boolean {
    return this.leader() === this.config.identity;
  }

  async run(): Promise<void> {
    const stop = this.config.signal;
    if (!(await this.acquire())) return;
    const leading = new AbortController();
    const onStop = (): void => leading.abort();
    stop?.addEventListener('abort', onStop, { once: true });
    void Promise.resolve()
      .then(() => this.config.onStartedLeading(leading.signal))
      .catch((error: unknown) => this.config.onError?.(error));
    try {
      await this.renewWhileLeading(leading.signal);
    } finally {
      leading.abort();
      stop?.removeEventListener('abort', onStop);
      if (stop?.aborted && this.config.releaseOnCancel) await this.release();
      this.config.onStoppedLeading?.();
    }
  }

  private async acquire(): Promise<boolean> {
    const stop = this.config.signal;
    while (!stop?.aborted) {
      if (await this.tryAcquireOrRenew()) return true;
      await sleepOn(this.clock, this.retryPeriodMs * (1 + Math.random() * (JITTER_FACTOR - 1)), stop);
    }
    return false;
  }

  private async renewWhileLeading(leading: AbortSignal): Promise<void> {
    while (!leading.aborted) {
      await sleepOn(this.clock, this.retryPeriodMs, leading);
      if (leading.aborted) return;
      // Keep retrying within the renew deadline; past it we must assume the others see the lease as expired soon.
      const deadline = this.clock.now() + this.renewDeadlineMs;
      let renewed = await this.tryAcquireOrRenew();
      while (!renewed && !leading.aborted && this.clock.now() + this.retryPeriodMs < deadline) {
        await sleepOn(this.clock, this.retryPeriodMs, leading);
        renewed = await this.tryAcquireOrRenew();
      }
      if (!renewed) return;
    }
  }

  /** One attempt (client-go's tryAcquireOrRenew); true when we hold the lease afterwards. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const { client, lock, identity } = this.config;
    const now = this.clock.now();
    const leaseSeconds = Math.round(this.leaseDurationMs / 1000);
    try {
      let current: Lease;
      try {
        current = await client.get<Lease>(Resources.leases, lock.namespace, lock.name);
      } catch (error) {
        if (!isNotFound(error)) throw error;
        const created = await client.create<Lease>(Resources.leases, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: lock.name, namespace: lock.namespace },
          spec: { holderIdentity: identity, leaseDurationSeconds: leaseSeconds, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 },
        });
        this.observe(created, now);
        return true;
      }
      const raw = JSON.stringify(current.spec ?? {});
      if (this.observed?.raw !== raw) {
        this.observed = { raw, lease: current };
        this.observedAt = now;
      }
      this.reportLeader(current.spec?.holderIdentity);
      const spec = current.spec ?? {};
      const holder = spec.holderIdentity ?? '';
      const observedDuration = (spec.leaseDurationSeconds ?? leaseSeconds) * 1000;
      if (holder && holder !== identity && this.observedAt + observedDuration > now) return false;
      const mine = holder === identity;
      const updated = await client.update<Lease>(Resources.leases, {
        ...current,
        spec: {
          holderIdentity: identity,
          leaseDurationSeconds: leaseSeconds,
          acquireTime: mine ? spec.acquireTime : microTime(now),
          renewTime: microTime(now),
          leaseTransitions: mine ? (spec.leaseTransitions ?? 0) : (spec.leaseTransitions ?? 0) + 1,
        },
      });
      this.observe(updated, now);
      return true;
    } catch (error) {
      // A conflict means someone else wrote the lease first: simply not acquired this round.
      if (!isConflict(error)) this.config.onError?.(error);
      return false;
    }
  }

  private observe(lease: Lease, now: number): void {
    this.observed = { raw: JSON.stringify(lease.spec ?? {}), lease };
    this.observedAt = now;
    this.reportLeader(lease.spec?.holderIdentity);
  }

  private reportLeader(holder: string | undefined): void {
    if (!holder || holder === this.reportedLeader) return;
    this.reportedLeader = holder;
    this.config.onNewLeader?.(holder);
  }

  /** ReleaseOnCancel: clear the holder so a successor need not wait out the lease. */
  private async release(): Promise<void> {
    const lease = this.observed?.lease;
    if (!lease || lease.spec?.holderIdentity !== this.config.identity) return;
    const now = microTime(this.clock.now());
    try {
      await this.config.client.update<Lease>(Resources.leases, {
        ...lease,
        spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now },
      });
    } catch (error) {
      this.config.onError?.(error);
    }
  }
}
