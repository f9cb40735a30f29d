// events.k8s.io/v1 Events are stored as core/v1 Events: the spec converts both ways.
import { describe, expect, it } from 'vitest';
import { specFor } from './support.js';

describe('events.k8s.io/v1 storage', () => {
  const spec = specFor('events.k8s.io', 'Event');
  const v1 = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: 'web.1', namespace: 'default' },
    eventTime: '2026-01-01T00:00:00.000000Z',
    reportingController: 'default-scheduler',
    reportingInstance: 'default-scheduler-node-1',
    action: 'Binding',
    reason: 'Scheduled',
    regarding: { kind: 'Pod', namespace: 'default', name: 'web' },
    note: 'Successfully assigned default/web to node-1',
    type: 'Normal',
  };

  it('stores the core/v1 shape, which the core API lists and selects on', () => {
    const stored = spec.toStorage!(v1);
    expect(stored).toEqual({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web.1', namespace: 'default' },
      eventTime: '2026-01-01T00:00:00.000000Z',
      reportingComponent: 'default-scheduler',
      reportingInstance: 'default-scheduler-node-1',
      action: 'Binding',
      reason: 'Scheduled',
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'web' },
      message: 'Successfully assigned default/web to node-1',
      type: 'Normal',
    });
    expect(specFor('', 'Event').fieldSelectors['involvedObject.name']!(stored)).toBe('web');
    expect(specFor('', 'Event').validate(stored, undefined)).toEqual([]);
  });

  it('reads a stored event back in its own shape', () => {
    expect(spec.fromStorage!(spec.toStorage!(v1))).toEqual(v1);
    expect(typeof specFor('', 'Event').toStorage).toBe('undefined');
  });
});
