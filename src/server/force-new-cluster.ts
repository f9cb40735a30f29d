// --force-new-cluster (etcd's restartAsStandaloneNode): a member restarted with it after losing quorum
// keeps its data and becomes the only member. Its log loses the entries not known committed, then gets
// membership entries removing every other member (adding itself first, should it be missing), and the
// commit index is forced over them: raft applies them as usual, so the member list and raft's
// configuration both end with this member alone. Others are then added back with `member add`.

import { ConfChangeType, EntryType, decodeConfChange, encodeConfChange, type Entry, type NodeId } from '../raft/index.js';
import type { PersistedRaftState } from '../storage/wal/raft-state.js';
import type { RaftWal } from '../storage/wal/raft-wal.js';
import { encodeMemberAttributes } from './member-codec.js';
import type { ServerConfig } from './server-config.js';

/** Voters and learners as of the snapshot and the committed entries after it (etcd's getIDs). */
function membersInLog(state: PersistedRaftState, committed: readonly Entry[]): Set<NodeId> {
  const ids = new Set<NodeId>([...state.snapshot.confState.voters, ...state.snapshot.confState.learners]);
  for (const entry of committed) {
    if (entry.type !== EntryType.ConfChange) continue;
    const cc = decodeConfChange(entry.data);
    if (cc.type === ConfChangeType.RemoveNode) ids.delete(cc.nodeId);
    else ids.add(cc.nodeId);
  }
  return ids;
}

/** Self first (raft must never be left without a voter), then the removal of every other member. */
function standaloneEntries(ids: ReadonlySet<NodeId>, self: NodeId, peerUrls: readonly string[], term: number, after: number): Entry[] {
  const changes = [
    ...(ids.has(self)
      ? []
      : [{ type: ConfChangeType.AddNode, nodeId: self, context: encodeMemberAttributes({ id: self, name: '', peerUrls, clientUrls: [], isLearner: false }) }]),
    ...[...ids].filter((id) => id !== self).sort((a, b) => (a < b ? -1 : 1)).map((nodeId) => ({ type: ConfChangeType.RemoveNode, nodeId, context: new Uint8Array() })),
  ];
  return changes.map((cc, i) => ({ term, index: after + i + 1, type: EntryType.ConfChange, data: encodeConfChange(cc) }));
}

/**
 * Rewrites the raft log on disk for a standalone restart and returns the state to start raft from.
 * `appliedIndex` is the state backend's: entries it applied are committed even when the hard state,
 * whose commit index is not always synced, does not say so yet.
 */
export async function forceNewCluster(
  config: ServerConfig,
  logStore: RaftWal,
  state: PersistedRaftState,
  self: NodeId,
  appliedIndex: number,
): Promise<PersistedRaftState> {
  const commit = Math.max(state.hardState.commit, appliedIndex, state.snapshot.index);
  const committed = state.entries.filter((e) => e.index <= commit);
  const discarded = state.entries.length - committed.length;
  if (discarded > 0) config.log('info', 'discarding uncommitted WAL entries', { 'commit-index': commit, 'discarded-entries': discarded });
  const appended = standaloneEntries(membersInLog(state, committed), self, config.initialAdvertisePeerUrls, state.hardState.term, commit);
  if (appended.length > 0) {
    // Starting at commit + 1, these replace the uncommitted suffix in the same atomic write.
    const last = appended[appended.length - 1]!.index;
    await logStore.save({ entries: appended, hardState: { ...state.hardState, commit: last } }, { sync: true });
  }
  const forced = await logStore.load();
  config.log('info', 'forcing restart member', { 'local-member-id': self.toString(16), 'commit-index': forced.hardState.commit });
  return forced;
}
