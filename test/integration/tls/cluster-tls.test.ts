// Three Barge processes with client and peer TLS, both requiring certificates from one CA made for the
// test: etcdctl, the etcd3 client and HTTPS requests with a client certificate work; connections without
// one, or with one from another CA, are refused at the handshake on client and peer ports; a fourth
// member joins over TLS (it learns its id from GET /members on an https:// peer URL).

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTool } from '../cli/ctl-harness.js';
import { ProcessCluster, freePort, type ClusterMember } from '../../support/process-cluster.js';
import { createTestPki, type CertFiles, type TestPki } from '../../support/tls.js';

let dir: string;
let pki: TestPki;
let cluster: ProcessCluster;
let client: CertFiles;
let stranger: CertFiles;
const memberCerts = new Map<string, CertFiles>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'barge-tls-'));
  pki = await createTestPki(dir);
  for (const name of ['m1', 'm2', 'm3', 'm4']) memberCerts.set(name, await pki.member(name));
  client = await pki.client('alice');
  stranger = await pki.stranger('eve');
  cluster = await ProcessCluster.start(
    3,
    'barge',
    [`--trusted-ca-file=${pki.caFile}`, '--client-cert-auth', `--peer-trusted-ca-file=${pki.caFile}`, '--peer-client-cert-auth'],
    undefined,
    {
      clientScheme: 'https',
      peerScheme: 'https',
      memberFlags: (m) => {
        const files = memberCerts.get(m.name)!;
        return [`--cert-file=${files.cert}`, `--key-file=${files.key}`, `--peer-cert-file=${files.cert}`, `--peer-key-file=${files.key}`];
      },
      etcdctlFlags: [`--cacert=${pki.caFile}`, `--cert=${client.cert}`, `--key=${client.key}`],
    },
  );
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const url = (m: ClusterMember): string => m.clientUrl;

/** How a connection the server will not talk to ends. */
const REFUSED = /^(closed|ECONNRESET|EPIPE|ERR_SSL_\w+)$/;

/**
 * How a TLS connection to `port` with `certificate` (or none) ends: 'accepted' once the server answers,
 * else the first error's code (or 'closed').
 */
async function handshake(port: number, certificate?: CertFiles): Promise<string> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, ca: pki.caPem, ...(certificate ? pki.read(certificate) : {}) });
    let outcome: string | undefined;
    const timer = setTimeout(() => socket.destroy(), 5000);
    // With TLS 1.3 the server judges the client's certificate after the client finished its side, so
    // ask for something and see whether an answer or an alert comes back.
    socket.once('secureConnect', () => socket.write('GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    socket.once('data', () => {
      outcome ??= 'accepted';
      socket.destroy();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => (outcome ??= err.code ?? err.message));
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(outcome ?? 'closed');
    });
  });
}

