// Runs the commands of a raft trace script (see datadriven.ts) against RawNodes over MemoryStorage, in
// the manner of etcd-io/raft's interaction tests: the script decides when each node handles its Ready
// and which messages are delivered, and every command prints what happened in the form of
// raft-trace-format.ts. Nodes apply entries as soon as they are committed and keep no application data,
// so snapshots carry membership only.
//
// Commands (ids are node ids; where a list of ids is optional, none means every node):
//   add-nodes <n> voters=(1,2,3) index=<i> [prevote=true|false] [checkquorum=true|false]
//   campaign <id> | propose <id> <data> | transfer-leadership from=<id> to=<id>
//   tick-heartbeat [ids] | tick-election [ids]   one heartbeat interval, or one (exact) election timeout
//   process-ready [ids] | deliver-msgs [ids] | stabilize [ids] [quiet=true]
//   isolate <ids> | heal                          drop, or stop dropping, what isolated nodes send or are sent
//   compact <id> <index> | raft-log <id> | raft-state | status <leader id>

import { EMPTY_BYTES, EntryType, MemoryStorage, NONE, ProposalDroppedError, RawNode, decodeConfChange } from '../../src/raft/index.js';
import type { ConfState, Message, NodeId, RaftConfig } from '../../src/raft/index.js';
import type { Arg, ScriptCase } from './datadriven.js';
import { formatEntry, formatHardState, formatMessage, formatReady, formatSnapshot, formatSoftState } from './raft-trace-format.js';

/** Election timeouts fixed at their minimum (as in raft-harness.ts), so `tick-election` times one out exactly. */
const FIXED_RAND = { intn: (): number => 0 };
const ELECTION_TICK = 3;
const HEARTBEAT_TICK = 1;

interface TraceNode {
  readonly id: NodeId;
  readonly storage: MemoryStorage;
  readonly raw: RawNode;
  confState: ConfState;
  applied: number;
}

const INDENT = '  ';

export class InteractionEnv {
  private readonly nodes = new Map<NodeId, TraceNode>();
  /** Messages sent and not yet delivered or dropped, in the order they were sent. */
  private queue: Message[] = [];
  /** Nodes cut off from all others: what they send or are sent is dropped on delivery. */
  private readonly isolated = new Set<NodeId>();

  /** Runs one case and returns its output (never empty, so a script keeps its shape). */
  run(c: ScriptCase): string {
    const out: string[] = [];
    try {
      this.dispatch(c, out);
    } catch (err) {
      if (!(err instanceof ProposalDroppedError)) throw new Error(`${c.pos}: ${c.command}: ${(err as Error).message}`, { cause: err });
      out.push(`dropped: ${err.reason}`);
    }
    return out.length > 0 ? out.join('\n') : 'ok';
  }

  private dispatch(c: ScriptCase, out: string[]): void {
    const a = new Args(c.args);
    switch (c.command) {
      case 'add-nodes':
        return this.addNodes(Number(a.positional(0)), a);
      case 'campaign':
        return this.node(a.id(0)).raw.campaign();
      case 'propose':
        return this.node(a.id(0)).raw.propose(new TextEncoder().encode(a.positional(1)));
      case 'tick-heartbeat':
        return this.tick(a.ids(), HEARTBEAT_TICK);
      case 'tick-election':
        return this.tick(a.ids(), ELECTION_TICK);
      case 'transfer-leadership':
        return this.node(a.idNamed('from')).raw.transferLeader(a.idNamed('to'));
      case 'process-ready':
        this.processReady(a.ids(), out);
        return;
      case 'deliver-msgs':
        this.deliver(a.ids(), out);
        return;
      case 'stabilize':
        // quiet=true: only the end state matters here (the steps are recorded in another trace).
        return this.stabilize(a.ids(), a.has('quiet') && a.single('quiet') === 'true' ? [] : out);
      case 'isolate':
        for (const id of a.ids()) this.isolated.add(id);
        return;
      case 'heal':
        this.isolated.clear();
        return;
      case 'compact':
        return this.compact(a.id(0), Number(a.positional(1)), out);
      case 'raft-log':
        return this.raftLog(a.id(0), out);
      case 'raft-state':
        return this.raftState(out);
      case 'status':
        return this.progress(a.id(0), out);
      default:
        throw new Error('unknown command');
    }
  }

  // ---- nodes ------------------------------------------------------------------------------------

  /**
   * `add-nodes <n> voters=(…) index=<i> [prevote=…] [checkquorum=…]`: n nodes whose storage holds a
   * snapshot of the membership at index i, term 1 (a cluster that has already committed i entries).
   */
  private addNodes(count: number, a: Args): void {
    const voters = a.named('voters').map(BigInt);
    const index = Number(a.single('index'));
    const options: Partial<RaftConfig> = {
      ...(a.has('prevote') ? { preVote: a.single('prevote') === 'true' } : {}),
      ...(a.has('checkquorum') ? { checkQuorum: a.single('checkquorum') === 'true' } : {}),
    };
    const confState: ConfState = { voters, learners: [] };
    for (let i = 0; i < count; i++) {
      const id = BigInt(this.nodes.size + 1);
      const storage = new MemoryStorage();
      storage.applySnapshot({ metadata: { index, term: 1, confState }, data: EMPTY_BYTES });
      storage.setHardState({ term: 1, vote: NONE, commit: index });
      const raw = new RawNode({ electionTick: ELECTION_TICK, heartbeatTick: HEARTBEAT_TICK, rand: FIXED_RAND, ...options, id, storage, applied: index });
      this.nodes.set(id, { id, storage, raw, confState, applied: index });
    }
  }

