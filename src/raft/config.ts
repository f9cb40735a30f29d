import type { LogStorage } from './storage.js';
import type { NodeId, Rand } from './types.js';
import { NONE } from './types.js';

export interface RaftConfig {
  readonly id: NodeId;
  /** Ticks without hearing from a leader before a follower campaigns; the actual timeout is randomized in [electionTick, 2*electionTick). */
  readonly electionTick: number;
  /** Ticks between leader heartbeats; must be smaller than electionTick. */
  readonly heartbeatTick: number;
  readonly storage: LogStorage;
  /** Last applied index when restarting; entries at or below it are not handed out again. */
  readonly applied?: number;
  /** Upper bound on the bytes of entries in one append message. */
  readonly maxSizePerMsg?: number;
  /** Upper bound on the bytes of committed entries handed out in one Ready. */
  readonly maxCommittedSizePerReady?: number;
  /** Upper bound on the bytes of proposals appended by a leader but not yet committed; 0 disables the cap. */
  readonly maxUncommittedEntriesSize?: number;
  /** Append messages in flight per follower while replicating. */
  readonly maxInflightMsgs?: number;
  /** Bytes in flight per follower while replicating; 0 disables the byte cap. */
  readonly maxInflightBytes?: number;
  readonly checkQuorum?: boolean;
  readonly preVote?: boolean;
  readonly rand: Rand;
}

export interface ResolvedRaftConfig extends Required<RaftConfig> {}

export const RAFT_DEFAULTS = {
  applied: 0,
  maxSizePerMsg: 1024 * 1024,
  maxCommittedSizePerReady: 16 * 1024 * 1024,
  maxUncommittedEntriesSize: 64 * 1024 * 1024,
  maxInflightMsgs: 256,
  maxInflightBytes: 32 * 1024 * 1024,
  checkQuorum: true,
  preVote: true,
} as const;

export function resolveConfig(config: RaftConfig): ResolvedRaftConfig {
  if (config.id === NONE) throw new RangeError('cannot use 0 as a node id');
  if (config.heartbeatTick <= 0) throw new RangeError('heartbeatTick must be greater than 0');
  if (config.electionTick <= config.heartbeatTick) {
    throw new RangeError('electionTick must be greater than heartbeatTick');
  }
  const resolved: ResolvedRaftConfig = { ...RAFT_DEFAULTS, ...stripUndefined(config) };
  if (resolved.maxInflightMsgs <= 0) throw new RangeError('maxInflightMsgs must be greater than 0');
  return resolved;
}

function stripUndefined(config: RaftConfig): RaftConfig {
  return Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) as unknown as RaftConfig;
}
