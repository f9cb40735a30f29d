// The protobuf answer encoder: byte for byte what Go's generated code wrote for a body kubectl 1.32
// sent, and a round trip through the decoder for every well-known type, lists, Status errors and watch
// frames; then the Accept negotiation as kube-apiserver decides it.
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { StatusError } from '../../../src/apiserver/errors/status.js';
import { decodeKubernetesProtobuf } from '../../../src/apiserver/protobuf/decode.js';
import { encodeKubernetesProtobuf, Unencodable, watchEventFrame } from '../../../src/apiserver/protobuf/encode.js';
import { outputFormat } from '../../../src/apiserver/protobuf/negotiate.js';
import { DEPLOYMENT_FROM_KUBECTL_1_32, envelope } from './protobuf-fixtures.js';

type Json = Record<string, unknown>;

const roundTrip = (obj: Json) => decodeKubernetesProtobuf(encodeKubernetesProtobuf(obj));

/** The fields of a message, by number, as raw values (bytes for length-delimited ones). */
function fields(bytes: Uint8Array): [number, unknown][] {
  const reader = protobuf.Reader.create(bytes);
  const out: [number, unknown][] = [];
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    out.push([tag >>> 3, (tag & 7) === 2 ? reader.bytes() : reader.int64()]);
  }
  return out;
}

/** A `<Kind>List` envelope taken apart: its typeMeta, ListMeta and items (each decoded in an envelope of its own). */
function decodeList(body: Buffer, itemApiVersion: string, itemKind: string) {
  const [typeMeta, raw] = fields(body.subarray(4)).map(([, value]) => value as Uint8Array);
  const list = fields(raw!);
  const meta = list.filter(([n]) => n === 1).map(([, v]) => fields(v as Uint8Array).map(([n, x]) => [n, Buffer.from(x as Uint8Array).toString()]));
  const items = list.filter(([n]) => n === 2).map(([, v]) => decodeKubernetesProtobuf(envelope(itemApiVersion, itemKind, v as Uint8Array)));
  return { typeMeta: fields(typeMeta!).map(([, v]) => Buffer.from(v as Uint8Array).toString()), meta, items };
}

