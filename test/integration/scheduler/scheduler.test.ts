// `barge scheduler` (with leader election, as started by default) against `barge apiserver` over a
// one-member Barge cluster (three miss their health deadline on the small shared test machine): plain Node objects (no kubelet), pods created with the real kubectl, and the
// placements, events and conditions kube-scheduler would produce.

import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BARGE_BIN, exitCodeWithin, type ProcessCluster } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';
import { ApiserverProcess, prepareBargeBinary, startCluster } from '../apiserver/apiserver-process.js';

const node = (name: string, extra: { labels?: Record<string, string>; taints?: string } = {}): string => `apiVersion: v1
kind: Node
metadata:
  name: ${name}
  labels: ${JSON.stringify({ 'kubernetes.io/hostname': name, ...extra.labels })}
spec:
  taints: ${extra.taints ?? '[]'}
`;

/** The status a kubelet would post: capacity and allocatable through the status subresource. */
const nodeStatus = (cpu: string): string => JSON.stringify({ status: { capacity: { cpu, memory: '4Gi', pods: '110' }, allocatable: { cpu, memory: '4Gi', pods: '110' } } });

const pod = (name: string, cpu: string, spec = ''): string => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {app: ${name}}
spec:
${spec}  containers:
  - name: c
    image: busybox
    resources: {requests: {cpu: "${cpu}"}}
