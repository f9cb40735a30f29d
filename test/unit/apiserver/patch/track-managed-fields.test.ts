// managedFields for create, update and patch writes, as kube-apiserver records them: Update entries
// owning what the write added or changed (taken from previous owners), `.` where a map, list or item
// was added, struct fields Go always has not counted as added, removals leaving every owner, sorting,
// timestamps only for writes that change something, resets, subresources and the 10-entry cap.
import { describe, expect, it } from 'vitest';
import { managerOrUserAgent, trackManagedFields, type TrackManagedFieldsInput } from '../../../../src/apiserver/patch/index.js';
import { managedFieldsTime } from '../../../../src/apiserver/patch/managed-fields.js';
import type { KubeObject } from '../../../../src/apiserver/schema/types.js';
import { components, deployment } from './components.js';

type Json = any;

const T1 = new Date('2026-12-02T10:00:00Z');
const T2 = new Date('2026-12-02T11:00:00Z');
const T3 = new Date('2026-12-02T12:00:00Z');

function track(old: KubeObject | undefined, updated: KubeObject, manager: string, now: Date, more: Partial<TrackManagedFieldsInput> = {}): Json {
  return trackManagedFields({ old, updated, manager, operation: 'Update', schemaName: 'Deployment', components, now, ...more });
}

function change(old: Json, edit: (d: Json) => void): Json {
  const updated = structuredClone(old);
  edit(updated);
  return updated;
}

const entries = (obj: Json) => obj.metadata.managedFields.map((e: Json) => [e.manager, e.operation, e.time, e.fieldsV1]);

function created(): Json {
  const d: Json = deployment({ replicas: 1, image: 'nginx' });
  d.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } };
  d.spec.template.spec.containers[0].ports = [{ containerPort: 80, protocol: 'TCP' }];
  d.spec.template.spec.restartPolicy = 'Always';
  d.status = {};
  return track(undefined, d, 'kubectl-create', T1);
}

