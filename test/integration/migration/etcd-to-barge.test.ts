// Migration from etcd to Barge with the tools users already have: a real etcd 3.4 holding history,
// deletes, a lease and auth is saved with `etcdctl snapshot save`; `bargectl snapshot status` reads the
// file as etcdctl does, `bargectl snapshot restore` makes the data dirs, and the Barge cluster started on
// them serves the same keys, revisions, lease and users.

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BARGECTL } from '../cli/ctl-harness.js';
import { ProcessCluster, type ClusterMember } from '../../support/process-cluster.js';
import { ROOT_AUTH, rootCtl, viewOf, writeHistory, type History } from '../../support/etcd-history.js';

let source: ProcessCluster;
let barge: ProcessCluster | undefined;
let history: History;
let snapshot: string;

function tool(command: string, args: readonly string[]): { stdout: string; stderr: string; status: number | null } {
  const [bin, ...pre] = command === 'bargectl' ? [process.execPath, BARGECTL] : ['etcdctl'];
  return spawnSync(bin!, [...pre, ...args], { env: { ...process.env, ETCDCTL_API: '3' }, encoding: 'utf8', timeout: 30_000 });
}

function bargectlRestore(file: string): (members: readonly ClusterMember[], cluster: ProcessCluster) => Promise<void> {
  return async (members, cluster) => {
    for (const member of members) {
      const result = tool('bargectl', ['snapshot', 'restore', file, `--data-dir=${member.dataDir}`, `--name=${member.name}`, `--initial-cluster=${cluster.initialCluster()}`, `--initial-advertise-peer-urls=${member.peerUrl}`, '--initial-cluster-token=test-cluster']);
      if (result.status !== 0) throw new Error(`bargectl snapshot restore: ${result.stderr}`);
    }
  };
}

beforeAll(async () => {
  source = await ProcessCluster.start(1, 'etcd');
  history = writeHistory(source);
  snapshot = join(source.dir, 'etcd.snapshot');
  rootCtl(source, ['snapshot', 'save', snapshot]);
}, 120_000);

afterAll(async () => {
  await barge?.stop();
  await source?.stop();
});

describe('etcd 3.4 snapshot → Barge', () => {
  it('bargectl snapshot status prints what etcdctl prints, in every output format', () => {
    for (const format of ['simple', 'json', 'table', 'fields']) {
      const expected = tool('etcdctl', ['snapshot', 'status', snapshot, '-w', format]);
      expect(expected.status).toBe(0);
      expect(tool('bargectl', ['snapshot', 'status', snapshot, '-w', format]).stdout).toBe(expected.stdout);
    }
    expect(JSON.parse(tool('bargectl', ['snapshot', 'status', snapshot, '-w', 'json']).stdout).revision).toBe(history.revision);
  });

  it('bargectl snapshot restore starts a Barge cluster with the same keys, history, lease and auth', async () => {
    // Three members loading at once take 15-25 s to serve under a load of 20-30: a bound, not a wait.
    barge = await ProcessCluster.start(3, 'barge', [], bargectlRestore(snapshot), { etcdctlFlags: [ROOT_AUTH], startTimeoutMs: 60_000 });
    const expected = viewOf(source);
    expect(expected['get  --prefix']).toContain('t/099\nvalue-99\n');
    expect(expected['lease list']).toContain(history.leaseId);
    expect(viewOf(barge)).toEqual(expected);
    // Auth is on: no credentials, no data.
    expect(tool('etcdctl', [`--endpoints=${barge.endpoints[0]}`, 'get', 'a']).stderr).toMatch(/user name is empty/);
    // Writes go on from the snapshot's revision.
    rootCtl(barge, ['put', 'after', 'restore']);
    expect(rootCtl(barge, ['get', 'after', '-w', 'json'])).toMatch(/"mod_revision":10\b/);
  }, 120_000);

  it('bargectl snapshot restore refuses a file whose hash does not match, with etcdctl\'s error', () => {
    const damaged = join(source.dir, 'damaged.snapshot');
    const bytes = readFileSync(snapshot);
    bytes.writeUInt8(bytes.readUInt8(5000) ^ 0xff, 5000);
    writeFileSync(damaged, bytes);
    const restore = (command: string): { status: number | null; error: string } => {
      const result = tool(command, ['snapshot', 'restore', damaged, `--data-dir=${join(source.dir, `${command}-restore`)}`]);
      return { status: result.status, error: result.stderr.trim().split('\n').at(-1)! };
    };
    const expected = restore('etcdctl');
    expect(expected.error).toMatch(/^Error: expected sha256 \[/);
    expect(restore('bargectl')).toEqual(expected);
  });
});
