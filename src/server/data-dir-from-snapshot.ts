// `bargectl snapshot restore`: a new member's data dir from a snapshot file, as etcdctl's restore makes
// one: the keyspace, leases, auth and alarms of the snapshot, a fresh membership from the flags, and a raft log
// that starts with the new founding members (so the restored members form a new cluster).

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Bucket, StateBackend } from '../storage/backend.js';
import { BargeMetaKey } from '../storage/etcd-db/barge-state-keys.js';
import { prepareDataDir } from '../storage/data-dir.js';
import { RaftWal } from '../storage/wal/raft-wal.js';
import { readSnapshotFile } from '../storage/snapshot-file.js';
import { foundersOf, stageIdentity, writeFoundingEntries } from './bootstrap.js';
import { MemberRegistry } from './members.js';

export interface RestoreOptions {
  readonly dataDir: string;
  /** The raft log's own directory (etcd's --wal-dir), the member then started with the same --wal-dir. */
  readonly walDir?: string;
  readonly name: string;
  readonly initialCluster: ReadonlyMap<string, readonly string[]>;
  readonly initialClusterToken: string;
}

/** Meta records that are the data's: etcd's restore keeps the compaction point and the alarm bucket too. */
const KEPT_META_KEYS = [BargeMetaKey.compactRevision, BargeMetaKey.alarms].map((key) => Buffer.from(key));

/** Whether a record describes the old cluster (members, ids, applied index) rather than its data. */
function describesOldCluster(key: Uint8Array): boolean {
  if (key[0] === Bucket.Members) return true;
  return key[0] === Bucket.Meta && !KEPT_META_KEYS.some((kept) => kept.equals(key));
}

export async function restoreSnapshot(file: string, options: RestoreOptions): Promise<{ memberId: bigint; clusterId: bigint }> {
  if (existsSync(options.dataDir)) throw new Error(`data-dir "${options.dataDir}" exists`);
  const records = await readSnapshotFile(file);
  const { founders, clusterId } = foundersOf(options.initialCluster, options.initialClusterToken);
  const self = founders.find((m) => m.name === options.name);
  if (!self) throw new Error(`couldn't find local name "${options.name}" in the initial cluster configuration`);

  const layout = await prepareDataDir(options.dataDir, options.walDir);
  const backend = await StateBackend.open(join(layout.snapDir, 'db'));
  await backend.replaceWith(records.filter(([key]) => !describesOldCluster(key)));
  const members = new MemberRegistry(backend);
  for (const founder of founders) members.set({ ...founder, clientUrls: [], isLearner: false });
  stageIdentity(backend, self.id, clusterId);

  const { store } = await RaftWal.open(layout);
  const applied = await writeFoundingEntries(store, founders);
  await store.close();
  // The founding entries count as applied: the members are in the backend already.
  await backend.commit(applied);
  await backend.close();
  return { memberId: self.id, clusterId };
}
