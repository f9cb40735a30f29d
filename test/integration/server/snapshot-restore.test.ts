// Backup and restore: `etcdctl snapshot save` against a running Barge member, `bargectl snapshot status`
// and `restore` into three new data dirs, and a new cluster started on them that serves the saved data.

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../support/process-cluster.js';

const BARGECTL = resolve(import.meta.dirname, '../../../bin/bargectl.js');
const clusters: ProcessCluster[] = [];
afterAll(async () => {
  await Promise.all(clusters.map((c) => c.stop()));
});

function bargectl(args: string[]): { stdout: string; stderr: string; status: number } {
  const result = spawnSync(process.execPath, [BARGECTL, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status ?? -1 };
}

describe('snapshot save and restore', () => {
  it('a snapshot saved with etcdctl restores, with bargectl, into a new cluster holding the same data', async () => {
    const original = await ProcessCluster.start(3);
    clusters.push(original);
    for (let i = 0; i < 30; i++) original.etcdctl(['put', `saved/${i}`, `value ${i}`]);
    original.etcdctl(['del', 'saved/7']);
    const expected = original.etcdctl(['get', '--prefix', 'saved/']).stdout;
    const file = join(original.dir, 'backup.db');
    const saved = original.etcdctl(['snapshot', 'save', file], [original.endpoints[1]!]);
    expect(saved.stdout).toBe(`Snapshot saved at ${file}\n`);

    // bargectl reads the file as etcdctl does: Barge saves etcd's own database format.
    for (const format of ['simple', 'json', 'fields', 'table']) {
      const expectedStatus = spawnSync('etcdctl', ['snapshot', 'status', file, '-w', format], { env: { ...process.env, ETCDCTL_API: '3' }, encoding: 'utf8', timeout: 30_000 });
      expect(expectedStatus.status).toBe(0);
      expect(bargectl(['snapshot', 'status', file, '-w', format]).stdout).toBe(expectedStatus.stdout);
    }
    expect(JSON.parse(bargectl(['snapshot', 'status', file, '-w', 'json']).stdout)).toMatchObject({ revision: 32 });

    const restored = await ProcessCluster.start(3, 'barge', [], async (members, cluster) => {
      for (const m of members) {
        const result = bargectl([
          'snapshot', 'restore', file,
          `--data-dir=${m.dataDir}`,
          `--name=${m.name}`,
          `--initial-cluster=${cluster.initialCluster()}`,
          '--initial-cluster-token=test-cluster',
          `--initial-advertise-peer-urls=${m.peerUrl}`,
        ]);
        expect(result.stderr).toBe('');
      }
    });
    clusters.push(restored);
    expect(restored.etcdctl(['get', '--prefix', 'saved/']).stdout).toBe(expected);
    expect(restored.etcdctl(['member', 'list']).stdout.trim().split('\n')).toHaveLength(3);
    expect(restored.etcdctl(['put', 'new', 'write']).stdout).toBe('OK\n');
  }, 90_000);

  it('a damaged snapshot file is refused by status and restore', () => {
    const file = join(clusters[0]!.dir, 'damaged.db');
    writeFileSync(file, Buffer.alloc(1024 + 32, 7));
    // etcdctl's errors: status opens the database, restore checks the trailing hash first.
    expect(bargectl(['snapshot', 'status', file]).stderr).toBe('Error: invalid database\n');
    const restore = bargectl(['snapshot', 'restore', file, `--data-dir=${join(clusters[0]!.dir, 'never')}`]);
    expect(restore.status).toBe(1);
    expect(restore.stderr).toMatch(/^Error: expected sha256 \[7 7 7 /);
  });
});
