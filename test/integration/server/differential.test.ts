// Differential: the same etcdctl command sequence against a real etcd 3.4 and against Barge (one member
// each, fresh data dirs, same flags); every output must be equal once member, cluster and lease ids and
// raft terms are masked.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterIdOf, memberIdOf } from '../../../src/server/members.js';
import { samples } from '../../../bench/density/metrics-text.js';
import { ProcessCluster } from '../../support/process-cluster.js';

let etcd: ProcessCluster;
let barge: ProcessCluster;

beforeAll(async () => {
  [etcd, barge] = await Promise.all([ProcessCluster.start(1, 'etcd'), ProcessCluster.start(1, 'barge')]);
}, 60_000);

afterAll(async () => {
  await Promise.all([etcd?.stop(), barge?.stop()]);
});

interface Step {
  readonly args: string[];
  readonly input?: string;
}

const steps: Step[] = [
  { args: ['put', 'foo', 'bar'] },
  { args: ['put', 'foo', 'baz', '--prev-kv'] },
  { args: ['get', 'foo'] },
  { args: ['get', 'foo', '-w', 'json'] },
  { args: ['put', 'foo1', 'v1'] },
  { args: ['put', 'foo2', 'v2'] },
  { args: ['put', 'goo', 'v3'] },
  { args: ['get', '--prefix', 'foo'] },
  { args: ['get', '--prefix', 'foo', '--limit=1', '-w', 'json'] },
  { args: ['get', 'foo', 'goo'] },
  { args: ['get', '--from-key', 'foo1', '--keys-only'] },
  { args: ['get', '--prefix', '', '--sort-by=MODIFY', '--order=DESCEND', '--print-value-only'] },
  { args: ['get', 'foo', '--rev=2'] },
  { args: ['get', 'foo', '--rev=99'] },
  { args: ['get', '--prefix', 'foo', '-w', 'fields'] },
  { args: ['del', 'nope'] },
  { args: ['del', '--prefix', 'foo', '--prev-kv'] },
  { args: ['get', '--prefix', ''] },
  { args: ['txn', '-w', 'json'], input: 'mod("goo") > "0"\n\nput t1 yes\nget goo\n\nput t1 no\n\n' },
  { args: ['txn'], input: 'value("goo") = "nope"\n\nput t2 yes\n\nput t2 no\ndel goo\n\n' },
  { args: ['get', '--prefix', 't'] },
  { args: ['put', '', 'x'] },
  { args: ['put', 'k', '--ignore-value'] },
  { args: ['compaction', '3'] },
  { args: ['get', 'foo', '--rev=2'] },
  { args: ['compaction', '2'] },
  { args: ['lease', 'grant', '100'] },
  { args: ['lease', 'revoke', '1234'] },
  { args: ['lease', 'timetolive', '1234'] },
  { args: ['put', 'k', 'v', '--lease=1234'] },
  { args: ['get', 'k', '-w', 'table'] },
  { args: ['put', 'big', 'x'.repeat(1000)] },
  { args: ['get', 'big', '--print-value-only'] },
];

/** Masks what legitimately differs between two clusters: ids, terms, leases, timings. */
function mask(text: string): string {
  return text
    .replace(/"(cluster_id|member_id|raft_term|ID)":\d+/g, '"$1":#')
    .replace(/\b(cluster_id|member_id|raft_term)\s*:\s*\d+/gi, '$1: #')
    .replace(/"(ClusterID|MemberID|RaftTerm)" : \d+/g, '"$1" : #')
    .replace(/lease [0-9a-f]+ granted/g, 'lease # granted')
    .replace(/"level":"[^"]*","ts":"[^"]*","caller":"[^"]*",/g, '')
    .replace(/"target":"[^"]*"/g, '"target":#');
}

describe('etcdctl against etcd 3.4 and against Barge', () => {
  it('prints the same for every command of the sequence', () => {
    const differences: string[] = [];
    for (const step of steps) {
      const a = etcd.etcdctl(step.args, etcd.endpoints, step.input);
      const b = barge.etcdctl(step.args, barge.endpoints, step.input);
      const left = `${a.status}\n${mask(a.stdout)}\n${mask(a.stderr)}`;
      const right = `${b.status}\n${mask(b.stdout)}\n${mask(b.stderr)}`;
      if (left !== right) differences.push(`etcdctl ${step.args.join(' ')}\n--- etcd\n${left}\n--- barge\n${right}`);
    }
    expect(differences).toEqual([]);
  });
});

describe('ids', () => {
  it('member and cluster ids are derived from peer URLs and the cluster token exactly as etcd derives them', () => {
    // Parsed from the text: the ids exceed what a JSON number can hold exactly.
    const raw = etcd.etcdctl(['endpoint', 'status', '-w', 'json']).stdout;
    const memberId = BigInt(/"member_id":(\d+)/.exec(raw)![1]!);
    const clusterId = BigInt(/"cluster_id":(\d+)/.exec(raw)![1]!);
    expect(memberIdOf([etcd.members[0]!.peerUrl], 'test-cluster')).toBe(memberId);
    expect(clusterIdOf([memberId])).toBe(clusterId);
  });
});

