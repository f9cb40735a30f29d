// etcdctl's commands that dial each member by its URL, scheme included (`endpoint status|hashkv
// --cluster`, `defrag --cluster`, or endpoints given as http://host:port): its Go gRPC client then sends
// `:authority: http://host:port`, which Node's HTTP/2 server alone would reset. They answer as for
// endpoints without a scheme, on a plain cluster and on a TLS one, and `endpoint status --cluster`
// has the shape real etcd gives.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../support/process-cluster.js';
import { createTestPki } from '../../support/tls.js';

/** A table etcdctl printed: its header and rows, cells trimmed. */
function parseTable(output: string): { header: string[]; rows: string[][] } {
  const lines = output.split('\n').filter((line) => line.startsWith('|'));
  const cells = lines.map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));
  return { header: cells[0] ?? [], rows: cells.slice(1) };
}

/** Rows of `endpoint status -w table` without the columns that move on their own (sizes, indexes). */
function stableStatusRows(output: string): string[][] {
  const { header, rows } = parseTable(output);
  expect(header).toEqual(['ENDPOINT', 'ID', 'VERSION', 'DB SIZE', 'IS LEADER', 'IS LEARNER', 'RAFT TERM', 'RAFT INDEX', 'RAFT APPLIED INDEX', 'ERRORS']);
  return rows.map((row) => [row[0]!.replace(/^https?:\/\//, ''), row[1]!, row[2]!, row[4]!, row[5]!, row[6]!, row[9]!]).sort((a, b) => a[0]!.localeCompare(b[0]!));
}

interface StatusRow {
  Endpoint: string;
  Status: { header: { cluster_id: number; member_id: number; raft_term: number }; leader: number; version: string; [field: string]: unknown };
}

/** Every key path in `value`, sorted: the shape of a JSON document, without its values. */
function shape(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return [`${prefix}[]`, ...value.flatMap((item) => shape(item, `${prefix}[]`))].filter((p, i, all) => all.indexOf(p) === i).sort();
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, inner]) => [`${prefix}.${key}`, ...shape(inner, `${prefix}.${key}`)]).sort();
  }
  return [];
}

