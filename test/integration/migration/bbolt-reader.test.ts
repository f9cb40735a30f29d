// The bbolt reader against a real etcd 3.4 snapshot: every bucket etcd writes, read back with the
// revisions, values, leases and auth records the history put there.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBoltFile, type BoltFile } from '../../../src/storage/bbolt/reader.js';
import type { BoltBucket } from '../../../src/storage/bbolt/page-layout.js';
import { messageType } from '../../../src/wire/proto.js';
import { ProcessCluster } from '../../support/process-cluster.js';
import { BIG_VALUE, TXN_KEYS, rootCtl, writeHistory, type History } from '../../support/etcd-history.js';

const KeyValue = messageType('mvccpb.KeyValue');

let cluster: ProcessCluster;
let history: History;
let db: BoltFile;

function bucket(name: string): BoltBucket {
  const found = db.buckets.find((b) => b.name.toString() === name);
  if (!found) throw new Error(`no bucket ${name}`);
  return found;
}

function entry(name: string, key: string): Buffer | undefined {
  return bucket(name).entries.find(([k]) => k.toString() === key)?.[1];
}

/** "main_sub" with a trailing "t" for a tombstone, from etcd's 17/18-byte revision key. */
function revisionOf(key: Buffer): string {
  expect(key[8]).toBe(0x5f);
  return `${key.readBigUInt64BE(0)}_${key.readBigUInt64BE(9)}${key.length === 18 ? key.subarray(17).toString() : ''}`;
}

beforeAll(async () => {
  cluster = await ProcessCluster.start(1, 'etcd');
  history = writeHistory(cluster);
  const file = join(cluster.dir, 'etcd.snapshot');
  rootCtl(cluster, ['snapshot', 'save', file]);
  const bytes = readFileSync(file);
  db = readBoltFile(bytes.subarray(0, bytes.length - 32));
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('bbolt reader on an etcd 3.4 snapshot', () => {
  it('finds every bucket etcd keeps, in name order', () => {
    expect(db.meta.pageSize).toBe(4096);
    expect(db.buckets.map((b) => b.name.toString())).toEqual(['alarm', 'auth', 'authRoles', 'authUsers', 'cluster', 'key', 'lease', 'members', 'members_removed', 'meta']);
  });

  it('reads the key bucket: revisions in order, compacted history gone, tombstones marked', () => {
    const records = bucket('key').entries.map(([k, v]) => ({ rev: revisionOf(k), kv: KeyValue.decode(v) }));
    const revisions = records.map((r) => r.rev);
    expect(revisions.slice(0, 5)).toEqual(['3_0', '4_0', '5_0t', '6_0', '7_0']);
    expect(revisions.slice(5, 5 + TXN_KEYS)).toEqual(Array.from({ length: TXN_KEYS }, (_, i) => `8_${i}`));
    expect(revisions.at(-1)).toBe('9_0');
    const at = (rev: string) => records.find((r) => r.rev === rev)!.kv;
    expect(Buffer.from(at('3_0').value).toString()).toBe('2');
    expect(Buffer.from(at('5_0t').key).toString()).toBe('b');
    expect(at('6_0').lease.toString(16).padStart(16, '0')).toBe(history.leaseId);
    expect(Buffer.from(at('7_0').value).toString()).toBe(BIG_VALUE);
    expect(Buffer.from(at('8_42').key).toString()).toBe('t/042');
    expect(Number(at('9_0').version)).toBe(3);
    expect(Number(at('9_0').create_revision)).toBe(2);
  });

  it('reads meta, lease, auth and cluster buckets', () => {
    expect(entry('meta', 'finishedCompactRev')!.readBigUInt64BE(0)).toBe(BigInt(history.compacted));
    expect(entry('meta', 'consistent_index')!.length).toBe(8);
    const leases = bucket('lease').entries;
    expect(leases.map(([k]) => k.toString('hex'))).toEqual([history.leaseId]);
    expect(entry('auth', 'authEnabled')).toEqual(Buffer.of(1));
    expect(bucket('authUsers').entries.map(([k]) => k.toString())).toEqual(['alice', 'root']);
    const alice = messageType('authpb.User').decode(entry('authUsers', 'alice')!);
    expect(alice.roles).toEqual(['reader']);
    const reader = messageType('authpb.Role').decode(entry('authRoles', 'reader')!);
    expect(Buffer.from(reader.keyPermission[0]!.key).toString()).toBe('t/');
    expect(entry('cluster', 'clusterVersion')!.toString()).toMatch(/^3\.4\./);
    expect(JSON.parse(bucket('members').entries[0]![1].toString()).name).toBe('m1');
  });
});
