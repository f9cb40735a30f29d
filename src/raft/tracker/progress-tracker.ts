import { VoteResult, committedIndex, voteResult } from '../quorum/majority.js';
import type { ConfState, NodeId } from '../types.js';
import { Progress } from './progress.js';

/** The leader's view of the configuration: who votes, who learns, and how far each one's log matches. */
export class ProgressTracker {
  readonly voters = new Set<NodeId>();
  readonly learners = new Set<NodeId>();
  readonly progress = new Map<NodeId, Progress>();
  private readonly votes = new Map<NodeId, boolean>();
  /** Made once: committed() runs on every acknowledgement. */
  private readonly matchOf = (id: NodeId): number | undefined => this.progress.get(id)?.match;

  constructor(
    private readonly maxInflightMsgs: number,
    private readonly maxInflightBytes: number,
  ) {}

  confState(): ConfState {
    return { voters: sorted(this.voters), learners: sorted(this.learners) };
  }

  /** Adds (or re-roles) a member with a fresh progress starting at `next`. */
  addNode(id: NodeId, isLearner: boolean, next: number): void {
    if (isLearner) {
      this.voters.delete(id);
      this.learners.add(id);
    } else {
      this.learners.delete(id);
      this.voters.add(id);
    }
    const existing = this.progress.get(id);
    if (existing) {
      existing.isLearner = isLearner;
      return;
    }
    const pr = new Progress(next, this.maxInflightMsgs, this.maxInflightBytes, isLearner);
    // A new member has not had the chance to answer yet; do not count it as a reason to step down.
    pr.recentActive = true;
    this.progress.set(id, pr);
  }

  removeNode(id: NodeId): void {
    this.voters.delete(id);
    this.learners.delete(id);
    this.progress.delete(id);
  }

  isVoter(id: NodeId): boolean {
    return this.voters.has(id);
  }

  committed(): number {
    return committedIndex(this.voters, this.matchOf);
  }

  quorumActive(self: NodeId): boolean {
    const active = new Map<NodeId, boolean>();
    for (const id of this.voters) active.set(id, id === self || (this.progress.get(id)?.recentActive ?? false));
    return voteResult(this.voters, active) === VoteResult.Won;
  }

  hasQuorum(acks: ReadonlySet<NodeId>): boolean {
    const votes = new Map<NodeId, boolean>();
    for (const id of acks) votes.set(id, true);
    return voteResult(this.voters, votes) === VoteResult.Won;
  }

  resetVotes(): void {
    this.votes.clear();
  }

  recordVote(id: NodeId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  tallyVotes(): { granted: number; rejected: number; result: VoteResult } {
    let granted = 0;
    let rejected = 0;
    for (const id of this.voters) {
      const v = this.votes.get(id);
      if (v === true) granted++;
      else if (v === false) rejected++;
    }
    return { granted, rejected, result: voteResult(this.voters, this.votes) };
  }
}

function sorted(ids: Iterable<NodeId>): NodeId[] {
  return [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
