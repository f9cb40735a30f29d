import type { RaftConfig } from './config.js';
import { encodeConfChange } from './conf-change.js';
import { ProposalDroppedError, RaftUsageError } from './errors.js';
import { Raft } from './raft.js';
import { payloadSize } from './raft-replication.js';
import type { Ready } from './ready.js';
import type { ProgressState } from './tracker/progress.js';
import { ConfChangeType, EMPTY_BYTES, EntryType, MessageType, NONE, StateType, isLocalMessage, message } from './types.js';
import { SnapshotStatus } from './types.js';
import type { ConfChange, ConfState, Entry, HardState, Message, NodeId, SoftState } from './types.js';

export interface ProgressStatus {
  readonly match: number;
  readonly next: number;
  readonly state: ProgressState;
  readonly isLearner: boolean;
  readonly recentActive: boolean;
}

export interface Status {
  readonly id: NodeId;
  readonly hardState: HardState;
  readonly softState: SoftState;
  readonly applied: number;
  readonly firstIndex: number;
  readonly lastIndex: number;
  readonly leadTransferee: NodeId;
  readonly confState: ConfState;
  /** Present on the leader only. */
  readonly progress?: ReadonlyMap<NodeId, ProgressStatus>;
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

/**
 * The driver-facing handle on the consensus core. Single-threaded by design: the caller
 * feeds inputs, takes a Ready, carries it out (see ready.ts) and calls advance().
 */
export class RawNode {
  private readonly raft: Raft;
  private prevSoftState: SoftState;
  private prevHardState: HardState;
  /** The Ready handed out and not yet advanced, with the self-addressed messages it releases. */
  private inProgress: { ready: Ready; selfMessages: Message[] } | undefined;

  constructor(config: RaftConfig) {
    this.raft = new Raft(config);
    this.prevSoftState = this.raft.softState();
    this.prevHardState = this.raft.hardState();
  }

  tick(): void {
    this.checkIdle('tick');
    this.raft.tick();
  }

  /** Starts an election now (normally the election timeout does this). */
  campaign(): void {
    this.checkIdle('campaign');
    this.raft.step(message({ type: MessageType.Hup, from: this.raft.id }));
  }

  propose(data: Uint8Array): void {
    this.checkIdle('propose');
    this.raft.propose([{ term: 0, index: 0, type: EntryType.Normal, data }]);
  }

  proposeConfChange(cc: ConfChange): void {
    this.checkIdle('proposeConfChange');
    this.raft.propose([{ term: 0, index: 0, type: EntryType.ConfChange, data: encodeConfChange(cc) }]);
  }

  applyConfChange(cc: ConfChange): ConfState {
    return this.raft.applyConfChange(cc);
  }

  /** Steps a message received from a peer. */
  step(m: Message): void {
    this.checkIdle('step');
    if (isLocalMessage(m.type)) throw new RaftUsageError(`cannot step local message ${m.type} from the network`);
    try {
      this.raft.step(m);
    } catch (err) {
      // A peer's forwarded proposal or read that cannot be taken is dropped; its origin times out and retries.
      if (!(err instanceof ProposalDroppedError)) throw err;
    }
  }

  /** Requests a linearizable read; a ReadState with `ctx` appears in a later Ready once it is safe. */
  readIndex(ctx: Uint8Array): void {
    this.checkIdle('readIndex');
    if (ctx.length === 0) throw new RaftUsageError('read index context must not be empty');
    this.raft.step(
      message({ type: MessageType.ReadIndex, from: this.raft.id, entries: [{ term: 0, index: 0, type: EntryType.Normal, data: ctx }] }),
    );
  }

  transferLeader(to: NodeId): void {
    this.checkIdle('transferLeader');
    this.raft.step(message({ type: MessageType.TransferLeader, from: to }));
  }

  reportUnreachable(id: NodeId): void {
    this.checkIdle('reportUnreachable');
    this.raft.step(message({ type: MessageType.Unreachable, from: id }));
  }

  reportSnapshot(id: NodeId, status: SnapshotStatus): void {
    this.checkIdle('reportSnapshot');
    this.raft.step(message({ type: MessageType.SnapStatus, from: id, reject: status === SnapshotStatus.Failure }));
  }

