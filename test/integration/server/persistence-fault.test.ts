// A member whose disk fails at any persistence point stops with a fatal log line and exit status 1 (as etcd
// does) rather than go on serving a state that diverges; restarted on a working disk, it replays its raft
// log, catches up, and serves every write that was acknowledged. Failures are injected with
// BARGE_FAULT_INJECT (src/storage/fault-injection.ts) into one member of a real three-member cluster.

import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_INJECT_ENV, type FaultPoint } from '../../../src/storage/fault-injection.js';
import { ProcessCluster, exitCodeWithin, type ClusterMember } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';

let cluster: ProcessCluster;
let client: Etcd3;
let victim: ClusterMember;
const acknowledged: string[] = [];
let written = 0;

beforeAll(async () => {
  // Small snapshots, so a member that was down is sent one (the snapshot-install point).
  cluster = await ProcessCluster.start(3, 'barge', ['--snapshot-count=40', '--experimental-snapshot-catchup-entries=5']);
  victim = cluster.members[2]!;
  client = new Etcd3({ hosts: cluster.members.slice(0, 2).map((m) => m.clientUrl) });
}, 60_000);

afterAll(async () => {
  client?.close();
  await cluster?.stop();
});

/** Writes one key through the healthy members, or through the victim itself; remembers it if acknowledged. */
async function write(throughVictim: boolean): Promise<void> {
  const key = `fault/${String(++written).padStart(5, '0')}`;
  if (throughVictim) {
    const put = cluster.etcdctl(['put', key, 'v'], [victim.clientUrl.replace('http://', '')]);
    if (put.status === 0) acknowledged.push(key);
    return;
  }
  await client.put(key).value('v');
  acknowledged.push(key);
}

/** The keys the victim serves from its own state (a serializable read, answered without the leader). */
function victimKeys(): string[] {
  const got = cluster.etcdctl(['get', '--prefix', 'fault/', '--keys-only', '--consistency=s'], [victim.clientUrl.replace('http://', '')]);
  return got.status === 0 ? got.stdout.split('\n').filter((line) => line.length > 0) : [];
}

/** Restarts the victim with `point` failing after `after` writes; keeps writing until it exits. */
async function failVictimAt(point: FaultPoint, after: number): Promise<{ code: number | null; log: string }> {
  await cluster.kill(victim);
  victim.log = '';
  cluster.spawn(victim, 'new', { [FAULT_INJECT_ENV]: `${point}:after=${after}` });
  // Writes go on until the victim exits, or this bound (then `code` is null) ends them: a loaded machine
  // restarts and catches the victim up slowly, so a count of writes is no bound to rely on.
  const exited = exitCodeWithin(victim.process!, 60_000);
  let done = false;
  // A rejection only stops the writes here; `await exited` below reports it.
  exited.then(() => (done = true), () => (done = true));
  for (let i = 0; !done; i++) await write(i % 5 === 4);
  return { code: await exited, log: victim.log };
}

/** Restarts the victim on a working disk and waits until it serves every acknowledged write. */
async function recoverVictim(): Promise<void> {
  await cluster.kill(victim);
  cluster.spawn(victim);
  await cluster.waitHealthy(30_000);
  await write(true);
  const expected = [...acknowledged].sort();
  await until('the restarted member to serve every acknowledged write', () => {
    const keys = victimKeys();
    return expected.every((k) => keys.includes(k));
  }, { timeoutMs: 30_000, pollMs: 250 });
}

describe('a member whose disk fails', () => {
  for (const point of ['raft-log-append', 'hard-state', 'backend-commit'] as const) {
    it(`stops with a fatal line and status 1 when ${point} fails, and rejoins with every acknowledged write`, async () => {
      const { code, log } = await failVictimAt(point, 5);
      expect(code).toBe(1);
      expect(log).toMatch(new RegExp(`"level":"fatal".*injected disk failure at ${point}`));
      await recoverVictim();
    }, 150_000);
  }

  it('stops with a fatal line and status 1 when installing a snapshot fails, and rejoins with every acknowledged write', async () => {
    await cluster.kill(victim);
    // Far enough ahead that the leader has compacted what the victim lacks: it must be sent a snapshot.
    for (let i = 0; i < 120; i++) await write(false);
    const { code, log } = await failVictimAt('snapshot-install', 0);
    expect(code).toBe(1);
    expect(log).toMatch(/"level":"fatal".*injected disk failure at snapshot-install/);
    await recoverVictim();
  }, 150_000);
});