describe('HTTP on the client port, against etcd 3.4', () => {
  async function call(cluster: ProcessCluster, path: string, body?: object): Promise<string> {
    const response = await fetch(`${cluster.members[0]!.clientUrl}${path}`, body ? { method: 'POST', body: JSON.stringify(body) } : {});
    return `${response.status} ${mask(await response.text()).replace(/"(cluster_id|member_id|raft_term)":"\d+"/g, '"$1":#')}`;
  }

  it('answers /health and the JSON gateway the same way', async () => {
    const requests: [string, object | undefined][] = [
      ['/health', undefined],
      ['/v3/kv/put', { key: Buffer.from('gw').toString('base64'), value: Buffer.from('1').toString('base64') }],
      ['/v3/kv/range', { key: Buffer.from('gw').toString('base64') }],
      ['/v3/kv/range', { key: Buffer.from('g').toString('base64'), range_end: Buffer.from('h').toString('base64'), keys_only: true }],
      ['/v3/kv/range', { key: '' }],
      ['/v3/kv/deleterange', { key: Buffer.from('gw').toString('base64'), prev_kv: true }],
      ['/v3/kv/range', { key: Buffer.from('gw').toString('base64'), revision: 1000 }],
    ];
    for (const [path, body] of requests) {
      // etcd's revision moved further in the sequence above; compare each pair right after the same step.
      const [a, b] = [await call(etcd, path, body), await call(barge, path, body)];
      expect(b.replace(/"revision":"\d+"/g, '"revision":#')).toBe(a.replace(/"revision":"\d+"/g, '"revision":#'));
    }
  });

  it('serves /version and /metrics with etcd\'s metric names', async () => {
    const version = JSON.parse(await (await fetch(`${barge.members[0]!.clientUrl}/version`)).text()) as Record<string, string>;
    expect(Object.keys(version)).toEqual(['etcdserver', 'etcdcluster']);
    const metrics = await (await fetch(`${barge.members[0]!.clientUrl}/metrics`)).text();
    const etcdMetrics = await (await fetch(`${etcd.members[0]!.clientUrl}/metrics`)).text();
    for (const name of ['etcd_server_has_leader', 'etcd_server_is_leader', 'etcd_server_proposals_committed_total', 'etcd_mvcc_db_total_size_in_bytes']) {
      expect(metrics).toMatch(new RegExp(`^${name} \\d+`, 'm'));
      expect(etcdMetrics).toMatch(new RegExp(`^${name} `, 'm'));
    }
    expect(etcdMetrics).toMatch(/^process_resident_memory_bytes /m);
    // The WAL's fsync latencies, in etcd's buckets.
    const fsyncBuckets = (text: string) => samples(text, 'etcd_disk_wal_fsync_duration_seconds_bucket').map((s) => s.labels['le']);
    expect(fsyncBuckets(metrics)).toEqual(fsyncBuckets(etcdMetrics));
    expect(fsyncBuckets(metrics)).toHaveLength(15);
    // Barge adds the heap's split so a memory figure can be told apart into live objects and garbage.
    const gauge = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(metrics)?.[1]);
    expect(gauge('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(gauge('nodejs_heap_size_total_bytes')).toBeGreaterThanOrEqual(gauge('nodejs_heap_size_used_bytes'));
    expect(gauge('process_resident_memory_bytes')).toBeGreaterThan(gauge('nodejs_heap_size_used_bytes'));
  });
});

describe('the gateway watch, against etcd 3.4', () => {
  /** Opens a gateway watch on `key`, runs `writes`, and returns the lines streamed meanwhile. */
  async function gatewayWatch(cluster: ProcessCluster, key: string, writes: () => void): Promise<string[]> {
    const controller = new AbortController();
    const response = await fetch(`${cluster.members[0]!.clientUrl}/v3/watch`, {
      method: 'POST',
      body: JSON.stringify({ create_request: { key: Buffer.from(key).toString('base64') } }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    let text = '';
    const read = (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        text += Buffer.from(value!).toString();
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    writes();
    await new Promise((r) => setTimeout(r, 500));
    controller.abort();
    await read;
    return text.trim().split('\n').map((line) => mask(line).replace(/"(cluster_id|member_id|raft_term|revision|create_revision|mod_revision)":"\d+"/g, '"$1":#'));
  }

  it('streams the same JSON lines', async () => {
    const run = (cluster: ProcessCluster) => () => {
      cluster.etcdctl(['put', 'gwatch', 'one']);
      cluster.etcdctl(['del', 'gwatch']);
    };
    const [fromEtcd, fromBarge] = [await gatewayWatch(etcd, 'gwatch', run(etcd)), await gatewayWatch(barge, 'gwatch', run(barge))];
    expect(fromEtcd).toHaveLength(3);
    expect(fromBarge).toEqual(fromEtcd);
  });
});