`;

describe('barge scheduler', () => {
  let cluster: ProcessCluster;
  let api: ApiserverProcess;
  let scheduler: ChildProcess;
  let standby: ChildProcess | undefined;
  let schedulerLog = '';

  const ok = (args: string[], input?: string): string => {
    const result = api.kubectl(args, input === undefined ? {} : { input });
    if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${result.stderr}\nscheduler log:\n${schedulerLog.slice(-3000)}`);
    return result.stdout;
  };
  const nodeOf = (name: string): string => ok(['get', 'pod', name, '-o', 'jsonpath={.spec.nodeName}']);
  const waitBound = async (name: string): Promise<string> => {
    await until(`${name} bound`, () => nodeOf(name) !== '', { timeoutMs: 20_000, pollMs: 200 });
    return nodeOf(name);
  };
  type Event = { reason: string; message: string; type: string; count?: number; series?: unknown; source: { component: string } };
  const eventsOf = (name: string): Event[] => (JSON.parse(ok(['get', 'events', '--field-selector', `involvedObject.name=${name}`, '-o', 'json'])) as { items: Event[] }).items;

  const createNode = (name: string, cpu: string, extra: Parameters<typeof node>[1] = {}): void => {
    ok(['create', '-f', '-'], node(name, extra));
    ok(['patch', 'node', name, '--subresource=status', '--type=merge', '-p', nodeStatus(cpu)]);
  };
  const startScheduler = (): ChildProcess => {
    const child = spawn(process.execPath, [BARGE_BIN, 'scheduler', '--kubeconfig', api.kubeconfig, '--leader-elect'], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (chunk: Buffer) => (schedulerLog += chunk.toString()));
    return child;
  };
  const leaseHolder = (): string => api.kubectl(['get', 'lease', '-n', 'kube-system', 'kube-scheduler', '-o', 'jsonpath={.spec.holderIdentity}']).stdout;

  beforeAll(async () => {
    prepareBargeBinary();
    cluster = await startCluster(1, 'barge');
    api = await ApiserverProcess.start(cluster.endpoints);
    createNode('n1', '2', { labels: { zone: 'a' } });
    createNode('n2', '2', { taints: '[{key: dedicated, value: gpu, effect: NoSchedule}]' });
    createNode('n3', '1', { labels: { disk: 'ssd' } });
    scheduler = startScheduler();
  }, 120_000);

  afterAll(async () => {
    for (const child of [scheduler, standby]) {
      if (!child) continue;
      child.kill('SIGTERM');
      await exitCodeWithin(child, 10_000);
    }
    await api?.stop();
    await cluster?.stop();
  });

  it('takes the kube-system/kube-scheduler Lease', async () => {
    await until('the scheduler lease', () => leaseHolder() !== '', { timeoutMs: 20_000, pollMs: 200 });
  }, 30_000);

  it('places pods by nodeSelector, toleration with node affinity, and records Scheduled', async () => {
    ok(['create', '-f', '-'], pod('by-selector', '100m', '  nodeSelector: {disk: ssd}\n'));
    ok(['create', '-f', '-'], pod('tolerating', '100m', '  tolerations: [{key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}]\n  affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [n2]}]}]}}}\n'));
    expect(await waitBound('by-selector')).toBe('n3');
    expect(await waitBound('tolerating')).toBe('n2');
    await until('the Scheduled event', () => eventsOf('by-selector').some((e) => e.reason === 'Scheduled'), { timeoutMs: 10_000, pollMs: 200 });
    const scheduled = eventsOf('by-selector').find((e) => e.reason === 'Scheduled')!;
    expect(scheduled).toMatchObject({ type: 'Normal', message: 'Successfully assigned default/by-selector to n3', source: { component: 'default-scheduler' } });
  }, 60_000);

  it('spreads pods with required anti-affinity over hosts', async () => {
    const anti = '  affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{labelSelector: {matchLabels: {team: solo}}, topologyKey: kubernetes.io/hostname}]}}\n';
    for (const name of ['solo-1', 'solo-2']) ok(['create', '-f', '-'], pod(name, '10m', anti).replace(`labels: {app: ${name}}`, `labels: {app: ${name}, team: solo}`));
    const placed = [await waitBound('solo-1'), await waitBound('solo-2')];
    expect(new Set(placed).size).toBe(2);
    expect(placed).not.toContain('n2');
  }, 60_000);

  it("gives a pod too big for every node kube-scheduler's message and condition", async () => {
    ok(['create', '-f', '-'], pod('too-big', '3'));
    const expected =
      '0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod..';
    await until('FailedScheduling', () => eventsOf('too-big').some((e) => e.reason === 'FailedScheduling'), { timeoutMs: 20_000, pollMs: 200 });
    expect(eventsOf('too-big').find((e) => e.reason === 'FailedScheduling')).toMatchObject({ type: 'Warning', message: expected });
    await until('PodScheduled=False', () => ok(['get', 'pod', 'too-big', '-o', 'jsonpath={.status.conditions[?(@.type=="PodScheduled")].reason}']) === 'Unschedulable', { timeoutMs: 10_000, pollMs: 200 });
    expect(ok(['get', 'pod', 'too-big', '-o', 'jsonpath={.status.conditions[?(@.type=="PodScheduled")].message}'])).toBe(expected);
    expect(nodeOf('too-big')).toBe('');
  }, 60_000);

  it('sees its own placements before the binds land, and retries parked pods when a node joins', async () => {
    ok(['create', '-f', '-'], pod('half-a', '1500m') + '---\n' + pod('half-b', '1500m'));
    await until('one of the two bound', () => nodeOf('half-a') !== '' || nodeOf('half-b') !== '', { timeoutMs: 20_000, pollMs: 200 });
    await until('the other refused', () => [...eventsOf('half-a'), ...eventsOf('half-b')].some((e) => e.reason === 'FailedScheduling'), { timeoutMs: 20_000, pollMs: 200 });
    const bound = [nodeOf('half-a'), nodeOf('half-b')].filter(Boolean);
    expect(bound).toEqual(['n1']);
    createNode('n4', '8');
    expect(await waitBound('too-big')).toBe('n4');
    const second = nodeOf('half-a') === 'n1' ? 'half-b' : 'half-a';
    expect(await waitBound(second)).toBe('n4');
  }, 60_000);

  it('leaves pods for another scheduler alone', async () => {
    ok(['create', '-f', '-'], pod('elsewhere', '10m', '  schedulerName: other-scheduler\n') + '---\n' + pod('marker', '10m'));
    await waitBound('marker');
    expect(nodeOf('elsewhere')).toBe('');
    expect(eventsOf('elsewhere')).toEqual([]);
  }, 60_000);

  it('a standby scheduler takes over within the lease duration when the leader is killed', async () => {
    const leader = leaseHolder();
    standby = startScheduler();
    ok(['create', '-f', '-'], pod('before-failover', '10m'));
    await waitBound('before-failover');
    expect(leaseHolder()).toBe(leader);
    const killedAt = Date.now();
    scheduler.kill('SIGKILL');
    await exitCodeWithin(scheduler, 10_000);
    // Pods created while nobody leads wait for the standby.
    const waiting = ['orphan-1', 'orphan-2', 'orphan-3'];
    ok(['create', '-f', '-'], waiting.map((name) => pod(name, '10m')).join('---\n'));
    await until('a new lease holder', () => leaseHolder() !== leader, { timeoutMs: 60_000, pollMs: 500 }).catch((error: Error) => {
      throw new Error(`${error.message}\nscheduler log:\n${schedulerLog.slice(-3000)}`);
    });
    // Lease duration 15 s and a retry period of 2 s, with room for a loaded machine.
    expect(Date.now() - killedAt).toBeLessThan(25_000);
    ok(['create', '-f', '-'], pod('after-failover', '10m'));
    expect(await waitBound('after-failover')).not.toBe('');
    // Nothing done twice: every pod bound once, with one Scheduled event that never repeated.
    for (const name of ['before-failover', ...waiting, 'after-failover']) {
      await waitBound(name);
      await until(`${name}'s Scheduled event`, () => eventsOf(name).some((e) => e.reason === 'Scheduled'), { timeoutMs: 10_000, pollMs: 200 });
      const scheduled = eventsOf(name).filter((e) => e.reason === 'Scheduled');
      expect(scheduled.map((e) => e.message)).toEqual([`Successfully assigned default/${name} to ${nodeOf(name)}`]);
      expect([Math.max(scheduled[0]!.count ?? 0, 1), scheduled[0]!.series]).toEqual([1, undefined]);
      expect(eventsOf(name).filter((e) => e.reason === 'FailedScheduling')).toEqual([]);
    }
  }, 120_000);
});
