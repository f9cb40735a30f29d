// --strict-reconfig-check, etcd's default: with one of three members down, a member add and the removal of a
// member that is up would leave no quorum to spare, and are refused with etcd's error (compared with a
// real etcd 3.4); removing the member that is down is allowed. With --strict-reconfig-check=false the add
// goes through, as on etcd.

import { afterEach, describe, expect, it } from 'vitest';
import { ProcessCluster, freePort, type Implementation } from '../../support/process-cluster.js';

let cluster: ProcessCluster | undefined;

afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

function memberIds(c: ProcessCluster): Map<string, string> {
  const lines = c.etcdctl(['member', 'list']).stdout.trim().split('\n');
  return new Map(lines.map((l) => l.split(', ')).map(([id, , name]) => [name!, id!]));
}

/** A three-member cluster with m3 killed; the other two keep a leader. */
async function oneDown(implementation: Implementation, flags: readonly string[] = []): Promise<ProcessCluster> {
  const c = await ProcessCluster.start(3, implementation, flags, undefined, { startTimeoutMs: 90_000 });
  cluster = c;
  await c.kill(c.members[2]!);
  return c;
}

const live = (c: ProcessCluster): string[] => c.endpoints.slice(0, 2);

/** What etcdctl answers, with one member down, to an add, the removal of a live member and of the dead one. */
async function reconfigurations(c: ProcessCluster): Promise<{ add: string; removeLive: string; removeDead: string }> {
  const ids = memberIds(c);
  const add = c.etcdctl(['member', 'add', 'm4', `--peer-urls=http://127.0.0.1:${await freePort()}`], live(c));
  const removeLive = c.etcdctl(['member', 'remove', ids.get('m2')!], live(c));
  const removeDead = c.etcdctl(['member', 'remove', ids.get('m3')!], live(c));
  // The last line: etcdctl may log a retry warning (with a time stamp) before its error.
  const text = (r: { stdout: string; stderr: string }): string =>
    `${r.stdout}${r.stderr}`.trim().split('\n').at(-1)!.replace(/\b[0-9a-f]{6,16}\b/g, '<id>');
  return { add: text(add), removeLive: text(removeLive), removeDead: text(removeDead) };
}

describe('--strict-reconfig-check', () => {
  let etcd: { add: string; removeLive: string; removeDead: string };

  it('on a real etcd 3.4 (the reference)', async () => {
    etcd = await reconfigurations(await oneDown('etcd'));
    expect(etcd.add).toBe('Error: etcdserver: unhealthy cluster');
    expect(etcd.removeLive).toBe('Error: etcdserver: unhealthy cluster');
    expect(etcd.removeDead).toMatch(/^Member <id> removed from cluster <id>$/);
  }, 150_000);

  it('Barge refuses and allows the same changes with the same answers', async () => {
    const barge = await reconfigurations(await oneDown('barge'));
    expect(barge).toEqual(etcd);
  }, 150_000);

  it('=false: the add that costs the spare member goes through', async () => {
    const c = await oneDown('barge', ['--strict-reconfig-check=false']);
    const add = c.etcdctl(['member', 'add', 'm4', `--peer-urls=http://127.0.0.1:${await freePort()}`], live(c));
    expect(add.stderr).toBe('');
    expect(add.stdout).toMatch(/^Member [0-9a-f]+ added to cluster [0-9a-f]+/);
  }, 150_000);
});
