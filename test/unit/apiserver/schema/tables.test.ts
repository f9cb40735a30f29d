// Table rows as kube's printers compute them, for the columns kubectl get shows.
import { describe, expect, it } from 'vitest';
import { humanDuration } from '../../../../src/apiserver/resources/human-duration.js';
import type { KubeObject } from '../../../../src/apiserver/schema/types.js';
import { specFor } from './support.js';

const now = new Date('2026-01-01T12:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();
const row = (group: string, kind: string, obj: KubeObject) => specFor(group, kind).table.row(obj, now);
const headers = (group: string, kind: string) => specFor(group, kind).table.columns.map((c) => (c.priority ? `${c.name}*` : c.name));

const runningPod = (statuses: unknown[], extra: Record<string, unknown> = {}): KubeObject => ({
  metadata: { name: 'web', creationTimestamp: ago(300) },
  spec: { containers: statuses.map((_, i) => ({ name: `c${i}` })), nodeName: 'node-1' },
  status: { phase: 'Running', podIPs: [{ ip: '10.0.0.5' }], containerStatuses: statuses, ...extra },
});
const running = { ready: true, restartCount: 0, state: { running: { startedAt: ago(200) } } };

describe('age', () => {
  it.each([
    [45, '45s'],
    [119, '119s'],
    [200, '3m20s'],
    [600, '10m'],
    [3 * 3600 + 1800, '3h30m'],
    [30 * 3600, '30h'],
    [3 * 86400 + 4 * 3600, '3d4h'],
    [40 * 86400, '40d'],
    [3 * 365 * 86400 + 10 * 86400, '3y10d'],
  ])('%i seconds read %s', (seconds, text) => expect(humanDuration(seconds * 1000)).toBe(text));
});

describe('pods', () => {
  it('has the real columns, the wide ones at priority 1', () => {
    expect(headers('', 'Pod')).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP*', 'Node*', 'Nominated Node*', 'Readiness Gates*']);
  });

  it.each<[string, KubeObject, unknown[]]>([
    ['a running pod', runningPod([running]), ['web', '1/1', 'Running', '0', '5m', '10.0.0.5', 'node-1', '<none>', '<none>']],
    [
      'a pod still creating its container',
      runningPod([{ ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }], { phase: 'Pending', podIPs: undefined }),
      ['web', '0/1', 'ContainerCreating', '0', '5m', '<none>', 'node-1', '<none>', '<none>'],
    ],
    [
      'a completed pod',
      runningPod([{ ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }], { phase: 'Succeeded' }),
      ['web', '0/1', 'Completed', '0', '5m', '10.0.0.5', 'node-1', '<none>', '<none>'],
    ],
    [
      'a crash-looping pod with its last restart',
      runningPod([{ ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(90) } } }]),
      ['web', '0/1', 'CrashLoopBackOff', '4 (90s ago)', '5m', '10.0.0.5', 'node-1', '<none>', '<none>'],
    ],
    [
      'a container killed by a signal',
      runningPod([{ ready: false, restartCount: 0, state: { terminated: { exitCode: 137, signal: 9 } } }]),
      ['web', '0/1', 'Signal:9', '0', '5m', '10.0.0.5', 'node-1', '<none>', '<none>'],
    ],
  ])('prints %s', (_what, obj, cells) => expect(row('', 'Pod', obj)).toEqual(cells));

  it('prints Terminating for a deleting pod and Init:0/1 while initializing', () => {
    const deleting = runningPod([running]);
    deleting.metadata!.deletionTimestamp = ago(1);
    expect(row('', 'Pod', deleting)[2]).toBe('Terminating');
    const initializing: KubeObject = {
      metadata: { name: 'web', creationTimestamp: ago(10) },
      spec: { initContainers: [{ name: 'init' }], containers: [{ name: 'app' }] },
      status: { phase: 'Pending', initContainerStatuses: [{ name: 'init', ready: false, restartCount: 0, state: { running: {} } }] },
    };
    expect(row('', 'Pod', initializing).slice(0, 3)).toEqual(['web', '0/1', 'Init:0/1']);
  });

  it('prints a pending pod with no statuses as Pending', () => {
    expect(row('', 'Pod', { metadata: { name: 'p', creationTimestamp: ago(5) }, spec: { containers: [{ name: 'a' }] }, status: { phase: 'Pending' } }).slice(0, 5)).toEqual(['p', '0/1', 'Pending', '0', '5s']);
  });
});

