// What a new cluster's members (and a data dir restored from a snapshot) start from: the founding
// members as the first raft entries, and the member's own and cluster's ids in the state backend.

import { ConfChangeType, EntryType, encodeConfChange, type Entry, type HardState } from '../raft/index.js';
import { metaKey, type Backend } from '../storage/backend.js';
import type { RaftWal } from '../storage/wal/raft-wal.js';
import type { MemoryStorage } from '../raft/index.js';
import { encodeMemberAttributes } from './member-codec.js';
import { clusterIdOf, memberIdOf } from './members.js';

export const MEMBER_ID_KEY = metaKey('member_id');
export const CLUSTER_ID_KEY = metaKey('cluster_id');

export interface Founder {
  readonly id: bigint;
  readonly name: string;
  readonly peerUrls: readonly string[];
}

/** The founding members named by --initial-cluster, with etcd's ids. */
export function foundersOf(initialCluster: ReadonlyMap<string, readonly string[]>, clusterToken: string): { founders: Founder[]; clusterId: bigint } {
  const founders = [...initialCluster].map(([name, peerUrls]) => ({ id: memberIdOf(peerUrls, clusterToken), name, peerUrls }));
  return { founders, clusterId: clusterIdOf(founders.map((m) => m.id)) };
}

/** Writes the founding members as entries 1..n, committed, into the log (and the raft storage, if given). */
export async function writeFoundingEntries(logStore: RaftWal, founders: readonly Founder[], storage?: MemoryStorage): Promise<number> {
  const entries: Entry[] = founders.map((m, i) => ({
    term: 1,
    index: i + 1,
    type: EntryType.ConfChange,
    data: encodeConfChange({
      type: ConfChangeType.AddNode,
      nodeId: m.id,
      context: encodeMemberAttributes({ id: m.id, name: '', peerUrls: m.peerUrls, clientUrls: [], isLearner: false }),
    }),
  }));
  const hardState: HardState = { term: 1, vote: 0n, commit: entries.length };
  await logStore.save({ entries, hardState }, { sync: true });
  storage?.append(entries);
  storage?.setHardState(hardState);
  return entries.length;
}

function uint64Bytes(value: bigint): Uint8Array {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(value);
  return bytes;
}

export function stageIdentity(backend: Backend, memberId: bigint, clusterId: bigint): void {
  backend.put(MEMBER_ID_KEY, uint64Bytes(memberId));
  backend.put(CLUSTER_ID_KEY, uint64Bytes(clusterId));
}

export async function loadIdentity(backend: Backend): Promise<{ memberId: bigint; clusterId: bigint } | undefined> {
  const member = await backend.get(MEMBER_ID_KEY);
  const cluster = await backend.get(CLUSTER_ID_KEY);
  if (member === undefined || cluster === undefined) return undefined;
  return { memberId: Buffer.from(member).readBigUInt64BE(), clusterId: Buffer.from(cluster).readBigUInt64BE() };
}

/**
 * A snapshot's records as this member keeps them: the sender's own member id is replaced by ours, so
 * that installing a snapshot (one atomic swap of the backend) never changes who this member is.
 */
export async function* withOwnIdentity(records: AsyncIterable<[Uint8Array, Uint8Array]>, memberId: bigint): AsyncIterable<[Uint8Array, Uint8Array]> {
  const memberIdKey = Buffer.from(MEMBER_ID_KEY);
  for await (const record of records) if (!memberIdKey.equals(record[0])) yield record;
  yield [MEMBER_ID_KEY, uint64Bytes(memberId)];
}
