// What a leader does with each message: proposals, followers' answers to appends and heartbeats,
// ReadIndex requests (confirmed by a heartbeat round once its term has committed an entry), and leadership
// transfer.

import { DropReason, ProposalDroppedError, RaftUsageError } from './errors.js';
import { ProgressState } from './tracker/progress.js';
import { EntryType, MessageType, NONE, message } from './types.js';
import type { Message, NodeId } from './types.js';
import { RaftReplication } from './raft-replication.js';

/** A leader's handling of messages (Raft steps them here while it leads). */
export abstract class RaftLeader extends RaftReplication {
  protected stepLeader(m: Message): void {
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
  protected handOverLeadership(): void {
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

  private sendTimeoutNow(to: NodeId): void {
    this.send(message({ type: MessageType.TimeoutNow, to }));
  }
}
