// Server-side apply as kube-apiserver's field manager runs it: the managedFields an apply records,
// an apply that changes nothing leaving the object identical (timestamps included, so kubectl sees
// no change), conflicts (409 in kube's words) unless forced, and removal of fields no longer applied.
import { describe, expect, it } from 'vitest';
import { serverSideApply, trackManagedFields, type ServerSideApplyInput } from '../../../../src/apiserver/patch/index.js';
import type { KubeObject } from '../../../../src/apiserver/schema/types.js';
import { catchPatchError } from './catch-patch-error.js';
import { components } from './components.js';

type Json = any;

const T1 = new Date('2026-12-02T10:00:00.600Z');
const T2 = new Date('2026-12-02T11:00:00Z');
const T3 = new Date('2026-12-02T12:00:00Z');

function config(overrides: { replicas?: number; image?: string; labels?: Record<string, string> | null } = {}): Json {
  const metadata: Json = { name: 'web' };
  if (overrides.labels !== null) metadata.labels = overrides.labels ?? { app: 'web' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      replicas: overrides.replicas ?? 2,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: overrides.image ?? 'nginx:1.25' }] } },
    },
  };
}

function apply(live: KubeObject | undefined, applied: Json, more: Partial<ServerSideApplyInput> = {}) {
  return serverSideApply({ live, applied, manager: 'kubectl', force: false, schemaName: 'Deployment', components, now: T1, ...more });
}

function update(old: KubeObject, change: (d: Json) => void, manager: string, now: Date): KubeObject {
  const updated: Json = structuredClone(old);
  change(updated);
  return trackManagedFields({ old, updated, manager, operation: 'Update', schemaName: 'Deployment', components, now });
}

/** The object as the store would hold it after the create: with server-set metadata. */
function stored(obj: KubeObject): KubeObject {
  const copy: Json = structuredClone(obj);
  copy.metadata = { ...copy.metadata, namespace: 'default', uid: 'u-1', resourceVersion: '5', creationTimestamp: '2026-12-02T10:00:00Z' };
  return copy;
}

const managers = (obj: KubeObject) => (obj.metadata!.managedFields as Json[]).map((e) => [e.manager, e.operation, e.time]);
const fieldsOf = (obj: KubeObject, manager: string) => (obj.metadata!.managedFields as Json[]).find((e) => e.manager === manager)?.fieldsV1;

const KUBECTL_APPLY_FIELDS = {
  'f:metadata': { 'f:labels': { 'f:app': {} } },
  'f:spec': {
    'f:replicas': {},
    'f:selector': {},
    'f:template': {
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
    },
  },
};