describe('Kubernetes protobuf answers', () => {
  it('re-encodes what kubectl 1.32 sent to the same bytes (Go writes every value field, in number order)', () => {
    const sent = Buffer.from(DEPLOYMENT_FROM_KUBECTL_1_32, 'hex');
    expect(encodeKubernetesProtobuf(decodeKubernetesProtobuf(sent)).toString('hex')).toBe(DEPLOYMENT_FROM_KUBECTL_1_32);
  });

  it('round-trips a running pod: times, conditions, container states, IPs, quantities', () => {
    const pod: Json = {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: {
        name: 'web-1',
        namespace: 'default',
        uid: '0b6f8c1e-6d1f-4a9a-9a53-3f1b2a0c9d11',
        resourceVersion: '42',
        creationTimestamp: '2026-12-02T21:00:00Z',
        deletionTimestamp: '2026-12-02T21:05:00Z',
        deletionGracePeriodSeconds: 30,
        labels: { app: 'web', tier: 'front' },
        annotations: { note: '' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'u1', controller: true, blockOwnerDeletion: true }],
        finalizers: ['example.com/keep'],
        managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '2026-12-02T21:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } } }],
      },
      spec: {
        containers: [
          {
            name: 'c',
            image: 'nginx',
            ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
            resources: { limits: { cpu: '500m', memory: '64Mi' }, requests: { cpu: '250m' } },
            readinessProbe: { httpGet: { path: '/', port: 'http', scheme: 'HTTP' }, periodSeconds: 10 },
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
            imagePullPolicy: 'Always',
          },
        ],
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        dnsPolicy: 'ClusterFirst',
        nodeName: 'node-1',
        securityContext: { supplementalGroups: [1000, 2000] },
        schedulerName: 'default-scheduler',
        tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
        priority: 0,
        enableServiceLinks: true,
      },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-12-02T21:00:05Z' }],
        hostIP: '10.0.0.1',
        hostIPs: [{ ip: '10.0.0.1' }],
        podIP: '10.244.0.5',
        podIPs: [{ ip: '10.244.0.5' }],
        startTime: '2026-12-02T21:00:01Z',
        containerStatuses: [
          {
            name: 'c',
            state: { running: { startedAt: '2026-12-02T21:00:04Z' } },
            lastState: { terminated: { exitCode: 137, reason: 'Error', startedAt: '2026-12-02T20:59:00Z', finishedAt: '2026-12-02T21:00:00Z', containerID: 'hollow://a' } },
            ready: true,
            restartCount: 1,
            image: 'docker.io/library/nginx:latest',
            imageID: 'docker.io/library/nginx@sha256:00',
            containerID: 'hollow://b',
            started: true,
          },
        ],
        qosClass: 'Burstable',
      },
    };
    expect(roundTrip(pod)).toEqual(pod);
  });

  it('round-trips a node, a service, a secret, a lease, events of both APIs and an endpoint slice', () => {
    const node: Json = {
      kind: 'Node',
      apiVersion: 'v1',
      metadata: { name: 'n', creationTimestamp: '2026-12-02T21:00:00Z' },
      spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'], taints: [{ key: 'k', effect: 'NoSchedule', timeAdded: '2026-12-02T21:00:00Z' }] },
      status: {
        capacity: { cpu: '4', memory: '8Gi', pods: '110' },
        allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
        conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2026-12-02T21:00:00Z', lastTransitionTime: '2026-12-02T21:00:00Z', reason: 'KubeletReady', message: 'ok' }],
        addresses: [{ type: 'InternalIP', address: '10.0.0.1' }],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        nodeInfo: { machineID: 'm', systemUUID: 's', bootID: 'b', kernelVersion: 'k', osImage: 'o', containerRuntimeVersion: 'c', kubeletVersion: 'v1.32.0', kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64' },
      },
    };
    const service: Json = {
      kind: 'Service',
      apiVersion: 'v1',
      metadata: { name: 's', creationTimestamp: null },
      spec: { ports: [{ name: 'a', protocol: 'TCP', port: 80, targetPort: 8080 }, { name: 'b', protocol: 'TCP', port: 443, targetPort: 'https', nodePort: 30443 }], selector: { app: 'web' }, clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], type: 'NodePort', sessionAffinity: 'None', externalTrafficPolicy: 'Cluster', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', internalTrafficPolicy: 'Cluster' },
      status: { loadBalancer: {} },
    };
    const secret: Json = { kind: 'Secret', apiVersion: 'v1', metadata: { name: 'x', creationTimestamp: null }, data: { a: 'AP8=', b: '' }, type: 'Opaque' };
    const lease: Json = {
      kind: 'Lease',
      apiVersion: 'coordination.k8s.io/v1',
      metadata: { name: 'n', namespace: 'kube-node-lease', creationTimestamp: null },
      spec: { holderIdentity: 'n', leaseDurationSeconds: 40, renewTime: '2026-12-02T21:00:00.123456Z' },
    };
    const event: Json = {
      kind: 'Event',
      apiVersion: 'v1',
      metadata: { name: 'e', namespace: 'default', creationTimestamp: null },
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'p', uid: 'u', apiVersion: 'v1' },
      reason: 'Scheduled',
      message: 'assigned',
      source: { component: 'default-scheduler' },
      firstTimestamp: '2026-12-02T21:00:00Z',
      lastTimestamp: '2026-12-02T21:00:00Z',
      count: 1,
      type: 'Normal',
      eventTime: '2026-12-02T21:00:00.000001Z',
      reportingComponent: 'default-scheduler',
      reportingInstance: '',
    };
    const eventsV1: Json = {
      kind: 'Event',
      apiVersion: 'events.k8s.io/v1',
      metadata: { name: 'e', namespace: 'default', creationTimestamp: null },
      eventTime: '2026-12-02T21:00:00.000001Z',
      series: { count: 2, lastObservedTime: '2026-12-02T21:01:00.000000Z' },
      reportingController: 'default-scheduler',
      regarding: { kind: 'Pod', name: 'p' },
      note: 'assigned',
      type: 'Normal',
      deprecatedSource: {},
      deprecatedFirstTimestamp: null,
      deprecatedLastTimestamp: null,
    };
    const slice: Json = {
      kind: 'EndpointSlice',
      apiVersion: 'discovery.k8s.io/v1',
      metadata: { name: 'web-abc', creationTimestamp: null },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.244.0.5'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'n', targetRef: { kind: 'Pod', name: 'p' } }],
      ports: [{ name: 'http', protocol: 'TCP', port: 80 }],
    };
    for (const obj of [node, service, secret, lease, event, eventsV1, slice]) expect(roundTrip(obj)).toEqual(obj);
  });

  it('writes a list as ListMeta and its items, and a Status with its details and causes', () => {
    const list = encodeKubernetesProtobuf({
      kind: 'ConfigMapList',
      apiVersion: 'v1',
      metadata: { resourceVersion: '7', continue: 'tok' },
      items: [
        { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'a', creationTimestamp: null }, data: { k: 'v' } },
        { metadata: { name: 'b', creationTimestamp: null } },
      ],
    });
    expect(decodeList(list, 'v1', 'ConfigMap')).toEqual({
      typeMeta: ['v1', 'ConfigMapList'],
      meta: [[[1, ''], [2, '7'], [3, 'tok']]],
      items: [
        { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'a', creationTimestamp: null }, data: { k: 'v' } },
        { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'b', creationTimestamp: null } },
      ],
    });
    const status: Json = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Pod "p" is invalid: spec.containers: Required value',
      reason: 'Invalid',
      details: { name: 'p', kind: 'Pod', causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' }] },
      code: 422,
    };
    expect(roundTrip(status)).toEqual(status);
  });

  it('refuses what its messages cannot carry instead of dropping it', () => {
    expect(() => encodeKubernetesProtobuf({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'a' }, bogus: 1 })).toThrow(Unencodable);
    expect(() => encodeKubernetesProtobuf({ kind: 'CronTab', apiVersion: 'stable.example.com/v1', metadata: { name: 'a' } })).toThrow(Unencodable);
    expect(() => encodeKubernetesProtobuf({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 7 } })).toThrow(Unencodable);
  });

  it('frames a watch event as a length and a WatchEvent holding the object envelope', () => {
    const object = encodeKubernetesProtobuf({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'a', resourceVersion: '9', creationTimestamp: null } });
    const frame = watchEventFrame('ADDED', object);
    expect(frame.readUInt32BE(0)).toBe(frame.length - 4);
    const [[typeNumber, type], [objectNumber, raw]] = fields(frame.subarray(4)) as [[number, Uint8Array], [number, Uint8Array]];
    expect([typeNumber, Buffer.from(type).toString(), objectNumber]).toEqual([1, 'ADDED', 2]);
    const [[rawNumber, inner]] = fields(raw) as [[number, Uint8Array]];
    expect(rawNumber).toBe(1);
    expect(decodeKubernetesProtobuf(Buffer.from(inner))).toEqual({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'a', resourceVersion: '9', creationTimestamp: null } });
  });
});

