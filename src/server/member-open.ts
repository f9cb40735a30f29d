// Startup (etcd's bootstrap): opens the data dir's raft log, snapshots and state backend, and decides who
// this member is — restarting from its data dir, founding a new cluster from the flags, or joining a
// running one it was added to — then builds the raft node over the log.

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { EMPTY_BYTES, RawNode, type MemoryStorage, type NodeId } from '../raft/index.js';
import { StateBackend } from '../storage/backend.js';
import { hasMemberState, prepareDataDir, type DataDirLayout } from '../storage/data-dir.js';
import { DEFAULT_MAX_WALS, RaftWal } from '../storage/wal/raft-wal.js';
import { restoreMemoryStorage } from '../storage/memory-storage-from-log.js';
import { SnapshotStore } from '../storage/raft-snapshot-store.js';
import { foundersOf, loadIdentity, stageIdentity, writeFoundingEntries } from './bootstrap.js';
import { fetchClusterFromPeers } from './cluster-join.js';
import { checkInitialHash } from './corruption-check.js';
import { forceNewCluster } from './force-new-cluster.js';
import { MemberRegistry, type Member } from './members.js';
import { walSpill } from './raft-storage.js';
import { electionTicks, minLeaseTtlSeconds, type ServerConfig } from './server-config.js';
import { StateMachine, type StateMachineOptions } from './state-machine.js';

export interface OpenedMember {
  readonly id: NodeId;
  readonly clusterId: bigint;
  readonly layout: DataDirLayout;
  readonly node: RawNode;
  readonly memory: MemoryStorage;
  readonly logStore: RaftWal;
  readonly snapshots: SnapshotStore;
  readonly stateMachine: StateMachine;
  readonly members: MemberRegistry;
}

export function stateMachineOptions(config: ServerConfig): StateMachineOptions {
  return { now: () => Date.now(), minLeaseTtlSeconds: minLeaseTtlSeconds(config), persistLeaseCheckpoints: config.leaseCheckpointPersist ?? false };
}

export async function openMember(config: ServerConfig): Promise<OpenedMember> {
  const restarting = await hasMemberState(config.dataDir, config.walDir);
  const layout = await prepareDataDir(config.dataDir, config.walDir);
  const backend = await StateBackend.open(join(layout.snapDir, 'db'));
  const { store: logStore, state: onDisk } = await RaftWal.open(layout, { maxWals: config.maxWals ?? DEFAULT_MAX_WALS, log: config.log });
  // etcd's 0 keeps every snapshot file.
  const snapshots = await SnapshotStore.open(layout.snapDir, config.maxSnapshots === 0 ? Number.POSITIVE_INFINITY : config.maxSnapshots);
  let id: bigint;
  let clusterId: bigint;
  let joiningMembers: Member[] = [];
  const identity = restarting ? await loadIdentity(backend) : undefined;
  // etcd too ignores --force-new-cluster on a data dir without a member in it.
  const state = identity && config.forceNewCluster ? await forceNewCluster(config, logStore, onDisk, identity.memberId, backend.consistentIndex) : onDisk;
  const memory = restoreMemoryStorage(state, EMPTY_BYTES, walSpill(logStore));
  if (identity) {
    // A data dir with a member in it: bootstrap flags are ignored, as etcd ignores them.
    ({ memberId: id, clusterId } = identity);
    config.log('info', 'restarting member from its data dir', { 'member-id': id.toString(16), 'applied-index': backend.consistentIndex });
  } else {
    const { founders, clusterId: newClusterId } = foundersOf(config.initialCluster, config.initialClusterToken);
    const self = founders.find((m) => m.name === config.name);
    if (!self) throw new Error(`couldn't find local name "${config.name}" in the initial cluster configuration`);
    if (config.initialClusterState === 'existing') {
      // Added with `member add`: the running members know the id they gave this member.
      const joined = await fetchClusterFromPeers(config);
      id = joined.id;
      clusterId = joined.clusterId;
      joiningMembers = joined.members;
    } else {
      id = self.id;
      clusterId = newClusterId;
      await writeFoundingEntries(logStore, founders, memory);
    }
    stageIdentity(backend, id, clusterId);
    await backend.commit(backend.consistentIndex);
  }
  const stateMachine = await StateMachine.open(backend, stateMachineOptions(config));
  const members = await MemberRegistry.load(backend);
  if (identity && config.initialCorruptCheck) {
    // Before this member serves peers or clients, as etcd; a new member has nothing to compare yet.
    await checkInitialHash(config, id, (revision) => stateMachine.store.hashKv(revision), members.list()).catch(async (err: unknown) => {
      await Promise.all([logStore.close(), backend.close()]);
      throw err;
    });
  }
  for (const member of joiningMembers) members.set(member);
  const node = new RawNode({
    id,
    storage: memory,
    // The backend may be ahead of the log: a snapshot carries the leader's backend as it was when sent,
    // newer than the snapshot's index, and a member stopped before the entries between reached its log
    // restarts without them. Raft starts from what the log holds; the entries the backend has already are
    // skipped as they come again (committed-entries.ts). etcd 3.4 gives raft no applied index at all.
    applied: Math.min(Math.max(stateMachine.appliedIndex, memory.firstIndex() - 1), memory.lastIndex()),
    electionTick: electionTicks(config),
    heartbeatTick: 1,
    preVote: config.preVote ?? true,
    rand: { intn: (n: number) => randomBytes(4).readUInt32BE() % n },
  });
  return { id, clusterId, layout, node, memory, logStore, snapshots, stateMachine, members };
}
