// Lease keep-alive, time-to-live and learner promotion sent to a follower reach the leader over the peer
// link (etcd's POST /leases, /leases/internal, /members/promote/<id>), whatever the client side looks like:
// (a) client URLs served with a certificate from a "corporate" CA the members are not given,
// (b) the same with --client-cert-auth, (c) advertised client URLs nobody listens on — and a leader
// killed mid-way: a follower's keep-alive waits for the next leader and is answered by it.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster, freePort, type ClusterMember } from '../../support/process-cluster.js';
import { createTestPki, type CertFiles, type TestPki } from '../../support/tls.js';

let dir: string;
/** Signs the peer certificates: the only CA the members are given (for the peer side). */
let peerPki: TestPki;
/** Signs the client URLs' certificates and the client's: trusted by etcdctl, not by the members (except (b)). */
let corporatePki: TestPki;
const peerCerts = new Map<string, CertFiles>();
const clientUrlCerts = new Map<string, CertFiles>();
let client: CertFiles;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'barge-lease-relay-'));
  mkdirSync(join(dir, 'peer'));
  mkdirSync(join(dir, 'corporate'));
  peerPki = await createTestPki(join(dir, 'peer'));
  corporatePki = await createTestPki(join(dir, 'corporate'));
  for (const name of ['m1', 'm2', 'm3', 'm4']) {
    peerCerts.set(name, await peerPki.member(name));
    clientUrlCerts.set(name, await corporatePki.member(name));
  }
  client = await corporatePki.client('alice');
}, 30_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Setup {
  /** Flags every member gets on top of the TLS ones. */
  readonly flags: readonly string[];
  /** Per member: advertise client URLs nobody listens on. */
  readonly unreachableAdvertisedClientUrls: boolean;
}

/** TLS flags of one member: peer side from the peer CA, client side with the corporate certificate. */
function tlsFlags(name: string): string[] {
  const peer = peerCerts.get(name)!;
  const served = clientUrlCerts.get(name)!;
  return [`--peer-cert-file=${peer.cert}`, `--peer-key-file=${peer.key}`, `--cert-file=${served.cert}`, `--key-file=${served.key}`];
}

async function startCluster(setup: Setup): Promise<{ cluster: ProcessCluster; unreachable: Map<string, string> }> {
  const unreachable = new Map<string, string>();
  for (const name of ['m1', 'm2', 'm3', 'm4']) unreachable.set(name, `https://127.0.0.1:${await freePort()}`);
  const cluster = await ProcessCluster.start(
    3,
    'barge',
    [`--peer-trusted-ca-file=${peerPki.caFile}`, '--peer-client-cert-auth', ...setup.flags],
    undefined,
    {
      clientScheme: 'https',
      peerScheme: 'https',
      memberFlags: (m) => [...tlsFlags(m.name), ...(setup.unreachableAdvertisedClientUrls ? [`--advertise-client-urls=${unreachable.get(m.name)}`] : [])],
      etcdctlFlags: [`--cacert=${corporatePki.caFile}`, `--cert=${client.cert}`, `--key=${client.key}`],
    },
  );
  return { cluster, unreachable };
}

function followers(cluster: ProcessCluster): ClusterMember[] {
  const leader = cluster.leader();
  return cluster.members.filter((m) => m !== leader && m.process?.exitCode === null);
}

/** Grants a lease on the leader, attaches a key; returns its id (hex, as etcdctl prints it). */
function grantOnLeader(cluster: ProcessCluster, key: string): string {
  const leader = cluster.leader();
  const granted = cluster.etcdctl(['lease', 'grant', '60'], [leader.clientUrl]);
  const id = /^lease ([0-9a-f]+) granted with TTL\(60s\)$/m.exec(granted.stdout)?.[1];
  expect(id, granted.stderr).toBeDefined();
  expect(cluster.etcdctl(['put', key, 'v', `--lease=${id}`], [leader.clientUrl]).stdout).toBe('OK\n');
  return id!;
}

function expectLeaseCallsRelayed(cluster: ProcessCluster, id: string, key: string): void {
  for (const follower of followers(cluster)) {
    const kept = cluster.etcdctl(['lease', 'keep-alive', '--once', id], [follower.clientUrl]);
    expect(kept.stderr).toBe('');
    expect(kept.stdout).toBe(`lease ${id} keepalived with TTL(60)\n`);
    const ttl = cluster.etcdctl(['lease', 'timetolive', id, '--keys'], [follower.clientUrl]);
    expect(ttl.stdout).toMatch(new RegExp(`^lease ${id} granted with TTL\\(60s\\), remaining\\((59|60)s\\), attached keys\\(\\[${key}\\]\\)\\n$`));
    // Unknown leases: etcd's answers, from the leader.
    expect(cluster.etcdctl(['lease', 'keep-alive', '--once', '1234abcd'], [follower.clientUrl]).stderr).toContain('etcdserver: requested lease not found');
    expect(cluster.etcdctl(['lease', 'timetolive', '1234abcd'], [follower.clientUrl]).stdout).toBe('lease 000000001234abcd already expired\n');
  }
}

