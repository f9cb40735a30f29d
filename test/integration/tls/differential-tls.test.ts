// Differential, with TLS: a real etcd 3.4 and Barge (one member each) started with the same client and
// peer TLS flags and the same CA; etcdctl with a client certificate must print the same for each
// command (ids, ports and timings masked), a client without one must fail the same way, and HTTPS
// /health and gateway answers must match.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster, type ClusterOptions } from '../../support/process-cluster.js';
import { createTestPki, type CertFiles, type TestPki } from '../../support/tls.js';

let dir: string;
let pki: TestPki;
let client: CertFiles;
let etcd: ProcessCluster;
let barge: ProcessCluster;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'barge-tls-diff-'));
  pki = await createTestPki(dir);
  const member = await pki.member('m1');
  client = await pki.client('alice');
  const flags = [
    `--cert-file=${member.cert}`,
    `--key-file=${member.key}`,
    `--trusted-ca-file=${pki.caFile}`,
    '--client-cert-auth',
    `--peer-cert-file=${member.cert}`,
    `--peer-key-file=${member.key}`,
    `--peer-trusted-ca-file=${pki.caFile}`,
    '--peer-client-cert-auth',
  ];
  const options: ClusterOptions = {
    clientScheme: 'https',
    peerScheme: 'https',
    etcdctlFlags: [`--cacert=${pki.caFile}`, `--cert=${client.cert}`, `--key=${client.key}`],
  };
  [etcd, barge] = await Promise.all([ProcessCluster.start(1, 'etcd', flags, undefined, options), ProcessCluster.start(1, 'barge', flags, undefined, options)]);
}, 60_000);

afterAll(async () => {
  await Promise.all([etcd?.stop(), barge?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Masks what legitimately differs between two clusters: ids, terms, ports, timings, log lines' stamps. */
function mask(text: string): string {
  return text
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:#')
    .replace(/"(cluster_id|member_id|raft_term|ID)":\d+/g, '"$1":#')
    .replace(/^[0-9a-f]{1,16}, started/gm, '#, started')
    .replace(/took = [\d.]+[µmn]?s/g, 'took = #')
    .replace(/"level":"[^"]*","ts":"[^"]*","caller":"[^"]*",/g, '')
    .replace(/"target":"[^"]*"/g, '"target":#')
    .replace(/client-[0-9a-f-]{36}/g, 'client-#');
}

function etcdctl(cluster: ProcessCluster, args: readonly string[], flags: readonly string[]): string {
  const result = spawnSync('etcdctl', [`--endpoints=${cluster.members[0]!.clientUrl}`, '--dial-timeout=2s', '--command-timeout=3s', ...flags, ...args], {
    env: { ...process.env, ETCDCTL_API: '3' },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return `${result.status}\n${mask(result.stdout)}\n${mask(result.stderr)}`;
}

describe('etcdctl over TLS against etcd 3.4 and against Barge', () => {
  it('prints the same for each command with a client certificate', () => {
    const steps = [
      ['put', 'foo', 'bar'],
      ['get', 'foo'],
      ['get', 'foo', '-w', 'json'],
      ['put', 'foo', 'baz', '--prev-kv'],
      ['del', 'foo'],
      ['member', 'list'],
      ['endpoint', 'health'],
    ];
    const differences: string[] = [];
    const failed: string[] = [];
    for (const args of steps) {
      const left = etcdctl(etcd, args, etcd.options.etcdctlFlags!);
      const right = etcdctl(barge, args, barge.options.etcdctlFlags!);
      if (!left.startsWith('0\n')) failed.push(`etcdctl ${args.join(' ')}\n${left}`);
      if (left !== right) differences.push(`etcdctl ${args.join(' ')}\n--- etcd\n${left}\n--- barge\n${right}`);
    }
    // Every step succeeds on etcd (so the sequence compares real answers, not two failures)...
    expect(failed).toEqual([]);
    // ...and Barge prints the same.
    expect(differences).toEqual([]);
  });

  it('fails the same way for a client without a certificate', () => {
    const flags = [`--cacert=${pki.caFile}`];
    const left = etcdctl(etcd, ['get', 'foo'], flags);
    const right = etcdctl(barge, ['get', 'foo'], flags);
    expect(left.split('\n')[0]).not.toBe('0');
    expect(left).toContain('context deadline exceeded');
    expect(right).toBe(left);
  }, 30_000);
});

describe('HTTPS on the client port against etcd 3.4 and against Barge', () => {
  function call(cluster: ProcessCluster, path: string, body?: object): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        `${cluster.members[0]!.clientUrl}${path}`,
        { method: body ? 'POST' : 'GET', ca: pki.caPem, ...pki.read(client), agent: false, timeout: 5000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(`${res.statusCode} ${Buffer.concat(chunks).toString('utf8').replace(/"(cluster_id|member_id|raft_term|revision)":"\d+"/g, '"$1":#')}`));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', reject);
      req.end(body ? JSON.stringify(body) : undefined);
    });
  }

  it('answers /health and the JSON gateway the same way', async () => {
    const requests: [string, object | undefined][] = [
      ['/health', undefined],
      ['/v3/kv/put', { key: Buffer.from('gw').toString('base64'), value: Buffer.from('1').toString('base64') }],
      ['/v3/kv/range', { key: Buffer.from('gw').toString('base64') }],
    ];
    for (const [path, body] of requests) {
      const [a, b] = [await call(etcd, path, body), await call(barge, path, body)];
      expect(b).toBe(a);
      expect(a).toMatch(/^200 /);
    }
  });
});
