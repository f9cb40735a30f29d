// The entries of one Ready, applied in order (etcd's applyEntries): a request goes through the applier
// and its result to the caller waiting on its id; a conf change updates the member registry, then the
// raft node's configuration, then whoever waits on it.

import { EtcdError } from '../../etcd-errors.js';
import { decodeConfChange, EntryType, ConfChangeType, type ConfChange, type Entry } from '../../raft/index.js';
import { decodeInternalRequest } from '../internal-request.js';
import { decodeMemberAttributes } from '../member-codec.js';
import type { StateMachine } from '../state-machine.js';
import { confChangeKey, type WaitRegistry } from '../wait-registry.js';
import type { Applier } from './applier.js';

export interface CommittedEntriesDeps {
  readonly memberId: bigint;
  readonly applier: Applier;
  readonly waits: WaitRegistry;
  /** The state machine as of now (installing a snapshot replaces it). */
  stateMachine(): StateMachine;
  /** The raft node's own half of a conf change. */
  applyToNode(cc: ConfChange): void;
  /** A conf change removed this member. */
  removedSelf(): void;
}

/** Applies `entries`; returns the index of the last one (the applied index to commit the backend at). */
export function applyCommittedEntries(entries: readonly Entry[], appliedIndex: number, deps: CommittedEntriesDeps): number {
  let applied = appliedIndex;
  for (const entry of entries) {
    // Entries the backend already holds (restart, or a snapshot newer than its raft index) are not applied
    // to it again; a conf change's raft half still is, as etcd does: raft hands each entry out once, and
    // its configuration has seen none past the snapshot it restored.
    const inBackend = entry.index <= deps.stateMachine().backend.consistentIndex;
    if (entry.type === EntryType.ConfChange) applyConfChange(entry, deps, inBackend);
    else if (!inBackend && entry.data.length > 0) applyRequest(entry, deps);
    if (!inBackend) applied = entry.index;
  }
  return applied;
}

function applyRequest(entry: Entry, deps: CommittedEntriesDeps): void {
  const request = decodeInternalRequest(entry.data);
  try {
    const { result, done } = deps.applier.apply(request, entry.index);
    deps.waits.proposals.trigger(request.id, { result, revision: deps.stateMachine().store.currentRevision, done });
  } catch (err) {
    // A request that fails fails alike on every member; anything else is a bug that stops this one.
    if (!(err instanceof EtcdError)) throw err;
    deps.waits.proposals.fail(request.id, err);
  }
}

function applyConfChange(entry: Entry, deps: CommittedEntriesDeps, inBackend: boolean): void {
  const cc = decodeConfChange(entry.data);
  if (!inBackend) deps.applier.applyConfChange(cc, cc.context.length > 0 ? decodeMemberAttributes(cc.context) : undefined);
  deps.applyToNode(cc);
  deps.waits.confChanges.trigger(confChangeKey(cc.nodeId, cc.type), undefined);
  if (cc.type === ConfChangeType.RemoveNode && cc.nodeId === deps.memberId) deps.removedSelf();
}
