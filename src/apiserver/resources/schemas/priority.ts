// scheduling.k8s.io/v1 PriorityClass: a name mapped to the integer priority pods get.
import { bool, componentName, int32, kindSchema, oneOf, str } from '../../schema/dsl.js';
import type { SchemaNode } from '../../schema/types.js';

export const priorityClassSchemas: Record<string, SchemaNode> = {
  [componentName.api('scheduling', 'v1', 'PriorityClass')]: kindSchema(
    { group: 'scheduling.k8s.io', version: 'v1', kind: 'PriorityClass' },
    'PriorityClass defines mapping from a priority class name to the priority integer value.',
    {
      value: int32('The actual value of this priority class: pods that name it receive it.'),
      globalDefault: bool('Whether this class is the priority of pods that name none. Only one class may be the global default.'),
      description: str('An arbitrary string that usually provides guidelines on when this priority class should be used.'),
      preemptionPolicy: oneOf(['Never', 'PreemptLowerPriority'], 'The policy for preempting pods with lower priority. Defaults to PreemptLowerPriority.'),
    },
    ['value'],
  ),
};
