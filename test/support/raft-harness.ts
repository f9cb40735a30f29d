// A hand-driven in-process cluster for scenario tests: the test decides when nodes
// process their Ready and which messages are delivered, like etcd's raft test network.
import {
  ConfChangeType,
  EMPTY_BYTES,
  EntryType,
  MemoryStorage,
  MessageType,
  NONE,
  ProposalDroppedError,
  RawNode,
  SnapshotStatus,
  StateType,
  bootstrapEntries,
  decodeConfChange,
} from '../../src/raft/index.js';
import { RaftNodeDriver } from '../../src/server/raft-node-driver.js';
import type {
  ConfChange,
  ConfState,
  DropReason,
  Entry,
  Message,
  NodeId,
  ProgressStatus,
  RaftConfig,
  ReadState,
  Ready,
  Snapshot,
  Status,
} from '../../src/raft/index.js';

export interface HarnessNode {
  readonly id: NodeId;
  storage: MemoryStorage;
  node: RawNode;
  /** Normal entries applied so far, in order (empty leader entries included). */
  readonly applied: Entry[];
  readonly readStates: ReadState[];
  confState: ConfState;
}

/** Timeouts fixed at their minimum so scenarios are exact: election after `electionTick` ticks. */
const FIXED_RAND = { intn: (): number => 0 };

export type NodeOptions = Partial<Omit<RaftConfig, 'id' | 'storage'>>;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function text(data: Uint8Array): string {
  return decoder.decode(data);
}

export function bytes(data: string): Uint8Array {
  return encoder.encode(data);
}

export function confChange(type: ConfChangeType, nodeId: NodeId): ConfChange {
  return { type, nodeId, context: EMPTY_BYTES };
}

export const addVoter = (id: NodeId): ConfChange => confChange(ConfChangeType.AddNode, id);
export const addLearner = (id: NodeId): ConfChange => confChange(ConfChangeType.AddLearnerNode, id);
export const removeMember = (id: NodeId): ConfChange => confChange(ConfChangeType.RemoveNode, id);

/** Snapshot data in the harness is the applied entries themselves, so a restored node's appliedData stays comparable. */
function encodeAppliedState(entries: readonly Entry[]): Uint8Array {
  return bytes(JSON.stringify(entries.map((e) => [e.index, e.term, text(e.data)])));
}

function decodeAppliedState(data: Uint8Array): Entry[] {
  if (data.length === 0) return [];
  const rows = JSON.parse(text(data)) as [number, number, string][];
  return rows.map(([index, term, payload]) => ({ index, term, type: EntryType.Normal, data: bytes(payload) }));
}

export class Harness {
  readonly nodes = new Map<NodeId, HarnessNode>();
  /** Messages sent and not yet delivered. */
  queue: Message[] = [];
  /** Every message ever sent, for assertions. */
  readonly sent: Message[] = [];
  private readonly cut = new Set<string>();
  private readonly ignored = new Set<MessageType>();
  private readonly founders: readonly NodeId[];

  constructor(
    voters: readonly NodeId[],
    private readonly options: NodeOptions = {},
  ) {
    this.founders = voters;
    for (const id of voters) this.addNode(id, voters);
  }

  /** The election timeout in ticks (exact, since the harness's randomness always picks the minimum). */
  get electionTick(): number {
    return this.options.electionTick ?? 10;
  }

  /** Starts a node; with `bootstrapVoters` it is a founding member, without it a fresh joiner. */
  addNode(id: NodeId, bootstrapVoters?: readonly NodeId[]): HarnessNode {
    const storage = new MemoryStorage();
    if (bootstrapVoters) {
      const boot = bootstrapEntries(bootstrapVoters);
      storage.append(boot.entries);
      storage.setHardState(boot.hardState);
    }
    const n: HarnessNode = {
      id,
      storage,
      node: this.newRawNode(id, storage),
      applied: [],
      readStates: [],
      confState: { voters: [], learners: [] },
    };
    this.nodes.set(id, n);
    this.processReady(id);
    return n;
  }

