// The log moving from leader to followers: the leader's appends, heartbeats and snapshots to each follower
// as its progress allows, and its commit rule; a follower's handling of what arrives.

import { CompactedError, RaftUsageError, SnapshotTemporarilyUnavailableError, UnavailableError } from './errors.js';
import { EMPTY_BYTES, MessageType, message } from './types.js';
import type { Entry, Message, NodeId, Snapshot } from './types.js';
import { RaftState } from './raft-state.js';

/** Bytes of the entries' payloads: what the uncommitted-size limit counts. */
export function payloadSize(entries: readonly Entry[]): number {
  let size = 0;
  for (const e of entries) size += e.data.length;
  return size;
}

/** Log replication, on the state every role shares (the roles: Raft, RaftLeader). */
export abstract class RaftReplication extends RaftState {
  /** Commits what a quorum has; only entries of the current term commit by counting (§5.4.2). */
  protected maybeCommit(): boolean {
    return this.raftLog.maybeCommit(this.trk.committed(), this.term);
  }

  protected appendEntry(entries: Entry[]): boolean {
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

  protected bcastAppend(): void {
    for (const id of this.trk.progress.keys()) if (id !== this.id) this.sendAppend(id);
  }

  protected sendAppend(to: NodeId): void {
    this.maybeSendAppend(to, true);
  }

  /** Sends entries (or a snapshot when they are compacted) to `to`; returns whether a message went out. */
  protected maybeSendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
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
  protected probeFullWindow(to: NodeId): void {
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

  protected bcastHeartbeat(ctx: Uint8Array | undefined): void {
    for (const [id, pr] of this.trk.progress) {
      if (id === this.id) continue;
      // Never tell a follower to commit past what it is known to have.
      const commit = Math.min(pr.match, this.raftLog.committed);
      this.send(message({ type: MessageType.Heartbeat, to: id, commit, context: ctx ?? EMPTY_BYTES }));
    }
  }

  protected handleAppendEntries(m: Message): void {
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

  protected handleHeartbeat(m: Message): void {
    this.raftLog.commitTo(Math.min(m.commit, this.raftLog.lastIndex()));
    this.send(message({ type: MessageType.HeartbeatResp, to: m.from, context: m.context }));
  }

  protected handleSnapshot(m: Message): void {
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
}
