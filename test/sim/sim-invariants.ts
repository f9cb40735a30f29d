// Safety properties of Raft, checked after every simulated step. Each check throws an
// InvariantViolation naming the property, so a failing seed says what broke.
import { StateType } from '../../src/raft/index.js';
import type { NodeId } from '../../src/raft/index.js';
import type { AppliedEntry, SimNode } from './sim-node.js';

export class InvariantViolation extends Error {
  constructor(
    readonly invariant: string,
    detail: string,
  ) {
    super(`${invariant}: ${detail}`);
    this.name = 'InvariantViolation';
  }
}

interface Watermarks {
  incarnation: number;
  term: number;
  commit: number;
  applied: number;
  syncedTerm: number;
}

export class SafetyChecker {
  private readonly leaderOfTerm = new Map<number, NodeId>();
  /** Every entry some member applied: applying implies committed. index → entry. */
  readonly committed = new Map<number, AppliedEntry>();
  private readonly marks = new Map<NodeId, Watermarks>();

  termsWithALeader(): number {
    return this.leaderOfTerm.size;
  }

  /** At most one leader per term, over the whole run (§5.2 election safety). */
  checkElectionSafety(nodes: readonly SimNode[]): void {
    for (const n of nodes) {
      if (n.down) continue;
      const st = n.node.status();
      if (st.softState.raftState !== StateType.Leader) continue;
      const term = st.hardState.term;
      const known = this.leaderOfTerm.get(term);
      if (known !== undefined && known !== n.id) {
        throw new InvariantViolation('election safety', `members ${known} and ${n.id} both led term ${term}`);
      }
      if (known === undefined) {
        this.leaderOfTerm.set(term, n.id);
        this.checkLeaderCompleteness(n, term);
      }
    }
  }

  /** A new leader's log holds every entry committed before it was elected (§5.4 leader completeness). */
  private checkLeaderCompleteness(leader: SimNode, term: number): void {
    const log = leader.durableLog();
    const first = log.firstIndex();
    const last = leader.node.status().lastIndex;
    for (const [index, entry] of this.committed) {
      if (index < first) continue;
      if (index > last) {
        throw new InvariantViolation('leader completeness', `leader ${leader.id} of term ${term} lacks committed index ${index}`);
      }
      const have = log.term(index);
      if (have !== entry.term) {
        throw new InvariantViolation(
          'leader completeness',
          `leader ${leader.id} of term ${term} has term ${have} at committed index ${index} (committed term ${entry.term})`,
        );
      }
    }
  }

  /** If two durable logs agree on the term at an index, they agree on every entry before it (§5.3 log matching). */
  checkLogMatching(nodes: readonly SimNode[]): void {
    const logs = nodes.map((n) => ({ id: n.id, terms: n.durableTerms() }));
    for (let a = 0; a < logs.length; a++) {
      for (let b = a + 1; b < logs.length; b++) {
        const x = logs[a]!;
        const y = logs[b]!;
        let matchedAt = -1;
        const common = [...x.terms.keys()].filter((i) => y.terms.has(i)).sort((p, q) => q - p);
        for (const i of common) {
          const same = x.terms.get(i) === y.terms.get(i);
          if (matchedAt < 0 && same) matchedAt = i;
          else if (matchedAt >= 0 && !same) {
            throw new InvariantViolation(
              'log matching',
              `members ${x.id} and ${y.id} agree at index ${matchedAt} but differ at ${i} (${x.terms.get(i)} vs ${y.terms.get(i)})`,
            );
          }
        }
      }
    }
  }

  /** No two members apply different entries at one index (§5.4.3 state machine safety). */
  recordApplied(node: SimNode, entries: readonly AppliedEntry[]): void {
    for (const e of entries) {
      const known = this.committed.get(e.index);
      if (known && (known.term !== e.term || known.data !== e.data)) {
        throw new InvariantViolation(
          'state machine safety',
          `member ${node.id} applied ${e.data}@${e.term} at index ${e.index} where ${known.data}@${known.term} was applied`,
        );
      }
      if (!known) this.committed.set(e.index, e);
    }
  }

  /** Term, commit and applied only grow; a restart may forget only what was never synced. */
  checkMonotonic(nodes: readonly SimNode[]): void {
    for (const n of nodes) {
      if (n.down) continue;
      const hs = n.node.status().hardState;
      const applied = n.sm.appliedIndex;
      const prev = this.marks.get(n.id);
      const synced = n.durableLog().initialState().hardState.term;
      if (prev) {
        const sameLife = prev.incarnation === n.incarnation;
        if (sameLife && hs.term < prev.term) this.fail('term only grows', n, `${prev.term} → ${hs.term}`);
        if (!sameLife && hs.term < prev.syncedTerm) this.fail('term only grows', n, `synced ${prev.syncedTerm} → ${hs.term} after restart`);
        if (sameLife && hs.commit < prev.commit) this.fail('commit only grows', n, `${prev.commit} → ${hs.commit}`);
        if (applied < prev.applied) this.fail('applied only grows', n, `${prev.applied} → ${applied}`);
      }
      this.marks.set(n.id, {
        incarnation: n.incarnation,
        term: hs.term,
        commit: hs.commit,
        applied,
        syncedTerm: Math.max(synced, prev?.syncedTerm ?? 0),
      });
    }
  }

  /** Every committed entry at or below `upTo` is in the member's state machine, unchanged (no committed entry lost). */
  checkHasCommitted(node: SimNode, upTo: number): void {
    const byIndex = new Map(node.sm.entries.map((e) => [e.index, e]));
    for (const [index, entry] of this.committed) {
      if (index > upTo) continue;
      const have = byIndex.get(index);
      if (!have || have.term !== entry.term || have.data !== entry.data) {
        throw new InvariantViolation('committed entries are never lost', `member ${node.id} lacks ${entry.data} at index ${index}`);
      }
    }
  }

  private fail(invariant: string, n: SimNode, detail: string): never {
    throw new InvariantViolation(invariant, `member ${n.id}: ${detail}`);
  }
}
