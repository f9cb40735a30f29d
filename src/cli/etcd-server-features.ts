// The server features etcd turns on by flag (disaster recovery, consistency checks, storage and raft
// options, the password hash cost), read from the parsed flags into the member's config.

import type { LogLevel, ServerConfig } from '../server/etcd-server.js';
import { FlagError, type FlagValues } from './etcd-flag-parser.js';

export type ServerFeatures = Pick<
  ServerConfig,
  'forceNewCluster' | 'initialCorruptCheck' | 'corruptCheckIntervalMs' | 'leaseCheckpoint' | 'leaseCheckpointPersist' | 'walDir' | 'maxSnapshots' | 'maxWals' | 'preVote' | 'strictReconfigCheck' | 'bcryptCost'
>;

/** Go's bcrypt accepts costs 4 to 31; etcd's auth store falls back to 10 for any other, with a warning. */
const BCRYPT_COSTS = { min: 4, max: 31, default: 10 };

function bcryptCost(flags: FlagValues, log: (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void): number {
  const cost = flags.number('bcrypt-cost');
  if (cost >= BCRYPT_COSTS.min && cost <= BCRYPT_COSTS.max) return cost;
  log('warn', 'use default bcrypt cost instead of the invalid given cost', {
    'min-cost': BCRYPT_COSTS.min,
    'max-cost': BCRYPT_COSTS.max,
    'default-cost': BCRYPT_COSTS.default,
    'given-cost': cost,
  });
  return BCRYPT_COSTS.default;
}

export function serverFeatures(flags: FlagValues, log: (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void): ServerFeatures {
  const leaseCheckpointPersist = flags.bool('experimental-enable-lease-checkpoint-persist');
  if (leaseCheckpointPersist && !flags.bool('experimental-enable-lease-checkpoint')) {
    throw new FlagError("error verifying flags, setting experimental-enable-lease-checkpoint-persist requires experimental-enable-lease-checkpoint. See 'etcd --help'.");
  }
  return {
    forceNewCluster: flags.bool('force-new-cluster'),
    initialCorruptCheck: flags.bool('experimental-initial-corrupt-check'),
    corruptCheckIntervalMs: flags.durationMs('experimental-corrupt-check-time'),
    leaseCheckpoint: flags.bool('experimental-enable-lease-checkpoint'),
    leaseCheckpointPersist,
    ...(flags.text('wal-dir') !== '' ? { walDir: flags.text('wal-dir') } : {}),
    maxSnapshots: flags.number('max-snapshots'),
    maxWals: flags.number('max-wals'),
    // Its default is etcd 3.5's (true), not 3.4's: a member back from a partition does not depose a working leader.
    preVote: flags.bool('pre-vote'),
    strictReconfigCheck: flags.bool('strict-reconfig-check'),
    bcryptCost: bcryptCost(flags, log),
  };
}
