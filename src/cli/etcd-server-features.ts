// The server features etcd turns on by flag (disaster recovery and consistency checks), read from the
// parsed flags into the member's config.

import type { ServerConfig } from '../server/etcd-server.js';
import { FlagError, type FlagValues } from './etcd-flag-parser.js';

export type ServerFeatures = Pick<ServerConfig, 'forceNewCluster' | 'initialCorruptCheck' | 'corruptCheckIntervalMs' | 'leaseCheckpoint' | 'leaseCheckpointPersist'>;

export function serverFeatures(flags: FlagValues): ServerFeatures {
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
  };
}
