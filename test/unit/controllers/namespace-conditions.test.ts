// The namespace controller's conditions, as status_condition_utils.go sets them: every type present,
// True with the failure or False with its ok reason; transition times move only with the status.

import { describe, expect, it } from 'vitest';
import { failedConditions, updateConditions, type DeletionOutcome, type NamespaceCondition } from '../../../src/controllers/namespace/namespace-conditions.js';

const T0 = '2026-01-01T00:00:00Z';
const T1 = '2026-01-01T00:00:10Z';

const outcome = (partial: Partial<DeletionOutcome> = {}): DeletionOutcome => ({ discoveryFailures: [], contentErrors: [], remaining: new Map(), finalizers: new Map(), ...partial });

describe('namespace deletion conditions', () => {
  it('all ok: five False conditions with kube reasons and messages', () => {
    const conditions: NamespaceCondition[] = [];
    expect(updateConditions(conditions, failedConditions(outcome(), T0), T0)).toBe(true);
    expect(conditions.map((c) => [c.type, c.status, c.reason, c.message])).toEqual([
      ['NamespaceDeletionDiscoveryFailure', 'False', 'ResourcesDiscovered', 'All resources successfully discovered'],
      ['NamespaceDeletionGroupVersionParsingFailure', 'False', 'ParsedGroupVersions', 'All legacy kube types successfully parsed'],
      ['NamespaceDeletionContentFailure', 'False', 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization'],
      ['NamespaceContentRemaining', 'False', 'ContentRemoved', 'All content successfully removed'],
      ['NamespaceFinalizersRemaining', 'False', 'ContentRemoved', 'All content successfully removed'],
    ]);
    expect(updateConditions(conditions, failedConditions(outcome(), T1), T1)).toBe(false);
  });

  it.each([
    {
      name: 'remaining content and finalizers, sorted',
      found: outcome({ remaining: new Map([['widgets.example.com', 2], ['configmaps.', 1]]), finalizers: new Map([['example.com/hold', 3]]) }),
      want: [
        ['NamespaceContentRemaining', 'SomeResourcesRemain', 'Some resources are remaining: configmaps. has 1 resource instances, widgets.example.com has 2 resource instances'],
        ['NamespaceFinalizersRemaining', 'SomeFinalizerRemain', 'Some finalizers are remaining: example.com/hold in 3 resource instances'],
      ],
    },
    {
      name: 'discovery and content failures',
      found: outcome({ discoveryFailures: ['metrics.k8s.io/v1beta1: the server is currently unable to handle the request'], contentErrors: ['b failed', 'a failed'] }),
      want: [
        ['NamespaceDeletionDiscoveryFailure', 'DiscoveryFailed', 'Discovery failed for some groups, 1 failing: unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: the server is currently unable to handle the request'],
        ['NamespaceDeletionContentFailure', 'ContentDeletionFailed', 'Failed to delete all resource types, 2 remaining: a failed, b failed'],
      ],
    },
  ])('$name', ({ found, want }) => {
    expect(failedConditions(found, T0).map((c) => [c.type, c.reason, c.message])).toEqual(want);
    expect(failedConditions(found, T0).every((c) => c.status === 'True')).toBe(true);
  });

  it('moves lastTransitionTime only when the status flips', () => {
    const conditions: NamespaceCondition[] = [];
    const remaining = outcome({ remaining: new Map([['pods.', 2]]) });
    updateConditions(conditions, failedConditions(remaining, T0), T0);
    const fewer = outcome({ remaining: new Map([['pods.', 1]]) });
    expect(updateConditions(conditions, failedConditions(fewer, T1), T1)).toBe(true);
    const content = () => conditions.find((c) => c.type === 'NamespaceContentRemaining')!;
    expect(content()).toMatchObject({ status: 'True', lastTransitionTime: T0, message: 'Some resources are remaining: pods. has 1 resource instances' });
    expect(updateConditions(conditions, failedConditions(outcome(), T1), T1)).toBe(true);
    expect(content()).toMatchObject({ status: 'False', lastTransitionTime: T1, reason: 'ContentRemoved' });
  });
});