function httpsCall(target: string, body: string | undefined, certificate: CertFiles | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      target,
      { method: body === undefined ? 'GET' : 'POST', ca: pki.caPem, ...(certificate ? pki.read(certificate) : {}), agent: false, timeout: 5000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

describe('a three-member Barge cluster with client and peer TLS', () => {
  it('etcdctl with --cacert/--cert/--key writes on one member and reads on every other', () => {
    const [m1, m2, m3] = cluster.members;
    expect(cluster.etcdctl(['put', 'greeting', 'hello over tls'], [url(m1!)]).stdout).toBe('OK\n');
    for (const m of [m2!, m3!]) {
      expect(cluster.etcdctl(['get', 'greeting'], [url(m)]).stdout).toBe('greeting\nhello over tls\n');
    }
  });

  it('etcdctl member list shows https:// URLs and endpoint health reports every member healthy', () => {
    const list = cluster.etcdctl(['member', 'list']);
    expect(list.status).toBe(0);
    for (const m of cluster.members) {
      expect(list.stdout).toMatch(new RegExp(`^[0-9a-f]+, started, ${m.name}, ${m.peerUrl}, ${m.clientUrl}, false$`, 'm'));
      expect(m.peerUrl.startsWith('https://')).toBe(true);
    }
    const health = cluster.etcdctl(['endpoint', 'health']);
    expect(health.status).toBe(0);
    for (const m of cluster.members) expect(health.stderr + health.stdout).toContain(`${m.clientUrl} is healthy`);
  });

  it('etcdctl watch over TLS on one member sees a put made through another', async () => {
    const [m1, m2] = cluster.members;
    const revision = Number(JSON.parse(cluster.etcdctl(['get', 'watched', '-w', 'json'], [url(m1!)]).stdout).header.revision);
    const watch = spawn(
      'etcdctl',
      [`--endpoints=${url(m2!)}`, ...cluster.options.etcdctlFlags!, 'watch', 'watched', `--rev=${revision + 1}`],
      { env: { ...process.env, ETCDCTL_API: '3' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    watch.stdout.on('data', (c: Buffer) => (output += c.toString()));
    try {
      expect(cluster.etcdctl(['put', 'watched', 'seen'], [url(m1!)]).stdout).toBe('OK\n');
      const deadline = Date.now() + 10_000;
      while (!output.includes('seen') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(output).toBe('PUT\nwatched\nseen\n');
    } finally {
      watch.kill('SIGKILL');
    }
  }, 20_000);

  it('etcdctl without a client certificate is refused', () => {
    const result = spawnSync('etcdctl', [`--endpoints=${url(cluster.members[0]!)}`, `--cacert=${pki.caFile}`, '--dial-timeout=2s', '--command-timeout=3s', 'get', 'greeting'], {
      env: { ...process.env, ETCDCTL_API: '3' },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(result.status).not.toBe(0);
    expect(result.stdout).not.toContain('hello over tls');
  });

  it('the client port refuses a handshake without a certificate or with one from another CA, and accepts the CA\'s', async () => {
    const port = Number(new URL(url(cluster.members[0]!)).port);
    expect(await handshake(port, client)).toBe('accepted');
    expect(await handshake(port)).toBe('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED');
    // Node's TLS server ends such a connection right after the handshake, before reading anything.
    expect(await handshake(port, stranger)).toMatch(REFUSED);
  });

  it('the peer port refuses a handshake without a certificate or with one from another CA', async () => {
    const port = Number(new URL(cluster.members[0]!.peerUrl).port);
    expect(await handshake(port)).toBe('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED');
    expect(await handshake(port, stranger)).toMatch(REFUSED);
    const members = await httpsCall(`${cluster.members[0]!.peerUrl}/members`, undefined, memberCerts.get('m2'));
    expect(members.status).toBe(200);
    expect((JSON.parse(members.body) as { name: string }[]).map((m) => m.name).sort()).toEqual(['m1', 'm2', 'm3']);
  });

  it('the etcd3 client with a CA, certificate chain and private key puts, gets and keeps a lease alive', async () => {
    const { cert, key } = pki.read(client);
    const etcd = new Etcd3({
      hosts: cluster.members.map(url),
      credentials: { rootCertificate: Buffer.from(pki.caPem), certChain: cert, privateKey: key },
      dialTimeout: 5000,
    });
    try {
      await etcd.put('from-etcd3').value('tls');
      expect(await etcd.get('from-etcd3').string()).toBe('tls');
      expect(await etcd.get('greeting').string()).toBe('hello over tls');
      const lease = etcd.lease(30);
      const ttl = await lease.keepaliveOnce();
      expect(Number(ttl.TTL)).toBeGreaterThan(0);
      await lease.revoke();
    } finally {
      etcd.close();
    }
  });

  it('the etcd3 client without a client certificate gets nothing', async () => {
    const etcd = new Etcd3({ hosts: [url(cluster.members[0]!)], credentials: { rootCertificate: Buffer.from(pki.caPem) }, dialTimeout: 2000 });
    try {
      const outcome = await Promise.race([
        etcd.get('greeting').string().then((v) => `value ${v}`, (err: Error) => `error ${err.message}`),
        new Promise<string>((r) => setTimeout(() => r('timeout'), 8000)),
      ]);
      expect(outcome).not.toContain('value');
    } finally {
      etcd.close();
    }
  }, 15_000);

  it('the JSON gateway and /health answer over HTTPS to a client with a certificate, and to nobody else', async () => {
    const base = url(cluster.members[1]!);
    const health = await httpsCall(`${base}/health`, undefined, client);
    expect(health).toEqual({ status: 200, body: '{"health":"true"}' });
    const range = await httpsCall(`${base}/v3/kv/range`, JSON.stringify({ key: Buffer.from('greeting').toString('base64') }), client);
    expect(range.status).toBe(200);
    const kvs = (JSON.parse(range.body) as { kvs: { value: string }[] }).kvs;
    expect(Buffer.from(kvs[0]!.value, 'base64').toString()).toBe('hello over tls');
    const put = await httpsCall(`${base}/v3/kv/put`, JSON.stringify({ key: Buffer.from('gw').toString('base64'), value: Buffer.from('via gateway').toString('base64') }), client);
    expect(put.status).toBe(200);
    expect(cluster.etcdctl(['get', 'gw', '--print-value-only'], [url(cluster.members[2]!)]).stdout).toBe('via gateway\n');
    await expect(httpsCall(`${base}/health`, undefined, undefined)).rejects.toThrow();
  });

  it('bargectl over TLS prints what etcdctl prints, saves a snapshot, and fails as etcdctl does without a certificate or with a missing file', async () => {
    const endpoint = `--endpoints=${url(cluster.members[0]!)}`;
    const tls = [`--cacert=${pki.caFile}`, `--cert=${client.cert}`, `--key=${client.key}`];
    for (const args of [['put', 'from-ctl', 'x'], ['get', 'from-ctl'], ['member', 'list']]) {
      const [etcdctl, bargectl] = await Promise.all([runTool('etcdctl', [endpoint, ...tls, ...args]), runTool('bargectl', [endpoint, ...tls, ...args])]);
      expect(etcdctl.status).toBe(0);
      expect(bargectl).toEqual(etcdctl);
    }
    const saved = await runTool('bargectl', [endpoint, ...tls, 'snapshot', 'save', join(dir, 'backup.db')]);
    expect(saved.stdout).toMatch(/Snapshot saved at .*backup\.db/);
    const noCert = [endpoint, `--cacert=${pki.caFile}`, '--dial-timeout=1s', '--command-timeout=2s', 'get', 'greeting'];
    const [etcdctlRefused, bargectlRefused] = await Promise.all([runTool('etcdctl', noCert), runTool('bargectl', noCert)]);
    expect(etcdctlRefused.status).not.toBe(0);
    expect(bargectlRefused.status).toBe(etcdctlRefused.status);
    expect(bargectlRefused.stdout).toBe('');
    const missing = [endpoint, `--cacert=${join(dir, 'missing.pem')}`, 'get', 'greeting'];
    const [etcdctlMissing, bargectlMissing] = await Promise.all([runTool('etcdctl', missing), runTool('bargectl', missing)]);
    expect(etcdctlMissing.status).toBe(128);
    expect(bargectlMissing).toEqual(etcdctlMissing);
  }, 60_000);

  it('a member added with etcdctl joins over TLS: it learns its id from the peers over https and serves', async () => {
    const newcomer: ClusterMember = {
      name: 'm4',
      clientUrl: `https://127.0.0.1:${await freePort()}`,
      peerUrl: `https://127.0.0.1:${await freePort()}`,
      dataDir: join(cluster.dir, 'm4'),
      log: '',
    };
    const added = cluster.etcdctl(['member', 'add', 'm4', `--peer-urls=${newcomer.peerUrl}`]);
    expect(added.stdout).toMatch(/^Member\s+[0-9a-f]+ added to cluster/);
    const id = /Member\s+([0-9a-f]+) added/.exec(added.stdout)![1]!;
    cluster.members.push(newcomer);
    cluster.spawn(newcomer, 'existing');
    let value = '';
    const deadline = Date.now() + 20_000;
    while (value !== 'hello over tls\n' && Date.now() < deadline) {
      value = cluster.etcdctl(['get', 'greeting', '--print-value-only'], [url(newcomer)]).stdout;
      if (value !== 'hello over tls\n') await new Promise((r) => setTimeout(r, 250));
    }
    expect(value).toBe('hello over tls\n');
    expect(cluster.etcdctl(['member', 'list']).stdout).toMatch(new RegExp(`^${id}, started, m4, ${newcomer.peerUrl}, ${newcomer.clientUrl}, false$`, 'm'));
    expect(cluster.etcdctl(['put', 'via-m4', 'ok'], [url(newcomer)]).stdout).toBe('OK\n');
  }, 40_000);

  it('every member logged JSON lines only, with no leader forwarding or TLS warning escaping as free text', async () => {
    // etcdctl runs synchronously: give the members' stderr pipes a turn of the event loop to be read.
    await new Promise((r) => setTimeout(r, 200));
    for (const m of cluster.members) {
      const lines = m.log.split('\n').filter((l) => l.length > 0);
      expect({ member: m.name, lines: lines.length > 0 }).toEqual({ member: m.name, lines: true });
      const unparsable = lines.filter((l) => {
        try {
          JSON.parse(l);
          return false;
        } catch {
          return true;
        }
      });
      expect({ member: m.name, unparsable }).toEqual({ member: m.name, unparsable: [] });
    }
  });
});
