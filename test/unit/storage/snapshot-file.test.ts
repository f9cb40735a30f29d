// The snapshot file Barge saves is an etcd database: every part of Barge's state goes through etcd's
// buckets and comes back the same (only Barge's own member and cluster ids, which etcd keeps elsewhere,
// are left out); files in Barge's earlier format still read.

import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeRecord, revisionKey } from '../../../src/mvcc/record-codec.js';
import { Bucket, StateBackend, bucketKey, encodeUint, metaKey } from '../../../src/storage/backend.js';
import { readBoltFile } from '../../../src/storage/bbolt/reader.js';
import { readSnapshotFile, readSnapshotStatus, snapshotFileChunks } from '../../../src/storage/snapshot-file.js';
import { makeTempDir, removeTempDir } from './fixtures.js';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('snapshot-file');
});
afterEach(async () => {
  await removeTempDir(dir);
});

const int64 = (value: bigint): Buffer => {
  const out = Buffer.alloc(8);
  out.writeBigInt64BE(value);
  return out;
};

const put = (main: number, sub: number, key: string, value: string, lease = 0n): Rec =>
  [bucketKey(Bucket.Keyspace, revisionKey(main, sub)), encodeRecord({ main, sub, key, tombstone: false, value: Buffer.from(value), createRevision: 2, version: main - 1, lease })] as const;
const tombstone = (main: number, key: string): Rec =>
  [bucketKey(Bucket.Keyspace, revisionKey(main, 0)), encodeRecord({ main, sub: 0, key, tombstone: true, value: Buffer.alloc(0), createRevision: 0, version: 0, lease: 0n })] as const;

/** One record of every kind Barge keeps, in backend key order. */
type Rec = readonly [Uint8Array, Uint8Array];
const STATE: Rec[] = ([
  [bucketKey(Bucket.Auth, Buffer.from('m/enabled')), Buffer.of(1)],
  [bucketKey(Bucket.Auth, Buffer.from('m/revision')), encodeUint(7)],
  [bucketKey(Bucket.Auth, Buffer.from('r/reader')), Buffer.from('role bytes')],
  [bucketKey(Bucket.Auth, Buffer.from('u/alice')), Buffer.from('user bytes')],
  [bucketKey(Bucket.Members, int64(0x0102030405060708n)), Buffer.from(JSON.stringify({ name: 'm1', peerUrls: ['http://127.0.0.1:2380'], clientUrls: ['http://127.0.0.1:2379'], isLearner: false }))],
  [bucketKey(Bucket.Members, int64(-0x1000000000000000n)), Buffer.from(JSON.stringify({ removed: true }))],
  put(2, 0, 'a', 'one'),
  put(3, 0, 'a', 'two'),
  put(3, 1, '\u00ff\u0000binary', 'x', 0x7123456789abcdefn),
  tombstone(4, 'a'),
  [bucketKey(Bucket.Lease, int64(0x7123456789abcdefn)), int64(600n)],
  [metaKey('alarms'), Buffer.from(JSON.stringify([{ memberId: '18000000000000000000', alarm: 1 }]))],
  [metaKey('compact_revision'), encodeUint(2)],
  [metaKey('consistent_index'), encodeUint(42)],
] as Rec[]).sort(([a], [b]) => Buffer.compare(a, b));

async function backendWith(records: readonly Rec[]): Promise<StateBackend> {
  const backend = await StateBackend.open(join(dir, 'db'));
  for (const [key, value] of records) if (!Buffer.from(key).equals(metaKey('consistent_index'))) backend.put(key, value);
  await backend.commit(42);
  return backend;
}

describe('snapshot file', () => {
  it("is an etcd database and its SHA-256, holding all of Barge's state", async () => {
    const backend = await backendWith([...STATE, [metaKey('member_id'), encodeUint(1)], [metaKey('cluster_id'), encodeUint(2)]]);
    const chunks: Uint8Array[] = [];
    for await (const chunk of snapshotFileChunks(backend, 4096)) chunks.push(chunk);
    await backend.close();
    const file = Buffer.concat(chunks);
    expect(file.length % 512).toBe(32);
    const db = file.subarray(0, file.length - 32);
    expect(chunks.at(-1)).toEqual(createHash('sha256').update(db).digest());
    expect(readBoltFile(db).buckets.map((b) => b.name.toString())).toEqual(['alarm', 'auth', 'authRoles', 'authUsers', 'cluster', 'key', 'lease', 'members', 'members_removed', 'meta']);

    const path = join(dir, 'snapshot.db');
    writeFileSync(path, file);
    const back = (await readSnapshotFile(path)).map(([k, v]) => [Buffer.from(k).toString('hex'), Buffer.from(v).toString('hex')]);
    expect(back).toEqual(STATE.map(([k, v]) => [Buffer.from(k).toString('hex'), Buffer.from(v).toString('hex')]));
    // auth 2 + roles 1 + users 1 + cluster version 1 + key revisions 4 + lease 1 + members 2 + meta 3 + alarm 1
    expect(await readSnapshotStatus(path)).toMatchObject({ revision: 4, totalKey: 16 });
  });

  it("still reads Barge's earlier format", async () => {
    const frames = [Buffer.from('BARGESNP'), encodeUint(1).subarray(4)];
    for (const [key, value] of STATE) {
      const lengths = Buffer.alloc(8);
      lengths.writeUInt32BE(key.length, 0);
      lengths.writeUInt32BE(value.length, 4);
      frames.push(lengths, Buffer.from(key), Buffer.from(value));
    }
    frames.push(Buffer.from('ffffffff', 'hex'));
    const body = Buffer.concat(frames);
    const payload = Buffer.concat([body, Buffer.alloc((512 - (body.length % 512)) % 512)]);
    const path = join(dir, 'earlier.snapshot');
    writeFileSync(path, Buffer.concat([payload, createHash('sha256').update(payload).digest()]));
    expect((await readSnapshotFile(path)).length).toBe(STATE.length);
    expect(await readSnapshotStatus(path)).toMatchObject({ revision: 4, totalKey: 16 });
  });
});