describe('serverSideApply', () => {
  it('creates the object with one Apply entry holding exactly the applied fields', () => {
    const { object, conflicts } = apply(undefined, config());
    expect(conflicts).toEqual([]);
    const { managedFields, ...metadata } = object.metadata!;
    expect({ ...object, metadata }).toEqual(config());
    expect(managedFields).toEqual([
      { manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', time: '2026-12-02T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1: KUBECTL_APPLY_FIELDS },
    ]);
    expect(JSON.stringify(managedFields)).toContain('"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:name":{}}');
  });

  it('leaves the object byte-for-byte the same when the same configuration is applied again later', () => {
    const live = stored(apply(undefined, config()).object);
    const again = apply(live, config(), { now: T3 });
    expect(JSON.stringify(again.object)).toBe(JSON.stringify(live));
  });

  it('bumps only the applier timestamp when an apply changes something', () => {
    const live = stored(apply(undefined, config()).object);
    const { object } = apply(live, config({ image: 'nginx:1.26' }), { now: T2 });
    expect((object as Json).spec.template.spec.containers).toEqual([{ name: 'nginx', image: 'nginx:1.26' }]);
    expect(managers(object)).toEqual([['kubectl', 'Apply', '2026-12-02T11:00:00Z']]);
  });

  it("refuses to change a field another manager's update owns: 409 in kube's format", () => {
    const edited = update(stored(apply(undefined, config()).object), (d) => (d.spec.replicas = 5), 'kubectl-edit', T2);
    const err = catchPatchError(() => apply(edited, config(), { now: T3 }));
    expect([err.code, err.reason, err.message]).toEqual([409, 'Conflict', 'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas']);
    expect(err.details).toEqual({ causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-edit" using apps/v1', field: '.spec.replicas' }] });
  });

  it('lists several conflicts grouped by manager', () => {
    let live = stored(apply(undefined, config()).object);
    live = update(live, (d) => (d.spec.replicas = 5), 'kube-scaler', T2);
    live = update(live, (d) => (d.spec.template.spec.containers[0].image = 'nginx:edited'), 'kubectl-edit', T2);
    const err = catchPatchError(() => apply(live, config(), { now: T3 }));
    expect(err.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "kube-scaler" using apps/v1:\n- .spec.replicas\n' +
        'conflicts with "kubectl-edit" using apps/v1:\n- .spec.template.spec.containers[name="nginx"].image',
    );
    expect(err.details?.causes?.map((c) => c.field)).toEqual(['.spec.replicas', '.spec.template.spec.containers[name="nginx"].image']);
  });

  it('with force takes the field over: the value is applied and the other entry loses it', () => {
    const edited = update(stored(apply(undefined, config()).object), (d) => (d.spec.replicas = 5), 'kubectl-edit', T2);
    const { object, conflicts } = apply(edited, config(), { force: true, now: T3 });
    expect((object as Json).spec.replicas).toBe(2);
    expect(conflicts).toEqual([{ manager: '"kubectl-edit" using apps/v1', field: '.spec.replicas' }]);
    expect(managers(object)).toEqual([['kubectl', 'Apply', '2026-12-02T12:00:00Z']]);
    expect(fieldsOf(object, 'kubectl')).toEqual(KUBECTL_APPLY_FIELDS);
  });

  it('shares a field with another applier that applies the same value, without conflict', () => {
    const live = stored(apply(undefined, config()).object);
    const { object } = apply(live, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2 } }, { manager: 'autoscaler', now: T2 });
    expect(fieldsOf(object, 'autoscaler')).toEqual({ 'f:spec': { 'f:replicas': {} } });
    // The object did not change, so kube sets no time on the new entry.
    expect(managers(object)).toEqual([['autoscaler', 'Apply', undefined], ['kubectl', 'Apply', '2026-12-02T10:00:00Z']]);
    expect(fieldsOf(object, 'kubectl')).toEqual(KUBECTL_APPLY_FIELDS);
    // The shared field stays when one of its owners stops applying it.
    const dropped: Json = config();
    delete dropped.spec.replicas;
    expect((apply(object, dropped, { now: T3 }).object as Json).spec.replicas).toBe(2);
  });

  it('removes what the applier no longer applies, unless another manager owns it', () => {
    let live = stored(apply(undefined, config()).object);
    live = update(live, (d) => (d.metadata.labels.tier = 'front'), 'kubectl-label', T2);
    const { object } = apply(live, config({ labels: null }), { now: T3 });
    expect(object.metadata!.labels).toEqual({ tier: 'front' });
    const alone = apply(stored(apply(undefined, config()).object), config({ labels: null }), { now: T3 }).object;
    expect('labels' in alone.metadata!).toBe(false);
    const swapped: Json = config();
    swapped.spec.template.spec.containers = [{ name: 'other', image: 'busybox' }];
    expect((apply(stored(apply(undefined, config()).object), swapped, { now: T3 }).object as Json).spec.template.spec.containers).toEqual([
      { name: 'other', image: 'busybox' },
    ]);
  });

  it("orders a merged list as structured-merge-diff does: others' items in place, applied items in applied order", () => {
    const created: Json = config();
    created.spec.template.spec.containers = ['a', 'b', 'c'].map((name) => ({ name, image: name }));
    const live = stored(trackManagedFields({ old: undefined, updated: created, manager: 'kubectl-create', operation: 'Update', schemaName: 'Deployment', components, now: T1 }));
    const applied: Json = config();
    applied.spec.template.spec.containers = ['c', 'a'].map((name) => ({ name, image: name }));
    const { object } = apply(live, applied, { now: T2 });
    expect((object as Json).spec.template.spec.containers.map((c: Json) => c.name)).toEqual(['b', 'c', 'a']);
  });

  it('keys a port that omits its protocol by the default, so the defaulted live port is the same item', () => {
    const applied: Json = config();
    applied.spec.template.spec.containers[0].ports = [{ containerPort: 80 }];
    const created: Json = apply(undefined, applied).object;
    expect(fieldsOf(created, 'kubectl')['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"nginx"}']['f:ports']).toEqual({
      'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} },
    });
    const live: Json = stored(created);
    live.spec.template.spec.containers[0].ports[0].protocol = 'TCP';
    expect(JSON.stringify(apply(live, applied, { now: T3 }).object)).toBe(JSON.stringify(live));
  });

  it('keeps live fields nobody applied (defaults, other writers) through later applies', () => {
    const live: Json = stored(apply(undefined, config()).object);
    live.spec.template.spec.restartPolicy = 'Always';
    live.spec.template.spec.containers[0].terminationMessagePath = '/dev/termination-log';
    const { object } = apply(live, config({ image: 'nginx:1.26' }), { now: T2 });
    expect((object as Json).spec.template.spec).toEqual({
      containers: [{ name: 'nginx', image: 'nginx:1.26', terminationMessagePath: '/dev/termination-log' }],
      restartPolicy: 'Always',
    });
  });

  it('names set items by value and leaves ignored (reset) fields unowned', () => {
    const applied: Json = { ...config(), status: { replicas: 3 } };
    applied.metadata.finalizers = ['example.com/keep'];
    const { object } = apply(undefined, applied, { ignoredFields: [['status']] });
    const fields: Json = fieldsOf(object, 'kubectl');
    expect(fields['f:metadata']['f:finalizers']).toEqual({ 'v:"example.com/keep"': {} });
    expect('f:status' in fields).toBe(false);
  });

  it("keeps kubectl's last-applied annotation in step when kubectl applies server-side", () => {
    const live: Json = stored(apply(undefined, config(), { manager: 'kubectl-client-side-apply' }).object);
    live.metadata.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': '{"old":true}\n' };
    const { object } = apply(live, config(), { now: T2 });
    expect(object.metadata!.annotations).toEqual({
      'kubectl.kubernetes.io/last-applied-configuration':
        '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"labels":{"app":"web"},"name":"web"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},' +
        '"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"image":"nginx:1.25","name":"nginx"}]}}}}\n',
    });
  });

  it('lets kubectl take over, without conflict, the fields its client-side apply annotation lists', () => {
    const csa: Json = config();
    csa.metadata.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': `${JSON.stringify(config())}\n` };
    const live = stored(trackManagedFields({ old: undefined, updated: csa, manager: 'kubectl-client-side-apply', operation: 'Update', schemaName: 'Deployment', components, now: T1 }));
    const { object } = apply(live, config({ image: 'nginx:1.26' }), { now: T2 });
    expect((object as Json).spec.template.spec.containers[0].image).toBe('nginx:1.26');
    expect(JSON.stringify(fieldsOf(object, 'kubectl-client-side-apply'))).not.toContain('f:image');
    const err = catchPatchError(() => apply(live, config({ image: 'nginx:1.26' }), { manager: 'other-tool', now: T2 }));
    expect(err.message).toBe('Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.template.spec.containers[name="nginx"].image');
  });

  it('answers 500 in kube\'s words for a list-map item without its key', () => {
    const applied: Json = config();
    applied.metadata.namespace = 'default';
    applied.spec.template.spec.containers = [{ image: 'nginx' }];
    const err = catchPatchError(() => apply(undefined, applied));
    expect([err.code, err.reason, err.message]).toEqual([
      500,
      '',
      'failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)',
    ]);
  });

  it('refuses a configuration naming a list-map key twice, and keeps duplicate live items it does not name', () => {
    const twice: Json = config();
    twice.spec.template.spec.containers = [{ name: 'a', image: 'a' }, { name: 'a', image: 'b' }];
    expect(catchPatchError(() => apply(undefined, twice)).message).toBe(
      'failed to create typed patch object (/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: duplicate entries for key [name="a"]',
    );
    const live: Json = stored(apply(undefined, config()).object);
    live.spec.template.spec.containers[0].env = [{ name: 'X', value: '1' }, { name: 'X', value: '2' }];
    const { object } = apply(live, config({ image: 'nginx:1.26' }), { now: T2 });
    expect((object as Json).spec.template.spec.containers[0].env).toEqual([{ name: 'X', value: '1' }, { name: 'X', value: '2' }]);
  });

  it('checks the version against the endpoint even on create', () => {
    const err = catchPatchError(() => apply(undefined, { ...config(), apiVersion: 'apps/v1beta2' }, { apiVersion: 'apps/v1' }));
    expect(err.message).toBe('Incorrect version specified in apply patch. Specified patch version: apps/v1beta2, expected: apps/v1');
  });

  it.each<[string, Json, unknown, string]>([
    ['managedFields in the configuration', { ...config(), metadata: { name: 'web', managedFields: [] } }, undefined, 'metadata.managedFields must be nil'],
    [
      'another version than the stored one',
      { ...config(), apiVersion: 'apps/v1beta1' },
      'live',
      'Incorrect version specified in apply patch. Specified patch version: apps/v1beta1, expected: apps/v1',
    ],
  ])('answers 400 for %s', (_name, applied, withLive, message) => {
    const live = withLive ? stored(apply(undefined, config()).object) : undefined;
    const err = catchPatchError(() => apply(live, applied));
    expect([err.code, err.reason, err.message]).toEqual([400, 'BadRequest', message]);
  });
});
