// DefaultSelector as kube's helper.DefaultSelector: the selectors of the Services selecting the pod, plus
// its controller's (a v1 ReplicationController, an apps/v1 ReplicaSet or StatefulSet) found by name;
// ReplicaSets that are not its controller do not count, even when they select it.

import { describe, expect, it } from 'vitest';
import type { KubeObject, OwnerReference } from '../../../src/client/kube/index.js';
import { defaultSelectorFor, type ControllerKind } from '../../../src/scheduler/default-selector.js';
import type { Pod } from '../../../src/scheduler/types.js';
import { makePod } from './fixtures.js';

const object = (name: string, selector: unknown): KubeObject => ({ metadata: { name, namespace: 'default' }, spec: { selector } });
const owned = (pod: Pod, owner: Partial<OwnerReference>): Pod => ({
  ...pod,
  metadata: { ...pod.metadata, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'u1', controller: true, ...owner }] },
});

describe('defaultSelectorFor', () => {
  const pod = makePod('p', {}, {}, { app: 'web', tier: 'front' });
  const controllers: Record<string, KubeObject> = {
    'ReplicaSet/web-1': object('web-1', { matchLabels: { tier: 'front' }, matchExpressions: [{ key: 'app', operator: 'Exists' }] }),
    'ReplicationController/web-rc': object('web-rc', { app: 'web' }),
    'StatefulSet/db': object('db', { matchLabels: { app: 'db' } }),
  };
  const lookups: string[] = [];
  const controller = (kind: ControllerKind, name: string): KubeObject | undefined => {
    lookups.push(`${kind}/${name}`);
    return controllers[`${kind}/${name}`];
  };
  const services = [object('web', { app: 'web' }), object('db', { app: 'db' }), object('headless', undefined)];

  it("merges the selectors of the Services selecting the pod with its ReplicaSet controller's", () => {
    expect(defaultSelectorFor(owned(pod, {}), { services, controller })).toEqual({ matchLabels: { app: 'web', tier: 'front' }, matchExpressions: [{ key: 'app', operator: 'Exists' }] });
  });

  it("takes a ReplicationController's map and a StatefulSet's selector as they are, without matching them to the pod", () => {
    expect(defaultSelectorFor(owned(pod, { apiVersion: 'v1', kind: 'ReplicationController', name: 'web-rc' }), { services: [], controller })).toEqual({ matchLabels: { app: 'web' }, matchExpressions: [] });
    expect(defaultSelectorFor(owned(pod, { kind: 'StatefulSet', name: 'db' }), { services: [], controller })).toEqual({ matchLabels: { app: 'db' }, matchExpressions: [] });
  });

  it('looks up only a controller of a known kind and version, and no owner that is not the controller', () => {
    lookups.length = 0;
    expect(defaultSelectorFor(owned(pod, { apiVersion: 'extensions/v1beta1' }), { services: [], controller })).toBeUndefined();
    expect(defaultSelectorFor(owned(pod, { kind: 'Job' }), { services: [], controller })).toBeUndefined();
    expect(defaultSelectorFor(owned(pod, { controller: false }), { services: [], controller })).toBeUndefined();
    expect(lookups).toEqual([]);
    expect(defaultSelectorFor(owned(pod, { name: 'gone' }), { services: [], controller })).toBeUndefined();
    expect(lookups).toEqual(['ReplicaSet/gone']);
  });

  it('undefined when nothing selects the pod', () => {
    expect(defaultSelectorFor(pod, { services: [object('db', { app: 'db' })], controller })).toBeUndefined();
  });
});
