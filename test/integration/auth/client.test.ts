// The etcd3 npm client against Barge with auth on: it authenticates with a user name and password, is
// denied outside its permissions with etcd's errors, and re-authenticates by itself once its simple token
// expired (--auth-token-ttl).

import { Etcd3, EtcdAuthenticationFailedError, EtcdPermissionDeniedError } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../support/process-cluster.js';
import { authenticate, b64, gateway, setUpUsers } from './support.js';

const TOKEN_TTL_SECONDS = 2;
let cluster: ProcessCluster;
const clients: Etcd3[] = [];

beforeAll(async () => {
  cluster = await ProcessCluster.start(1, 'barge', [`--auth-token-ttl=${TOKEN_TTL_SECONDS}`]);
  setUpUsers(cluster);
}, 60_000);

afterAll(async () => {
  for (const client of clients) client.close();
  await cluster?.stop();
});

function client(username: string, password: string): Etcd3 {
  const c = new Etcd3({ hosts: cluster.endpoints.map((e) => `http://${e}`), auth: { username, password } });
  clients.push(c);
  return c;
}

describe('etcd3 client with auth', () => {
  it('authenticates, reads and writes within its permissions and is denied outside them', async () => {
    const alice = client('alice', 'alicepw');
    await alice.put('/app/k').value('v1');
    expect(await alice.get('/app/k').string()).toBe('v1');
    await expect(alice.put('/other').value('x')).rejects.toBeInstanceOf(EtcdPermissionDeniedError);
    await expect(alice.get('/other').string()).rejects.toBeInstanceOf(EtcdPermissionDeniedError);
    await expect(alice.getRoles()).rejects.toBeInstanceOf(EtcdPermissionDeniedError);
    const root = client('root', 'rootpw');
    expect((await root.getRoles()).map((r) => r.name).sort()).toEqual(['app', 'root']);
    expect(await root.get('/app/k').string()).toBe('v1');
  });

  it('a wrong password is refused', async () => {
    const mallory = client('alice', 'wrong');
    await expect(mallory.get('/app/k').string()).rejects.toBeInstanceOf(EtcdAuthenticationFailedError);
  });

  it('a token expires after --auth-token-ttl without use; the client re-authenticates and goes on', async () => {
    const member = cluster.members[0]!;
    const alice = client('alice', 'alicepw');
    await alice.put('/app/ttl').value('1');
    const token = await authenticate(member, 'alice', 'alicepw');
    expect((await gateway(member, '/kv/range', { key: b64('/app/ttl') }, token)).status).toBe(200);
    await new Promise((r) => setTimeout(r, (TOKEN_TTL_SECONDS + 1.5) * 1000));
    // The server forgot the idle token...
    const stale = await gateway(member, '/kv/range', { key: b64('/app/ttl') }, token);
    expect(stale.status).toBe(401);
    expect(stale.body.error).toBe('etcdserver: invalid auth token');
    // ...and the client's own token expired the same way, yet its next calls succeed.
    expect(await alice.get('/app/ttl').string()).toBe('1');
    await alice.put('/app/ttl').value('2');
    expect(await alice.get('/app/ttl').string()).toBe('2');
  }, 30_000);

  it('a watch outside the permissions is created and cancelled with etcd\'s reason', () => {
    const result = cluster.etcdctl(['--user=alice:alicepw', 'watch', '/other']);
    expect(result.status).toBe(5);
    expect(result.stdout + result.stderr).toContain('watch was canceled (rpc error: code = PermissionDenied desc = etcdserver: permission denied)');
  });
});
