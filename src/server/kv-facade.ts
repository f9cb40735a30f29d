// What the client API reads from this member's state (etcd's RaftKV read side and Lessor), so the API
// never reaches into the state machine's parts. Writes go through EtcdServer.propose().

import type { LeaseId, LeaseTimeToLive } from '../lease/index.js';
import type { RangeRequest, RangeResponse, TxnRequest, TxnResponse, WatchHub } from '../mvcc/index.js';
import { snapshotFileChunks } from '../storage/snapshot-file.js';
import type { Alarm, StateMachine } from './state-machine.js';

export interface KvStats {
  readonly keyCount: number;
  readonly currentRevision: number;
  readonly compactRevision: number;
  readonly watcherCount: number;
}

export class KvFacade {
  /** `stateMachine` gives the current one: installing a snapshot replaces it. */
  constructor(private readonly stateMachine: () => StateMachine) {}

  range(request: RangeRequest): RangeResponse {
    return this.stateMachine().kv.range(request);
  }

  /** A txn with no writes, served from this member's state (after a ReadIndex when linearizable). */
  readOnlyTxn(request: TxnRequest): TxnResponse {
    return this.stateMachine().kv.txn(request);
  }

  /** The keys attached to a lease (none for an unknown one). */
  leaseKeys(id: LeaseId): Uint8Array[] {
    return this.stateMachine().leaseKeys(id);
  }

  leaseTimeToLive(id: LeaseId): LeaseTimeToLive | undefined {
    return this.stateMachine().lessor.timeToLive(id);
  }

  leaseIds(): LeaseId[] {
    return this.stateMachine().lessor.leaseIds();
  }

  /** On the leader: extends a lease by its TTL; returns the TTL (throws for an unknown lease). */
  leaseRenew(id: LeaseId): number {
    return this.stateMachine().lessor.renew(id);
  }

  alarms(): readonly Alarm[] {
    return this.stateMachine().alarms();
  }

  hashKv(revision: number): ReturnType<StateMachine['store']['hashKv']> {
    return this.stateMachine().store.hashKv(revision);
  }

  /** The state backend as an etcd snapshot file, in chunks (Maintenance.Snapshot). */
  snapshotChunks(): AsyncGenerator<Uint8Array> {
    return snapshotFileChunks(this.stateMachine().backend);
  }

  get watches(): WatchHub {
    return this.stateMachine().watches;
  }

  get stats(): KvStats {
    const sm = this.stateMachine();
    return { keyCount: sm.store.keyCount, currentRevision: sm.store.currentRevision, compactRevision: sm.store.compactRevision, watcherCount: sm.watches.watcherCount };
  }
}