const withScheme = (cluster: ProcessCluster): string[] => cluster.members.map((m) => m.clientUrl);
const withoutScheme = (cluster: ProcessCluster): string[] => cluster.members.map((m) => m.clientUrl.replace(/^https?:\/\//, ''));

function ok(result: { stdout: string; stderr: string; status: number }): string {
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

describe('etcdctl with endpoints that carry their scheme', () => {
  let barge: ProcessCluster;
  let etcd: ProcessCluster;

  beforeAll(async () => {
    [barge, etcd] = await Promise.all([ProcessCluster.start(3), ProcessCluster.start(3, 'etcd')]);
    ok(barge.etcdctl(['put', 'k', 'v']));
  }, 60_000);

  afterAll(async () => {
    await Promise.all([barge?.stop(), etcd?.stop()]);
  });

  it('endpoint status --cluster lists every member, as the same command without a scheme does', () => {
    const first = barge.members[0]!;
    const viaScheme = ok(barge.etcdctl(['endpoint', 'status', '--cluster', '-w', 'table'], [first.clientUrl]));
    const viaHostPort = ok(barge.etcdctl(['endpoint', 'status', '-w', 'table'], withoutScheme(barge)));
    const rows = stableStatusRows(viaScheme);
    expect(rows).toHaveLength(3);
    expect(parseTable(viaScheme).rows.map((row) => row[0]).sort()).toEqual(withScheme(barge).sort());
    expect(rows).toEqual(stableStatusRows(viaHostPort));
    expect(rows.filter((row) => row[3] === 'true')).toHaveLength(1);
  });

  it('endpoint status with http:// endpoints, in table and json', () => {
    expect(stableStatusRows(ok(barge.etcdctl(['endpoint', 'status', '-w', 'table'], withScheme(barge))))).toEqual(
      stableStatusRows(ok(barge.etcdctl(['endpoint', 'status', '-w', 'table'], withoutScheme(barge)))),
    );
    const json = (endpoints: string[]): StatusRow[] => JSON.parse(ok(barge.etcdctl(['endpoint', 'status', '-w', 'json'], endpoints))) as StatusRow[];
    const viaScheme = json(withScheme(barge));
    const viaHostPort = json(withoutScheme(barge));
    expect(viaScheme.map((row) => row.Endpoint)).toEqual(withScheme(barge));
    expect(viaScheme.map((row) => [row.Status.header.member_id, row.Status.leader, row.Status.version])).toEqual(
      viaHostPort.map((row) => [row.Status.header.member_id, row.Status.leader, row.Status.version]),
    );
    expect(viaScheme.map((row) => shape(row))).toEqual(viaHostPort.map((row) => shape(row)));
  });

  it('endpoint hashkv, with --cluster and with http:// endpoints', () => {
    type HashRow = { Endpoint: string; HashKV: { header: { member_id: number }; hash?: number; compact_revision?: number } };
    const hashes = (rows: HashRow[]): [string, number | undefined][] =>
      rows.map((row): [string, number | undefined] => [row.Endpoint.replace(/^https?:\/\//, ''), row.HashKV.hash]).sort((a, b) => a[0].localeCompare(b[0]));
    const first = barge.members[0]!;
    const viaCluster = JSON.parse(ok(barge.etcdctl(['endpoint', 'hashkv', '--cluster', '-w', 'json'], [first.clientUrl]))) as HashRow[];
    const viaScheme = JSON.parse(ok(barge.etcdctl(['endpoint', 'hashkv', '-w', 'json'], withScheme(barge)))) as HashRow[];
    const viaHostPort = JSON.parse(ok(barge.etcdctl(['endpoint', 'hashkv', '-w', 'json'], withoutScheme(barge)))) as HashRow[];
    expect(viaCluster).toHaveLength(3);
    expect(hashes(viaCluster)).toEqual(hashes(viaHostPort));
    expect(hashes(viaScheme)).toEqual(hashes(viaHostPort));
    const table = parseTable(ok(barge.etcdctl(['endpoint', 'hashkv', '--cluster', '-w', 'table'], [first.clientUrl])));
    expect(table.header).toEqual(['ENDPOINT', 'HASH']);
    expect(table.rows.map((row) => row[0]).sort()).toEqual(withScheme(barge).sort());
  });

  it('defrag, with --cluster and with http:// endpoints', () => {
    const finished = (urls: string[]): string => urls.map((url) => `Finished defragmenting etcd member[${url}]\n`).join('');
    expect(ok(barge.etcdctl(['defrag', '--cluster'], [barge.members[1]!.clientUrl])).split('\n').sort()).toEqual(finished(withScheme(barge)).split('\n').sort());
    expect(ok(barge.etcdctl(['defrag'], withScheme(barge)))).toBe(finished(withScheme(barge)));
  });

  it('reads and writes over http:// endpoints', () => {
    expect(ok(barge.etcdctl(['put', 'scheme', 'yes'], withScheme(barge)))).toBe('OK\n');
    expect(ok(barge.etcdctl(['get', 'scheme'], withScheme(barge)))).toBe('scheme\nyes\n');
    // etcdctl reports health on stderr.
    const health = barge.etcdctl(['endpoint', 'health', '--cluster'], [barge.members[2]!.clientUrl]);
    expect(health.status).toBe(0);
    expect(health.stderr.split('\n').filter((line) => / is healthy: /.test(line))).toHaveLength(3);
  });

  it('endpoint status --cluster -w json has the shape etcd gives', () => {
    const status = (cluster: ProcessCluster): StatusRow[] =>
      JSON.parse(ok(cluster.etcdctl(['endpoint', 'status', '--cluster', '-w', 'json'], [cluster.members[0]!.clientUrl]))) as StatusRow[];
    const fromBarge = status(barge);
    const fromEtcd = status(etcd);
    expect(fromBarge).toHaveLength(fromEtcd.length);
    for (const [rows, cluster] of [
      [fromBarge, barge],
      [fromEtcd, etcd],
    ] as const) {
      expect(rows.map((row) => row.Endpoint).sort()).toEqual(withScheme(cluster).sort());
      // One cluster, one leader every member names, each member once.
      expect(new Set(rows.map((row) => String(row.Status.header.cluster_id))).size).toBe(1);
      expect(new Set(rows.map((row) => String(row.Status.leader))).size).toBe(1);
      expect(new Set(rows.map((row) => String(row.Status.header.member_id))).size).toBe(rows.length);
      expect(rows.map((row) => String(row.Status.header.member_id))).toContain(String(rows[0]!.Status.leader));
    }
    expect(fromBarge.map((row) => row.Status.version)).toEqual(fromEtcd.map((row) => row.Status.version));
    expect(fromBarge.map((row) => shape(row))).toEqual(fromEtcd.map((row) => shape(row)));
  });
});

describe('etcdctl with https:// endpoints on a TLS cluster', () => {
  let dir: string;
  let cluster: ProcessCluster;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'barge-authority-tls-'));
    const pki = await createTestPki(dir);
    const client = await pki.client('alice');
    const certs = new Map(await Promise.all(['m1', 'm2', 'm3'].map(async (name) => [name, await pki.member(name)] as const)));
    cluster = await ProcessCluster.start(3, 'barge', [`--trusted-ca-file=${pki.caFile}`, '--client-cert-auth'], undefined, {
      clientScheme: 'https',
      memberFlags: (m) => [`--cert-file=${certs.get(m.name)!.cert}`, `--key-file=${certs.get(m.name)!.key}`],
      etcdctlFlags: [`--cacert=${pki.caFile}`, `--cert=${client.cert}`, `--key=${client.key}`],
    });
  }, 60_000);

  afterAll(async () => {
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('endpoint status and hashkv with --cluster, defrag --cluster', () => {
    const first = cluster.members[0]!.clientUrl;
    const rows = stableStatusRows(ok(cluster.etcdctl(['endpoint', 'status', '--cluster', '-w', 'table'], [first])));
    expect(rows.map((row) => `https://${row[0]}`)).toEqual(withScheme(cluster).sort());
    expect(rows.filter((row) => row[3] === 'true')).toHaveLength(1);
    const hashes = JSON.parse(ok(cluster.etcdctl(['endpoint', 'hashkv', '--cluster', '-w', 'json'], [first]))) as { Endpoint: string }[];
    expect(hashes.map((row) => row.Endpoint).sort()).toEqual(withScheme(cluster).sort());
    expect(ok(cluster.etcdctl(['defrag', '--cluster'], [first])).split('\n').filter(Boolean)).toHaveLength(3);
  });
});
