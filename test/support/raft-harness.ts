// A hand-driven in-process cluster for scenario tests: the test decides when nodes
// process their Ready and which messages are delivered, like etcd's raft test network.
import {
  EntryType,
  MemoryStorage,
  MessageType,
  RawNode,
  SnapshotStatus,
  StateType,
  bootstrapEntries,
  decodeConfChange,
} from '../../src/raft/index.js';
import type { ConfChange, ConfState, Entry, Message, NodeId, RaftConfig, ReadState } from '../../src/raft/index.js';

export interface HarnessNode {
  readonly id: NodeId;
  readonly storage: MemoryStorage;
  node: RawNode;
  /** Normal entries applied so far, in order (empty leader entries included). */
  readonly applied: Entry[];
  readonly readStates: ReadState[];
  confState: ConfState;
}

/** Timeouts fixed at their minimum so scenarios are exact: election after `electionTick` ticks. */
const FIXED_RAND = { intn: (): number => 0 };

export type NodeOptions = Partial<Omit<RaftConfig, 'id' | 'storage'>>;

export class Harness {
  readonly nodes = new Map<NodeId, HarnessNode>();
  /** Messages sent and not yet delivered. */
  queue: Message[] = [];
  /** Every message ever sent, for assertions. */
  readonly sent: Message[] = [];
  private readonly cut = new Set<string>();
  private readonly ignored = new Set<MessageType>();

  constructor(
    voters: readonly NodeId[],
    private readonly options: NodeOptions = {},
  ) {
    for (const id of voters) this.addNode(id, voters);
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

  /** Simulates a restart: a new RawNode over what the node persisted. */
  restart(id: NodeId, applied = 0): void {
    const n = this.get(id);
    n.node = this.newRawNode(id, n.storage, applied);
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
    const n = this.get(id);
    if (!n.node.hasReady()) return false;
    const rd = n.node.ready();
    if (rd.snapshot) {
      n.storage.applySnapshot(rd.snapshot);
      n.confState = rd.snapshot.metadata.confState;
    }
    n.storage.append(rd.entries);
    if (rd.hardState) n.storage.setHardState(rd.hardState);
    this.enqueue([...rd.messages, ...rd.persistedMessages]);
    for (const e of rd.committedEntries) {
      if (e.type === EntryType.ConfChange) n.confState = n.node.applyConfChange(decodeConfChange(e.data));
      else n.applied.push(e);
    }
    n.readStates.push(...rd.readStates);
    n.node.advance(rd);
    return true;
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