  /**
   * Simulates a restart: a new RawNode over what the node persisted. The state machine keeps what
   * it had applied up to `applied` (or what the stored snapshot holds, when that is newer).
   */
  restart(id: NodeId, applied = 0): void {
    const n = this.get(id);
    const snapshot = n.storage.snapshot();
    const kept =
      snapshot.metadata.index > applied
        ? decodeAppliedState(snapshot.data)
        : n.applied.filter((e) => e.index <= applied);
    n.applied.splice(0, n.applied.length, ...kept);
    n.node = this.newRawNode(id, n.storage, applied);
    n.confState = n.node.status().confState;
  }

  /**
   * Replaces a founding member's log with the bootstrap entries followed by entries of `terms`
   * (one per entry), at hard-state term `term`, and restarts it: the way paper tests build the
   * divergent logs of the paper's figures.
   */
  seedLog(id: NodeId, terms: readonly number[], term = Math.max(1, ...terms)): void {
    const n = this.get(id);
    const boot = bootstrapEntries(this.founders);
    const storage = new MemoryStorage();
    const extra = terms.map((t, i) => ({ term: t, index: boot.entries.length + 1 + i, type: EntryType.Normal, data: bytes(`t${t}`) }));
    storage.append([...boot.entries, ...extra]);
    storage.setHardState({ term, vote: NONE, commit: boot.entries.length });
    n.storage = storage;
    n.applied.length = 0;
    this.restart(id);
    this.processReady(id);
  }

  private newRawNode(id: NodeId, storage: MemoryStorage, applied = 0): RawNode {
    return new RawNode({ electionTick: 10, heartbeatTick: 1, rand: FIXED_RAND, ...this.options, id, storage, applied });
  }

  get(id: NodeId): HarnessNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  /** Carries out one Ready of `id` if it has one; returns whether it did. */
  processReady(id: NodeId): boolean {
    return this.nextReady(id) !== undefined;
  }

  /** Carries out one Ready of `id` if it has one and returns it, for tests that look at what it held. */
  nextReady(id: NodeId): Ready | undefined {
    const n = this.get(id);
    // The server's own Ready loop, over this node's in-memory disk and state machine (all synchronous).
    const driver = new RaftNodeDriver(n.node, {
      send: (messages) => this.enqueue(messages),
      persistSnapshot: (snapshot) => n.storage.applySnapshot(snapshot),
      persist: (rd) => {
        n.storage.append(rd.entries);
        if (rd.hardState) n.storage.setHardState(rd.hardState);
      },
      onReadStates: (readStates) => n.readStates.push(...readStates),
      applySnapshot: (snapshot) => {
        n.confState = snapshot.metadata.confState;
        n.applied.splice(0, n.applied.length, ...decodeAppliedState(snapshot.data));
      },
      apply: (entries) => {
        for (const e of entries) {
          if (e.type === EntryType.ConfChange) n.confState = n.node.applyConfChange(decodeConfChange(e.data));
          else n.applied.push(e);
        }
      },
    });
    const outcome = driver.processReady();
    if (outcome instanceof Promise) throw new Error('the harness disk is synchronous: the Ready must complete at once');
    return outcome?.ready;
  }

  /** Processes every node's pending Readies without delivering anything. */
  processAll(): void {
    for (const id of this.nodes.keys()) while (this.processReady(id)) {
      // Drain: one Ready may release self-addressed messages that make another.
    }
  }

  private enqueue(msgs: readonly Message[]): void {
    for (const m of msgs) {
      this.sent.push(m);
      this.queue.push(m);
    }
  }

