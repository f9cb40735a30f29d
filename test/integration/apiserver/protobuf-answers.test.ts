// Answers in Kubernetes protobuf, read by the real clients that ask for them: kubectl 1.32 and 1.33's
// typed client (describe, events) gets objects, lists, Status errors and watch events as protobuf and
// prints what kubectl 1.31 prints from JSON. Then the negotiation at the wire: custom resources stay
// JSON (406 when only protobuf is accepted) while webhook configurations, admission policies and CRDs
// are protobuf both ways, a protobuf watch is length-prefixed WatchEvent frames; and kinds without
// printer columns get kube's default Table.

import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { request } from 'node:https';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import protobuf from 'protobufjs';
import { decodeKubernetesProtobuf } from '../../../src/apiserver/protobuf/decode.js';
import { encodeKubernetesProtobuf } from '../../../src/apiserver/protobuf/encode.js';
import { exitCodeWithin } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';
import { apiserverOnBarge } from './apiserver-process.js';

const KUBECTL_DIR = dirname(realpathSync(execFileSync('which', ['kubectl'], { encoding: 'utf8' }).trim()));
const EXAMPLES = resolve(import.meta.dirname, '../../../examples');
const PROTOBUF = 'application/vnd.kubernetes.protobuf';

const NODE = `apiVersion: v1
kind: Node
metadata: {name: pb-node, labels: {zone: a}}
`;
const NODE_STATUS = JSON.stringify({
  status: {
    capacity: { cpu: '4', memory: '8Gi', pods: '110' },
    allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
    conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: '2026-12-02T21:00:00Z', lastTransitionTime: '2026-12-02T21:00:00Z' }],
    addresses: [{ type: 'InternalIP', address: '10.0.0.7' }, { type: 'Hostname', address: 'pb-node' }],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: { machineID: 'm', systemUUID: 's', bootID: 'b', kernelVersion: '6.1.0', osImage: 'Hollow', containerRuntimeVersion: 'hollow://0.1', kubeletVersion: 'v1.32.0', kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64' },
  },
});
const POD = `apiVersion: v1
kind: Pod
metadata: {name: pb-pod, labels: {app: pb}}
spec:
  nodeName: pb-node
  containers:
  - name: web
    image: nginx:1.27
    ports: [{containerPort: 80, name: http}]
    resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 128Mi}}
    env: [{name: MODE, value: fast}]
`;
const POD_STATUS = JSON.stringify({
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-12-02T21:00:05Z' }],
    hostIP: '10.0.0.7',
    hostIPs: [{ ip: '10.0.0.7' }],
    podIP: '10.244.0.9',
    podIPs: [{ ip: '10.244.0.9' }],
    startTime: '2026-12-02T21:00:01Z',
    containerStatuses: [
      {
        name: 'web',
        state: { running: { startedAt: '2026-12-02T21:00:04Z' } },
        lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: '2026-12-02T20:59:00Z', finishedAt: '2026-12-02T21:00:00Z', containerID: 'hollow://old' } },
        ready: true,
        restartCount: 1,
        image: 'docker.io/library/nginx:1.27',
        imageID: 'docker.io/library/nginx@sha256:0123',
        containerID: 'hollow://new',
        started: true,
      },
    ],
    qosClass: 'Burstable',
  },
});

/** One of each admissionregistration kind, matching only objects labelled for it (so nothing else here is sent to them). */
const ADMISSION_OBJECTS = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: pb-vwc}
webhooks:
- name: never.pb.example.com
  clientConfig: {url: "https://127.0.0.1:1/never"}
  rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [configmaps], scope: Namespaced}]
  objectSelector: {matchLabels: {pb-never: "true"}}
  failurePolicy: Ignore
  sideEffects: None
  admissionReviewVersions: [v1]
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: pb-mwc}
webhooks:
- name: never.pb.example.com
  clientConfig: {service: {namespace: default, name: nowhere, path: /mutate, port: 8443}}
  rules: [{operations: [CREATE, UPDATE], apiGroups: [apps], apiVersions: [v1], resources: [deployments]}]
  objectSelector: {matchLabels: {pb-never: "true"}}
  failurePolicy: Ignore
  sideEffects: NoneOnDryRun
  reinvocationPolicy: IfNeeded
  admissionReviewVersions: [v1, v1beta1]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: pb-vap}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [configmaps]}]
  validations: [{expression: "!has(object.data) || !('forbidden' in object.data)", message: no forbidden key}]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: pb-vapb}
