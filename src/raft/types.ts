// Core value types of the consensus module. Index and term are plain numbers
// (checked to stay below 2^53 at the gateways); node ids are 64-bit bigints.

export type NodeId = bigint;

/** The id meaning "nobody" (no leader, no vote). Never a valid member id. */
export const NONE: NodeId = 0n;

export enum EntryType {
  Normal = 0,
  ConfChange = 1,
}

export interface Entry {
  readonly term: number;
  readonly index: number;
  readonly type: EntryType;
  readonly data: Uint8Array;
}

export interface HardState {
  readonly term: number;
  readonly vote: NodeId;
  readonly commit: number;
}

export const EMPTY_HARD_STATE: HardState = { term: 0, vote: NONE, commit: 0 };

export interface ConfState {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
}

export interface SnapshotMetadata {
  readonly confState: ConfState;
  readonly index: number;
  readonly term: number;
}

export interface Snapshot {
  readonly metadata: SnapshotMetadata;
  /** Application state. Transports may stream it separately; the core never looks inside. */
  readonly data: Uint8Array;
}

export enum ConfChangeType {
  AddNode = 0,
  RemoveNode = 1,
  AddLearnerNode = 2,
}

/** One membership change at a time; see raft.ts for the safety rules that make that sound. */
export interface ConfChange {
  readonly type: ConfChangeType;
  readonly nodeId: NodeId;
  /** Opaque to the core; the server puts the member's URLs here. */
  readonly context: Uint8Array;
}

export enum MessageType {
  /** Local: start an election. */
  Hup = 'MsgHup',
  /** Local: leader should broadcast a heartbeat. */
  Beat = 'MsgBeat',
  Prop = 'MsgProp',
  App = 'MsgApp',
  AppResp = 'MsgAppResp',
  Vote = 'MsgVote',
  VoteResp = 'MsgVoteResp',
  PreVote = 'MsgPreVote',
  PreVoteResp = 'MsgPreVoteResp',
  Snap = 'MsgSnap',
  Heartbeat = 'MsgHeartbeat',
  HeartbeatResp = 'MsgHeartbeatResp',
  /** Local: the transport could not reach a peer. */
  Unreachable = 'MsgUnreachable',
  /** Local: outcome of sending a snapshot to a peer. */
  SnapStatus = 'MsgSnapStatus',
  /** Local: leader checks it still hears from a quorum. */
  CheckQuorum = 'MsgCheckQuorum',
  TransferLeader = 'MsgTransferLeader',
  TimeoutNow = 'MsgTimeoutNow',
  ReadIndex = 'MsgReadIndex',
  ReadIndexResp = 'MsgReadIndexResp',
}

export interface Message {
  readonly type: MessageType;
  readonly to: NodeId;
  readonly from: NodeId;
  readonly term: number;
  /** Term of the entry at `index` (MsgApp), or of the voter's last entry (votes), or reject hint term (MsgAppResp). */
  readonly logTerm: number;
  readonly index: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
  readonly snapshot?: Snapshot;
  readonly reject: boolean;
  readonly rejectHint: number;
  /** Opaque bytes: ReadIndex request context, or the campaign kind on votes. */
  readonly context: Uint8Array;
}

export const EMPTY_BYTES: Uint8Array = new Uint8Array(0);

/** Builds a message, defaulting every field the caller does not set. */
export function message(fields: Partial<Message> & Pick<Message, 'type'>): Message {
  // Field by field, not defaults spread over: every message then has one shape, and is one allocation.
  const m: Message = {
    to: fields.to ?? NONE,
    from: fields.from ?? NONE,
    term: fields.term ?? 0,
    logTerm: fields.logTerm ?? 0,
    index: fields.index ?? 0,
    entries: fields.entries ?? [],
    commit: fields.commit ?? 0,
    reject: fields.reject ?? false,
    rejectHint: fields.rejectHint ?? 0,
    context: fields.context ?? EMPTY_BYTES,
    type: fields.type,
  };
  return fields.snapshot ? { ...m, snapshot: fields.snapshot } : m;
}

/** `m` from `from` at `term`: one copy, as message() builds it. */
export function stamped(m: Message, from: NodeId, term: number): Message {
  const out: Message = { to: m.to, from, term, logTerm: m.logTerm, index: m.index, entries: m.entries, commit: m.commit, reject: m.reject, rejectHint: m.rejectHint, context: m.context, type: m.type };
  return m.snapshot ? { ...out, snapshot: m.snapshot } : out;
}

export enum StateType {
  Follower = 'StateFollower',
  Candidate = 'StateCandidate',
  Leader = 'StateLeader',
  PreCandidate = 'StatePreCandidate',
}

export interface SoftState {
  readonly lead: NodeId;
  readonly raftState: StateType;
}

/** A linearizable read that became safe to serve once the local applied index reaches `index`. */
export interface ReadState {
  readonly index: number;
  readonly requestCtx: Uint8Array;
}

/** The outcome of a snapshot send reported back by the transport. */
export enum SnapshotStatus {
  Finish = 'finish',
  Failure = 'failure',
}

/** Deterministic randomness handed in by the caller (a seeded PRNG in tests, crypto-backed in servers). */
export interface Rand {
  /** Uniform integer in [0, n). */
  intn(n: number): number;
}

export function isLocalMessage(type: MessageType): boolean {
  return (
    type === MessageType.Hup ||
    type === MessageType.Beat ||
    type === MessageType.Unreachable ||
    type === MessageType.SnapStatus ||
    type === MessageType.CheckQuorum
  );
}

/** Responses that promise durable state, so they may leave only after the Ready they came with is persisted. */
export function mustWaitForPersistence(type: MessageType): boolean {
  return type === MessageType.AppResp || type === MessageType.VoteResp || type === MessageType.PreVoteResp;
}

export function voteResponseType(type: MessageType): MessageType {
  switch (type) {
    case MessageType.Vote:
      return MessageType.VoteResp;
    case MessageType.PreVote:
      return MessageType.PreVoteResp;
    default:
      throw new Error(`not a vote message: ${type}`);
  }
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Gateway check for numbers that arrive from disk or the network. */
export function assertSafeIndex(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > MAX_SAFE) {
    throw new RangeError(`${name} out of range: ${value}`);
  }
}
