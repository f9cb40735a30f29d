// The bbolt writer against real etcd 3.4 tools: an etcd snapshot's buckets rewritten by the writer pass
// `etcdctl snapshot status` (its integrity check, same hash, revision and key count), `etcdctl snapshot
// restore`, and a real etcd started on the restored data dir shows the same keys, history, leases and auth.

import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBoltFile } from '../../../src/storage/bbolt/reader.js';
import { writeBoltFile } from '../../../src/storage/bbolt/writer.js';
import { ProcessCluster } from '../../support/process-cluster.js';
import { ROOT_AUTH, etcdctlRestore, etcdctlStatus, rootCtl, viewOf, writeHistory, type History } from '../../support/etcd-history.js';

let source: ProcessCluster;
let restored: ProcessCluster | undefined;
let history: History;
let original: string;
let rewritten: string;

beforeAll(async () => {
  source = await ProcessCluster.start(1, 'etcd');
  history = writeHistory(source);
  original = join(source.dir, 'etcd.snapshot');
  rootCtl(source, ['snapshot', 'save', original]);
  const bytes = readFileSync(original);
  const db = writeBoltFile(readBoltFile(bytes.subarray(0, bytes.length - 32)).buckets);
  rewritten = join(source.dir, 'rewritten.snapshot');
  writeFileSync(rewritten, Buffer.concat([db, createHash('sha256').update(db).digest()]));
}, 120_000);

afterAll(async () => {
  await restored?.stop();
  await source?.stop();
});

describe('bbolt writer with etcd 3.4', () => {
  it('etcdctl snapshot status checks the file and finds the same hash, revision and keys', () => {
    const before = etcdctlStatus(original);
    const after = etcdctlStatus(rewritten);
    expect(after.revision).toBe(9);
    expect({ ...after, totalSize: 0 }).toEqual({ ...before, totalSize: 0 });
  });

  it('etcdctl snapshot restore of it starts a real etcd with the same data', async () => {
    // Auth is on in the snapshot: the health check needs credentials too.
    restored = await ProcessCluster.start(1, 'etcd', [], etcdctlRestore(rewritten), { etcdctlFlags: [ROOT_AUTH] });
    const expected = viewOf(source);
    expect(expected['get a --rev=2 (compacted)']).toMatch(/required revision has been compacted/);
    expect(expected['get  --prefix']).toContain('t/099\nvalue-99\n');
    expect(expected['lease list']).toContain(history.leaseId);
    expect(viewOf(restored)).toEqual(expected);
    // Writes go on from the snapshot's revision.
    expect(rootCtl(restored, ['put', 'after', 'restore'])).toBe('OK\n');
    expect(rootCtl(restored, ['get', 'after', '-w', 'json'])).toMatch(/"mod_revision":10\b/);
  }, 120_000);
});