describe('trackManagedFields', () => {
  it('gives a create everything it set, with `.` where it added a map, list or item', () => {
    expect(created().metadata.managedFields).toEqual([
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: '2026-12-02T10:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:strategy': { 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {} }, 'f:type': {} },
            'f:template': {
              'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
              'f:spec': {
                'f:containers': {
                  'k:{"name":"nginx"}': {
                    '.': {},
                    'f:image': {},
                    'f:name': {},
                    'f:ports': { '.': {}, 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} } },
                  },
                },
                'f:restartPolicy': {},
              },
            },
          },
        },
      },
    ]);
  });

  it('moves a changed field to the writer and merges its later writes into the same entry', () => {
    const first = track(created(), change(created(), (d) => (d.spec.replicas = 3)), 'kubectl-edit', T2);
    expect(entries(first)[1]).toEqual(['kubectl-edit', 'Update', '2026-12-02T11:00:00Z', { 'f:spec': { 'f:replicas': {} } }]);
    expect(entries(first)[0][3]['f:spec']['f:replicas']).toBeUndefined();
    const second = track(first, change(first, (d) => (d.spec.template.spec.containers[0].image = 'nginx:1.26')), 'kubectl-edit', T3);
    expect(entries(second)[1]).toEqual([
      'kubectl-edit',
      'Update',
      '2026-12-02T12:00:00Z',
      { 'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { 'f:image': {} } } } } } },
    ]);
  });

  it('does not count a struct Go always has (default {}) as added, only what it holds', () => {
    const out = track(created(), change(created(), (d) => (d.spec.template.spec.containers[0].resources = { limits: { cpu: '1' } })), 'kubectl-edit', T2);
    expect(entries(out)[1][3]).toEqual({
      'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { 'f:resources': { 'f:limits': { '.': {}, 'f:cpu': {} } } } } } } },
    });
  });

  it('keeps a writer that changes only its own fields (a renewal) in one entry, and gives others what it removed', () => {
    const edited = track(created(), change(created(), (d) => (d.spec.replicas = 3)), 'kubectl-edit', T2);
    let obj = edited;
    for (const [i, now] of [T2, T3].entries()) {
      const out = track(obj, change(obj, (d) => (d.spec.replicas = 4 + i)), 'kubectl-edit', now);
      // The stored entries' sets are shared between writes; what a caller does to its answer stays its own.
      out.metadata.managedFields[1].fieldsV1['f:spec']['f:paused'] = {};
      obj = track(out, change(out, (d) => delete d.metadata.managedFields[1].fieldsV1['f:spec']['f:paused']), 'other', now);
      expect(entries(obj)).toEqual([...entries(edited).slice(0, 1), ['kubectl-edit', 'Update', managedFieldsTime(now), { 'f:spec': { 'f:replicas': {} } }]]);
    }
    const removed = track(obj, change(obj, (d) => delete d.spec.replicas), 'kubectl-edit', T3);
    expect(entries(removed).map((e: Json) => e[0])).toEqual(['kubectl-create']);
  });

  it('leaves entries and timestamps alone for a write that changes nothing', () => {
    const before = created();
    expect(track(before, structuredClone(before), 'kubectl-replace', T3)).toEqual(before);
  });

  it('takes a removed field from its owner without giving the remover an entry', () => {
    const out = track(created(), change(created(), (d) => delete d.metadata.labels), 'kubectl-label', T2);
    expect(entries(out).map((e: Json) => e[0])).toEqual(['kubectl-create']);
    expect(entries(out)[0][3]['f:metadata']).toBeUndefined();
  });

  it('takes a removed list item from its owner with its key fields, which Go has only while the item exists', () => {
    const before = change(created(), (d) => d.spec.template.spec.containers.push({ name: 'sidecar', image: 'busybox' }));
    const withSidecar = track(created(), before, 'kubectl-edit', T2);
    const out = track(withSidecar, change(withSidecar, (d) => d.spec.template.spec.containers.pop()), 'kubectl-edit', T3);
    const owned = JSON.stringify(entries(out));
    expect(owned).not.toContain('sidecar');
    expect(owned).toContain('k:{\\"name\\":\\"nginx\\"}');
  });

  it('sorts Apply entries first, then by time', () => {
    const applied = { ...created(), metadata: { ...created().metadata, managedFields: [
      ...created().metadata.managedFields,
      { manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', time: '2026-12-02T12:30:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:annotations': { 'f:a': {} } } } },
    ] } };
    const out = track(applied, change(applied, (d) => (d.spec.replicas = 9)), 'hpa', T2);
    expect(entries(out).map((e: Json) => [e[0], e[1]])).toEqual([['kubectl', 'Apply'], ['kubectl-create', 'Update'], ['hpa', 'Update']]);
  });

  it('starts over when the write sends an empty managedFields list', () => {
    const out = track(created(), change(created(), (d) => { d.spec.replicas = 4; d.metadata.managedFields = []; }), 'kubectl-edit', T2);
    expect(entries(out)).toEqual([['kubectl-edit', 'Update', '2026-12-02T11:00:00Z', { 'f:spec': { 'f:replicas': {} } }]]);
  });

  it('records a subresource write under its own entry and ignores managedFields in its body', () => {
    const out = track(created(), change(created(), (d) => { d.status = { replicas: 1 }; d.metadata.managedFields = []; }), 'kube-controller-manager', T2, {
      subresource: 'status',
    });
    expect(out.metadata.managedFields.map((e: Json) => [e.manager, e.subresource, e.fieldsV1])).toEqual([
      ['kubectl-create', undefined, created().metadata.managedFields[0].fieldsV1],
      ['kube-controller-manager', 'status', { 'f:status': { 'f:replicas': {} } }],
    ]);
  });

  it('does not track ignored (reset) fields', () => {
    const out = track(created(), change(created(), (d) => (d.status = { replicas: 1 })), 'kubectl-edit', T2, { ignoredFields: [['status']] });
    expect(entries(out).map((e: Json) => e[0])).toEqual(['kubectl-create']);
  });

  it('clears managedFields rather than failing a write it cannot walk (a list-map item without its key)', () => {
    const out = track(created(), change(created(), (d) => (d.spec.template.spec.containers = [{ image: 'nameless' }])), 'kubectl-edit', T2);
    expect(out.metadata.managedFields).toBeUndefined();
    expect(out.spec.template.spec.containers).toEqual([{ image: 'nameless' }]);
  });

  it('folds the oldest Update entries into ancient-changes past ten', () => {
    let obj: Json = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: {} } };
    for (let i = 0; i <= 10; i++) {
      obj = track(obj, change(obj, (d) => (d.metadata.labels[`l${i}`] = 'x')), `m${String(i).padStart(2, '0')}`, new Date(T1.getTime() + i * 1000));
    }
    const names = obj.metadata.managedFields.map((e: Json) => e.manager);
    expect(names).toEqual(['ancient-changes', 'm02', 'm03', 'm04', 'm05', 'm06', 'm07', 'm08', 'm09', 'm10']);
    expect(obj.metadata.managedFields[0].time).toBe('2026-12-02T10:00:01Z');
    expect(Object.keys(obj.metadata.managedFields[0].fieldsV1['f:metadata']['f:labels'])).toEqual(['f:l0', 'f:l1']);
  });
});

describe('managerOrUserAgent', () => {
  it.each<[string | undefined, string | undefined, string]>([
    ['kubectl-edit', 'kubectl/v1.32.4 (linux/amd64) kubernetes/59526cd', 'kubectl-edit'],
    [undefined, 'kubectl/v1.32.4 (linux/amd64) kubernetes/59526cd', 'kubectl'],
    ['', 'node-fetch', 'node-fetch'],
    [undefined, 'my\tagent/1.0', 'myagent'],
    [undefined, 'x'.repeat(200), 'x'.repeat(128)],
    [undefined, undefined, ''],
  ])('(%j, %j) is %j', (fieldManager, userAgent, expected) => {
    expect(managerOrUserAgent(fieldManager, userAgent)).toBe(expected);
  });
});
