// The hook for CN-based authentication: a handler sees the Common Name of the client certificate
// verified at the TLS handshake through clientCommonName(call) — for gRPC calls and for the JSON
// gateway's alike — and nothing when no certificate was asked for or the connection is plain.
// In-process members, so the test can wrap the handlers both front ends dispatch through.

import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientApi, type Unary } from '../../../src/api/grpc-server.js';
import { clientCommonName } from '../../../src/api/client-identity.js';
import { EtcdServer } from '../../../src/server/etcd-server.js';
import { loadTlsSettings } from '../../../src/server/tls.js';
import { singleMemberConfig } from '../../support/member-config.js';
import { freePort } from '../../support/process-cluster.js';
import { createTestPki, type CertFiles, type TestPki } from '../../support/tls.js';

let dir: string;
let pki: TestPki;
let alice: CertFiles;
let bob: CertFiles;
const members: { server: EtcdServer; api: ClientApi }[] = [];

interface Member {
  readonly url: string;
  /** The names clientCommonName() gave KV/Range and KV/Put calls, in order. */
  readonly seen: (string | undefined)[];
}
let withCertAuth: Member;
let tlsOnly: Member;
let plain: Member;

async function startMember(name: string, scheme: 'http' | 'https', clientCertAuth: boolean): Promise<Member> {
  const files = await pki.member(name);
  const url = `${scheme}://127.0.0.1:${await freePort()}`;
  const peerUrl = `http://127.0.0.1:${await freePort()}`;
  const dataDir = join(dir, name);
  const clientTls = await loadTlsSettings(
    'client',
    scheme === 'https' ? { certFile: files.cert, keyFile: files.key, trustedCaFile: pki.caFile, clientCertAuth } : {},
    { dataDir, urls: [url] },
  );
  const config = singleMemberConfig(name, dataDir, url, peerUrl, { clientTls });
  const server = await EtcdServer.start(config);
  const api = new ClientApi(server);
  const seen: (string | undefined)[] = [];
  for (const method of ['etcdserverpb.KV/Range', 'etcdserverpb.KV/Put']) {
    const handler = api.unaryHandlers.get(method)!;
    const recording: Unary = (call) => {
      seen.push(clientCommonName(call));
      return handler(call);
    };
    api.unaryHandlers.set(method, recording);
  }
  await api.listen(config.listenClientUrls);
  members.push({ server, api });
  const deadline = Date.now() + 10_000;
  while (server.leaderId === 0n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return { url, seen };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'barge-tls-cn-'));
  pki = await createTestPki(dir);
  alice = await pki.client('alice');
  bob = await pki.client('bob');
  withCertAuth = await startMember('cert-auth', 'https', true);
  tlsOnly = await startMember('tls-only', 'https', false);
  plain = await startMember('plain', 'http', false);
}, 60_000);

afterAll(async () => {
  await Promise.all(members.map(({ server, api }) => Promise.all([api.close(), server.stop()])));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function grpcClient(url: string, certificate?: CertFiles): Etcd3 {
  if (url.startsWith('http://')) return new Etcd3({ hosts: url });
  const credentials = certificate
    ? { rootCertificate: Buffer.from(pki.caPem), certChain: pki.read(certificate).cert, privateKey: pki.read(certificate).key }
    : { rootCertificate: Buffer.from(pki.caPem) };
  return new Etcd3({ hosts: url, credentials });
}

/** POST to the JSON gateway; resolves with the HTTP status. */
function gateway(url: string, path: string, body: object, certificate?: CertFiles): Promise<number> {
  return new Promise((resolve, reject) => {
    const options = { method: 'POST', agent: false, timeout: 5000, ...(url.startsWith('https') ? { ca: pki.caPem, ...(certificate ? pki.read(certificate) : {}) } : {}) } as const;
    const req = (url.startsWith('https') ? httpsRequest : httpRequest)(`${url}${path}`, options, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const key = (k: string): string => Buffer.from(k).toString('base64');

describe('clientCommonName(call): the verified client certificate\'s CN, for CN-based authentication', () => {
  it('gives gRPC calls the CN of the certificate the client presented under --client-cert-auth', async () => {
    const client = grpcClient(withCertAuth.url, alice);
    try {
      await client.put('k').value('v');
      expect(await client.get('k').string()).toBe('v');
    } finally {
      client.close();
    }
    expect(withCertAuth.seen.splice(0)).toEqual(['alice', 'alice']);
  });

  it('gives JSON gateway calls over HTTPS the same', async () => {
    expect(await gateway(withCertAuth.url, '/v3/kv/put', { key: key('g'), value: key('w') }, bob)).toBe(200);
    expect(await gateway(withCertAuth.url, '/v3/kv/range', { key: key('g') }, bob)).toBe(200);
    expect(withCertAuth.seen.splice(0)).toEqual(['bob', 'bob']);
  });

  it('is undefined over TLS without --client-cert-auth (no certificate is asked for) and on plain connections', async () => {
    for (const member of [tlsOnly, plain]) {
      const client = grpcClient(member.url, alice);
      try {
        await client.put('k').value('v');
      } finally {
        client.close();
      }
      expect(await gateway(member.url, '/v3/kv/range', { key: key('k') }, bob)).toBe(200);
      expect(member.seen.splice(0)).toEqual([undefined, undefined]);
    }
  });
});
