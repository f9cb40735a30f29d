import { Inflights } from './inflights.js';

export enum ProgressState {
  /** The leader does not know the follower's log: one append per heartbeat interval until it finds the match. */
  Probe = 'StateProbe',
  /** The follower accepts appends: send optimistically, up to the inflights window. */
  Replicate = 'StateReplicate',
  /** The follower needs a snapshot; appends wait until it is reported applied or failed. */
  Snapshot = 'StateSnapshot',
}

/** The leader's view of one follower's log. */
export class Progress {
  match = 0;
  next: number;
  state: ProgressState = ProgressState.Probe;
  /** Index of the snapshot in flight while in Snapshot state. */
  pendingSnapshot = 0;
  /** Heard from since the last check-quorum round. */
  recentActive = false;
  /** In Probe state: an append was sent and we wait for its answer or the next heartbeat. */
  probeSent = false;
  readonly inflights: Inflights;

  constructor(
    next: number,
    maxInflightMsgs: number,
    maxInflightBytes: number,
    public isLearner: boolean,
  ) {
    this.next = next;
    this.inflights = new Inflights(maxInflightMsgs, maxInflightBytes);
  }

  private resetState(state: ProgressState): void {
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.state = state;
    this.inflights.reset();
  }

  becomeProbe(): void {
    if (this.state === ProgressState.Snapshot) {
      // Resume right after the snapshot if it got there, else after what we know matches.
      const pending = this.pendingSnapshot;
      this.resetState(ProgressState.Probe);
      this.next = Math.max(this.match + 1, pending + 1);
    } else {
      this.resetState(ProgressState.Probe);
      this.next = this.match + 1;
    }
  }

  becomeReplicate(): void {
    this.resetState(ProgressState.Replicate);
    this.next = this.match + 1;
  }

  becomeSnapshot(snapshotIndex: number): void {
    this.resetState(ProgressState.Snapshot);
    this.pendingSnapshot = snapshotIndex;
  }

  /** Records that entries up to `lastIndex` were sent. */
  sentEntries(lastIndex: number, count: number, bytes: number): void {
    if (this.state === ProgressState.Replicate) {
      if (count > 0) {
        this.next = lastIndex + 1;
        this.inflights.add(lastIndex, bytes);
      }
    } else if (this.state === ProgressState.Probe) {
      this.probeSent = true;
    }
  }

  /** Handles an acknowledgement of `index`; returns whether it told us something new. */
  maybeUpdate(index: number): boolean {
    let updated = false;
    if (this.match < index) {
      this.match = index;
      updated = true;
      this.probeSent = false;
    }
    this.next = Math.max(this.next, index + 1);
    return updated;
  }

  /**
   * Handles a rejected append for `rejected`, with the follower's hint of where to retry.
   * Returns false for stale rejections that should be ignored.
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === ProgressState.Replicate) {
      // Only a rejection above what we know matches can be news; older ones are out of order.
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    // In probe state only the rejection of the append we last sent counts.
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1);
    this.probeSent = false;
    return true;
  }

  /** Whether sending appends to this follower must wait. */
  isPaused(): boolean {
    switch (this.state) {
      case ProgressState.Probe:
        return this.probeSent;
      case ProgressState.Replicate:
        return this.inflights.full();
      case ProgressState.Snapshot:
        return true;
    }
  }
}
