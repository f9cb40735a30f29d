// The state a Raft node keeps, and what every role shares: loading it at start (hard state, membership,
// changes the application applied before a restart), resetting it on a change of term or role, membership
// changes, and the outgoing messages. The roles' behaviour builds on it: raft-replication.ts (the log moving
// from leader to followers), raft-leader.ts (what a leader does with each message), raft.ts (the inputs,
// elections and the other roles).

import { resolveConfig } from './config.js';
import type { RaftConfig, ResolvedRaftConfig } from './config.js';
import { decodeConfChange } from './conf-change.js';
import { RaftUsageError } from './errors.js';
import { RaftLog } from './log.js';
import { ReadOnly } from './read-only.js';
import { ProgressState } from './tracker/progress.js';
import { ProgressTracker } from './tracker/progress-tracker.js';
import { ConfChangeType, EntryType, MessageType, NONE, StateType, stamped, mustWaitForPersistence } from './types.js';
import type { ConfChange, ConfState, HardState, Message, NodeId, ReadState } from './types.js';

/** A Raft node's state and what every role does with it (see Raft). */
export abstract class RaftState {
  readonly id: NodeId;
  term = 0;
  vote: NodeId = NONE;
  lead: NodeId = NONE;
  state: StateType = StateType.Follower;
  readonly raftLog: RaftLog;
  readonly trk: ProgressTracker;
  readStates: ReadState[] = [];
  /** Messages that may be sent at once. */
  msgs: Message[] = [];
  /** Messages that may be sent (or, when addressed to ourselves, stepped) only after the current Ready is persisted. */
  msgsAfterAppend: Message[] = [];
  /** The leader transfer target, or NONE. */
  leadTransferee: NodeId = NONE;
  /** A leader may not propose a membership change until it has applied past this index. */
  pendingConfIndex = 0;
  /** Bytes of entry payloads appended by this leader and not yet committed. */
  uncommittedSize = 0;

  protected readonly cfg: ResolvedRaftConfig;
  protected readonly readOnly = new ReadOnly();
  /** ReadIndex requests that arrived before this leader committed an entry of its own term. */
  protected pendingReadIndexMessages: Message[] = [];
  protected electionElapsed = 0;
  protected heartbeatElapsed = 0;
  protected randomizedElectionTimeout = 0;

  constructor(config: RaftConfig) {
    this.cfg = resolveConfig(config);
    this.id = this.cfg.id;
    this.raftLog = new RaftLog(this.cfg.storage, this.cfg.maxCommittedSizePerReady);
    this.trk = new ProgressTracker(this.cfg.maxInflightMsgs, this.cfg.maxInflightBytes);
    const { hardState, confState } = this.cfg.storage.initialState();
    this.applyConfState(confState);
    if (hardState.term !== 0 || hardState.vote !== NONE || hardState.commit !== 0) this.loadState(hardState);
    const applied = this.cfg.applied;
    // Below the first index the application restores from the snapshot itself; nothing to replay.
    if (applied > this.raftLog.applied) {
      if (applied > this.raftLog.lastIndex()) {
        throw new RaftUsageError(`applied index ${applied} is beyond the last index ${this.raftLog.lastIndex()}`);
      }
      // Only committed entries are applied, so the applied index vouches for a commit index the crash may have lost.
      this.raftLog.commitTo(applied);
      // Membership changes the application applied before restarting are not handed out again; replay them here.
      this.replayConfChanges(this.raftLog.applied + 1, applied);
      this.raftLog.appliedTo(applied);
    }
    this.becomeFollower(this.term, NONE);
  }

  becomeFollower(term: number, lead: NodeId): void {
    this.reset(term);
    this.lead = lead;
    this.state = StateType.Follower;
  }

  protected reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTimeout = this.cfg.electionTick + this.cfg.rand.intn(this.cfg.electionTick);
    this.abortLeaderTransfer();
    this.trk.resetVotes();
    const last = this.raftLog.lastIndex();
    // Our own match covers only what is already durable: unstable entries count once persisted.
    const persisted = this.raftLog.unstable.entries.length > 0 ? this.raftLog.unstable.offset - 1 : last;
    for (const [id, pr] of this.trk.progress) {
      pr.inflights.reset();
      pr.state = ProgressState.Probe;
      pr.probeSent = false;
      pr.pendingSnapshot = 0;
      pr.recentActive = id === this.id;
      pr.match = id === this.id ? persisted : 0;
      pr.next = last + 1;
    }
    this.pendingConfIndex = 0;
    this.uncommittedSize = 0;
    this.readOnly.reset();
    this.pendingReadIndexMessages = [];
  }

  protected abortLeaderTransfer(): void {
    this.leadTransferee = NONE;
  }

  protected applyConfState(cs: ConfState): void {
    const next = this.raftLog.lastIndex() + 1;
    for (const id of cs.voters) this.trk.addNode(id, false, next);
    for (const id of cs.learners) this.trk.addNode(id, true, next);
  }

  protected changeMembership(cc: ConfChange): void {
    if (cc.nodeId === NONE) return;
    const next = this.raftLog.lastIndex() + 1;
    switch (cc.type) {
      case ConfChangeType.AddNode:
        this.trk.addNode(cc.nodeId, false, next);
        return;
      case ConfChangeType.AddLearnerNode:
        this.trk.addNode(cc.nodeId, true, next);
        return;
      case ConfChangeType.RemoveNode:
        this.trk.removeNode(cc.nodeId);
        return;
    }
  }

  private replayConfChanges(lo: number, hi: number): void {
    while (lo <= hi) {
      const ents = this.raftLog.slice(lo, hi + 1, 1024 * 1024);
      for (const e of ents) if (e.type === EntryType.ConfChange) this.changeMembership(decodeConfChange(e.data));
      lo += ents.length;
    }
  }

  private loadState(hs: HardState): void {
    if (hs.commit > this.raftLog.lastIndex()) {
      throw new RaftUsageError(`hard state commit ${hs.commit} is beyond the last index ${this.raftLog.lastIndex()}`);
    }
    // A commit index below the snapshot is an unsynced commit lost in a crash; the snapshot itself is committed.
    this.raftLog.committed = Math.max(hs.commit, this.raftLog.committed);
    this.term = hs.term;
    this.vote = hs.vote;
  }

  protected send(m: Message): void {
    const needsTerm =
      m.type === MessageType.Vote ||
      m.type === MessageType.VoteResp ||
      m.type === MessageType.PreVote ||
      m.type === MessageType.PreVoteResp;
    if (needsTerm && m.term === 0) throw new RaftUsageError(`term should be set when sending ${m.type}`);
    // Forwarded proposals and reads travel without a term, like local requests.
    const term = needsTerm || m.type === MessageType.Prop || m.type === MessageType.ReadIndex ? m.term : this.term;
    const from = m.from === NONE ? this.id : m.from;
    const out = from === m.from && term === m.term ? m : stamped(m, from, term);
    if (mustWaitForPersistence(out.type)) this.msgsAfterAppend.push(out);
    else if (out.to === this.id) throw new RaftUsageError(`message to self: ${out.type}`);
    else this.msgs.push(out);
  }
}
