// Typed failures of the consensus core. Callers switch on the class (and on `reason`), never on message text.

/** Why a proposal was not accepted into the log; the caller fails the request at once instead of waiting. */
export enum DropReason {
  NoLeader = 'no leader',
  TransferInProgress = 'leader transfer in progress',
  UncommittedLimit = 'too many uncommitted entries',
  NotVoterOrLeader = 'node is not a member that can accept proposals',
  ConfChangePending = 'a membership change is already in progress',
}

export class ProposalDroppedError extends Error {
  constructor(readonly reason: DropReason) {
    super(`raft proposal dropped: ${reason}`);
    this.name = 'ProposalDroppedError';
  }
}

/** The requested log index is below the first index kept in storage (it was compacted into a snapshot). */
export class CompactedError extends Error {
  constructor(readonly index: number) {
    super(`requested index ${index} is unavailable due to compaction`);
    this.name = 'CompactedError';
  }
}

/** The requested log index is beyond the last index in storage. */
export class UnavailableError extends Error {
  constructor(readonly index: number) {
    super(`requested entry at index ${index} is unavailable`);
    this.name = 'UnavailableError';
  }
}

/** A snapshot older than the one storage already has. */
export class SnapshotOutOfDateError extends Error {
  constructor(readonly index: number) {
    super(`requested index ${index} is older than the existing snapshot`);
    this.name = 'SnapshotOutOfDateError';
  }
}

/** The application has no snapshot ready yet; the leader retries later. */
export class SnapshotTemporarilyUnavailableError extends Error {
  constructor() {
    super('snapshot is temporarily unavailable');
    this.name = 'SnapshotTemporarilyUnavailableError';
  }
}

/** The caller broke the driver contract (for example, stepped a local message from the network). */
export class RaftUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RaftUsageError';
  }
}
