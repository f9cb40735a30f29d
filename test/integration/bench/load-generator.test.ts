// The load generator end to end: its command line against a real one-member Barge, checked through etcdctl
// rather than through the generator's own code.

import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LatencySummary as Summary } from '../../../bench/load/histogram.js';
import type { LoadReport as Report } from '../../../bench/load/runner.js';
import { ProcessCluster } from '../../support/process-cluster.js';

const REPO = resolve(import.meta.dirname, '../../..');

function bench(args: string[]): Report {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bench/cli.ts', ...args, '--json'], { cwd: REPO, encoding: 'utf8', timeout: 20_000 });
  if (result.status !== 0) throw new Error(`bench ${args.join(' ')} exited ${result.status ?? result.signal}: ${result.stderr}`);
  return JSON.parse(result.stdout) as Report;
}

function expectOrdered(l: Summary): void {
  expect(l.minMs).toBeGreaterThan(0);
  const ladder = [l.minMs, l.p50Ms, l.p90Ms, l.p99Ms, l.p999Ms, l.maxMs];
  expect([...ladder].sort((a, b) => a - b)).toEqual(ladder);
  expect(l.meanMs).toBeGreaterThanOrEqual(l.minMs);
  expect(l.meanMs).toBeLessThanOrEqual(l.maxMs);
}

describe('load generator against a one-member Barge', () => {
  let cluster: ProcessCluster;
  beforeAll(async () => {
    cluster = await ProcessCluster.start(1, 'barge');
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('put over two worker processes writes exactly --total distinct keys and reports ordered percentiles', () => {
    const total = 120;
    const report = bench(['put', `--endpoints=${cluster.endpoints[0]}`, `--total=${total}`, '--clients=6', '--conns=2', '--workers=2', '--sequential-keys', `--key-space-size=${total}`, '--key-prefix=lg/', '--val-size=16']);
    expect(report.workload).toBe('put');
    expect(report.workers).toBe(2);
    expect(report.expected).toBe(total);
    expect(report.count).toBe(total);
    expect(report.errors).toBe(0);
    expect(report.errorMessages).toEqual({});
    expect(report.latency.count).toBe(total);
    expect(report.histogram.reduce((sum, b) => sum + b.count, 0)).toBe(total);
    expectOrdered(report.latency);
    expect(report.elapsedSec).toBeGreaterThan(0);
    expect(report.throughput).toBeCloseTo(total / report.elapsedSec, 3);

    const got = cluster.etcdctl(['get', 'lg/', '--prefix', '-w', 'json']);
    expect(got.status).toBe(0);
    const kvs = (JSON.parse(got.stdout) as { kvs?: { key: string; value: string }[] }).kvs ?? [];
    expect(kvs).toHaveLength(total);
    const keys = new Set(kvs.map((kv) => Buffer.from(kv.key, 'base64').toString('latin1')));
    expect(keys.size).toBe(total);
    for (const kv of kvs) expect(Buffer.from(kv.value, 'base64')).toHaveLength(16);
  });

  it('watch counts every event a put sends to every watcher', () => {
    const report = bench(['watch', `--endpoints=${cluster.endpoints[0]}`, '--streams=2', '--watch-per-stream=5', '--watched-key-total=2', '--put-total=10', '--key-prefix=lw/']);
    // 10 watchers over 2 keys (5 each), 10 puts over 2 keys (5 each): 50 events.
    expect(report.unit).toBe('events');
    expect(report.expected).toBe(50);
    expect(report.count).toBe(50);
    expect(report.errors).toBe(0);
    expectOrdered(report.latency);
    expect(report.parts['watch-create']?.count).toBe(10);
    // Every event came in some response; none came in a response of its own that the count missed.
    expect(report.eventResponses).toBeGreaterThan(0);
    expect(report.eventResponses).toBeLessThanOrEqual(report.count);
    const got = cluster.etcdctl(['get', 'lw/', '--prefix', '--keys-only', '-w', 'json']);
    expect((JSON.parse(got.stdout) as { count?: number }).count).toBe(2);
  });
});