  private node(id: NodeId): TraceNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  private allIds(): NodeId[] {
    return [...this.nodes.keys()];
  }

  private tick(ids: readonly NodeId[], times: number): void {
    for (const id of ids.length > 0 ? ids : this.allIds()) for (let i = 0; i < times; i++) this.node(id).raw.tick();
  }

  // ---- Ready and delivery -----------------------------------------------------------------------

  /** Carries out one Ready of each node that has one: persist, send, apply, advance. */
  private processReady(ids: readonly NodeId[], out: string[], indent = ''): boolean {
    let any = false;
    for (const id of ids.length > 0 ? ids : this.allIds()) {
      const n = this.node(id);
      if (!n.raw.hasReady()) continue;
      any = true;
      const rd = n.raw.ready();
      if (indent) out.push(`> ${id} handling Ready`);
      out.push(...formatReady(rd).map((line) => indent + line));
      if (rd.snapshot) {
        n.storage.applySnapshot(rd.snapshot);
        n.confState = rd.snapshot.metadata.confState;
        n.applied = rd.snapshot.metadata.index;
      }
      n.storage.append(rd.entries);
      if (rd.hardState) n.storage.setHardState(rd.hardState);
      this.queue.push(...rd.messages, ...rd.persistedMessages);
      for (const e of rd.committedEntries) {
        if (e.type === EntryType.ConfChange) n.confState = n.raw.applyConfChange(decodeConfChange(e.data));
        n.applied = e.index;
      }
      n.raw.advance(rd);
    }
    return any;
  }

  /** Steps every queued message to the given nodes (all when none are given) into them, in order. */
  private deliver(ids: readonly NodeId[], out: string[], indent = ''): boolean {
    let any = false;
    for (const id of ids.length > 0 ? ids : this.allIds()) {
      const mine = this.queue.filter((m) => m.to === id);
      if (mine.length === 0) continue;
      any = true;
      this.queue = this.queue.filter((m) => m.to !== id);
      if (indent) out.push(`> ${id} receiving messages`);
      for (const m of mine) {
        if (this.isolated.has(m.from) || this.isolated.has(m.to)) {
          out.push(`${indent}dropped: ${formatMessage(m)}`);
          continue;
        }
        out.push(indent + formatMessage(m));
        this.node(id).raw.step(m);
      }
    }
    return any;
  }

  /** Handles Readies and delivers messages, round after round, until nothing is left to do. */
  private stabilize(ids: readonly NodeId[], out: string[]): void {
    for (let round = 0; round < 100; round++) {
      const handled = this.processReady(ids, out, INDENT);
      const delivered = this.deliver(ids, out, INDENT);
      if (!handled && !delivered) return;
    }
    throw new Error('did not stabilize in 100 rounds');
  }

  // ---- inspection -------------------------------------------------------------------------------

  /** Takes a snapshot at `index` (applied already) and drops the log up to it, as a server compacts. */
  private compact(id: NodeId, index: number, out: string[]): void {
    const n = this.node(id);
    if (index > n.applied) throw new Error(`index ${index} is not applied yet (applied ${n.applied})`);
    const snapshot = n.storage.createSnapshot(index, n.confState, EMPTY_BYTES);
    n.storage.compact(index);
    out.push(`Snapshot ${formatSnapshot(snapshot)}`);
    this.raftLog(id, out);
  }

  private raftLog(id: NodeId, out: string[]): void {
    const storage = this.node(id).storage;
    const first = storage.firstIndex();
    const last = storage.lastIndex();
    if (last < first) out.push(`log is empty: first index=${first}, last index=${last}`);
    else out.push(...storage.entries(first, last + 1, Number.MAX_SAFE_INTEGER).map(formatEntry));
  }

  private raftState(out: string[]): void {
    for (const n of this.nodes.values()) {
      const s = n.raw.status();
      out.push(`${n.id}: ${formatSoftState(s.softState)} ${formatHardState(s.hardState)} Applied:${s.applied} LastIndex:${s.lastIndex}`);
    }
  }

  /** The leader's view of its followers. */
  private progress(id: NodeId, out: string[]): void {
    const progress = this.node(id).raw.status().progress;
    if (!progress) throw new Error(`${id} is not the leader`);
    for (const [peer, pr] of progress) out.push(`${peer}: ${pr.state} match=${pr.match} next=${pr.next}${pr.recentActive ? '' : ' inactive'}`);
  }
}

/** A command's arguments: positional words, `key=value` and `key=(a,b)`. */
class Args {
  constructor(private readonly args: readonly Arg[]) {}

  positional(i: number): string {
    const word = this.args.filter((a) => a.values.length === 0)[i];
    if (word === undefined) throw new Error(`missing argument ${i + 1}`);
    return word.key;
  }

  id(i: number): NodeId {
    return BigInt(this.positional(i));
  }

  /** Every positional word as a node id (none: all nodes, for the commands that allow it). */
  ids(): NodeId[] {
    return this.args.filter((a) => a.values.length === 0).map((a) => BigInt(a.key));
  }

  has(key: string): boolean {
    return this.args.some((a) => a.key === key && a.values.length > 0);
  }

  named(key: string): readonly string[] {
    const arg = this.args.find((a) => a.key === key && a.values.length > 0);
    if (!arg) throw new Error(`missing ${key}=`);
    return arg.values;
  }

  single(key: string): string {
    return this.named(key)[0]!;
  }

  idNamed(key: string): NodeId {
    return BigInt(this.single(key));
  }
}
