// Admission and RBAC escalation through the real kubectl: LimitRange defaults and bounds, the default
// ServiceAccount and its token volume, default tolerations, a quota refusing the pod over it, and a
// namespace admin who cannot grant what it does not hold.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessCluster } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';
import { ApiserverProcess, prepareBargeBinary, startCluster, type KubectlResult } from '../apiserver/apiserver-process.js';

const json = (obj: unknown): string => JSON.stringify(obj);
const pod = (name: string, namespace: string, resources?: unknown) =>
  json({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace }, spec: { containers: [{ name: 'c', image: 'nginx', ...(resources ? { resources } : {}) }] } });

describe('admission plugins and escalation prevention', () => {
  let cluster: ProcessCluster;
  let api: ApiserverProcess;
  let dir: string;

  const admin = (args: string[], input?: string): KubectlResult => api.kubectl(args, input === undefined ? {} : { input });
  const adminOk = (args: string[], input?: string): string => {
    const result = admin(args, input);
    if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${result.stderr}\n${api.log.slice(-2000)}`);
    return result.stdout;
  };
  const carol = (args: string[], input?: string): KubectlResult => {
    const result = spawnSync('kubectl', ['--kubeconfig', join(dir, 'empty.conf'), '--cache-dir', join(dir, 'cache'), '--server', api.url, '--certificate-authority', join(api.dir, 'certs', 'ca.crt'), '--token', 'carol-token', ...args], { encoding: 'utf8', input, timeout: 30_000 });
    return { stdout: result.stdout, stderr: result.stderr, status: result.status };
  };

  beforeAll(async () => {
    prepareBargeBinary();
    dir = mkdtempSync(join(tmpdir(), 'gate-admission-'));
    writeFileSync(join(dir, 'tokens.csv'), 'carol-token,carol,2001\n');
    writeFileSync(join(dir, 'empty.conf'), 'apiVersion: v1\nkind: Config\n');
    writeFileSync(join(dir, 'audit.yaml'), 'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n- level: None\n  nonResourceURLs: ["/readyz*", "/api*", "/openapi*", "/version"]\n- level: Metadata\n  resources: [{group: rbac.authorization.k8s.io}]\n');
    cluster = await startCluster(1, 'barge');
    api = await ApiserverProcess.start(cluster.endpoints, [
      '--authorization-mode=RBAC',
      `--token-auth-file=${join(dir, 'tokens.csv')}`,
      '--enable-admission-plugins=ResourceQuota,DefaultTolerationSeconds,ServiceAccount,LimitRanger,NamespaceLifecycle,Priority',
      `--audit-policy-file=${join(dir, 'audit.yaml')}`,
      `--audit-log-path=${join(dir, 'audit.log')}`,
    ]);
    for (const ns of ['team', 'bare']) adminOk(['create', '-f', '-'], json({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }));
    adminOk(['create', '-f', '-'], json({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'team' } }));
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a pod gets LimitRange defaults, the default account with its token volume, and default tolerations', () => {
    adminOk(['create', '-f', '-'], json({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'lr', namespace: 'team' }, spec: { limits: [{ type: 'Container', default: { cpu: '500m', memory: '128Mi' }, defaultRequest: { cpu: '250m' }, max: { cpu: '1' } }] } }));
    expect(adminOk(['create', '-f', '-'], pod('web', 'team'))).toBe('pod/web created\n');
    const created = JSON.parse(adminOk(['get', 'pod', 'web', '-n', 'team', '-o', 'json'])) as { spec: Record<string, any> };
    expect(created.spec['containers'][0].resources).toEqual({ limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m', memory: '128Mi' } });
    expect(created.spec['serviceAccountName']).toBe('default');
    expect(created.spec['containers'][0].volumeMounts).toEqual([{ name: expect.stringMatching(/^kube-api-access-[a-z0-9]{5}$/), readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }]);
    expect(created.spec['tolerations']).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
    expect(admin(['create', '-f', '-'], pod('big', 'team', { limits: { cpu: '2' } }))).toMatchObject({
      status: 1,
      stderr: 'Error from server (Forbidden): error when creating "STDIN": pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2\n',
    });
  });

  it('a pod in a namespace without its service account is refused', () => {
    expect(admin(['create', '-f', '-'], pod('p', 'bare'))).toMatchObject({
      status: 1,
      stderr: 'Error from server (Forbidden): error when creating "STDIN": pods "p" is forbidden: error looking up service account bare/default: serviceaccount "default" not found\n',
    });
  });

  it('a quota refuses the pod over it and nothing is written', () => {
    adminOk(['create', '-f', '-'], json({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'team' }, spec: { hard: { pods: '2', 'count/configmaps': '1' } } }));
    expect(adminOk(['create', '-f', '-'], pod('second', 'team'))).toBe('pod/second created\n');
    expect(admin(['create', '-f', '-'], pod('third', 'team'))).toMatchObject({
      status: 1,
      stderr: 'Error from server (Forbidden): error when creating "STDIN": pods "third" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2\n',
    });
    expect(adminOk(['get', 'pods', '-n', 'team', '-o', 'name'])).toBe('pod/second\npod/web\n');
  });

  it('pods get the priority of their PriorityClass; the system classes exist', () => {
    const classes = adminOk(['get', 'priorityclasses']);
    expect(classes).toMatch(/^NAME\s+VALUE\s+GLOBAL-DEFAULT\s+AGE$/m);
    expect(classes).toMatch(/^system-cluster-critical\s+2000000000\s+false\s+\d+s$/m);
    expect(classes).toMatch(/^system-node-critical\s+2000001000\s+false\s+\d+s$/m);
    adminOk(['create', '-f', '-'], json({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prio' } }));
    adminOk(['create', '-f', '-'], json({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'prio' } }));
    expect(adminOk(['create', '-f', '-'], json({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000, preemptionPolicy: 'Never' }))).toBe('priorityclass.scheduling.k8s.io/high created\n');
    const withClass = JSON.parse(pod('urgent', 'prio')) as { spec: Record<string, unknown> };
    withClass.spec['priorityClassName'] = 'high';
    adminOk(['create', '-f', '-'], json(withClass));
    expect(adminOk(['get', 'pod', 'urgent', '-n', 'prio', '-o', 'jsonpath={.spec.priority} {.spec.preemptionPolicy}'])).toBe('1000 Never');
    adminOk(['create', '-f', '-'], pod('plain', 'prio'));
    expect(adminOk(['get', 'pod', 'plain', '-n', 'prio', '-o', 'jsonpath={.spec.priority} {.spec.preemptionPolicy}'])).toBe('0 PreemptLowerPriority');
    withClass.spec['priorityClassName'] = 'missing';
    expect(admin(['create', '-f', '-'], json({ ...withClass, metadata: { name: 'lost', namespace: 'prio' } }))).toMatchObject({
      status: 1,
      stderr: 'Error from server (Forbidden): error when creating "STDIN": pods "lost" is forbidden: no PriorityClass with name missing was found\n',
    });
  });

  it('a namespace admin cannot grant what it does not hold', async () => {
    adminOk(['create', '-f', '-'], json({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'carol-admin', namespace: 'team' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' }, subjects: [{ kind: 'User', name: 'carol' }] }));
    // The authorizer reads bindings from the watch cache: wait until it has this one.
    await until('carol is a namespace admin', () => carol(['auth', 'can-i', 'create', 'roles', '-n', 'team']).stdout === 'yes\n', { pollMs: 100 });
    const role = (name: string, rules: unknown[]) => json({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace: 'team' }, rules });
    expect(carol(['create', '-f', '-'], role('pod-reader', [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]))).toMatchObject({ stderr: '', stdout: 'role.rbac.authorization.k8s.io/pod-reader created\n' });
    expect(carol(['create', '-f', '-'], role('node-reader', [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] }]))).toMatchObject({
      status: 1,
      stderr:
        'Error from server (Forbidden): error when creating "STDIN": roles.rbac.authorization.k8s.io "node-reader" is forbidden: user "carol" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
        '{APIGroups:[""], Resources:["nodes"], Verbs:["get"]}\n{APIGroups:[""], Resources:["nodes"], Verbs:["list"]}\n',
    });
    const binding = json({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'root', namespace: 'team' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'User', name: 'carol' }] });
    const refused = carol(['create', '-f', '-'], binding);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^Error from server \(Forbidden\): error when creating "STDIN": rolebindings\.rbac\.authorization\.k8s\.io "root" is forbidden: user "carol" \(groups=\["system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\["\*"\], Resources:\["\*"\], Verbs:\["\*"\]\}\n\{NonResourceURLs:\["\*"\], Verbs:\["\*"\]\}\n$/);
    expect(adminOk(['get', 'roles,rolebindings', '-n', 'team', '-o', 'name'])).toBe('role.rbac.authorization.k8s.io/pod-reader\nrolebinding.rbac.authorization.k8s.io/carol-admin\n');

    // The audit log has the refused binding, at Metadata level, and nothing the policy leaves out.
    const events = readFileSync(join(dir, 'audit.log'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, any>);
    expect(events.every((e) => e['stage'] === 'ResponseComplete' && e['objectRef']?.apiGroup === 'rbac.authorization.k8s.io')).toBe(true);
    const refusal = events.find((e) => e['verb'] === 'create' && e['objectRef'].resource === 'rolebindings' && e['user'].username === 'carol');
    expect(refusal).toMatchObject({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'Metadata',
      requestURI: expect.stringMatching(/^\/apis\/rbac\.authorization\.k8s\.io\/v1\/namespaces\/team\/rolebindings\?/),
      user: { username: 'carol', uid: '2001', groups: ['system:authenticated'] },
      objectRef: { resource: 'rolebindings', namespace: 'team', apiGroup: 'rbac.authorization.k8s.io', apiVersion: 'v1' },
      responseStatus: { code: 403 },
      annotations: { 'authorization.k8s.io/decision': 'forbid' },
    });
    expect(refusal!['stageTimestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });
});