  /** Delivers every queued message that is not filtered out; returns how many were delivered. */
  deliver(filter: (m: Message) => boolean = () => true): number {
    const batch = this.queue;
    this.queue = [];
    let delivered = 0;
    for (const m of batch) {
      const target = this.nodes.get(m.to);
      const dropped = !target || !filter(m) || this.cut.has(`${m.from}-${m.to}`) || this.ignored.has(m.type);
      // Like a real transport, tell the leader how each snapshot send ended.
      if (m.type === MessageType.Snap) {
        this.nodes.get(m.from)?.node.reportSnapshot(m.to, dropped ? SnapshotStatus.Failure : SnapshotStatus.Finish);
      }
      if (dropped) continue;
      target.node.step(m);
      delivered++;
    }
    return delivered;
  }

  /** Processes Readies and delivers messages until the cluster is quiet. */
  stabilize(maxRounds = 1000): void {
    for (let round = 0; round < maxRounds; round++) {
      let busy = false;
      for (const id of this.nodes.keys()) while (this.processReady(id)) busy = true;
      if (this.deliver() > 0) busy = true;
      if (!busy && this.queue.length === 0) return;
    }
    throw new Error('cluster did not stabilize');
  }

  /** Removes the queued messages that match and returns them, undelivered and unreported (held or lost in flight). */
  take(filter: (m: Message) => boolean): Message[] {
    const taken = this.queue.filter(filter);
    this.queue = this.queue.filter((m) => !filter(m));
    return taken;
  }

  /** Puts messages (held ones, or hand-made ones) on the wire; they go out with the next delivery. */
  send(...msgs: Message[]): void {
    this.queue.push(...msgs);
  }

  /** Steps a hand-made message straight into its target and processes the target's Ready. */
  inject(m: Message): void {
    this.get(m.to).node.step(m);
    while (this.processReady(m.to)) {
      // Drain.
    }
  }

  /** A point in the history of sent messages, for sentOf(..., { since }). */
  mark(): number {
    return this.sent.length;
  }

  /** Every message of `type` sent (since a mark, if given), optionally only those from and/or to a node. */
  sentOf(type: MessageType, route: { from?: NodeId; to?: NodeId; since?: number } = {}): Message[] {
    return this.sent.slice(route.since ?? 0).filter(
      (m) => m.type === type && (route.from === undefined || m.from === route.from) && (route.to === undefined || m.to === route.to),
    );
  }

  /** Queued messages of `type`, optionally only those to a node. */
  queued(type: MessageType, to?: NodeId): Message[] {
    return this.queue.filter((m) => m.type === type && (to === undefined || m.to === to));
  }

  /**
   * Like stabilize(), but messages matching `hold` are set aside instead of delivered (a slow link,
   * or a snapshot still streaming); they are returned so the test can send() them later.
   */
  stabilizeHolding(hold: (m: Message) => boolean): Message[] {
    const held: Message[] = [];
    for (let round = 0; round < 1000; round++) {
      this.processAll();
      held.push(...this.take(hold));
      if (this.queue.length === 0) return held;
      this.deliver();
    }
    throw new Error('cluster did not stabilize');
  }

  tick(id: NodeId, times = 1): void {
    for (let i = 0; i < times; i++) this.get(id).node.tick();
  }

  tickAll(times = 1): void {
    for (let i = 0; i < times; i++) for (const n of this.nodes.values()) n.node.tick();
  }

  campaign(id: NodeId): void {
    this.get(id).node.campaign();
    this.stabilize();
  }

  propose(id: NodeId, data: string): void {
    this.get(id).node.propose(new TextEncoder().encode(data));
  }

  proposeConfChange(id: NodeId, cc: ConfChange): void {
    this.get(id).node.proposeConfChange(cc);
  }

  /**
   * Proposes a membership change on the leader and lets it commit and apply everywhere; a joining
   * node must have been added with addNode() first. Ends with a heartbeat round, since a new member
   * first hears from the leader through a heartbeat.
   */
  changeMembership(leader: NodeId, cc: ConfChange): void {
    this.proposeConfChange(leader, cc);
    this.stabilize();
    this.tick(leader, this.options.heartbeatTick ?? 1);
    this.stabilize();
  }

