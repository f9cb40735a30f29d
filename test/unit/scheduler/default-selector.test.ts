// DefaultSelector: the union of the selectors of what selects the pod in its namespace.

import { describe, expect, it } from 'vitest';
import { defaultSelectorFor } from '../../../src/scheduler/default-selector.js';
import { makePod } from './fixtures.js';

const object = (namespace: string, selector: unknown) => ({ metadata: { name: 'o', namespace }, spec: { selector } });

describe('defaultSelectorFor', () => {
  const pod = makePod('p', {}, {}, { app: 'web', tier: 'front' });
  it('merges the selectors of services and replica sets selecting the pod', () => {
    const selector = defaultSelectorFor(pod, {
      services: [object('default', { app: 'web' }), object('default', { app: 'db' }), object('other', { tier: 'front' })],
      replicationControllers: [],
      replicaSets: [object('default', { matchLabels: { tier: 'front' }, matchExpressions: [{ key: 'app', operator: 'Exists' }] })],
      statefulSets: [],
    });
    expect(selector).toEqual({ matchLabels: { app: 'web', tier: 'front' }, matchExpressions: [{ key: 'app', operator: 'Exists' }] });
  });
  it('undefined when nothing selects the pod', () => {
    expect(defaultSelectorFor(pod, { services: [object('default', { app: 'db' })], replicationControllers: [], replicaSets: [], statefulSets: [] })).toBeUndefined();
  });
});
