import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseControllerManagerArgs } from '../../../src/cli/controller-manager-command.js';
import { enabledControllers } from '../../../src/controllers/controller-manager.js';
import { parseGoDuration } from '../../../src/shared/go-time.js';

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: 'https://127.0.0.1:6443', insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`;

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function kubeconfigFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cm-flags-'));
  dirs.push(dir);
  const path = join(dir, 'controller-manager.conf');
  writeFileSync(path, KUBECONFIG);
  return path;
}

const parse = (args: string[]) => parseControllerManagerArgs(args, new AbortController().signal, () => undefined);

describe('controller-manager flags', () => {
  it.each([
    { text: '50s', ms: 50_000 },
    { text: '1m30s', ms: 90_000 },
    { text: '500ms', ms: 500 },
    { text: '1.5h', ms: 5_400_000 },
    { text: '0', ms: 0 },
  ])('Go duration $text', ({ text, ms }) => {
    expect(parseGoDuration(text)).toBe(ms);
  });

  it('rejects a malformed duration as Go does', () => {
    expect(() => parseGoDuration('50')).toThrow('time: missing unit in duration "50"');
  });

  it.each([
    { spec: ['*'], want: ['replicaset', 'replicationcontroller', 'deployment', 'serviceaccount', 'nodelifecycle', 'job', 'endpointslice', 'podgc', 'namespace', 'resourcequota', 'disruption', 'cronjob', 'garbagecollector'] },
    { spec: ['*', '-nodelifecycle', '-replicationcontroller', '-garbagecollector', '-podgc', '-job', '-endpointslice', '-namespace', '-disruption', '-cronjob', '-resourcequota'], want: ['replicaset', 'deployment', 'serviceaccount'] },
    { spec: ['deployment', 'replicaset'], want: ['replicaset', 'deployment'] },
    { spec: ['cronjob'], want: ['cronjob'] },
    { spec: ['daemonset'], want: [] },
  ])('--controllers=$spec', ({ spec, want }) => {
    expect(enabledControllers(spec)).toEqual(want);
  });

  it('rejects an unknown controller name and an unknown flag', () => {
    expect(() => enabledControllers(['*', 'bogus'])).toThrow('"bogus" is not in the list of known controllers');
    expect(() => parse(['--kubeconfig', kubeconfigFile(), '--no-such-flag'])).toThrow('unknown flag: --no-such-flag');
  });

  it('takes kube-controller-manager defaults and overrides', () => {
    const defaults = parse(['--kubeconfig', kubeconfigFile()]);
    expect(defaults.leaderElect).toBe(true);
    expect(defaults.lease).toEqual({ namespace: 'kube-system', name: 'kube-controller-manager', durationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 });
    expect(defaults.nodeLifecycle).toEqual({ gracePeriodMs: 50_000, monitorPeriodMs: 5_000, evictionRate: 0.1, secondaryEvictionRate: 0.01, unhealthyZoneThreshold: 0.55, largeClusterSizeThreshold: 50 });
    expect(defaults.terminatedPodGcThreshold).toBe(12500);
    expect(defaults.resourceQuotaSyncPeriodMs).toBe(300_000);
    expect(defaults.minResyncPeriodMs).toBe(12 * 3600_000);
    expect(defaults.workers).toMatchObject({ concurrentDeploymentSyncs: 5, concurrentReplicasetSyncs: 5 });
    const custom = parse(['--kubeconfig', kubeconfigFile(), '--leader-elect=false', '--node-monitor-grace-period=20s', '--concurrent-deployment-syncs=2', '--controllers=deployment']);
    expect(custom.leaderElect).toBe(false);
    expect(custom.nodeLifecycle.gracePeriodMs).toBe(20_000);
    expect(custom.workers['concurrentDeploymentSyncs']).toBe(2);
    expect(custom.controllers).toEqual(['deployment']);
    expect(() => parse(['--kubeconfig', kubeconfigFile(), '--node-monitor-grace-period=fast'])).toThrow('invalid argument "fast" for "--node-monitor-grace-period" flag: time: invalid duration "fast"');
  });
});
