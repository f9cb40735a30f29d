// One simulated member: a RawNode, its disk (what survives a crash) and its state machine.
import {
  ConfChangeType,
  EntryType,
  MemoryStorage,
  RawNode,
  bootstrapEntries,
  decodeConfChange,
} from '../../src/raft/index.js';
import type { ConfState, Entry, HardState, Message, NodeId, Ready, ReadState, Snapshot } from '../../src/raft/index.js';
import { RaftNodeDriver } from '../../src/server/raft-node-driver.js';
import type { SimRand } from './sim-rand.js';

/** One applied normal entry, as the state machine records it. */
export interface AppliedEntry {
  readonly index: number;
  readonly term: number;
  readonly data: string;
}

export interface NodeTimings {
  readonly electionTick: number;
  readonly heartbeatTick: number;
  readonly maxSizePerMsg: number;
  readonly maxInflightMsgs: number;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/**
 * The disk: MemoryStorage stands for the raft log files. Entries, snapshots, term and vote are
 * always synced (the Ready demands it); a commit-index-only change is written without sync and
 * is lost by a crash unless a later synced write carried it.
 */
class Disk {
  syncedHardState: HardState;

  constructor(readonly log: MemoryStorage) {
    this.syncedHardState = log.initialState().hardState;
  }

  /** The disk as it is found after a crash. */
  afterCrash(): Disk {
    const restored = new MemoryStorage();
    const snap = this.log.snapshot();
    if (snap.metadata.index > 0) restored.applySnapshot(snap);
    const first = this.log.firstIndex();
    const last = this.log.lastIndex();
    if (last >= first) restored.append(this.log.entries(first, last + 1, Number.MAX_SAFE_INTEGER));
    restored.setHardState(this.syncedHardState);
    return new Disk(restored);
  }
}

/** The state machine: the applied entries, kept durably with the apply (like a backend storing its applied index). */
export interface StateMachine {
  entries: AppliedEntry[];
  appliedIndex: number;
}

function encodeStateMachine(sm: StateMachine): Uint8Array {
  return encoder.encode(JSON.stringify(sm));
}

function decodeStateMachine(data: Uint8Array): StateMachine {
  return JSON.parse(decoder.decode(data)) as StateMachine;
}

export interface ReadyOutcome {
  readonly sent: Message[];
  readonly readStates: ReadState[];
  readonly applied: AppliedEntry[];
  /** The node crashed after persisting and before finishing the Ready. */
  readonly crashedMidway: boolean;
}

export class SimNode {
  node: RawNode;
  /** The production Ready loop, over this node's simulated disk and state machine (all synchronous). */
  private driver: RaftNodeDriver;
  /** What the Ready in progress sent, read states and applied. */
  private step: { sent: Message[]; readStates: ReadState[]; applied: AppliedEntry[] } = { sent: [], readStates: [], applied: [] };
  private disk: Disk;
  sm: StateMachine = { entries: [], appliedIndex: 0 };
  /** Raises each time the node restarts, so stale snapshot reports can be told apart. */
  incarnation = 0;
  down = false;
  /** The applied index at which it saw its own removal. */
  removedAtIndex: number | undefined;
  wasMember = false;

  constructor(
    readonly id: NodeId,
    private readonly timings: NodeTimings,
    private readonly rand: SimRand,
    bootstrapVoters: readonly NodeId[] | undefined,
  ) {
    const log = new MemoryStorage();
    if (bootstrapVoters) {
      const boot = bootstrapEntries(bootstrapVoters);
      log.append(boot.entries);
      log.setHardState(boot.hardState);
    }
    this.disk = new Disk(log);
    this.node = this.newRawNode(log);
    this.driver = this.newDriver();
  }

  private newDriver(): RaftNodeDriver {
    return new RaftNodeDriver(this.node, {
      send: (messages) => this.step.sent.push(...messages),
      persistSnapshot: (snapshot) => this.disk.log.applySnapshot(snapshot),
      persist: (rd) => this.persist(rd),
      onReadStates: (readStates) => this.step.readStates.push(...readStates),
      applySnapshot: (snapshot) => (this.sm = decodeStateMachine(snapshot.data)),
      apply: (entries) => this.step.applied.push(...this.apply(entries)),
    });
  }

