// The operations guide's backup: `etcdctl snapshot save` from a member while a client keeps writing.
// The file passes `etcdctl snapshot status`, and a real etcd 3.4 restored from it (`etcdctl snapshot
// restore`) holds a consistent prefix of the writes: one writer's keys 0..n with no gap, every write
// acknowledged before the save began among them, and the revision the status reports.

import { Etcd3 } from 'etcd3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../support/process-cluster.js';
import { etcdctlRestore, etcdctlStatus } from '../../support/etcd-history.js';
import { until } from '../../support/wait.js';
import { threeMembers } from './three-members.js';

const started = threeMembers();
let barge: ProcessCluster;
let etcd: ProcessCluster | undefined;

beforeAll(() => {
  barge = started();
});

afterAll(async () => {
  await etcd?.stop();
});

const key = (i: number): string => `seq/${String(i).padStart(6, '0')}`;

describe('snapshot save during writes', () => {
  it('restores to a consistent prefix of the acknowledged writes', async () => {
    const client = new Etcd3({ hosts: barge.members.map((m) => m.clientUrl) });
    let acknowledged = 0;
    let writing = true;
    // One writer, one put at a time: write i is acknowledged only after every write before it.
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        await client.put(key(i)).value(String(i));
        acknowledged = i + 1;
      }
    })();
    const snapshot = join(barge.dir, 'busy.snapshot');
    let ackedBeforeSave = 0;
    let ackedAfterSave = 0;
    try {
      await until('writes under way', () => acknowledged >= 50, { timeoutMs: 30_000 });
      ackedBeforeSave = acknowledged;
      // From a follower, as an operator backing up without loading the leader would.
      const follower = barge.members.find((m) => m !== barge.leader())!;
      const saved = barge.etcdctl(['snapshot', 'save', snapshot], [follower.clientUrl.replace('http://', '')]);
      expect(saved.status, saved.stderr).toBe(0);
      expect(saved.stdout).toContain(`Snapshot saved at ${snapshot}`);
      ackedAfterSave = acknowledged;
      await until('writes go on after the save', () => acknowledged >= ackedAfterSave + 20, { timeoutMs: 30_000 });
    } finally {
      writing = false;
      await writer;
      client.close();
    }

    const status = etcdctlStatus(snapshot);
    etcd = await ProcessCluster.start(1, 'etcd', [], etcdctlRestore(snapshot), { startTimeoutMs: 60_000 });
    const listed = etcd.etcdctl(['get', 'seq/', '--prefix', '--keys-only']).stdout.split('\n').filter((l) => l.length > 0);
    const restored = listed.map((k) => Number(k.slice(4)));
    // A prefix: 0..n-1 exactly, in order, nothing missing in between.
    expect(restored).toEqual(restored.map((_, i) => i));
    expect(restored.length).toBeGreaterThanOrEqual(ackedBeforeSave);
    // Nothing from after the save finished beyond what was in flight then.
    expect(restored.length).toBeLessThanOrEqual(ackedAfterSave + 1);
    // The restored store stands at the snapshot's revision: one revision per write after the first.
    const revision = Number(JSON.parse(etcd.etcdctl(['get', key(0), '-w', 'json']).stdout).header.revision);
    expect(revision).toBe(status.revision);
    expect(revision).toBe(restored.length + 1);
  }, 180_000);
});
