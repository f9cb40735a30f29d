// The Raft node: its inputs (tick, step, propose), elections, and what a candidate and a follower do with
// each message. It builds on raft-leader.ts (a leader's handling of messages), raft-replication.ts (the log
// moving from leader to followers) and raft-state.ts (the state every role shares).

import { DropReason, ProposalDroppedError, RaftUsageError } from './errors.js';
import { VoteResult } from './quorum/majority.js';
import { EMPTY_BYTES, EntryType, MessageType, NONE, StateType, message, voteResponseType } from './types.js';
import type { ConfChange, ConfState, Entry, HardState, Message, NodeId, SoftState } from './types.js';
import { RaftLeader } from './raft-leader.js';

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

/**
 * The Raft protocol as a pure state machine (after the etcd design): inputs are
 * step()/tick(); outputs are the fields RawNode turns into a Ready. No I/O, no clocks,
 * no ambient randomness.
 */
export class Raft extends RaftLeader {
  // ---- public inputs --------------------------------------------------------------------

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

  // ---- roles ----------------------------------------------------------------------------

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

  // ---- elections ------------------------------------------------------------------------

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

  // ---- timers ---------------------------------------------------------------------------

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

  // ---- candidate ------------------------------------------------------------------------

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

  // ---- follower -------------------------------------------------------------------------

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
}