describe('answer negotiation', () => {
  const notAcceptable = (accept: string, protobuf: boolean) => {
    try {
      outputFormat(accept, protobuf);
    } catch (err) {
      if (err instanceof StatusError) return { code: err.code, reason: err.reason, message: err.message };
    }
    return undefined;
  };

  it('takes the first clause the resource is served in, by quality', () => {
    expect(outputFormat(undefined, true)).toBe('json');
    expect(outputFormat('application/vnd.kubernetes.protobuf, application/json', true)).toBe('protobuf');
    expect(outputFormat('application/vnd.kubernetes.protobuf, application/json', false)).toBe('json');
    expect(outputFormat('application/json, */*;q=0.8', true)).toBe('json');
    expect(outputFormat('application/vnd.kubernetes.protobuf;q=0.5, application/json;q=0.9', true)).toBe('json');
    expect(outputFormat('*/*', true)).toBe('json');
    expect(outputFormat('application/vnd.kubernetes.protobuf;stream=watch', true)).toBe('protobuf');
    // kube converts to a Table only in JSON: a protobuf Table clause is passed over.
    expect(outputFormat('application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io, application/json;as=Table;v=v1;g=meta.k8s.io', true)).toBe('json');
  });

  it("answers an Accept naming nothing it serves with kube's 406", () => {
    expect(notAcceptable('text/html', true)).toEqual({
      code: 406,
      reason: 'NotAcceptable',
      message: 'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf',
    });
    expect(notAcceptable('application/vnd.kubernetes.protobuf', false)).toEqual({
      code: 406,
      reason: 'NotAcceptable',
      message: 'only the following media types are accepted: application/json, application/yaml',
    });
  });
});
