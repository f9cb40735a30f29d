// Certificate-based authentication, as etcd's: under --client-cert-auth with auth enabled, a request with
// no token is made by the user named by its client certificate's Common Name, with that user's roles.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../support/process-cluster.js';
import { createTestPki, type CertFiles } from '../../support/tls.js';

let dir: string;
let cluster: ProcessCluster;
const certs = new Map<string, CertFiles>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'barge-cn-auth-'));
  const pki = await createTestPki(dir);
  const member = await pki.member('m1');
  for (const name of ['root', 'alice', 'mallory']) certs.set(name, await pki.client(name));
  const root = certs.get('root')!;
  cluster = await ProcessCluster.start(1, 'barge', [`--trusted-ca-file=${pki.caFile}`, '--client-cert-auth', `--cert-file=${member.cert}`, `--key-file=${member.key}`], undefined, {
    clientScheme: 'https',
    etcdctlFlags: [`--cacert=${pki.caFile}`, `--cert=${root.cert}`, `--key=${root.key}`],
  });
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const as = (user: string, args: string[]) => {
  const files = certs.get(user)!;
  return cluster.etcdctl([`--cert=${files.cert}`, `--key=${files.key}`, ...args]);
};

describe('certificate common name as the user', () => {
  it('acts with the roles of the user its certificate names, and nothing more', () => {
    for (const step of [
      ['user', 'add', 'root', '--no-password'],
      ['user', 'grant-role', 'root', 'root'],
      ['role', 'add', 'app'],
      ['role', 'grant-permission', 'app', 'readwrite', '/app/', '--prefix'],
      ['user', 'add', 'alice', '--no-password'],
      ['user', 'grant-role', 'alice', 'app'],
      ['auth', 'enable'],
    ]) {
      const result = as('root', step);
      expect(result.status, `${step.join(' ')}: ${result.stderr}`).toBe(0);
    }
    expect(as('alice', ['put', '/app/x', '1']).stdout).toBe('OK\n');
    expect(as('alice', ['get', '/app/x', '--print-value-only']).stdout).toBe('1\n');
    const denied = as('alice', ['put', '/other', '1']);
    expect(denied.status).toBe(1);
    expect(denied.stderr).toContain('etcdserver: permission denied');
    expect(as('mallory', ['put', '/app/y', '1']).status).not.toBe(0);
    expect(as('root', ['get', '/', '--prefix', '--keys-only']).stdout).toBe('/app/x\n\n');
  });

  it('holds for the calls grpc-js serves behind the front end too: a snapshot, root only', () => {
    // As from etcd: alice is known by her certificate but is not root (without a name: "user name is empty").
    const snapshot = join(dir, 'snapshot.db');
    const refused = as('alice', ['snapshot', 'save', snapshot]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('rpc error: code = Unknown desc = auth: permission denied');
    const saved = as('root', ['snapshot', 'save', snapshot]);
    expect(saved.status, saved.stderr).toBe(0);
    expect(saved.stdout).toContain('Snapshot saved at');
  });
});
