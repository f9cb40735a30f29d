// PriorityClass defaulting, validation and table (pkg/apis/scheduling and its printer).
import { forbidden, invalid } from '../schema/field-errors.js';
import type { FieldCause, KubeObject } from '../schema/types.js';
import { ageOf, AGE_COLUMN, column, NAME_COLUMN, nameOf, type TableDefinition } from './define.js';

/** The highest value a class not made by the system may have (HighestUserDefinablePriority). */
export const HIGHEST_USER_PRIORITY = 1_000_000_000;
export const SYSTEM_PRIORITY_CLASSES: readonly { name: string; value: number; description: string }[] = [
  { name: 'system-node-critical', value: 2_000_001_000, description: 'Used for system critical pods that must not be moved from their current node.' },
  { name: 'system-cluster-critical', value: 2_000_000_000, description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.' },
];

export function defaultPriorityClass(obj: KubeObject): void {
  obj['preemptionPolicy'] ??= 'PreemptLowerPriority';
}

export function validatePriorityClass(obj: KubeObject): FieldCause[] {
  const name = obj.metadata?.name ?? '';
  const system = SYSTEM_PRIORITY_CLASSES.find((c) => c.name === name);
  if (system) return obj['value'] === system.value ? [] : [invalid('metadata.name', name, `name ${name} is reserved for a system priority class with value ${system.value}`)];
  if (name.startsWith('system-')) return [forbidden('metadata.name', "priority class names with 'system-' prefix are reserved")];
  if (typeof obj['value'] === 'number' && obj['value'] > HIGHEST_USER_PRIORITY) return [forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_PRIORITY}`)];
  return [];
}

export const priorityClassTable: TableDefinition = {
  columns: [
    NAME_COLUMN,
    column('Value', "The value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec.", { type: 'integer' }),
    column('Global-Default', 'Whether this priority class should be considered as the default priority for pods that do not have any priority class.', { type: 'boolean' }),
    AGE_COLUMN,
    column('PreemptionPolicy', 'The Policy for preempting pods with lower priority.', { priority: 1 }),
  ],
  row: (obj, now) => [nameOf(obj), obj['value'] ?? 0, obj['globalDefault'] === true, ageOf(obj, now), obj['preemptionPolicy'] ?? ''],
};
