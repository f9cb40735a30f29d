// Cluster membership as etcd derives and reports it: member and cluster ids from SHA-1 of URLs and the
// cluster token (so every founding member computes the same ids without talking), and the member list,
// replicated through membership entries and kept in the state backend.

import { createHash } from 'node:crypto';
import { Bucket, bucketKey, type Backend } from '../storage/backend.js';

export interface Member {
  readonly id: bigint;
  /** Empty until the member started and published itself (etcdctl shows it as "unstarted"). */
  readonly name: string;
  readonly peerUrls: readonly string[];
  readonly clientUrls: readonly string[];
  readonly isLearner: boolean;
}

function firstUint64(digest: Buffer): bigint {
  return digest.readBigUInt64BE(0);
}

/** etcd's member id: SHA-1 over the sorted peer URLs, the cluster token and, for members added later, a time. */
export function memberIdOf(peerUrls: readonly string[], clusterToken: string, addedAtSeconds?: number): bigint {
  const hash = createHash('sha1');
  hash.update([...peerUrls].sort().join(''));
  hash.update(clusterToken);
  if (addedAtSeconds !== undefined) hash.update(String(addedAtSeconds));
  return firstUint64(hash.digest());
}

/** etcd's cluster id: SHA-1 over the founding members' ids in order. */
export function clusterIdOf(memberIds: readonly bigint[]): bigint {
  const bytes = Buffer.alloc(8 * memberIds.length);
  [...memberIds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).forEach((id, i) => bytes.writeBigUInt64BE(id, i * 8));
  return firstUint64(createHash('sha1').update(bytes).digest());
}

export function hexId(id: bigint): string {
  return id.toString(16);
}

function memberKey(id: bigint): Uint8Array {
  const key = Buffer.alloc(8);
  key.writeBigUInt64BE(id);
  return bucketKey(Bucket.Members, key);
}

export class MemberRegistry {
  private readonly members = new Map<bigint, Member>();
  /** Ids once members and now removed: never reused, and a removed member's messages are refused. */
  private readonly removed = new Set<bigint>();

  constructor(private readonly backend: Backend) {}

  static async load(backend: Backend): Promise<MemberRegistry> {
    const registry = new MemberRegistry(backend);
    await registry.reload();
    return registry;
  }

  /** Replaces what this registry holds with the backend's member list (after a snapshot replaced the backend). */
  async reload(): Promise<void> {
    this.members.clear();
    this.removed.clear();
    for await (const [key, value] of this.backend.scan(Bucket.Members)) {
      const id = Buffer.from(key).readBigUInt64BE();
      const stored = JSON.parse(Buffer.from(value).toString('utf8')) as { removed?: boolean } & Omit<Member, 'id'>;
      if (stored.removed) this.removed.add(id);
      else this.members.set(id, { id, name: stored.name, peerUrls: stored.peerUrls, clientUrls: stored.clientUrls, isLearner: stored.isLearner });
    }
  }

  list(): Member[] {
    return [...this.members.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  get(id: bigint): Member | undefined {
    return this.members.get(id);
  }

  isRemoved(id: bigint): boolean {
    return this.removed.has(id);
  }

  /** Adds or replaces a member (staged with the entry that did it). */
  set(member: Member): void {
    this.members.set(member.id, member);
    this.backend.put(memberKey(member.id), Buffer.from(JSON.stringify({ ...member, id: undefined })));
  }

  remove(id: bigint): void {
    this.members.delete(id);
    this.removed.add(id);
    this.backend.put(memberKey(id), Buffer.from(JSON.stringify({ removed: true })));
  }
}
