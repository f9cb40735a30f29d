// The periodic work a member does while it leads (etcd runs these only on the leader): revoking expired
// leases through raft, raising NOSPACE once the backend outgrows its quota, auto-compaction, lease
// checkpoints with --experimental-enable-lease-checkpoint, and the corruption check when
// --experimental-corrupt-check-time asks for it.

import { uint64 } from '../wire/convert.js';
import { AlarmAction, type Proposal } from './internal-request.js';
import {
  LEASE_CHECK_INTERVAL_MS,
  LEASE_CHECKPOINT_INTERVAL_MS,
  LEASE_CHECKPOINTS_PER_BATCH,
  LEASE_REVOKES_PER_CHECK,
  QUOTA_CHECK_INTERVAL_MS,
  type ServerConfig,
} from './server-config.js';
import { AlarmType, type StateMachine } from './state-machine.js';
import { errorText } from '../etcd-errors.js';
import { CorruptionMonitor } from './corruption-check.js';
import type { Member } from './members.js';
import type { BackendSize } from '../storage/backend-size.js';

export interface LeaderJobsDeps {
  readonly config: ServerConfig;
  readonly memberId: bigint;
  isLeader(): boolean;
  stateMachine(): StateMachine;
  propose(body: Proposal): Promise<unknown>;
  /** The state backend's size on disk. */
  readonly backendSize: BackendSize;
  members(): readonly Member[];
  linearizableRead(): Promise<void>;
}

export class LeaderJobs {
  private readonly timers: NodeJS.Timeout[] = [];
  /** Leases whose revoke this leader proposed and that have not applied yet: each is proposed once at a time. */
  private readonly revoking = new Set<bigint>();
  private corruption: CorruptionMonitor | undefined;

  constructor(private readonly deps: LeaderJobsDeps) {}

  start(): void {
    this.timers.push(setInterval(() => this.expireLeases(), LEASE_CHECK_INTERVAL_MS));
    this.timers.push(setInterval(() => {
      this.checkQuota().catch((err: unknown) => this.deps.config.log('warn', 'checking the backend quota failed', { error: errorText(err) }));
    }, QUOTA_CHECK_INTERVAL_MS));
    const compactor = this.deps.config.autoCompaction;
    if (compactor) this.timers.push(setInterval(() => this.autoCompact(), compactor.intervalMs));
    const { leaseCheckpoint, leaseCheckpointIntervalMs = LEASE_CHECKPOINT_INTERVAL_MS } = this.deps.config;
    if (leaseCheckpoint) {
      this.timers.push(setInterval(() => this.clearRenewedCheckpoints(), LEASE_CHECK_INTERVAL_MS));
      this.timers.push(setInterval(() => this.checkpointLeases(leaseCheckpointIntervalMs), leaseCheckpointIntervalMs));
    }
    const intervalMs = this.deps.config.corruptCheckIntervalMs ?? 0;
    if (intervalMs > 0) {
      const { deps } = this;
      this.corruption = new CorruptionMonitor({ ...deps, intervalMs, hashKv: (revision) => deps.stateMachine().store.hashKv(revision) });
      this.corruption.start();
    }
  }

  stop(): void {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    this.corruption?.stop();
  }

  /** A lease revoke applied (whoever proposed it). */
  leaseRevoked(id: bigint): void {
    this.revoking.delete(id);
  }

  /** Revokes leases past their TTL through raft. */
  private expireLeases(): void {
    if (!this.deps.isLeader()) return;
    for (const id of this.deps.stateMachine().lessor.expired(LEASE_REVOKES_PER_CHECK)) {
      if (this.revoking.has(id)) continue;
      this.revoking.add(id);
      this.deps.propose({ lease_revoke: { ID: id.toString() } }).catch(() => this.revoking.delete(id));
    }
  }

  /**
   * Records through raft how long each lease has left (etcd's LeaseCheckpoint), so a new leader gives it
   * that rather than a full TTL. Leases with no more than an interval left are not worth a checkpoint.
   */
  private checkpointLeases(intervalMs: number): void {
    if (!this.deps.isLeader()) return;
    const checkpoints = this.deps.stateMachine().lessor.dueCheckpoints(intervalMs / 1000, LEASE_CHECKPOINTS_PER_BATCH);
    this.proposeCheckpoints(checkpoints);
  }

  /** A renewal gives the lease its full TTL again: its checkpoint no longer holds anywhere. */
  private clearRenewedCheckpoints(): void {
    if (!this.deps.isLeader()) return;
    this.proposeCheckpoints(this.deps.stateMachine().lessor.takeRenewedCheckpoints().map((id) => ({ id, remainingTtl: 0 })));
  }

  private proposeCheckpoints(checkpoints: readonly { id: bigint; remainingTtl: number }[]): void {
    if (checkpoints.length === 0) return;
    const body = { lease_checkpoint: { checkpoints: checkpoints.map((c) => ({ ID: c.id.toString(), remaining_TTL: c.remainingTtl })) } };
    this.deps.propose(body).catch((err: unknown) => this.deps.config.log('warn', 'failed to checkpoint leases', { error: errorText(err) }));
  }

  /** Raises NOSPACE once the backend outgrows --quota-backend-bytes, as etcd does. */
  private async checkQuota(): Promise<void> {
    const { config, memberId } = this.deps;
    if (this.deps.stateMachine().alarms().some((a) => a.memberId === memberId && a.alarm === AlarmType.NoSpace)) return;
    if (!(await this.deps.backendSize.exceeds(config.quotaBackendBytes).catch(() => false))) return;
    config.log('warn', 'database space exceeded; raising the NOSPACE alarm', { quota: config.quotaBackendBytes });
    await this.deps.propose({ alarm: { action: AlarmAction.Activate, memberID: uint64(memberId), alarm: AlarmType.NoSpace } }).catch(() => undefined);
  }

  private autoCompact(): void {
    const compactor = this.deps.config.autoCompaction;
    if (!compactor || !this.deps.isLeader()) return;
    const store = this.deps.stateMachine().store;
    const target = compactor.decide(Date.now(), store.currentRevision, store.compactRevision);
    if (target === undefined) return;
    this.deps.config.log('info', 'auto-compacting', { revision: target, mode: compactor.mode });
    this.deps.propose({ compaction: { revision: target } }).catch(() => undefined);
  }
}
