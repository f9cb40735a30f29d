import { CompactedError, UnavailableError } from './errors.js';
import { Unstable } from './log-unstable.js';
import { limitSize } from './storage.js';
import type { LogStorage } from './storage.js';
import type { Entry, Snapshot } from './types.js';

/**
 * The node's view of the replicated log: stable entries in storage followed by unstable
 * ones not yet persisted. Pointers always satisfy
 * firstIndex-1 ≤ applied ≤ committed ≤ lastIndex.
 */
export class RaftLog {
  readonly unstable: Unstable;
  committed: number;
  applied: number;

  constructor(
    readonly storage: LogStorage,
    private readonly maxCommittedSizePerReady: number,
  ) {
    const first = storage.firstIndex();
    const last = storage.lastIndex();
    this.unstable = new Unstable(last + 1);
    this.committed = first - 1;
    this.applied = first - 1;
  }

  firstIndex(): number {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): number {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  lastTerm(): number {
    return this.term(this.lastIndex())!;
  }

  /** Term at `index`, or undefined when it is compacted away or beyond the end of the log. */
  term(index: number): number | undefined {
    const dummy = this.firstIndex() - 1;
    if (index < dummy || index > this.lastIndex()) return undefined;
    const t = this.unstable.maybeTerm(index);
    if (t !== undefined) return t;
    try {
      return this.storage.term(index);
    } catch (err) {
      if (err instanceof CompactedError || err instanceof UnavailableError) return undefined;
      throw err;
    }
  }

  matchTerm(index: number, term: number): boolean {
    return this.term(index) === term;
  }

  /** Raft's "at least as up-to-date" rule (§5.4.1). */
  isUpToDate(lastIndex: number, term: number): boolean {
    const myTerm = this.lastTerm();
    return term > myTerm || (term === myTerm && lastIndex >= this.lastIndex());
  }

  /**
   * Appends entries that follow (index, logTerm) if that entry matches our log.
   * Returns the new last index, or undefined when the leader must back off.
   */
  maybeAppend(index: number, logTerm: number, committed: number, ents: readonly Entry[]): number | undefined {
    if (!this.matchTerm(index, logTerm)) return undefined;
    const lastNew = index + ents.length;
    const conflict = this.findConflict(ents);
    if (conflict !== 0) {
      if (conflict <= this.committed) {
        throw new Error(`entry ${conflict} conflicts with committed entry [committed(${this.committed})]`);
      }
      this.append(ents.slice(conflict - (index + 1)));
    }
    this.commitTo(Math.min(committed, lastNew));
    return lastNew;
  }

  append(ents: readonly Entry[]): number {
    if (ents.length === 0) return this.lastIndex();
    if (ents[0]!.index - 1 < this.committed) {
      throw new Error(`after(${ents[0]!.index - 1}) is out of range [committed(${this.committed})]`);
    }
    this.unstable.truncateAndAppend(ents);
    return this.lastIndex();
  }

  /** Index of the first entry that is new or differs in term from ours; 0 when all are already present. */
  private findConflict(ents: readonly Entry[]): number {
    for (const e of ents) {
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  /**
   * For a rejected append at `index`, the largest index ≤ index whose term is ≤ `term`
   * (the fast-backtracking hint of the etcd design), with its term.
   */
  findConflictByTerm(index: number, term: number): { index: number; term: number } {
    for (let i = index; i >= 0; i--) {
      const t = this.term(i);
      if (t === undefined) return { index: i, term: 0 };
      if (t <= term) return { index: i, term: t };
    }
    return { index: 0, term: 0 };
  }

  commitTo(toCommit: number): void {
    if (toCommit <= this.committed) return;
    if (toCommit > this.lastIndex()) {
      throw new Error(`tocommit(${toCommit}) is out of range [lastIndex(${this.lastIndex()})]`);
    }
    this.committed = toCommit;
  }

  /** Commits up to `index` if its entry is of `term` (only current-term entries commit by counting). */
  maybeCommit(index: number, term: number): boolean {
    if (index > this.committed && this.term(index) === term) {
      this.commitTo(index);
      return true;
    }
    return false;
  }

  appliedTo(index: number): void {
    if (index === 0) return;
    if (index > this.committed || index < this.applied) {
      throw new Error(`applied(${index}) is out of range [prevApplied(${this.applied}), committed(${this.committed})]`);
    }
    this.applied = index;
  }

  hasNextCommittedEnts(): boolean {
    if (this.unstable.snapshot) return false;
    return this.committed > this.applied && this.applied + 1 >= this.firstIndex();
  }

  nextCommittedEnts(): Entry[] {
    if (!this.hasNextCommittedEnts()) return [];
    return this.slice(this.applied + 1, this.committed + 1, this.maxCommittedSizePerReady);
  }

  unstableEntries(): Entry[] {
    return this.unstable.entries.slice();
  }

  /** Entries in [lo, hi) limited to maxSize bytes (at least one). Throws CompactedError below firstIndex. */
  slice(lo: number, hi: number, maxSize: number): Entry[] {
    if (lo === hi) return [];
    const first = this.firstIndex();
    if (lo < first) throw new CompactedError(lo);
    if (hi > this.lastIndex() + 1) throw new UnavailableError(hi - 1);
    let ents: Entry[] = [];
    const offset = this.unstable.offset;
    if (lo < offset) {
      ents = this.storage.entries(lo, Math.min(hi, offset), maxSize);
      // Storage cut the slice short for size: stop there.
      if (ents.length < Math.min(hi, offset) - lo) return ents;
    }
    if (hi > offset) {
      ents = ents.concat(this.unstable.slice(Math.max(lo, offset), hi));
    }
    return limitSize(ents, maxSize);
  }

  entriesFrom(index: number, maxSize: number): Entry[] {
    if (index > this.lastIndex()) return [];
    return this.slice(index, this.lastIndex() + 1, maxSize);
  }

  snapshot(): Snapshot {
    return this.unstable.snapshot ?? this.storage.snapshot();
  }

  restore(snapshot: Snapshot): void {
    this.committed = snapshot.metadata.index;
    this.unstable.restore(snapshot);
  }

  stableTo(index: number, term: number): void {
    this.unstable.stableTo(index, term);
  }

  stableSnapTo(index: number): void {
    this.unstable.stableSnapTo(index);
  }
}