/** Adds m4 as a learner (not started); returns its hex id. */
function addLearner(cluster: ProcessCluster, peerUrl: string): string {
  const added = cluster.etcdctl(['member', 'add', 'm4', '--learner', `--peer-urls=${peerUrl}`]);
  const id = /Member\s+([0-9a-f]+) added/.exec(added.stdout)?.[1];
  expect(id, added.stderr).toBeDefined();
  return id!;
}

describe('(a) client URLs with a certificate from a CA the members are not given', () => {
  let cluster: ProcessCluster;
  beforeAll(async () => ({ cluster } = await startCluster({ flags: [], unreachableAdvertisedClientUrls: false })), 60_000);
  afterAll(async () => cluster?.stop());

  it('keep-alive and time-to-live sent to a follower are answered by the leader', () => {
    expectLeaseCallsRelayed(cluster, grantOnLeader(cluster, 'a-key'), 'a-key');
  });

  it('member promote sent to a follower: refused while the learner lags, done once it caught up', async () => {
    const newcomer: ClusterMember = {
      name: 'm4',
      clientUrl: `https://127.0.0.1:${await freePort()}`,
      peerUrl: `https://127.0.0.1:${await freePort()}`,
      dataDir: join(cluster.dir, 'm4'),
      log: '',
    };
    const id = addLearner(cluster, newcomer.peerUrl);
    const follower = followers(cluster)[0]!;
    expect(cluster.etcdctl(['member', 'promote', id], [follower.clientUrl]).stderr).toContain(
      'etcdserver: can only promote a learner member which is in sync with leader',
    );
    cluster.members.push(newcomer);
    cluster.spawn(newcomer, 'existing');
    let promoted = { stdout: '', stderr: '', status: -1 };
    const deadline = Date.now() + 20_000;
    while (promoted.status !== 0 && Date.now() < deadline) {
      promoted = cluster.etcdctl(['member', 'promote', id], [follower.clientUrl]);
      if (promoted.status !== 0) {
        expect(promoted.stderr).toContain('in sync with leader');
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    expect(promoted.stdout).toMatch(new RegExp(`^Member\\s+${id} promoted in cluster\\s+[0-9a-f]+\\n$`));
    // The follower answered once it applied the promotion itself.
    expect(cluster.etcdctl(['member', 'list'], [follower.clientUrl]).stdout).toMatch(new RegExp(`^${id}, started, m4, ${newcomer.peerUrl}, ${newcomer.clientUrl}, false$`, 'm'));
  }, 60_000);
});

describe('(b) the same with --client-cert-auth', () => {
  let cluster: ProcessCluster;
  beforeAll(async () => ({ cluster } = await startCluster({ flags: ['--client-cert-auth', `--trusted-ca-file=${corporatePki.caFile}`], unreachableAdvertisedClientUrls: false })), 60_000);
  afterAll(async () => cluster?.stop());

  it('keep-alive, time-to-live and promote sent to a follower are answered by the leader', async () => {
    expectLeaseCallsRelayed(cluster, grantOnLeader(cluster, 'b-key'), 'b-key');
    const id = addLearner(cluster, `https://127.0.0.1:${await freePort()}`);
    const follower = followers(cluster)[0]!;
    expect(cluster.etcdctl(['member', 'promote', id], [follower.clientUrl]).stderr).toContain('in sync with leader');
    expect(cluster.etcdctl(['member', 'promote', 'abcdef'], [follower.clientUrl]).stderr).toContain('etcdserver: member not found');
  });
});

describe('(c) advertised client URLs nobody listens on', () => {
  let cluster: ProcessCluster;
  let unreachable: Map<string, string>;
  beforeAll(async () => ({ cluster, unreachable } = await startCluster({ flags: [], unreachableAdvertisedClientUrls: true })), 60_000);
  afterAll(async () => cluster?.stop());

  it('keep-alive, time-to-live and promote sent to a follower still reach the leader', async () => {
    // The members advertise the unreachable URLs (what a relay to client URLs would dial).
    expect(cluster.etcdctl(['member', 'list']).stdout).toContain(unreachable.get('m1'));
    expectLeaseCallsRelayed(cluster, grantOnLeader(cluster, 'c-key'), 'c-key');
    const id = addLearner(cluster, `https://127.0.0.1:${await freePort()}`);
    expect(cluster.etcdctl(['member', 'promote', id], [followers(cluster)[0]!.clientUrl]).stderr).toContain('in sync with leader');
  });

  it('with the leader killed, a follower keep-alive waits for the next leader and is answered by it', async () => {
    const id = grantOnLeader(cluster, 'c-survivor');
    const old = cluster.leader();
    const survivors = cluster.members.filter((m) => m !== old && m.name !== 'm4');
    await cluster.kill(old);
    const kept = cluster.etcdctl(['lease', 'keep-alive', '--once', id], [survivors[0]!.clientUrl]);
    expect(kept.stderr).toBe('');
    expect(kept.stdout).toBe(`lease ${id} keepalived with TTL(60)\n`);
    expect(survivors.map((m) => m.name)).toContain(cluster.leader().name);
  }, 30_000);
});
