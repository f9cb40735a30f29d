// The real kubectl (1.32, through the installed dispatcher) against `barge apiserver`, over a 3-member
// Barge cluster and over a real etcd 3.4: what kubectl prints, and the keys the apiserver writes.

import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Implementation } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';
import { apiserverOn } from './apiserver-process.js';

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: nginx
  labels: {app: web}
spec:
  containers:
  - name: nginx
    image: nginx:1.27
`;

const deployment = (replicas: number): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
`;

const configMap = (name: string): string => `apiVersion: v1
kind: ConfigMap
metadata: {name: ${name}}
data: {a: "1"}
`;

const EXAMPLES = resolve(import.meta.dirname, '../../../examples');
const EXAMPLE_CRD = join(EXAMPLES, 'flyingcube-crd.yaml');
const EXAMPLE_CUBE = join(EXAMPLES, 'flyingcube.yaml');

const NAMESPACE = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n';

/** The keys under /registry each implementation ended with, compared at the end. */
const keysSeen = new Map<Implementation, string[]>();

describe.each([
  ['barge', 3],
  ['etcd', 1],
] as [Implementation, number][])('kubectl against the apiserver over %s', (implementation, size) => {
  const env = apiserverOn(implementation, size, 90_000);
  const ok = (args: string[], input?: string): string => {
    const result = env.api.kubectl(args, input === undefined ? {} : { input });
    if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${result.status}): ${result.stderr}\napiserver log:\n${env.api.log.slice(-2000)}`);
    return result.stdout;
  };

  it('version, api-resources and api-versions come from the server', () => {
    expect(ok(['version'])).toMatch(/Server Version: v1\.32\.0/);
    const resources = ok(['api-resources']);
    expect(resources).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    expect(resources).toMatch(/^pods\s+po\s+v1\s+true\s+Pod$/m);
    expect(resources).toMatch(/^nodes\s+no\s+v1\s+false\s+Node$/m);
    expect(ok(['api-versions'])).toMatch(/^apps\/v1$/m);
    expect(ok(['cluster-info'])).toMatch(new RegExp(`^Kubernetes control plane is running at ${env.api.url.replace(/\./g, '\\.')}`));
    expect(ok(['get', '--raw', '/readyz?verbose'])).toBe('[+]ping ok\n[+]etcd ok\nreadyz check passed\n');
    expect(ok(['get', 'ns', 'default', '-o', 'name'])).toBe('namespace/default\n');
    ok(['get', 'ns']);
    const metrics = ok(['get', '--raw', '/metrics']);
    expect(metrics).toMatch(/^apiserver_request_total\{verb="LIST",group="",version="v1",resource="namespaces",subresource="",scope="cluster",component="apiserver",code="200"\} \d+$/m);
    expect(metrics).toMatch(/^apiserver_request_total\{verb="GET",group="",version="v1",resource="namespaces",subresource="",scope="resource",component="apiserver",code="200"\} \d+$/m);
    expect(metrics).toMatch(/^apiserver_request_duration_seconds_bucket\{.*le="\+Inf"\} \d+$/m);
    expect(metrics).toMatch(/^etcd_request_duration_seconds_count\{operation="Range",type="\/registry\/namespaces"\} \d+$/m);
  });

  it('creates from files and gets in every output form', () => {
    expect(ok(['create', '-f', '-'], POD)).toBe('pod/nginx created\n');
    expect(ok(['create', '-f', '-'], NAMESPACE)).toBe('namespace/team created\n');
    for (const name of ['c1', 'c2', 'c3']) expect(ok(['create', '-f', '-'], configMap(name))).toBe(`configmap/${name} created\n`);
    const again = env.api.kubectl(['create', '-f', '-'], { input: POD });
    expect(again.stderr).toMatch(/Error from server \(AlreadyExists\): error when creating "STDIN": pods "nginx" already exists/);

    expect(ok(['get', 'pods'])).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\nnginx\s+0\/1\s+Pending\s+0\s+\d+s\n$/);
    expect(ok(['get', 'pods', '-o', 'wide']).split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
    expect(ok(['get', 'pod', 'nginx', '-o', 'yaml'])).toMatch(/^kind: Pod$/m);
    const json = JSON.parse(ok(['get', 'pod', 'nginx', '-o', 'json'])) as { metadata: { uid: string; resourceVersion: string; namespace: string } };
    expect(json.metadata.namespace).toBe('default');
    expect(json.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(json.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(ok(['get', 'pods', '-o', 'name'])).toBe('pod/nginx\n');
    expect(ok(['get', 'pod', 'nginx', '-o', 'jsonpath={.spec.containers[0].image}'])).toBe('nginx:1.27');
    expect(ok(['get', 'ns'])).toMatch(/^team\s+Active\s+\d+s$/m);
  });

  it('selects by label and field, pages with --chunk-size, and lists across namespaces', () => {
    expect(ok(['get', 'pods', '-l', 'app=web', '-o', 'name'])).toBe('pod/nginx\n');
    expect(ok(['get', 'pods', '-l', 'app in (db,cache)', '-o', 'name'])).toBe('');
    expect(ok(['get', 'pods', '--field-selector', 'status.phase=Pending', '-o', 'name'])).toBe('pod/nginx\n');
    expect(ok(['get', 'pods', '--field-selector', 'spec.nodeName=node-1', '-o', 'name'])).toBe('');
    expect(env.api.kubectl(['get', 'pods', '--field-selector', 'spec.bogus=x']).stderr).toMatch(/field label not supported: spec.bogus/);
    expect(ok(['get', 'configmaps', '--chunk-size=1', '-o', 'name'])).toBe('configmap/c1\nconfigmap/c2\nconfigmap/c3\n');
    expect(ok(['get', 'configmaps', '--sort-by=.metadata.name', '-o', 'name'])).toBe('configmap/c1\nconfigmap/c2\nconfigmap/c3\n');
    const all = ok(['get', 'pods', '-A']);
    expect(all).toMatch(/^NAMESPACE\s+NAME\s+READY/);
    expect(all).toMatch(/^default\s+nginx\s+0\/1\s+Pending/m);
  });

  it('describes, and explains what is missing', () => {
    expect(ok(['describe', 'pod', 'nginx'])).toMatch(/^Name:\s+nginx\nNamespace:\s+default\n/);
    expect(env.api.kubectl(['get', 'pod', 'nope']).stderr).toBe('Error from server (NotFound): pods "nope" not found\n');
  });

  it('applies client-side: created, unchanged, configured', () => {
    expect(ok(['apply', '-f', '-'], deployment(2))).toBe('deployment.apps/web created\n');
    expect(ok(['apply', '-f', '-'], deployment(2))).toBe('deployment.apps/web unchanged\n');
    expect(ok(['apply', '-f', '-'], deployment(3))).toBe('deployment.apps/web configured\n');
    expect(ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas} {.metadata.generation}'])).toBe('3 2');
    const diff = env.api.kubectl(['diff', '-f', '-'], { input: deployment(4) });
    expect(diff.status).toBe(1);
    expect(diff.stdout).toMatch(/^-\s+replicas: 3$/m);
    expect(diff.stdout).toMatch(/^\+\s+replicas: 4$/m);
    expect(ok(['get', 'deploy', '-o', 'wide'])).toMatch(/^web\s+0\/3\s+0\s+0\s+\d+s\s+nginx\s+nginx:1\.27\s+app=web$/m);
  });

  it('patches in three types, scales, labels and annotates', () => {
    expect(ok(['patch', 'deploy', 'web', '--type=merge', '-p', '{"spec":{"replicas":4}}'])).toBe('deployment.apps/web patched\n');
    expect(ok(['patch', 'deploy', 'web', '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":5}]'])).toBe('deployment.apps/web patched\n');
    expect(ok(['patch', 'deploy', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.28"}]}}}}'])).toBe('deployment.apps/web patched\n');
    expect(ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas} {.spec.template.spec.containers[*].image}'])).toBe('5 nginx:1.28');
    expect(ok(['scale', 'deploy', 'web', '--replicas=1'])).toBe('deployment.apps/web scaled\n');
    expect(ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}'])).toBe('1');
    expect(ok(['wait', '--for=jsonpath={.spec.replicas}=1', 'deploy/web', '--timeout=10s'])).toBe('deployment.apps/web condition met\n');
    expect(ok(['label', 'pod', 'nginx', 'tier=front'])).toBe('pod/nginx labeled\n');
    expect(ok(['annotate', 'pod', 'nginx', 'note=hi'])).toBe('pod/nginx annotated\n');
    expect(ok(['get', 'pod', 'nginx', '-o', 'jsonpath={.metadata.labels.tier} {.metadata.annotations.note}'])).toBe('front hi');
  });

  it('watches: get -w sees a pod added, modified and deleted', async () => {
    const watch = env.api.kubectlInBackground(['get', 'pods', '-w', '--output-watch-events']);
    await until('the watch to list', () => /nginx/.test(watch.output()), { timeoutMs: 15_000 });
    ok(['run', 'busy', '--image=busybox', '--restart=Never']);
    ok(['label', 'pod', 'busy', 'x=1']);
    ok(['delete', 'pod', 'busy']);
    await until('the DELETED event', () => /DELETED\s+busy/.test(watch.output()), { timeoutMs: 15_000 });
    const out = await watch.stop();
    expect(out).toMatch(/^EVENT\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/m);
    expect(out).toMatch(/^ADDED\s+busy\s+0\/1\s+Pending/m);
    expect(out).toMatch(/^MODIFIED\s+busy\s+0\/1\s+Pending/m);
    expect(out).toMatch(/^DELETED\s+busy\s+0\/1\s+Pending/m);
  });

  it('exposes a pod with an allocated ClusterIP, binds a pod, and deletes a bound pod gracefully', () => {
    expect(ok(['expose', 'pod', 'nginx', '--port=80', '--name=web'])).toBe('service/web exposed\n');
    expect(ok(['get', 'svc', 'web'])).toMatch(/^web\s+ClusterIP\s+10\.0\.0\.\d+\s+<none>\s+80\/TCP\s+\d+s$/m);
    ok(['run', 'bound', '--image=busybox', '--restart=Never']);
    const binding = JSON.stringify({ apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bound' }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' } });
    expect(ok(['create', '--raw', '/api/v1/namespaces/default/pods/bound/binding', '-f', '-'], binding)).toMatch(/"status":"Success"/);
    expect(env.api.kubectl(['create', '--raw', '/api/v1/namespaces/default/pods/bound/binding', '-f', '-'], { input: binding }).stderr).toMatch(/already assigned to node "node-1"/);
    expect(ok(['delete', 'pod', 'bound', '--wait=false'])).toBe('pod "bound" deleted\n');
    expect(ok(['get', 'pod', 'bound', '-o', 'jsonpath={.spec.nodeName} {.metadata.deletionGracePeriodSeconds}'])).toBe('node-1 30');
    ok(['delete', 'pod', 'bound', '--grace-period=0', '--force']);
    expect(env.api.kubectl(['get', 'pod', 'bound']).status).not.toBe(0);
    expect(ok(['delete', 'svc', 'web'])).toBe('service "web" deleted\n');
  });

  it('keeps a registered Node\'s status, answers decode errors as kube does, and keeps a no-op re-apply and a replaced Service\'s address', () => {
    const node = JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'registered' }, status: { capacity: { cpu: '4', pods: '110' } } });
    expect(ok(['create', '-f', '-'], node)).toBe('node/registered created\n');
    expect(ok(['get', 'node', 'registered', '-o', 'jsonpath={.status.capacity.cpu}'])).toBe('4');
    ok(['delete', 'node', 'registered']);

    const strict = env.api.kubectl(['create', '--validate=strict', '-f', '-'], { input: deployment(1).replace('  replicas: 1\n', '  replicas: 1\n  foo: 1\n') });
    expect(strict.stderr).toContain('Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo"');
    const mistyped = JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'typed' }, spec: { replicas: 'three' } });
    expect(env.api.kubectl(['create', '--raw', '/apis/apps/v1/namespaces/default/deployments', '-f', '-'], { input: mistyped }).stderr).toContain(
      'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
    );

    const sized = deployment(1).replace('        image: nginx:1.27\n', '        image: nginx:1.27\n        resources: {requests: {cpu: 1000m}}\n').replace('name: web', 'name: sized');
    expect(ok(['apply', '--server-side', '-f', '-'], sized)).toBe('deployment.apps/sized serverside-applied\n');
    const before = ok(['get', 'deploy', 'sized', '-o', 'jsonpath={.metadata.generation} {.metadata.resourceVersion}']);
    expect(before).toMatch(/^1 \d+$/);
    ok(['apply', '--server-side', '-f', '-'], sized);
    expect(ok(['get', 'deploy', 'sized', '-o', 'jsonpath={.metadata.generation} {.metadata.resourceVersion}'])).toBe(before);
    ok(['delete', 'deploy', 'sized']);

    const svc = 'apiVersion: v1\nkind: Service\nmetadata: {name: kept}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n';
    ok(['create', '-f', '-'], svc);
    const ip = ok(['get', 'svc', 'kept', '-o', 'jsonpath={.spec.clusterIP}']);
    expect(ip).toMatch(/^10\.0\.0\.\d+$/);
    expect(ok(['replace', '-f', '-'], svc)).toBe('service/kept replaced\n');
    expect(ok(['get', 'svc', 'kept', '-o', 'jsonpath={.spec.clusterIPs[0]} {.spec.ipFamilies[0]} {.spec.ipFamilyPolicy}'])).toBe(`${ip} IPv4 SingleStack`);
    ok(['create', '-f', '-'], 'apiVersion: v1\nkind: Service\nmetadata: {name: headless}\nspec: {clusterIP: None, selector: {app: web}, ports: [{port: 80}]}\n');
    expect(ok(['get', 'svc', 'headless'])).toMatch(/^headless\s+ClusterIP\s+None\s+<none>\s+80\/TCP\s+\d+s$/m);
    ok(['delete', 'svc', 'kept', 'headless']);
  });

  it('serves a CustomResourceDefinition once established, and deletes its objects with it', async () => {
    expect(ok(['apply', '-f', EXAMPLE_CRD])).toBe('customresourcedefinition.apiextensions.k8s.io/flyingcubes.ktcloud.io created\n');
    expect(ok(['wait', '--for', 'condition=established', 'crd/flyingcubes.ktcloud.io', '--timeout=15s'])).toBe('customresourcedefinition.apiextensions.k8s.io/flyingcubes.ktcloud.io condition met\n');
    expect(ok(['apply', '-f', EXAMPLE_CUBE])).toBe('flyingcube.ktcloud.io/first created\n');
    expect(ok(['get', 'fc'])).toMatch(/^NAME\s+DEVELOPER\s+AGE\nfirst\s+alice\s+\d+s\n$/);
    expect(ok(['get', 'flyingcube', 'first', '-o', 'jsonpath={.spec.size}'])).toBe('1');
    const invalid = env.api.kubectl(['create', '-f', '-'], { input: 'apiVersion: ktcloud.io/v1\nkind: Flyingcube\nmetadata: {name: bad}\nspec: {}\n' });
    expect(invalid.stderr).toMatch(/The Flyingcube "bad" is invalid: spec.developer: Required value/);
    expect(env.api.kubectl(['patch', 'fc', 'first', '-p', '{"spec":{"size":2}}']).stderr).toMatch(/application\/strategic-merge-patch\+json is not supported/);
    expect(ok(['patch', 'fc', 'first', '--type=merge', '-p', '{"spec":{"size":2}}'])).toBe('flyingcube.ktcloud.io/first patched\n');
    expect(env.cluster.etcdctl(['get', '/registry/ktcloud.io/flyingcubes/default/first', '--keys-only']).stdout).toMatch(/first/);
    expect(ok(['delete', 'crd', 'flyingcubes.ktcloud.io'])).toBe('customresourcedefinition.apiextensions.k8s.io "flyingcubes.ktcloud.io" deleted\n');
    await until('the custom objects to go', () => env.cluster.etcdctl(['get', '/registry/ktcloud.io', '--prefix', '--keys-only']).stdout === '', { timeoutMs: 10_000 });
  });

  it('writes the keys kube-apiserver writes', () => {
    const keys = env.cluster.etcdctl(['get', '/registry', '--prefix', '--keys-only']).stdout.split('\n').filter((k) => k !== '');
    expect(keys).toEqual(
      expect.arrayContaining([
        '/registry/pods/default/nginx',
        '/registry/deployments/default/web',
        '/registry/configmaps/default/c1',
        '/registry/namespaces/default',
        '/registry/namespaces/kube-system',
        '/registry/namespaces/team',
      ]),
    );
    const value = env.cluster.etcdctl(['get', '/registry/pods/default/nginx', '--print-value-only']).stdout;
    expect((JSON.parse(value) as { kind: string }).kind).toBe('Pod');
    keysSeen.set(implementation, keys);
  });

  it('deletes: objects, and marks a namespace Terminating (the namespace controller empties it)', () => {
    expect(ok(['delete', 'pod', 'nginx'])).toBe('pod "nginx" deleted\n');
    expect(ok(['create', 'configmap', 'inside', '-n', 'team', '--from-literal=a=1', '--dry-run=client', '-o', 'yaml'])).toMatch(/name: inside/);
    ok(['create', '-n', 'team', '-f', '-'], configMap('inside'));
    expect(ok(['delete', 'namespace', 'team', '--wait=false'])).toBe('namespace "team" deleted\n');
    expect(ok(['get', 'ns', 'team', '-o', 'jsonpath={.status.phase} {.spec.finalizers}'])).toBe('Terminating ["kubernetes"]');
    expect(ok(['delete', 'deploy', 'web'])).toBe('deployment.apps "web" deleted\n');
    expect(ok(['get', 'pods', '-o', 'name'])).toBe('');
  });
});

describe('keys on both stores', () => {
  it('are the same', () => {
    expect(keysSeen.get('barge')).toBeDefined();
    expect(keysSeen.get('barge')).toEqual(keysSeen.get('etcd'));
  });
});