  private newRawNode(storage: MemoryStorage): RawNode {
    return new RawNode({
      id: this.id,
      storage,
      applied: this.sm.appliedIndex,
      electionTick: this.timings.electionTick,
      heartbeatTick: this.timings.heartbeatTick,
      maxSizePerMsg: this.timings.maxSizePerMsg,
      maxInflightMsgs: this.timings.maxInflightMsgs,
      rand: this.rand,
    });
  }

  crash(): void {
    this.down = true;
  }

  /** Comes back from what survived on disk; the state machine's applied state is durable. */
  restart(): void {
    this.disk = this.disk.afterCrash();
    const snap = this.disk.log.snapshot();
    // A crash between installing a snapshot in the log and in the state machine: load it now, as a server does at start.
    if (snap.metadata.index > this.sm.appliedIndex) this.sm = decodeStateMachine(snap.data);
    this.node = this.newRawNode(this.disk.log);
    this.driver = this.newDriver();
    this.down = false;
    this.incarnation++;
  }

  confState(): ConfState {
    return this.node.status().confState;
  }

  isMember(): boolean {
    const cs = this.confState();
    return cs.voters.includes(this.id) || cs.learners.includes(this.id);
  }

  /** Takes a snapshot of the state machine at its applied index and compacts the log, keeping `keep` entries. */
  snapshotAndCompact(keep: number): boolean {
    const log = this.disk.log;
    const applied = this.sm.appliedIndex;
    if (applied <= log.snapshot().metadata.index) return false;
    log.createSnapshot(applied, this.confState(), encodeStateMachine(this.sm));
    const compactTo = applied - keep;
    if (compactTo >= log.firstIndex()) log.compact(compactTo);
    return true;
  }

  /** Carries out one Ready per the contract; may crash between persisting and finishing when asked. */
  processReady(crashAfterPersist: boolean): ReadyOutcome | undefined {
    if (this.down) return undefined;
    this.step = { sent: [], readStates: [], applied: [] };
    const outcome = this.driver.processReady(crashAfterPersist);
    if (outcome instanceof Promise) throw new Error('the simulated disk is synchronous: the Ready must complete at once');
    if (!outcome) return undefined;
    if (outcome.crashedMidway) this.crash();
    return { ...this.step, crashedMidway: outcome.crashedMidway };
  }

  private persist(rd: Ready): void {
    const log = this.disk.log;
    log.append(rd.entries);
    if (rd.hardState) log.setHardState(rd.hardState);
    if (rd.mustSync) this.disk.syncedHardState = log.initialState().hardState;
  }

  private apply(entries: readonly Entry[]): AppliedEntry[] {
    const applied: AppliedEntry[] = [];
    for (const e of entries) {
      if (e.index <= this.sm.appliedIndex) continue;
      if (e.type === EntryType.ConfChange) {
        this.node.applyConfChange(decodeConfChange(e.data));
      } else if (e.data.length > 0) {
        const a = { index: e.index, term: e.term, data: decoder.decode(e.data) };
        this.sm.entries.push(a);
        applied.push(a);
      }
      this.sm.appliedIndex = e.index;
    }
    return applied;
  }

  /** The durable log, for the log-matching check: index → term over what is still kept. */
  durableTerms(): Map<number, number> {
    const log = this.disk.log;
    const terms = new Map<number, number>();
    for (let i = log.firstIndex() - 1; i <= log.lastIndex(); i++) terms.set(i, log.term(i));
    return terms;
  }

  durableLog(): MemoryStorage {
    return this.disk.log;
  }

  latestSnapshot(): Snapshot {
    return this.disk.log.snapshot();
  }
}

export const ADD_VOTER = ConfChangeType.AddNode;
export const ADD_LEARNER = ConfChangeType.AddLearnerNode;
export const REMOVE = ConfChangeType.RemoveNode;
