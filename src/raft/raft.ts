import { resolveConfig } from './config.js';
import type { RaftConfig, ResolvedRaftConfig } from './config.js';
import { decodeConfChange } from './conf-change.js';
import {
  CompactedError,
  DropReason,
  ProposalDroppedError,
  RaftUsageError,
  SnapshotTemporarilyUnavailableError,
  UnavailableError,
} from './errors.js';
import { RaftLog } from './log.js';
import { VoteResult } from './quorum/majority.js';
import { ReadOnly } from './read-only.js';
import { ProgressState } from './tracker/progress.js';
import { ProgressTracker } from './tracker/progress-tracker.js';
import {
  ConfChangeType,
  EMPTY_BYTES,
  EntryType,
  MessageType,
  NONE,
  StateType,
  message,
  stamped,
  mustWaitForPersistence,
  voteResponseType,
} from './types.js';
import type {
  ConfChange,
  ConfState,
  Entry,
  HardState,
  Message,
  NodeId,
  ReadState,
  Snapshot,
  SoftState,
} from './types.js';

/** Why a node campaigns; a transfer campaign may interrupt a leader lease, the others may not. */
enum CampaignType {
  PreElection = 'CampaignPreElection',
  Election = 'CampaignElection',
  Transfer = 'CampaignTransfer',
}

const TRANSFER_CONTEXT = new TextEncoder().encode(CampaignType.Transfer);

function isTransferContext(ctx: Uint8Array): boolean {
  if (ctx.length !== TRANSFER_CONTEXT.length) return false;
  for (let i = 0; i < ctx.length; i++) if (ctx[i] !== TRANSFER_CONTEXT[i]) return false;
  return true;
}

export function payloadSize(entries: readonly Entry[]): number {
  let size = 0;
  for (const e of entries) size += e.data.length;
  return size;
}

/**
 * The Raft protocol as a pure state machine (after the etcd design): inputs are
 * step()/tick(); outputs are the fields RawNode turns into a Ready. No I/O, no clocks,
 * no ambient randomness.
 */
export class Raft {
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

  private readonly cfg: ResolvedRaftConfig;
  private readonly readOnly = new ReadOnly();
  /** ReadIndex requests that arrived before this leader committed an entry of its own term. */
  private pendingReadIndexMessages: Message[] = [];
  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private randomizedElectionTimeout = 0;

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

  // ---- public inputs -------------------------------------------------------------

  tick(): void {
    if (this.state === StateType.Leader) this.tickHeartbeat();
    else this.tickElection();
  }

  step(m: Message): void {
    if (m.term === 0) {
      // Local message (or a forwarded proposal/read, which carries no term).
    } else if (m.term > this.term) {
      if (m.type === MessageType.Vote || m.type === MessageType.PreVote) {
        const force = isTransferContext(m.context);
        const inLease =
          this.cfg.checkQuorum && this.lead !== NONE && this.electionElapsed < this.cfg.electionTick;
        // A node that hears from a live leader ignores disruptive candidates (unless the leader asked for the transfer).
        if (!force && inLease) return;
      }
      if (m.type === MessageType.PreVote) {
        // A pre-vote never changes our term.
      } else if (m.type === MessageType.PreVoteResp && !m.reject) {
        // Our term rises when the pre-election is won, not when each granted pre-vote arrives.
      } else if (m.type === MessageType.App || m.type === MessageType.Heartbeat || m.type === MessageType.Snap) {
        this.becomeFollower(m.term, m.from);
      } else {
        this.becomeFollower(m.term, NONE);
      }
    } else if (m.term < this.term) {
      if ((this.cfg.checkQuorum || this.cfg.preVote) && (m.type === MessageType.Heartbeat || m.type === MessageType.App)) {
        // A stale leader cut off by a partition would otherwise never learn our term; this answer deposes it.
        this.send(message({ type: MessageType.AppResp, to: m.from }));
      } else if (m.type === MessageType.PreVote) {
        this.send(message({ type: MessageType.PreVoteResp, to: m.from, term: this.term, reject: true }));
      }
      return;
    }

    switch (m.type) {
      case MessageType.Hup:
        this.hup(this.cfg.preVote ? CampaignType.PreElection : CampaignType.Election);
        return;
      case MessageType.Vote:
      case MessageType.PreVote: {
        const canVote =
          this.vote === m.from ||
          (this.vote === NONE && this.lead === NONE) ||
          (m.type === MessageType.PreVote && m.term > this.term);
        if (canVote && this.raftLog.isUpToDate(m.index, m.logTerm)) {
          // Answer in the candidate's term: a pre-vote grant must not look stale to it.
          this.send(message({ type: voteResponseType(m.type), to: m.from, term: m.term }));
          if (m.type === MessageType.Vote) {
            this.electionElapsed = 0;
            this.vote = m.from;
          }
        } else {
          this.send(message({ type: voteResponseType(m.type), to: m.from, term: this.term, reject: true }));
        }
        return;
      }
      default:
        break;
    }
    switch (this.state) {
      case StateType.Leader:
        this.stepLeader(m);
        return;
      case StateType.Candidate:
      case StateType.PreCandidate:
        this.stepCandidate(m);
        return;
      case StateType.Follower:
        this.stepFollower(m);
        return;
    }
  }

