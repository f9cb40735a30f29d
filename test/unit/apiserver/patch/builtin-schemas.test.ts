// The patch mechanisms over the served components (builtinSchemas): merge keys, list types and
// atomic structs come from there, so the shapes kubectl and the kubelet send land as on kube-apiserver.
import { describe, expect, it } from 'vitest';
import { applyStrategicMergePatch, serverSideApply, trackManagedFields } from '../../../../src/apiserver/patch/index.js';
import { builtinSchemas } from '../../../../src/apiserver/resources/index.js';

type Json = any;

const components = builtinSchemas();
const POD = 'io.k8s.api.core.v1.Pod';
const DEPLOYMENT = 'io.k8s.api.apps.v1.Deployment';
const NOW = new Date('2026-12-02T10:00:00Z');

function pod(): Json {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1', labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs-1', controller: true }] },
    spec: {
      containers: [{ name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }], volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      volumes: [{ name: 'data', emptyDir: {} }],
      tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }],
    },
  };
}

describe('patches over the served schemas', () => {
  it('applies kubectl set image to a Deployment', () => {
    const deployment: Json = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }, { name: 'log', image: 'busybox' }] } } },
    };
    const out: Json = applyStrategicMergePatch(
      deployment,
      { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'log' }], containers: [{ image: 'nginx:1.27', name: 'nginx' }] } } } },
      DEPLOYMENT,
      components,
    );
    expect(out.spec.template.spec.containers).toEqual([{ name: 'nginx', image: 'nginx:1.27' }, { name: 'log', image: 'busybox' }]);
  });

  it("merges the kubelet's status conditions by type in $setElementOrder order", () => {
    const live: Json = { ...pod(), status: { phase: 'Pending', conditions: [{ type: 'Ready', status: 'False' }] } };
    const out: Json = applyStrategicMergePatch(
      live,
      { status: { '$setElementOrder/conditions': [{ type: 'PodScheduled' }, { type: 'Ready' }], conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'True' }], phase: 'Running' } },
      POD,
      components,
    );
    expect(out.status).toEqual({ phase: 'Running', conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'True' }] });
  });

  it('replaces a volume source through $retainKeys', () => {
    const out: Json = applyStrategicMergePatch(
      pod(),
      { spec: { volumes: [{ name: 'data', $retainKeys: ['configMap', 'name'], configMap: { name: 'cfg' } }] } },
      POD,
      components,
    );
    expect(out.spec.volumes).toEqual([{ name: 'data', configMap: { name: 'cfg' } }]);
  });

  it('records owner references, atomic lists and empty structs as kube does', () => {
    const created: Json = trackManagedFields({ old: undefined, updated: pod(), manager: 'kube-controller-manager', operation: 'Update', schemaName: POD, components, now: NOW });
    const fields = created.metadata.managedFields[0].fieldsV1;
    expect(fields['f:metadata']['f:ownerReferences']).toEqual({ '.': {}, 'k:{"uid":"rs-1"}': {} });
    expect(fields['f:spec']['f:tolerations']).toEqual({});
    expect(fields['f:spec']['f:volumes']).toEqual({ '.': {}, 'k:{"name":"data"}': { '.': {}, 'f:emptyDir': {}, 'f:name': {} } });
    expect(fields['f:spec']['f:containers']['k:{"name":"nginx"}']['f:volumeMounts']).toEqual({
      '.': {},
      'k:{"mountPath":"/data"}': { '.': {}, 'f:mountPath': {}, 'f:name': {} },
    });
  });

  it('applies a Pod twice without changing it, its port keyed with the default protocol', () => {
    const first = serverSideApply({ live: undefined, applied: pod(), manager: 'kubectl', force: false, schemaName: POD, components, now: NOW }).object;
    expect(JSON.stringify(first.metadata!.managedFields)).toContain('k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}');
    const again = serverSideApply({ live: first, applied: pod(), manager: 'kubectl', force: false, schemaName: POD, components, now: new Date('2026-12-02T11:00:00Z') }).object;
    expect(JSON.stringify(again)).toBe(JSON.stringify(first));
  });
});