describe('workloads', () => {
  const podTemplate = { spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }, { name: 'side', image: 'busybox' }] } };

  it('prints a deployment as Ready n/m, up-to-date and available counts, containers, images and selector', () => {
    expect(headers('apps', 'Deployment')).toEqual(['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers*', 'Images*', 'Selector*']);
    const d = { metadata: { name: 'web', creationTimestamp: ago(60) }, spec: { replicas: 3, selector: { matchLabels: { app: 'web', tier: 'fe' } }, template: podTemplate }, status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } };
    expect(row('apps', 'Deployment', d)).toEqual(['web', '2/3', 3, 2, '60s', 'nginx,side', 'nginx:1.25,busybox', 'app=web,tier=fe']);
  });

  it('prints a replica set as desired, current and ready', () => {
    expect(headers('apps', 'ReplicaSet')).toEqual(['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers*', 'Images*', 'Selector*']);
    const rs = { metadata: { name: 'web-1', creationTimestamp: ago(60) }, spec: { replicas: 2, selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] }, template: podTemplate }, status: { replicas: 2 } };
    expect(row('apps', 'ReplicaSet', rs)).toEqual(['web-1', 2, 2, 0, '60s', 'nginx,side', 'nginx:1.25,busybox', 'app in (api,web)']);
  });

  it('prints a job with its status, completions and duration', () => {
    expect(headers('batch', 'Job')).toEqual(['Name', 'Status', 'Completions', 'Duration', 'Age', 'Containers*', 'Images*', 'Selector*']);
    const done = { metadata: { name: 'pi', creationTimestamp: ago(120) }, spec: { completions: 1, parallelism: 1, template: podTemplate }, status: { succeeded: 1, startTime: ago(100), completionTime: ago(80), conditions: [{ type: 'Complete', status: 'True' }] } };
    expect(row('batch', 'Job', done).slice(0, 5)).toEqual(['pi', 'Complete', '1/1', '20s', '2m']);
    const running_ = { metadata: { name: 'q', creationTimestamp: ago(10) }, spec: { parallelism: 3, template: podTemplate }, status: { startTime: ago(10) } };
    expect(row('batch', 'Job', running_)).toEqual(['q', 'Running', '0/1 of 3', '10s', '10s', 'nginx,side', 'nginx:1.25,busybox', '<none>']);
  });
});

describe('cluster kinds', () => {
  it('prints a node with its readiness, roles, version and addresses', () => {
    expect(headers('', 'Node')).toEqual(['Name', 'Status', 'Roles', 'Age', 'Version', 'Internal-IP*', 'External-IP*', 'OS-Image*', 'Kernel-Version*', 'Container-Runtime*']);
    const node = {
      metadata: { name: 'node-1', creationTimestamp: ago(7200), labels: { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/worker': '' } },
      spec: { unschedulable: true },
      status: { conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: '10.1.0.1' }], nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'Barge', kernelVersion: '6.1', containerRuntimeVersion: 'hollow://1' } },
    };
    expect(row('', 'Node', node)).toEqual(['node-1', 'Ready,SchedulingDisabled', 'control-plane,worker', '120m', 'v1.32.0', '10.1.0.1', '<none>', 'Barge', '6.1', 'hollow://1']);
  });

  it('prints services with their type, cluster IP, external IP and ports', () => {
    expect(headers('', 'Service')).toEqual(['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector*']);
    const svc = { metadata: { name: 'web', creationTimestamp: ago(30) }, spec: { type: 'NodePort', clusterIPs: ['10.96.0.10'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }], selector: { app: 'web' } } };
    expect(row('', 'Service', svc)).toEqual(['web', 'NodePort', '10.96.0.10', '<none>', '80:30080/TCP,53/UDP', '30s', 'app=web']);
    const lb = { metadata: { name: 'lb', creationTimestamp: ago(30) }, spec: { type: 'LoadBalancer', clusterIPs: ['10.96.0.11'], ports: [] } };
    expect(row('', 'Service', lb).slice(3, 5)).toEqual(['<pending>', '<none>']);
  });

  it('prints namespaces, config maps, secrets, leases and events', () => {
    expect(row('', 'Namespace', { metadata: { name: 'default', creationTimestamp: ago(5) }, status: { phase: 'Active' } })).toEqual(['default', 'Active', '5s']);
    expect(row('', 'ConfigMap', { metadata: { name: 'c', creationTimestamp: ago(5) }, data: { a: '1' }, binaryData: { b: 'AA==' } })).toEqual(['c', 2, '5s']);
    expect(row('', 'Secret', { metadata: { name: 's', creationTimestamp: ago(5) }, type: 'Opaque', data: { a: 'AA==' } })).toEqual(['s', 'Opaque', 1, '5s']);
    expect(row('coordination.k8s.io', 'Lease', { metadata: { name: 'node-1', creationTimestamp: ago(5) }, spec: { holderIdentity: 'node-1' } })).toEqual(['node-1', 'node-1', '5s']);
    expect(headers('', 'Event')).toEqual(['Last Seen', 'Type', 'Reason', 'Object', 'Subobject*', 'Source*', 'Message', 'First Seen*', 'Count*', 'Name*']);
    const event = { metadata: { name: 'web.1' }, involvedObject: { kind: 'Pod', name: 'web' }, reason: 'Scheduled', message: 'Successfully assigned default/web to node-1 ', source: { component: 'default-scheduler' }, firstTimestamp: ago(70), lastTimestamp: ago(10), count: 2, type: 'Normal' };
    expect(row('', 'Event', event)).toEqual(['10s', 'Normal', 'Scheduled', 'pod/web', '', 'default-scheduler', 'Successfully assigned default/web to node-1', '70s', 2, 'web.1']);
  });

  it('prints roles and CRDs with Created At, and role bindings with their subjects', () => {
    expect(row('rbac.authorization.k8s.io', 'Role', { metadata: { name: 'r', creationTimestamp: '2025-06-01T10:00:00Z' } })).toEqual(['r', '2025-06-01T10:00:00Z']);
    expect(specFor('apiextensions.k8s.io', 'CustomResourceDefinition').table.columns.map((c) => c.name)).toEqual(['Name', 'Created At']);
    const binding = { metadata: { name: 'b', creationTimestamp: ago(5) }, roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: 'jane' }, { kind: 'Group', name: 'devs' }, { kind: 'ServiceAccount', name: 'ci', namespace: 'tools' }] };
    expect(row('rbac.authorization.k8s.io', 'RoleBinding', binding)).toEqual(['b', 'ClusterRole/view', '5s', 'jane', 'devs', 'tools/ci']);
  });
});
