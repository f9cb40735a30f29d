// Linearizable reads by ReadIndex, batched as etcd batches them: one round at a time, and the reads that
// arrive meanwhile share the next (each round costs the leader a heartbeat to every follower, and a
// follower a trip to the leader). A read resolves once this member applied the round's index. Reads made
// while this member knows no leader wait for one, as etcd's read loop waits for its dropped round (for the
// leader to change, or its request timeout: "request timed out"); here they then go in the next round.

import { Errors } from '../etcd-errors.js';
import { DropReason, ProposalDroppedError, type RawNode, type ReadState } from '../raft/index.js';
import type { WaitRegistry } from './wait-registry.js';

/** The reads that go in one round: they share one promise, settled when the round's index applied here. */
interface Batch {
  readonly done: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { done, resolve, reject };
}

export interface ReadIndexDeps {
  /** Names this member's rounds, so a context is never confused with another member's. */
  readonly memberId: bigint;
  readonly waits: WaitRegistry;
  /** Runs `work` against the raft node in the Ready loop. */
  enqueue(work: (node: RawNode) => void): void;
  /** Whether a leader is known (a lost round then fails with "no leader" rather than a timeout). */
  hasLeader(): boolean;
  readonly timeoutMs: number;
}

/** A round superseded by a new leader: its readers go again in the next round. */
const RETRY = new Error('retry the read round');

export class ReadIndexBatcher {
  /** The reads that arrived since the last round started; they go in the next. */
  private open: Batch | undefined;
  private inFlight: string | undefined;
  private sequence = 0;
  /** Rounds the node dropped for want of a leader, with the timers that fail them at the request timeout. */
  private heldForLeader: { batch: Batch; timer: NodeJS.Timeout }[] = [];

  constructor(private readonly deps: ReadIndexDeps) {}

  /** Rounds started so far (for /metrics). */
  get rounds(): number {
    return this.sequence;
  }

  /**
   * Resolves once this member has applied everything committed when the call was made. Every read until
   * the next round starts gets the same promise: a read costs no promise, closure or trip through the
   * Ready loop of its own.
   */
  read(): Promise<void> {
    if (this.open === undefined) {
      this.open = newBatch();
      this.deps.enqueue((node) => this.issue(node));
    }
    return this.open.done;
  }

  /** The leader's answers to rounds (from a Ready). */
  onReadStates(readStates: readonly ReadState[]): void {
    for (const rs of readStates) this.deps.waits.readRounds.trigger(Buffer.from(rs.requestCtx).toString(), rs.index);
  }

  /** A new leader never answers the old one's rounds; the reads held for one go in the next round. */
  onLeaderChange(): void {
    if (this.inFlight !== undefined) this.deps.waits.readRounds.fail(this.inFlight, RETRY);
    const held = this.heldForLeader;
    this.heldForLeader = [];
    for (const { batch, timer } of held) {
      clearTimeout(timer);
      this.read().then(batch.resolve, batch.reject);
    }
  }

  /** Shutdown: fails the reads not yet in a round (those in one fail with the registry). */
  rejectQueued(err: unknown): void {
    const open = this.open;
    this.open = undefined;
    open?.reject(err);
    for (const { batch, timer } of this.heldForLeader.splice(0)) {
      clearTimeout(timer);
      batch.reject(err);
    }
  }

  private issue(node: RawNode): void {
    const batch = this.open;
    if (batch === undefined || this.inFlight !== undefined) return;
    this.open = undefined;
    const ctx = `${this.deps.memberId.toString(16)}-${++this.sequence}`;
    try {
      node.readIndex(Buffer.from(ctx));
    } catch (err) {
      if (err instanceof ProposalDroppedError && err.reason === DropReason.NoLeader) this.holdForLeader(batch);
      else batch.reject(err instanceof ProposalDroppedError ? Errors.noLeader() : err);
      return;
    }
    this.inFlight = ctx;
    // A round that got lost (no leader) fails its reads rather than hang them.
    const timeoutError = (): Error => (this.deps.hasLeader() ? Errors.timeout() : Errors.noLeader());
    this.deps.waits.readRounds.wait(ctx, this.deps.timeoutMs, timeoutError).then(
      (index) => {
        this.endRound(ctx);
        this.deps.waits.appliedIndex.wait(index).then(batch.resolve, batch.reject);
      },
      (err: unknown) => {
        // The reads go again, in the next round.
        if (err === RETRY) this.read().then(batch.resolve, batch.reject);
        else batch.reject(err);
        this.endRound(ctx);
      },
    );
  }

  private holdForLeader(batch: Batch): void {
    const timer = setTimeout(() => {
      this.heldForLeader = this.heldForLeader.filter((held) => held.batch !== batch);
      batch.reject(Errors.timeout());
    }, this.deps.timeoutMs);
    this.heldForLeader.push({ batch, timer });
  }

  private endRound(ctx: string): void {
    if (this.inFlight !== ctx) return;
    this.inFlight = undefined;
    if (this.open !== undefined) this.deps.enqueue((node) => this.issue(node));
  }
}
