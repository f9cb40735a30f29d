// Migration from Barge back to etcd with etcd's own tools: `etcdctl snapshot save` from a Barge member
// holding history, deletes, a lease and auth gives a file `etcdctl snapshot status` checks and reads,
// `etcdctl snapshot restore` makes an etcd data dir of it, and a real etcd 3.4 started there serves the
// same keys, revisions, lease and users (passwords included).

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BARGECTL } from '../cli/ctl-harness.js';
import { ProcessCluster } from '../../support/process-cluster.js';
import { ROOT_AUTH, etcdctlRestore, etcdctlStatus, rootCtl, viewOf, writeHistory, type History } from '../../support/etcd-history.js';

let barge: ProcessCluster;
let etcd: ProcessCluster | undefined;
let history: History;
let snapshot: string;

beforeAll(async () => {
  // Three members loading at once take 15-25 s to serve under a load of 20-30: a bound, not a wait.
  barge = await ProcessCluster.start(3, 'barge', [], undefined, { startTimeoutMs: 60_000 });
  history = writeHistory(barge);
  snapshot = join(barge.dir, 'barge.snapshot');
  const saved = barge.etcdctl([ROOT_AUTH, 'snapshot', 'save', snapshot], barge.endpoints.slice(1, 2));
  if (saved.status !== 0) throw new Error(`etcdctl snapshot save: ${saved.stderr}`);
}, 120_000);

afterAll(async () => {
  await etcd?.stop();
  await barge?.stop();
});

describe('Barge snapshot → etcd 3.4', () => {
  it('etcdctl snapshot status checks the file; bargectl prints the same', () => {
    const status = etcdctlStatus(snapshot);
    expect(status.revision).toBe(history.revision);
    const bargectl = spawnSync(process.execPath, [BARGECTL, 'snapshot', 'status', snapshot, '-w', 'json'], { encoding: 'utf8', timeout: 30_000 });
    expect(JSON.parse(bargectl.stdout)).toEqual(status);
  });

  it('etcdctl snapshot restore of it starts a real etcd with the same keys, history, lease and auth', async () => {
    etcd = await ProcessCluster.start(1, 'etcd', [], etcdctlRestore(snapshot), { etcdctlFlags: [ROOT_AUTH] });
    const expected = viewOf(barge);
    expect(expected['get  --prefix']).toContain('t/099\nvalue-99\n');
    expect(expected['lease list']).toContain(history.leaseId);
    expect(expected['get a --rev=2 (compacted)']).toMatch(/required revision has been compacted/);
    expect(viewOf(etcd)).toEqual(expected);
    // A user made on Barge logs in to etcd with the same password.
    const alice = etcd.etcdctl(['--user=alice:alicepw', 'get', 't/042'], etcd.endpoints);
    expect(alice.stdout).toBe('t/042\nvalue-42\n');
    // Writes go on from the snapshot's revision.
    rootCtl(etcd, ['put', 'after', 'restore']);
    expect(rootCtl(etcd, ['get', 'after', '-w', 'json'])).toMatch(/"mod_revision":10\b/);
  }, 120_000);
});