spec:
  policyName: pb-vap
  validationActions: [Deny]
  matchResources: {objectSelector: {matchLabels: {pb-policy: "on"}}}
`;
const EXTENSION_PATHS = {
  'validatingwebhookconfiguration/pb-vwc': '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/pb-vwc',
  'mutatingwebhookconfiguration/pb-mwc': '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/pb-mwc',
  'validatingadmissionpolicy/pb-vap': '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/pb-vap',
  'validatingadmissionpolicybinding/pb-vapb': '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings/pb-vapb',
  'crd/flyingcubes.ktcloud.io': '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/flyingcubes.ktcloud.io',
};

describe('protobuf answers', () => {
  const env = apiserverOnBarge();
  const kubectl = (version: string, args: readonly string[], input?: string) =>
    env.api.kubectl(args, { binary: join(KUBECTL_DIR, `kubectl.${version}`), ...(input === undefined ? {} : { input }) });
  const ok = (version: string, args: readonly string[], input?: string): string => {
    const result = kubectl(version, args, input);
    if (result.status !== 0) throw new Error(`kubectl.${version} ${args.join(' ')}: ${result.stderr}\n${env.api.log.slice(-1500)}`);
    return result.stdout;
  };

  const raw = (method: string, path: string, headers: Record<string, string>) => env.api.request(method, path, headers);

  it.each(['1.32', '1.33'])('kubectl %s describe reads protobuf pods, nodes and events, and prints what kubectl 1.31 prints from JSON', (version) => {
    if (kubectl('1.31', ['get', 'node', 'pb-node']).status !== 0) {
      ok('1.31', ['create', '-f', '-'], NODE);
      ok('1.31', ['patch', 'node', 'pb-node', '--subresource=status', '--type=merge', '-p', NODE_STATUS]);
      ok('1.31', ['create', '-f', '-'], POD);
      ok('1.31', ['patch', 'pod', 'pb-pod', '--subresource=status', '--type=merge', '-p', POD_STATUS]);
    }
    for (const target of [['pod', 'pb-pod'], ['node', 'pb-node'], ['namespace', 'default']]) {
      const viaProtobuf = ok(version, ['describe', ...target]);
      // Ages (a node's pods have one) may tick between the two runs.
      const ageless = (text: string) => text.replace(/\b\d+[smhd]\b/g, 'AGE');
      expect(ageless(viaProtobuf)).toBe(ageless(ok('1.31', ['describe', ...target])));
      expect(viaProtobuf).toMatch(new RegExp(`^Name:\\s+${target[1]}$`, 'm'));
    }
    const pod = ok(version, ['describe', 'pod', 'pb-pod']);
    expect(pod).toMatch(/^\s+State:\s+Running$/m);
    expect(pod).toMatch(/^\s+Reason:\s+OOMKilled$/m);
    expect(pod).toMatch(/^\s+Restart Count:\s+1$/m);
    expect(pod).toMatch(/^QoS Class:\s+Burstable$/m);
    expect(ok(version, ['describe', 'node', 'pb-node'])).toMatch(/^\s+InternalIP:\s+10\.0\.0\.7$/m);
    // The wire: kubectl's typed client asked for protobuf and was answered in it.
    const traced = kubectl(version, ['describe', 'pod', 'pb-pod', '-v=8']);
    expect(traced.stderr).toMatch(/Accept: application\/vnd\.kubernetes\.protobuf/);
    expect(traced.stderr).toMatch(/Content-Type: application\/vnd\.kubernetes\.protobuf/);
    expect(kubectl('1.31', ['describe', 'pod', 'pb-pod', '-v=8']).stderr).not.toMatch(/Content-Type: application\/vnd\.kubernetes\.protobuf/);
  });

  it.each(['1.32', '1.33'])('kubectl %s gets a NotFound Status in protobuf and prints it', (version) => {
    const missing = kubectl(version, ['describe', 'pod', 'no-such-pod']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe('Error from server (NotFound): pods "no-such-pod" not found\n');
  });

  it('answers a get, a list and an error in protobuf that decode to the JSON answers', async () => {
    ok('1.31', ['create', 'configmap', 'wire-cm', '--from-literal=k=v']);
    for (const path of ['/api/v1/namespaces/default/configmaps/wire-cm', '/api/v1/namespaces/default/pods/pb-pod', '/api/v1/nodes/pb-node']) {
      const json = await raw('GET', path, { Accept: 'application/json' });
      const pb = await raw('GET', path, { Accept: `${PROTOBUF}, application/json` });
      expect(pb.headers['content-type']).toBe(PROTOBUF);
      // The same object; protobuf also carries the zero values Go prints that the stored JSON leaves out (a condition's lastProbeTime: null).
      expect(decodeKubernetesProtobuf(pb.body)).toMatchObject(JSON.parse(json.body.toString()) as Record<string, unknown>);
    }
    const list = await raw('GET', '/api/v1/namespaces/default/configmaps', { Accept: `${PROTOBUF}, application/json` });
    expect(list.headers['content-type']).toBe(PROTOBUF);
    // The envelope names the list kind; the items follow in it.
    expect(list.body.subarray(0, 4).toString('latin1')).toBe('k8s\0');
    expect(list.body.toString('latin1')).toContain('ConfigMapList');
    expect(list.body.toString('latin1')).toContain('wire-cm');
    const missing = await raw('GET', '/api/v1/namespaces/default/configmaps/nope', { Accept: PROTOBUF });
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toBe(PROTOBUF);
    expect(missing.body.subarray(0, 4).toString('latin1')).toBe('k8s\0');
    expect(missing.body.toString('latin1')).toContain('configmaps "nope" not found');
  });

  it('keeps custom resources in JSON as kube does, and refuses an Accept it cannot meet with 406', async () => {
    ok('1.31', ['apply', '-f', join(EXAMPLES, 'flyingcube-crd.yaml')]);
    ok('1.31', ['wait', '--for', 'condition=established', 'crd/flyingcubes.ktcloud.io', '--timeout=30s']);
    await until('the custom resource to be created', () => kubectl('1.31', ['apply', '-f', join(EXAMPLES, 'flyingcube.yaml')]).status === 0, { timeoutMs: 30_000 });
    const path = '/apis/ktcloud.io/v1/namespaces/default/flyingcubes/first';
    const either = await raw('GET', path, { Accept: `${PROTOBUF}, application/json` });
    expect(either.headers['content-type']).toBe('application/json');
    expect(JSON.parse(either.body.toString())).toMatchObject({ kind: 'Flyingcube', spec: { developer: 'alice' } });
    const only = await raw('GET', path, { Accept: PROTOBUF });
    expect(only.status).toBe(406);
    expect(JSON.parse(only.body.toString())).toMatchObject({ kind: 'Status', code: 406, reason: 'NotAcceptable', message: 'only the following media types are accepted: application/json, application/yaml' });
    const html = await raw('GET', '/api/v1/namespaces/default/configmaps/wire-cm', { Accept: 'text/html' });
    expect(html.status).toBe(406);
    expect(JSON.parse(html.body.toString())).toMatchObject({
      message: 'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf',
    });
  });

  /** A POST of a protobuf body (the helper's bodies are text), answered in protobuf. */
  const postProtobuf = (path: string, body: Buffer): Promise<{ status: number; contentType: string; body: Buffer }> => {
    const certs = join(env.api.dir, 'certs');
    return new Promise((done, fail) => {
      const req = request(`${env.api.url}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': PROTOBUF, Accept: PROTOBUF, 'Content-Length': String(body.length) },
        ca: readFileSync(join(certs, 'ca.crt')),
        cert: readFileSync(join(certs, 'admin.crt')),
        key: readFileSync(join(certs, 'admin.key')),
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type']), body: Buffer.concat(chunks) }));
      });
      req.on('error', fail);
      req.end(body);
    });
  };

  it('answers webhook configurations, admission policies and CRDs in protobuf, and creates one from a protobuf body', async () => {
    ok('1.31', ['apply', '-f', '-'], ADMISSION_OBJECTS);
    ok('1.31', ['apply', '-f', join(EXAMPLES, 'flyingcube-crd.yaml')]);
    ok('1.31', ['wait', '--for', 'condition=established', 'crd/flyingcubes.ktcloud.io', '--timeout=30s']);
    for (const path of Object.values(EXTENSION_PATHS)) {
      const json = await raw('GET', path, { Accept: 'application/json' });
      const pb = await raw('GET', path, { Accept: PROTOBUF });
      expect(pb.status).toBe(200);
      expect(pb.headers['content-type']).toBe(PROTOBUF);
      expect(decodeKubernetesProtobuf(pb.body)).toMatchObject(JSON.parse(json.body.toString()) as Record<string, unknown>);
    }
    const crds = await raw('GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { Accept: `${PROTOBUF}, application/json` });
    expect(crds.headers['content-type']).toBe(PROTOBUF);
    expect(crds.body.toString('latin1')).toContain('CustomResourceDefinitionList');
    expect(crds.body.toString('latin1')).toContain('flyingcubes.ktcloud.io');

    const sent = encodeKubernetesProtobuf({
      kind: 'ValidatingWebhookConfiguration',
      apiVersion: 'admissionregistration.k8s.io/v1',
      metadata: { name: 'pb-vwc-sent' },
      webhooks: [{ name: 'sent.pb.example.com', clientConfig: { url: 'https://127.0.0.1:1/sent' }, objectSelector: { matchLabels: { 'pb-never': 'true' } }, sideEffects: 'None', admissionReviewVersions: ['v1'] }],
    });
    const created = await postProtobuf('/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations', sent);
    expect(created.status).toBe(201);
    expect(created.contentType).toBe(PROTOBUF);
    // Stored with kube's defaults, and answered in protobuf.
    expect(decodeKubernetesProtobuf(created.body)).toMatchObject({
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'pb-vwc-sent' },
      webhooks: [{ name: 'sent.pb.example.com', clientConfig: { url: 'https://127.0.0.1:1/sent' }, failurePolicy: 'Fail', matchPolicy: 'Equivalent', timeoutSeconds: 10, sideEffects: 'None' }],
    });
    expect(ok('1.31', ['get', 'validatingwebhookconfiguration', 'pb-vwc-sent', '-o', 'jsonpath={.webhooks[0].name} {.webhooks[0].admissionReviewVersions}'])).toBe('sent.pb.example.com ["v1"]');
  });

  // kubectl 1.32 and 1.33 read these kinds with their dynamic client (JSON), and only the events describe
  // lists in protobuf: what they print must not change now that the kinds are also served in protobuf.
  it.each(['1.32', '1.33'])('kubectl %s describes and gets webhook configurations, admission policies and CRDs as kubectl 1.31 does', (version) => {
    ok('1.31', ['apply', '-f', '-'], ADMISSION_OBJECTS);
    ok('1.31', ['apply', '-f', join(EXAMPLES, 'flyingcube-crd.yaml')]);
    ok('1.31', ['wait', '--for', 'condition=established', 'crd/flyingcubes.ktcloud.io', '--timeout=30s']);
    for (const target of Object.keys(EXTENSION_PATHS)) {
      expect(ok(version, ['describe', target])).toBe(ok('1.31', ['describe', target]));
      expect(ok(version, ['get', target, '-o', 'yaml'])).toBe(ok('1.31', ['get', target, '-o', 'yaml']));
      const traced = kubectl(version, ['describe', target, '-v=8']);
      expect(traced.stderr).not.toMatch(/Response Status: 4\d\d/);
      expect(traced.stderr).toMatch(/Content-Type: application\/vnd\.kubernetes\.protobuf/);
    }
  });

  it('streams a protobuf watch as length-prefixed WatchEvent frames', async () => {
    const certs = join(env.api.dir, 'certs');
    const frames: { type: string; object: Record<string, unknown> }[] = [];
    let contentType = '';
    let buffered = Buffer.alloc(0);
    const req = request(`${env.api.url}/api/v1/namespaces/default/configmaps?watch=true&fieldSelector=metadata.name%3Dwatched`, {
      headers: { Accept: `${PROTOBUF}, application/json` },
      ca: readFileSync(join(certs, 'ca.crt')),
      cert: readFileSync(join(certs, 'admin.crt')),
      key: readFileSync(join(certs, 'admin.key')),
    });
    req.on('response', (res) => {
      contentType = String(res.headers['content-type']);
      res.on('data', (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        while (buffered.length >= 4 && buffered.length >= 4 + buffered.readUInt32BE(0)) {
          const event = protobuf.Reader.create(buffered.subarray(4, 4 + buffered.readUInt32BE(0)));
          buffered = buffered.subarray(4 + buffered.readUInt32BE(0));
          let type = '';
          let object: Record<string, unknown> = {};
          while (event.pos < event.len) {
            const tag = event.uint32();
            if (tag >>> 3 === 1) type = event.string();
            else {
              // object: a RawExtension whose raw (field 1) is the object's own envelope.
              const rawExtension = protobuf.Reader.create(event.bytes());
              rawExtension.uint32();
              object = decodeKubernetesProtobuf(Buffer.from(rawExtension.bytes()));
            }
          }
          frames.push({ type, object });
        }
      });
    });
    req.on('error', () => undefined);
    req.end();
    try {
      await until('the watch to answer', () => contentType !== '', { timeoutMs: 10_000 });
      expect(contentType).toBe(`${PROTOBUF};stream=watch`);
      ok('1.31', ['create', 'configmap', 'watched', '--from-literal=a=1']);
      ok('1.31', ['label', 'configmap', 'watched', 'seen=yes']);
      ok('1.31', ['delete', 'configmap', 'watched']);
      await until('three watch events', () => frames.length >= 3, { timeoutMs: 15_000 });
      expect(frames.map((f) => f.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
      expect(frames[1]!.object).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'watched', labels: { seen: 'yes' } }, data: { a: '1' } });
    } finally {
      req.destroy();
    }
  });

  it.each(['1.32', '1.33'])('kubectl %s events --watch prints an event that reached it in a protobuf watch', async (version) => {
    const name = `pb-event-${version.replace('.', '-')}`;
    const child = spawn(join(KUBECTL_DIR, `kubectl.${version}`), ['--kubeconfig', env.api.kubeconfig, '--cache-dir', join(env.api.dir, 'kube-cache', `events-${version}`), 'events', '--watch', '-v=8'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let trace = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (trace += chunk.toString()));
    try {
      await until('the events watch to open', () => /stream=watch/.test(trace), { timeoutMs: 20_000 });
      const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      ok('1.31', ['create', '-f', '-'], JSON.stringify({
        apiVersion: 'v1', kind: 'Event', metadata: { name }, involvedObject: { kind: 'Pod', namespace: 'default', name: 'pb-pod', apiVersion: 'v1' },
        reason: 'Probed', message: `seen through protobuf by ${version}`, type: 'Normal', count: 1, firstTimestamp: now, lastTimestamp: now, source: { component: 'test' },
      }));
      await until('kubectl to print the event', () => out.includes(`seen through protobuf by ${version}`), { timeoutMs: 20_000 });
      expect(out).toMatch(new RegExp(`^\\S+\\s+Normal\\s+Probed\\s+Pod/pb-pod\\s+seen through protobuf by ${version.replace('.', '\\.')}$`, 'm'));
      expect(trace).toMatch(/Accept: application\/vnd\.kubernetes\.protobuf/);
      expect(trace).toMatch(/Content-Type: application\/vnd\.kubernetes\.protobuf;stream=watch/);
    } finally {
      child.kill('SIGTERM');
      await exitCodeWithin(child, 5000);
    }
  });

  it.each(['1.32', '1.33'])('kubectl %s prints the default Table for kinds without printer columns, and the kind\'s for /status', (version) => {
    ok(version, ['create', '-f', '-'], 'apiVersion: v1\nkind: LimitRange\nmetadata: {name: pb-limits-' + version.replace('.', '-') + '}\nspec: {limits: [{type: Container, max: {cpu: "1"}}]}\n');
    expect(ok(version, ['get', 'limitranges'])).toMatch(/^NAME\s+CREATED AT\npb-limits-/);
    expect(ok(version, ['get', 'pod', 'pb-pod', '--subresource=status'])).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\npb-pod\s+1\/1\s+Running\s+1/);
  });
});