  /** Appends the proposal locally when leader, forwards it when follower, or throws ProposalDroppedError. */
  propose(entries: Entry[]): void {
    this.step(message({ type: MessageType.Prop, from: this.id, entries }));
  }

  softState(): SoftState {
    return { lead: this.lead, raftState: this.state };
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.raftLog.committed };
  }

  promotable(): boolean {
    return this.trk.isVoter(this.id) && this.raftLog.unstable.snapshot === undefined;
  }

  /** Applies a committed membership change; the caller does this while applying the entry. */
  applyConfChange(cc: ConfChange): ConfState {
    this.changeMembership(cc);
    if (this.state === StateType.Leader) {
      // A leader removed (or demoted) by its own log keeps leading, without taking proposals, so the
      // remaining members learn that the change committed; stepping down at once could leave them
      // waiting forever for its vote. The application stops a removed member after a short delay.
      if (this.leadTransferee !== NONE && !this.trk.voters.has(this.leadTransferee)) this.abortLeaderTransfer();
      // A smaller quorum may commit more; new members need appends.
      if (this.maybeCommit()) this.bcastAppend();
      else for (const id of this.trk.progress.keys()) if (id !== this.id) this.maybeSendAppend(id, false);
      if (!this.trk.isVoter(this.id)) this.handOverLeadership();
    }
    return this.trk.confState();
  }

  /** Called by RawNode once the driver has applied entries up to `index`. */
  appliedTo(index: number, appliedPayloadBytes: number): void {
    this.raftLog.appliedTo(index);
    this.reduceUncommittedSize(appliedPayloadBytes);
  }

  private reduceUncommittedSize(bytes: number): void {
    this.uncommittedSize = bytes > this.uncommittedSize ? 0 : this.uncommittedSize - bytes;
  }

  // ---- roles ---------------------------------------------------------------------

  becomeFollower(term: number, lead: NodeId): void {
    this.reset(term);
    this.lead = lead;
    this.state = StateType.Follower;
  }

  private becomeCandidate(): void {
    if (this.state === StateType.Leader) throw new RaftUsageError('invalid transition [leader -> candidate]');
    this.reset(this.term + 1);
    this.vote = this.id;
    this.state = StateType.Candidate;
  }

  private becomePreCandidate(): void {
    if (this.state === StateType.Leader) throw new RaftUsageError('invalid transition [leader -> pre-candidate]');
    // Term and vote stay as they are: a pre-election changes no durable state.
    this.trk.resetVotes();
    this.lead = NONE;
    this.state = StateType.PreCandidate;
  }

  private becomeLeader(): void {
    if (this.state === StateType.Follower) throw new RaftUsageError('invalid transition [follower -> leader]');
    this.reset(this.term);
    this.lead = this.id;
    this.state = StateType.Leader;
    const self = this.trk.progress.get(this.id);
    if (self) {
      self.becomeReplicate();
      self.recentActive = true;
    }
    // No membership change until this term has committed an entry: the known rule that makes one-at-a-time changes safe.
    this.pendingConfIndex = this.raftLog.lastIndex();
    // The empty entry commits everything from earlier terms once a quorum has it (§5.4.2).
    this.appendEntry([{ term: 0, index: 0, type: EntryType.Normal, data: EMPTY_BYTES }]);
  }

  private reset(term: number): void {
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

  // ---- elections -----------------------------------------------------------------

  private hup(t: CampaignType): void {
    if (this.state === StateType.Leader) return;
    if (!this.promotable()) return;
    if (this.hasUnappliedConfChanges()) return;
    this.campaign(t);
  }

  private hasUnappliedConfChanges(): boolean {
    if (this.raftLog.committed <= this.raftLog.applied) return false;
    let lo = this.raftLog.applied + 1;
    const hi = this.raftLog.committed + 1;
    while (lo < hi) {
      const ents = this.raftLog.slice(lo, hi, 1024 * 1024);
      for (const e of ents) if (e.type === EntryType.ConfChange) return true;
      lo += ents.length;
    }
    return false;
  }

  private campaign(t: CampaignType): void {
    let voteMsg: MessageType;
    let term: number;
    if (t === CampaignType.PreElection) {
      this.becomePreCandidate();
      voteMsg = MessageType.PreVote;
      // Ask as if we had started the next term; our own term is left alone.
      term = this.term + 1;
    } else {
      this.becomeCandidate();
      voteMsg = MessageType.Vote;
      term = this.term;
    }
    for (const id of this.trk.voters) {
      if (id === this.id) {
        // Our own vote counts once the new term and vote are durable.
        this.send(message({ type: voteResponseType(voteMsg), to: this.id, from: this.id, term }));
        continue;
      }
      this.send(
        message({
          type: voteMsg,
          to: id,
          term,
          index: this.raftLog.lastIndex(),
          logTerm: this.raftLog.lastTerm(),
          context: t === CampaignType.Transfer ? TRANSFER_CONTEXT : EMPTY_BYTES,
        }),
      );
    }
  }

  private poll(from: NodeId, granted: boolean): VoteResult {
    this.trk.recordVote(from, granted);
    return this.trk.tallyVotes().result;
  }

  // ---- timers --------------------------------------------------------------------

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.step(message({ type: MessageType.Hup, from: this.id }));
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.cfg.electionTick) {
      this.electionElapsed = 0;
      if (this.cfg.checkQuorum) this.step(message({ type: MessageType.CheckQuorum, from: this.id }));
      // A transfer that did not finish within an election timeout is abandoned so proposals flow again.
      if (this.state === StateType.Leader && this.leadTransferee !== NONE) this.abortLeaderTransfer();
    }
    if (this.state !== StateType.Leader) return;
    if (this.heartbeatElapsed >= this.cfg.heartbeatTick) {
      this.heartbeatElapsed = 0;
      this.step(message({ type: MessageType.Beat, from: this.id }));
    }
  }

  // ---- leader --------------------------------------------------------------------

  private stepLeader(m: Message): void {
    switch (m.type) {
      case MessageType.Beat:
        this.bcastHeartbeat(this.readOnly.lastPendingContext());
        // The chosen voter ignores TimeoutNow until it has applied the change, so a removed leader keeps offering.
        if (!this.trk.isVoter(this.id)) this.handOverLeadership();
        return;
      case MessageType.CheckQuorum:
        if (!this.trk.quorumActive(this.id)) {
          this.becomeFollower(this.term, NONE);
          return;
        }
        for (const [id, pr] of this.trk.progress) if (id !== this.id) pr.recentActive = false;
        return;
      case MessageType.Prop:
        this.leaderPropose(m);
        return;
      case MessageType.ReadIndex:
        this.leaderReadIndex(m);
        return;
      case MessageType.TransferLeader:
        this.leaderTransfer(m.from);
        return;
      default:
        break;
    }
    const pr = this.trk.progress.get(m.from);
    if (!pr) return;
    switch (m.type) {
      case MessageType.AppResp:
        pr.recentActive = true;
        if (m.reject) {
          // Skip over a whole term of mismatching entries at once where the follower told us its term.
          const hint = m.logTerm > 0 ? this.raftLog.findConflictByTerm(m.rejectHint, m.logTerm).index : m.rejectHint;
          if (pr.maybeDecrTo(m.index, hint)) {
            if (pr.state === ProgressState.Replicate) pr.becomeProbe();
            this.sendAppend(m.from);
          }
          return;
        }
        {
          const wasPaused = pr.isPaused();
          if (pr.maybeUpdate(m.index)) {
            if (pr.state === ProgressState.Probe) pr.becomeReplicate();
            else if (pr.state === ProgressState.Snapshot) {
              const pastCompaction = pr.match + 1 >= this.raftLog.firstIndex();
              // The follower has the snapshot (or got past our compaction point another way): append from here,
              // probing first if we compacted further meanwhile and a newer snapshot is needed.
              if (pastCompaction || pr.match >= pr.pendingSnapshot) {
                pr.becomeProbe();
                if (pastCompaction) pr.becomeReplicate();
              }
            } else if (pr.state === ProgressState.Replicate) pr.inflights.freeLE(m.index);

            if (this.maybeCommit()) {
              this.releasePendingReadIndexMessages();
              this.bcastAppend();
            } else if (m.from !== this.id && wasPaused) {
              this.sendAppend(m.from);
            }
            if (m.from !== this.id) {
              while (this.maybeSendAppend(m.from, false)) {
                // Keep filling the inflights window.
              }
            }
            if (m.from === this.leadTransferee && pr.match === this.raftLog.lastIndex()) {
              this.sendTimeoutNow(m.from);
            }
          }
        }
        return;
      case MessageType.HeartbeatResp: {
        pr.recentActive = true;
        pr.probeSent = false;
        if (pr.state === ProgressState.Replicate && pr.inflights.full()) this.probeFullWindow(m.from);
        else if (pr.match < this.raftLog.lastIndex()) this.sendAppend(m.from);
        if (m.context.length === 0) return;
        const acks = this.readOnly.recvAck(m.from, m.context);
        if (!acks || !this.trk.hasQuorum(acks)) return;
        for (const rs of this.readOnly.advance(m.context)) this.respondToReadIndex(rs.request, rs.index);
        return;
      }
      case MessageType.SnapStatus:
        if (pr.state !== ProgressState.Snapshot) return;
        if (m.reject) pr.pendingSnapshot = 0;
        pr.becomeProbe();
        // Wait for the follower's answer (or a heartbeat) before probing again.
        pr.probeSent = true;
        return;
      case MessageType.Unreachable:
        if (pr.state === ProgressState.Replicate) pr.becomeProbe();
        return;
      default:
        return;
    }
  }

  private leaderPropose(m: Message): void {
    if (m.entries.length === 0) throw new RaftUsageError('stepped empty proposal');
    if (!this.trk.isVoter(this.id)) throw new ProposalDroppedError(DropReason.NotVoterOrLeader);
    if (this.leadTransferee !== NONE) throw new ProposalDroppedError(DropReason.TransferInProgress);
    const entries = m.entries.slice();
    for (let i = 0; i < entries.length; i++) {
      if (entries[i]!.type !== EntryType.ConfChange) continue;
      if (this.pendingConfIndex > this.raftLog.applied) throw new ProposalDroppedError(DropReason.ConfChangePending);
      this.pendingConfIndex = this.raftLog.lastIndex() + i + 1;
    }
    if (!this.appendEntry(entries)) throw new ProposalDroppedError(DropReason.UncommittedLimit);
    this.bcastAppend();
  }

  private leaderReadIndex(m: Message): void {
    if (!this.committedEntryInCurrentTerm()) {
      // Until our own term commits, our commit index may lag what an earlier leader acknowledged
      // (even alone: a restart may have lost a commit index that was never synced).
      this.pendingReadIndexMessages.push(m);
      return;
    }
    this.startReadIndex(m);
  }

  private startReadIndex(m: Message): void {
    if (this.trk.voters.size <= 1) {
      // Alone, we are trivially still the leader: no heartbeat round is needed.
      this.respondToReadIndex(m, this.raftLog.committed);
      return;
    }
    this.readOnly.addRequest(this.raftLog.committed, m);
    this.readOnly.recvAck(this.id, m.entries[0]!.data);
    this.bcastHeartbeat(m.entries[0]!.data);
  }

  private releasePendingReadIndexMessages(): void {
    if (this.pendingReadIndexMessages.length === 0 || !this.committedEntryInCurrentTerm()) return;
    const pending = this.pendingReadIndexMessages;
    this.pendingReadIndexMessages = [];
    for (const m of pending) this.startReadIndex(m);
  }

  private committedEntryInCurrentTerm(): boolean {
    return this.raftLog.term(this.raftLog.committed) === this.term;
  }

  private respondToReadIndex(req: Message, index: number): void {
    if (req.from === NONE || req.from === this.id) {
      this.readStates.push({ index, requestCtx: req.entries[0]!.data });
      return;
    }
    this.send(message({ type: MessageType.ReadIndexResp, to: req.from, index, entries: req.entries }));
  }

  private leaderTransfer(transferee: NodeId): void {
    const pr = this.trk.progress.get(transferee);
    if (!pr || pr.isLearner) return;
    if (this.leadTransferee !== NONE) {
      if (this.leadTransferee === transferee) return;
      this.abortLeaderTransfer();
    }
    if (transferee === this.id) return;
    // The transfer must finish within one election timeout.
    this.electionElapsed = 0;
    this.leadTransferee = transferee;
    if (pr.match === this.raftLog.lastIndex()) this.sendTimeoutNow(transferee);
    else this.sendAppend(transferee);
  }

  /** A leader that is no longer a voter hands over to the most up-to-date voter, so the rest need not wait out a timeout. */
  private handOverLeadership(): void {
    if (this.leadTransferee !== NONE) {
      if (this.trk.progress.get(this.leadTransferee)?.match === this.raftLog.lastIndex()) this.sendTimeoutNow(this.leadTransferee);
      return;
    }
    let best: NodeId = NONE;
    let bestMatch = -1;
    for (const id of this.trk.voters) {
      const match = this.trk.progress.get(id)?.match ?? 0;
      if (match > bestMatch) {
        best = id;
        bestMatch = match;
      }
    }
    if (best !== NONE) this.leaderTransfer(best);
  }

  private abortLeaderTransfer(): void {
    this.leadTransferee = NONE;
  }

  private sendTimeoutNow(to: NodeId): void {
    this.send(message({ type: MessageType.TimeoutNow, to }));
  }

  /** Commits what a quorum has; only entries of the current term commit by counting (§5.4.2). */
  private maybeCommit(): boolean {
    return this.raftLog.maybeCommit(this.trk.committed(), this.term);
  }

  private appendEntry(entries: Entry[]): boolean {
    const last = this.raftLog.lastIndex();
    const numbered = entries.map((e, i): Entry => ({ term: this.term, index: last + 1 + i, type: e.type, data: e.data }));
    const size = payloadSize(numbered);
    const cap = this.cfg.maxUncommittedEntriesSize;
    // An oversized proposal is still let through when nothing else is pending, so it cannot block forever.
    if (cap > 0 && size > 0 && this.uncommittedSize > 0 && this.uncommittedSize + size > cap) return false;
    this.uncommittedSize += size;
    const newLast = this.raftLog.append(numbered);
    // Acknowledge our own append once it is durable, like any follower's.
    this.send(message({ type: MessageType.AppResp, to: this.id, from: this.id, term: this.term, index: newLast }));
    return true;
  }

  private bcastAppend(): void {
    for (const id of this.trk.progress.keys()) if (id !== this.id) this.sendAppend(id);
  }

  private sendAppend(to: NodeId): void {
    this.maybeSendAppend(to, true);
  }

  /** Sends entries (or a snapshot when they are compacted) to `to`; returns whether a message went out. */
  private maybeSendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
    const pr = this.trk.progress.get(to);
    if (!pr || pr.isPaused()) return false;
    const prevIndex = pr.next - 1;
    const prevTerm = this.raftLog.term(prevIndex);
    let entries: Entry[] | undefined;
    if (prevTerm !== undefined) {
      try {
        entries = this.raftLog.entriesFrom(pr.next, this.cfg.maxSizePerMsg);
      } catch (err) {
        if (!(err instanceof CompactedError) && !(err instanceof UnavailableError)) throw err;
      }
    }
    if (prevTerm === undefined || entries === undefined) return this.maybeSendSnapshot(to);
    if (entries.length === 0 && !sendIfEmpty) return false;
    this.send(
      message({ type: MessageType.App, to, from: this.id, term: this.term, index: prevIndex, logTerm: prevTerm, entries, commit: this.raftLog.committed }),
    );
    const last = entries.length > 0 ? entries[entries.length - 1]!.index : prevIndex;
    let bytes = 0;
    for (const e of entries) bytes += e.data.length;
    pr.sentEntries(last, entries.length, bytes);
    return true;
  }

  /**
   * The follower answers heartbeats but not our appends: every append in its window may have been lost.
   * An empty append at the window's end settles it: an ack frees the window, a rejection turns to probing.
   */
  private probeFullWindow(to: NodeId): void {
    const pr = this.trk.progress.get(to)!;
    const prevIndex = pr.next - 1;
    const prevTerm = this.raftLog.term(prevIndex);
    if (prevTerm === undefined) {
      pr.becomeProbe();
      this.sendAppend(to);
      return;
    }
    this.send(message({ type: MessageType.App, to, index: prevIndex, logTerm: prevTerm, commit: this.raftLog.committed }));
  }

  private maybeSendSnapshot(to: NodeId): boolean {
    const pr = this.trk.progress.get(to)!;
    // A peer we have not heard from lately may be down; do not build a snapshot for nobody.
    if (!pr.recentActive) return false;
    let snapshot: Snapshot;
    try {
      snapshot = this.raftLog.snapshot();
    } catch (err) {
      if (err instanceof SnapshotTemporarilyUnavailableError) return false;
      throw err;
    }
    if (snapshot.metadata.index === 0) throw new RaftUsageError('need non-empty snapshot');
    this.send(message({ type: MessageType.Snap, to, snapshot }));
    pr.becomeSnapshot(snapshot.metadata.index);
    return true;
  }

  private bcastHeartbeat(ctx: Uint8Array | undefined): void {
    for (const [id, pr] of this.trk.progress) {
      if (id === this.id) continue;
      // Never tell a follower to commit past what it is known to have.
      const commit = Math.min(pr.match, this.raftLog.committed);
      this.send(message({ type: MessageType.Heartbeat, to: id, commit, context: ctx ?? EMPTY_BYTES }));
    }
  }

  // ---- candidate -----------------------------------------------------------------

  private stepCandidate(m: Message): void {
    const myVoteResp = this.state === StateType.PreCandidate ? MessageType.PreVoteResp : MessageType.VoteResp;
    switch (m.type) {
      case MessageType.Prop:
        throw new ProposalDroppedError(DropReason.NoLeader);
      case MessageType.ReadIndex:
        throw new ProposalDroppedError(DropReason.NoLeader);
      case MessageType.App:
        this.becomeFollower(m.term, m.from);
        this.handleAppendEntries(m);
        return;
      case MessageType.Heartbeat:
        this.becomeFollower(m.term, m.from);
        this.handleHeartbeat(m);
        return;
      case MessageType.Snap:
        this.becomeFollower(m.term, m.from);
        this.handleSnapshot(m);
        return;
      case myVoteResp: {
        const result = this.poll(m.from, !m.reject);
        if (result === VoteResult.Won) {
          if (this.state === StateType.PreCandidate) this.campaign(CampaignType.Election);
          else {
            this.becomeLeader();
            this.bcastAppend();
          }
        } else if (result === VoteResult.Lost) {
          // Stay in our term; a rejection from a higher term already made us a follower.
          this.becomeFollower(this.term, NONE);
        }
        return;
      }
      default:
        return;
    }
  }

  // ---- follower ------------------------------------------------------------------

  private stepFollower(m: Message): void {
    switch (m.type) {
      case MessageType.Prop:
        if (this.lead === NONE) throw new ProposalDroppedError(DropReason.NoLeader);
        this.send({ ...m, to: this.lead });
        return;
      case MessageType.App:
        this.heardFromLeader(m.from);
        this.handleAppendEntries(m);
        return;
      case MessageType.Heartbeat:
        this.heardFromLeader(m.from);
        this.handleHeartbeat(m);
        return;
      case MessageType.Snap:
        this.heardFromLeader(m.from);
        this.handleSnapshot(m);
        return;
      case MessageType.TransferLeader:
        if (this.lead === NONE) return;
        this.send({ ...m, to: this.lead });
        return;
      case MessageType.TimeoutNow:
        // The leader asked us to take over: campaign at once, skipping the pre-vote.
        this.hup(CampaignType.Transfer);
        return;
      case MessageType.ReadIndex:
        if (this.lead === NONE) throw new ProposalDroppedError(DropReason.NoLeader);
        this.send({ ...m, to: this.lead });
        return;
      case MessageType.ReadIndexResp:
        if (m.entries.length !== 1) return;
        this.readStates.push({ index: m.index, requestCtx: m.entries[0]!.data });
        return;
      default:
        return;
    }
  }

  private heardFromLeader(leader: NodeId): void {
    this.electionElapsed = 0;
    this.lead = leader;
  }

  private handleAppendEntries(m: Message): void {
    if (m.index < this.raftLog.committed) {
      this.send(message({ type: MessageType.AppResp, to: m.from, index: this.raftLog.committed }));
      return;
    }
    const lastNew = this.raftLog.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
    if (lastNew !== undefined) {
      // From and term set here, the hot path's message is not copied again by send().
      this.send(message({ type: MessageType.AppResp, to: m.from, from: this.id, term: this.term, index: lastNew }));
      return;
    }
    // Tell the leader the last index at or below the probe whose term is ≤ its term there,
    // so it can skip a whole divergent term in one round trip.
    const hint = this.raftLog.findConflictByTerm(Math.min(m.index, this.raftLog.lastIndex()), m.logTerm);
    this.send(
      message({
        type: MessageType.AppResp,
        to: m.from,
        index: m.index,
        reject: true,
        rejectHint: hint.index,
        logTerm: hint.term,
      }),
    );
  }

  private handleHeartbeat(m: Message): void {
    this.raftLog.commitTo(Math.min(m.commit, this.raftLog.lastIndex()));
    this.send(message({ type: MessageType.HeartbeatResp, to: m.from, context: m.context }));
  }

  private handleSnapshot(m: Message): void {
    const snapshot = m.snapshot;
    if (!snapshot) return;
    if (this.restore(snapshot)) {
      this.send(message({ type: MessageType.AppResp, to: m.from, index: this.raftLog.lastIndex() }));
    } else {
      this.send(message({ type: MessageType.AppResp, to: m.from, index: this.raftLog.committed }));
    }
  }

  /** Installs a snapshot from the leader unless our log already covers it. */
  private restore(snapshot: Snapshot): boolean {
    const { index, term } = snapshot.metadata;
    if (index <= this.raftLog.committed) return false;
    if (this.raftLog.matchTerm(index, term)) {
      // We already have the entry: just move the commit index forward.
      this.raftLog.commitTo(index);
      return false;
    }
    this.raftLog.restore(snapshot);
    this.trk.voters.clear();
    this.trk.learners.clear();
    this.trk.progress.clear();
    this.applyConfState(snapshot.metadata.confState);
    return true;
  }

  // ---- membership ----------------------------------------------------------------

  private applyConfState(cs: ConfState): void {
    const next = this.raftLog.lastIndex() + 1;
    for (const id of cs.voters) this.trk.addNode(id, false, next);
    for (const id of cs.learners) this.trk.addNode(id, true, next);
  }

  private changeMembership(cc: ConfChange): void {
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

  // ---- output --------------------------------------------------------------------

  private send(m: Message): void {
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
