// policy/v1 PodDisruptionBudget.
import { componentName, int32, int64, intOrString, kindSchema, labelSelector, list, map, oneOf, obj, ref, time } from '../../schema/dsl.js';
import type { SchemaNode } from '../../schema/types.js';

const policy = (kind: string) => componentName.api('policy', 'v1', kind);

export const policySchemas: Record<string, SchemaNode> = {
  [policy('PodDisruptionBudget')]: kindSchema(
    { group: 'policy', version: 'v1', kind: 'PodDisruptionBudget' },
    'PodDisruptionBudget is an object to define the max disruption that can be caused to a collection of pods',
    {
      spec: ref(policy('PodDisruptionBudgetSpec'), 'Specification of the desired behavior of the PodDisruptionBudget.'),
      status: ref(policy('PodDisruptionBudgetStatus'), 'Most recently observed status of the PodDisruptionBudget.'),
    },
  ),
  [policy('PodDisruptionBudgetSpec')]: obj(
    {
      minAvailable: intOrString('An eviction is allowed if at least "minAvailable" pods selected by "selector" will still be available after the eviction.'),
      selector: labelSelector('Label query over pods whose evictions are managed by the disruption budget.'),
      maxUnavailable: intOrString('An eviction is allowed if at most "maxUnavailable" pods selected by "selector" are unavailable after the eviction.'),
      unhealthyPodEvictionPolicy: oneOf(['AlwaysAllow', 'IfHealthyBudget'], 'When unhealthy running pods should be considered for eviction.'),
    },
    { description: 'PodDisruptionBudgetSpec is a description of a PodDisruptionBudget.' },
  ),
  [policy('PodDisruptionBudgetStatus')]: obj(
    {
      observedGeneration: int64('Most recent generation observed when updating this PDB status.'),
      disruptedPods: map(time(), 'Pods whose eviction was processed by the API server eviction subresource handler but not yet observed by the PodDisruptionBudget controller.'),
      disruptionsAllowed: int32('Number of pod disruptions that are currently allowed.'),
      currentHealthy: int32('current number of healthy pods'),
      desiredHealthy: int32('minimum desired number of healthy pods'),
      expectedPods: int32('total number of pods counted by this disruption budget'),
      conditions: list(ref(componentName.meta('Condition')), {
        description: 'Conditions contain conditions for PDB.',
        mergeKey: 'type',
        strategy: 'merge',
        listType: 'map',
        mapKeys: ['type'],
      }),
    },
    { description: 'PodDisruptionBudgetStatus represents information about the status of a PodDisruptionBudget.', required: ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods'] },
  ),
};
