// The replicated state machine: the keyspace, its watchers and the leases over one state backend. Every
// member applies the same entries through it; the server commits the backend with each entry's index.

import { AuthStore } from '../auth/index.js';
import { Lessor, loadLeaseRecords, stageLeaseGrant, stageLeaseRevoke, type LeaseId } from '../lease/index.js';
import { KvApplier, MvccStore, WatchHub, keyBytes, keyString, rangeBounds } from '../mvcc/index.js';
import { metaKey, type Backend, type StateBackend } from '../storage/backend.js';

export interface StateMachineOptions {
  /** Milliseconds, for lease expiry on the leader. */
  readonly now: () => number;
  readonly minLeaseTtlSeconds: number;
  /** --experimental-enable-lease-checkpoint-persist: a checkpoint is written with its lease's record. */
  readonly persistLeaseCheckpoints?: boolean;
}

const ALL_KEYS = { key: new Uint8Array([0]), end: new Uint8Array([0]) };
const ALARMS_KEY = metaKey('alarms');

/** etcd's AlarmType values. */
export enum AlarmType {
  None = 0,
  NoSpace = 1,
  Corrupt = 2,
}

export interface Alarm {
  readonly memberId: bigint;
  readonly alarm: AlarmType;
}

/** B: the backend it stages to (the server's is on disk; a unit test's may be in memory). */
export class StateMachine<B extends Backend = StateBackend> {
  readonly kv: KvApplier;
  readonly watches: WatchHub;

  private alarmList: Alarm[] = [];

  private constructor(
    readonly backend: B,
    readonly store: MvccStore,
    readonly lessor: Lessor,
    readonly auth: AuthStore,
    private readonly persistLeaseCheckpoints: boolean,
    watches?: WatchHub,
  ) {
    this.kv = new KvApplier(store, {
      exists: (id) => lessor.has(id),
      attach: (id, key) => lessor.attach(id, key),
      detach: (id, key) => lessor.detach(id, key),
    });
    if (watches) watches.adopt(store);
    this.watches = watches ?? new WatchHub(store);
  }

  /** Opens the state held by `backend`; `watches` carries the watchers of a state machine this one replaces. */
  static async open<B extends Backend>(backend: B, options: StateMachineOptions, watches?: WatchHub): Promise<StateMachine<B>> {
    const store = await MvccStore.open(backend);
    const lessor = Lessor.fromRecords(await loadLeaseRecords(backend), { now: options.now, minTtlSeconds: options.minLeaseTtlSeconds });
    // Attachments are not stored apart: each live key names its lease.
    const { records } = store.range(rangeBounds(ALL_KEYS), store.currentRevision);
    for (const record of records) if (record.lease !== 0n && lessor.has(record.lease)) lessor.attach(record.lease, record.key);
    const machine = new StateMachine(backend, store, lessor, await AuthStore.open(backend), options.persistLeaseCheckpoints ?? false, watches);
    const alarms = await backend.get(ALARMS_KEY);
    if (alarms !== undefined) {
      const stored = JSON.parse(Buffer.from(alarms).toString('utf8')) as { memberId: string; alarm: AlarmType }[];
      machine.alarmList = stored.map((a) => ({ memberId: BigInt(a.memberId), alarm: a.alarm }));
    }
    return machine;
  }

  alarms(): readonly Alarm[] {
    return this.alarmList;
  }

  hasAlarm(alarm: AlarmType): boolean {
    return this.alarmList.some((a) => a.alarm === alarm);
  }

  /** Raises an alarm for a member; returns whether it was new. */
  activateAlarm(memberId: bigint, alarm: AlarmType): boolean {
    if (this.alarmList.some((a) => a.memberId === memberId && a.alarm === alarm)) return false;
    this.alarmList = [...this.alarmList, { memberId, alarm }];
    this.stageAlarms();
    return true;
  }

  /** Clears an alarm; returns whether it was raised. */
  deactivateAlarm(memberId: bigint, alarm: AlarmType): boolean {
    const kept = this.alarmList.filter((a) => !(a.memberId === memberId && a.alarm === alarm));
    if (kept.length === this.alarmList.length) return false;
    this.alarmList = kept;
    this.stageAlarms();
    return true;
  }

  private stageAlarms(): void {
    const stored = this.alarmList.map((a) => ({ memberId: a.memberId.toString(), alarm: a.alarm }));
    this.backend.put(ALARMS_KEY, Buffer.from(JSON.stringify(stored)));
  }

  /** The index of the last entry whose effects the backend holds. */
  get appliedIndex(): number {
    return this.backend.consistentIndex;
  }

  leaseGrant(id: LeaseId, ttlSeconds: number): { id: LeaseId; ttl: number } {
    const lease = this.lessor.grant(id, ttlSeconds);
    stageLeaseGrant(this.backend, { id, ttl: lease.ttl });
    return { id, ttl: lease.ttl };
  }

  /** etcd's Checkpoint: what a later promotion gives the lease; kept on disk too when persisting (a restart of every member keeps it). */
  leaseCheckpoint(id: LeaseId, remainingTtl: number): void {
    this.lessor.checkpoint(id, remainingTtl);
    const lease = this.lessor.lookup(id);
    if (this.persistLeaseCheckpoints && lease) stageLeaseGrant(this.backend, { id, ttl: lease.ttl, remainingTtl });
  }

  /** Revokes the lease and deletes its keys, all in one revision (none if it had no keys). */
  leaseRevoke(id: LeaseId): void {
    const keys = this.lessor.revoke(id);
    stageLeaseRevoke(this.backend, id);
    const txn = this.store.write();
    for (const key of keys) txn.deleteRange({ kind: 'single', key });
    txn.end();
  }

  /** Writes everything applied so far, up to entry `index`, to the backend in one batch. */
  commit(index: number): Promise<void> {
    return this.backend.commit(index);
  }

  /** The keys attached to a lease (none for an unknown one). */
  leaseKeys(id: LeaseId): Uint8Array[] {
    return [...(this.lessor.lookup(id)?.keys ?? [])].map((k) => keyBytes(k));
  }

  /** The lease a key is attached to (0n for none). */
  leaseOfKey(key: Uint8Array): LeaseId {
    return this.lessor.leaseOf(keyString(key));
  }
}