  hasReady(): boolean {
    if (this.inProgress) return false;
    const r = this.raft;
    const soft = r.softState();
    if (soft.lead !== this.prevSoftState.lead || soft.raftState !== this.prevSoftState.raftState) return true;
    if (!sameHardState(r.hardState(), this.prevHardState)) return true;
    return (
      r.raftLog.unstable.snapshot !== undefined ||
      r.raftLog.unstable.entries.length > 0 ||
      r.raftLog.hasNextCommittedEnts() ||
      r.msgs.length > 0 ||
      r.msgsAfterAppend.length > 0 ||
      r.readStates.length > 0
    );
  }

  ready(): Ready {
    if (this.inProgress) throw new RaftUsageError('ready() called again before advance()');
    const r = this.raft;
    const soft = r.softState();
    const hard = r.hardState();
    const entries = r.raftLog.unstableEntries();
    const snapshot = r.raftLog.unstable.snapshot;
    const selfMessages: Message[] = [];
    const persistedMessages: Message[] = [];
    for (const m of r.msgsAfterAppend) (m.to === r.id ? selfMessages : persistedMessages).push(m);
    const softChanged = soft.lead !== this.prevSoftState.lead || soft.raftState !== this.prevSoftState.raftState;
    const hardChanged = !sameHardState(hard, this.prevHardState);
    const ready: Ready = {
      ...(softChanged ? { softState: soft } : {}),
      ...(hardChanged ? { hardState: hard } : {}),
      ...(snapshot ? { snapshot } : {}),
      readStates: r.readStates,
      entries,
      committedEntries: r.raftLog.nextCommittedEnts(),
      messages: r.msgs,
      persistedMessages,
      // Commit index changes alone may be lost in a crash (they are re-learned); term, vote and entries may not.
      mustSync:
        entries.length > 0 ||
        snapshot !== undefined ||
        hard.term !== this.prevHardState.term ||
        hard.vote !== this.prevHardState.vote,
    };
    r.msgs = [];
    r.msgsAfterAppend = [];
    r.readStates = [];
    this.inProgress = { ready, selfMessages };
    return ready;
  }

  /** Reports that `rd` was carried out; releases what waited on its persistence. */
  advance(rd: Ready): void {
    if (!this.inProgress || this.inProgress.ready !== rd) throw new RaftUsageError('advance() with a Ready that is not in progress');
    const { selfMessages } = this.inProgress;
    this.inProgress = undefined;
    const log = this.raft.raftLog;
    if (rd.softState) this.prevSoftState = rd.softState;
    if (rd.hardState) this.prevHardState = rd.hardState;
    if (rd.snapshot) {
      log.stableSnapTo(rd.snapshot.metadata.index);
      log.appliedTo(rd.snapshot.metadata.index);
    }
    if (rd.entries.length > 0) {
      const last = rd.entries[rd.entries.length - 1]!;
      log.stableTo(last.index, last.term);
    }
    if (rd.committedEntries.length > 0) {
      const last = rd.committedEntries[rd.committedEntries.length - 1]!;
      this.raft.appliedTo(last.index, payloadSize(rd.committedEntries));
    }
    for (const m of selfMessages) this.raft.step(m);
  }

  status(): Status {
    const r = this.raft;
    const base = {
      id: r.id,
      hardState: r.hardState(),
      softState: r.softState(),
      applied: r.raftLog.applied,
      firstIndex: r.raftLog.firstIndex(),
      lastIndex: r.raftLog.lastIndex(),
      leadTransferee: r.leadTransferee,
      confState: r.trk.confState(),
    };
    if (r.state !== StateType.Leader) return base;
    const progress = new Map<NodeId, ProgressStatus>();
    for (const [id, pr] of r.trk.progress) {
      progress.set(id, { match: pr.match, next: pr.next, state: pr.state, isLearner: pr.isLearner, recentActive: pr.recentActive });
    }
    return { ...base, progress };
  }

  private checkIdle(what: string): void {
    if (this.inProgress) throw new RaftUsageError(`${what}() called between ready() and advance()`);
  }
}

/** Writes the initial membership of a brand-new cluster into empty storage: one committed AddNode entry per voter. */
export function bootstrapEntries(voters: readonly NodeId[]): { entries: Entry[]; hardState: HardState } {
  if (voters.length === 0) throw new RaftUsageError('must bootstrap with at least one voter');
  const entries = voters.map((nodeId, i) => ({
    term: 1,
    index: i + 1,
    type: EntryType.ConfChange,
    data: encodeConfChange({ type: ConfChangeType.AddNode, nodeId, context: EMPTY_BYTES }),
  }));
  return { entries, hardState: { term: 1, vote: NONE, commit: entries.length } };
}

