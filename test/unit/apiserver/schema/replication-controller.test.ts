// core/v1 ReplicationController as kube-apiserver serves it: discovery facts, defaulting from the
// template's labels, ValidateReplicationController's causes and printReplicationController's columns.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../src/apiserver/schema/types.js';
import { decodeKubernetesProtobuf } from '../../../../src/apiserver/protobuf/decode.js';
import { encodeKubernetesProtobuf } from '../../../../src/apiserver/protobuf/encode.js';
import { builtinSchemas } from '../../../../src/apiserver/resources/index.js';
import { admitted, specFor, template } from './support.js';

const spec = specFor('', 'ReplicationController');
const rc = (rcSpec: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ReplicationController',
  metadata: { name: 'web', namespace: 'default', ...metadata },
  spec: rcSpec,
});

describe('ReplicationController', () => {
  it('is namespaced, short-named rc, in "all", with status and scale, stored under controllers', () => {
    expect(spec).toMatchObject({ plural: 'replicationcontrollers', singular: 'replicationcontroller', listKind: 'ReplicationControllerList', namespaced: true, shortNames: ['rc'], categories: ['all'], storagePath: 'controllers' });
    expect(spec.subresources.map((s) => s.name)).toEqual(['status', 'scale']);
    expect(spec.fieldSelectors['status.replicas']!({ status: { replicas: 2 } })).toBe('2');
    expect(builtinSchemas()['io.k8s.api.core.v1.ReplicationControllerSpec']?.properties?.['selector']?.['x-kubernetes-map-type']).toBe('atomic');
  });

  it('defaults the selector, the labels and replicas from the template, and the template as a pod spec', () => {
    const obj = rc({ template: template({ app: 'web' }) });
    expect(admitted(spec, obj)).toEqual([]);
    expect(obj.metadata?.labels).toEqual({ app: 'web' });
    expect(obj['spec']).toMatchObject({ replicas: 1, selector: { app: 'web' }, template: { spec: { restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30 } } });
  });

  it('keeps a selector, labels and replicas that are given', () => {
    const obj = rc({ replicas: 0, selector: { app: 'web' }, template: template({ app: 'web', tier: 'front' }) }, { labels: { team: 'a' } });
    expect(admitted(spec, obj)).toEqual([]);
    expect(obj.metadata?.labels).toEqual({ team: 'a' });
    expect(obj['spec']).toMatchObject({ replicas: 0, selector: { app: 'web' } });
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['no template and no selector', {}, ['spec.selector: Required value', 'spec.template: Required value']],
    ['negative counts', { replicas: -1, minReadySeconds: -2, template: template({ app: 'web' }) }, [
      'spec.minReadySeconds: Invalid value: -2: must be greater than or equal to 0',
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    ]],
    ['a selector the template does not match', { selector: { app: 'db' }, template: template({ app: 'web' }) }, [
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    ]],
    ['a pod that does not restart Always, with a deadline', { template: template({ app: 'web' }, { restartPolicy: 'Never', activeDeadlineSeconds: 5 }) }, [
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
      'spec.template.spec.activeDeadlineSeconds: Invalid value: 5: must not be specified',
    ]],
  ])('rejects %s', (_, rcSpec, causes) => {
    expect(admitted(spec, rc(rcSpec))).toEqual(causes);
  });

  it('lets an update change the selector, unlike a ReplicaSet', () => {
    const old = rc({ template: template({ app: 'web', v: '1' }) });
    spec.defaults(old, undefined);
    const updated = rc({ selector: { app: 'web', v: '2' }, template: template({ app: 'web', v: '2' }) });
    expect(admitted(spec, updated, old)).toEqual([]);
  });

  it('prints NAME DESIRED CURRENT READY AGE, and wide CONTAINERS IMAGES SELECTOR', () => {
    const now = new Date('2026-01-01T12:00:00Z');
    expect(spec.table.columns.map((c) => (c.priority ? `${c.name}*` : c.name))).toEqual(['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers*', 'Images*', 'Selector*']);
    expect(spec.table.columns.slice(1, 4).map((c) => c.type)).toEqual(['integer', 'integer', 'integer']);
    const obj = rc({ replicas: 3, selector: { tier: 'front', app: 'web' }, template: template({ app: 'web', tier: 'front' }) }, { creationTimestamp: '2026-01-01T11:58:00Z' });
    obj['status'] = { replicas: 2, readyReplicas: 1 };
    expect(spec.table.row(obj, now)).toEqual(['web', 3, 2, 1, '2m', 'nginx', 'nginx:1.25', 'app=web,tier=front']);
    expect(spec.table.row(rc({}), now).slice(1, 4)).toEqual([0, 0, 0]);
    expect(spec.table.row(rc({}), now).slice(5)).toEqual(['', '', '<none>']);
  });

  it('round-trips through the core/v1 protobuf messages, explicit zeros kept as Go keeps them', () => {
    const obj = {
      ...rc({ replicas: 0, minReadySeconds: 5, selector: { app: 'web' }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } } }),
      status: { replicas: 0, readyReplicas: 2, observedGeneration: 3, conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'quota' }] },
    };
    // Decoded as Go prints it (value fields such as creationTimestamp come back as null), so compared by what was sent.
    expect(decodeKubernetesProtobuf(encodeKubernetesProtobuf(obj))).toMatchObject(obj);
    // spec.replicas is a pointer (0 is sent), status.replicas has no omitempty (0 is printed).
    const bare = decodeKubernetesProtobuf(encodeKubernetesProtobuf({ ...rc({}), status: {} }));
    expect(bare['spec']).toEqual({});
    expect(bare['status']).toEqual({ replicas: 0 });
  });
});
