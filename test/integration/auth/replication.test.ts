// Auth state is replicated state: a simple token issued by one member works on the others; users changed
// while a member was down reach it by snapshot (the others trimmed their logs), and everything survives
// a restart. And JWT mode: a token signed by one member is verified by another with the same keys.

import { generateKeyPairSync, createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../support/process-cluster.js';
import { authenticate, b64, ctl, eventually, gateway, setUpUsers } from './support.js';

const clusters: ProcessCluster[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(clusters.map((c) => c.stop()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('auth across members (simple tokens)', () => {
  it('tokens work on every member; users changed while a member was down reach it by snapshot and survive restarts', async () => {
    const cluster = await ProcessCluster.start(3, 'barge', ['--snapshot-count=40', '--experimental-snapshot-catchup-entries=5']);
    clusters.push(cluster);
    setUpUsers(cluster);
    const [m1, m2, m3] = cluster.members as [(typeof cluster.members)[0], (typeof cluster.members)[0], (typeof cluster.members)[0]];
    ctl(cluster, ['--user=alice:alicepw', 'put', '/app/x', '1']);

    // A token from m1 is known to m2 and m3 (authentication is a raft entry).
    const token = await authenticate(m1, 'alice', 'alicepw');
    for (const member of [m2, m3]) {
      const read = await gateway(member, '/kv/range', { key: b64('/app/x') }, token);
      expect(read.status).toBe(200);
      expect(read.body.count).toBe('1');
      const denied = await gateway(member, '/kv/range', { key: b64('/other') }, token);
      expect(denied.body.error).toBe('etcdserver: permission denied');
    }

    // m3 goes down; users change and the others move well past a snapshot.
    await cluster.kill(m3);
    const alive = [m1, m2].map((m) => m.clientUrl.replace('http://', ''));
    const root = '--user=root:rootpw';
    // If m3 led, the others elect a new leader first.
    await eventually(() => cluster.etcdctl([root, 'put', '/app/probe', '1'], alive).status === 0, 30_000, 'a leader among m1 and m2');
    ctl(cluster, [root, 'user', 'add', 'carol:carolpw'], alive);
    ctl(cluster, [root, 'user', 'grant-role', 'carol', 'app'], alive);
    ctl(cluster, [root, 'user', 'delete', 'alice'], alive);
    for (let i = 0; i < 60; i++) ctl(cluster, [root, 'put', `/app/k${i}`, 'v'], alive);

    cluster.spawn(m3);
    const onM3 = [m3.clientUrl.replace('http://', '')];
    await eventually(() => cluster.etcdctl(['--user=carol:carolpw', 'get', '/app/k59', '--print-value-only'], onM3).stdout.trim() === 'v', 60_000, 'carol on the restarted member');
    // The members' logs arrive through pipes read only while this test awaits: give them a moment.
    await eventually(() => m3.log.includes('installing snapshot'), 10_000, 'm3 to log that it installed a snapshot');
    const alice = cluster.etcdctl(['--user=alice:alicepw', 'get', '/app/x'], onM3);
    expect(alice.status).not.toBe(0);
    expect(alice.stderr).toContain('etcdserver: authentication failed, invalid user ID or password');
    // The old token of the deleted user is gone everywhere.
    expect((await gateway(m2, '/kv/range', { key: b64('/app/x') }, token)).body.error).toBe('etcdserver: invalid auth token');

    // A member restarted from its data dir still has auth on, the users and their permissions.
    await cluster.kill(m1);
    await eventually(() => cluster.etcdctl([root, 'put', '/app/probe', '2'], [m2, m3].map((m) => m.clientUrl.replace('http://', ''))).status === 0, 30_000, 'a leader among m2 and m3');
    cluster.spawn(m1);
    const onM1 = [m1.clientUrl.replace('http://', '')];
    await eventually(() => cluster.etcdctl(['--user=carol:carolpw', 'get', '/app/x', '--print-value-only'], onM1).stdout.trim() === '1', 60_000, 'carol on the restarted m1');
    expect(cluster.etcdctl(['get', '/app/x'], onM1).stderr).toContain('etcdserver: user name is empty');
    expect(cluster.etcdctl(['--user=carol:carolpw', 'put', '/other', '1'], onM1).stderr).toContain('etcdserver: permission denied');
    expect(ctl(cluster, [root, 'user', 'list'], onM1).trim().split('\n')).toEqual(['carol', 'root']);
  }, 240_000);
});

describe('JWT tokens', () => {
  it('a token signed by one member (RS256) is verified by another; a forged one is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'barge-jwt-'));
    dirs.push(dir);
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pub = join(dir, 'jwt.pub.pem');
    const priv = join(dir, 'jwt.priv.pem');
    writeFileSync(pub, publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(priv, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const cluster = await ProcessCluster.start(3, 'barge', [`--auth-token=jwt,pub-key=${pub},priv-key=${priv},sign-method=RS256,ttl=10m`]);
    clusters.push(cluster);
    setUpUsers(cluster);
    const [m1, m2] = cluster.members as [(typeof cluster.members)[0], (typeof cluster.members)[0]];
    const first = [m1.clientUrl.replace('http://', '')];
    expect(ctl(cluster, ['--user=alice:alicepw', 'put', '/app/jwt', 'yes'], first).trim()).toBe('OK');
    expect(cluster.etcdctl(['--user=alice:wrong', 'get', '/app/jwt'], first).stderr).toContain('invalid user ID or password');

    const token = await authenticate(m1, 'alice', 'alicepw');
    const [header, claims, signature] = token.split('.') as [string, string, string];
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(JSON.parse(Buffer.from(claims, 'base64url').toString())).toMatchObject({ username: 'alice' });
    expect(verify('sha256', Buffer.from(`${header}.${claims}`), createPublicKey(publicKey.export({ type: 'spki', format: 'pem' })), Buffer.from(signature, 'base64url'))).toBe(true);

    const read = await gateway(m2, '/kv/range', { key: b64('/app/jwt') }, token);
    expect(read.status).toBe(200);
    expect(Buffer.from(((read.body.kvs as { value: string }[])[0]!).value, 'base64').toString()).toBe('yes');
    const forged = `${header}.${Buffer.from(JSON.stringify({ exp: 9_999_999_999, revision: 99, username: 'root' })).toString('base64url')}.${signature}`;
    const refused = await gateway(m2, '/kv/range', { key: b64('/app/jwt') }, forged);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('etcdserver: invalid auth token');
  }, 120_000);
});