  /** Proposes and returns why the proposal was dropped, or undefined when it was accepted (or forwarded). */
  tryPropose(id: NodeId, data: string): DropReason | undefined {
    return dropReasonOf(() => this.propose(id, data));
  }

  tryProposeConfChange(id: NodeId, cc: ConfChange): DropReason | undefined {
    return dropReasonOf(() => this.proposeConfChange(id, cc));
  }

  readIndex(id: NodeId, ctx: string): void {
    this.get(id).node.readIndex(bytes(ctx));
  }

  /** The read states `id` has received so far, as [context, index] pairs. */
  reads(id: NodeId): [string, number][] {
    return this.get(id).readStates.map((rs) => [text(rs.requestCtx), rs.index]);
  }

  transferLeader(id: NodeId, to: NodeId): void {
    this.get(id).node.transferLeader(to);
  }

  /**
   * Takes a snapshot of what `id` has applied up to `index` and drops its log up to there,
   * as a server does after applying `snapshot-count` entries.
   */
  compact(id: NodeId, index: number): Snapshot {
    const n = this.get(id);
    const snapshot = n.storage.createSnapshot(
      index,
      n.confState,
      encodeAppliedState(n.applied.filter((e) => e.index <= index)),
    );
    n.storage.compact(index);
    return snapshot;
  }

  status(id: NodeId): Status {
    return this.get(id).node.status();
  }

  /** The leader's view of `follower`; throws when `leader` is not leading. */
  progress(leader: NodeId, follower: NodeId): ProgressStatus {
    const pr = this.status(leader).progress?.get(follower);
    if (!pr) throw new Error(`${leader} has no progress for ${follower}`);
    return pr;
  }

  /** The terms of the persisted log of `id`, from its first index on. */
  logTerms(id: NodeId): number[] {
    const storage = this.get(id).storage;
    const first = storage.firstIndex();
    return storage.entries(first, storage.lastIndex() + 1, Number.MAX_SAFE_INTEGER).map((e) => e.term);
  }

  /** The persisted log of `id`, from its first index on. */
  logEntries(id: NodeId): Entry[] {
    const storage = this.get(id).storage;
    return storage.entries(storage.firstIndex(), storage.lastIndex() + 1, Number.MAX_SAFE_INTEGER);
  }

  lastIndex(id: NodeId): number {
    return this.status(id).lastIndex;
  }

  lead(id: NodeId): NodeId {
    return this.status(id).softState.lead;
  }

  isolate(id: NodeId): void {
    for (const other of this.nodes.keys()) {
      if (other === id) continue;
      this.cut.add(`${id}-${other}`);
      this.cut.add(`${other}-${id}`);
    }
  }

  cutLink(a: NodeId, b: NodeId): void {
    this.cut.add(`${a}-${b}`);
    this.cut.add(`${b}-${a}`);
  }

  ignore(type: MessageType): void {
    this.ignored.add(type);
  }

  recover(): void {
    this.cut.clear();
    this.ignored.clear();
  }

  leaders(): NodeId[] {
    return [...this.nodes.values()].filter((n) => n.node.status().softState.raftState === StateType.Leader).map((n) => n.id);
  }

  state(id: NodeId): StateType {
    return this.get(id).node.status().softState.raftState;
  }

  term(id: NodeId): number {
    return this.get(id).node.status().hardState.term;
  }

  commit(id: NodeId): number {
    return this.get(id).node.status().hardState.commit;
  }

  /** The payloads each node applied, as strings, skipping the empty entries leaders append. */
  appliedData(id: NodeId): string[] {
    return this.get(id)
      .applied.filter((e) => e.data.length > 0)
      .map((e) => new TextDecoder().decode(e.data));
  }
}

function dropReasonOf(action: () => void): DropReason | undefined {
  try {
    action();
    return undefined;
  } catch (err) {
    if (err instanceof ProposalDroppedError) return err.reason;
    throw err;
  }
}
