// policy/v1 PodDisruptionBudget validation and table (pkg/apis/policy/validation and its printer).
import { invalid, RawValue } from '../schema/field-errors.js';
import { dns1123Subdomain } from '../schema/name-rules.js';
import { validateObjectMeta } from '../schema/object-meta-validation.js';
import type { FieldCause, KubeObject } from '../schema/types.js';
import { ageOf, AGE_COLUMN, column, NAME_COLUMN, nameOf, type TableDefinition } from './define.js';
import { numberAt, recordAt } from './json-access.js';
import { validateLabelSelector } from './label-selector.js';
import { validateIntOrPercent } from './workload-validation.js';

export function validatePodDisruptionBudget(pdb: KubeObject): FieldCause[] {
  const causes = validateObjectMeta(pdb, true, dns1123Subdomain);
  const spec = recordAt(pdb, 'spec') ?? {};
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
    causes.push(invalid('spec', new RawValue('policy.PodDisruptionBudgetSpec{...}'), 'minAvailable and maxUnavailable cannot be both set'));
  }
  for (const field of ['minAvailable', 'maxUnavailable']) {
    const value = validateIntOrPercent(spec[field], `spec.${field}`, causes);
    if (typeof spec[field] === 'string' && value !== undefined && value > 100) causes.push(invalid(`spec.${field}`, spec[field], 'must not be greater than 100%'));
  }
  causes.push(...validateLabelSelector(recordAt(spec, 'selector'), 'spec.selector'));
  return causes;
}

const intOrStringCell = (value: unknown) => (typeof value === 'number' || typeof value === 'string' ? String(value) : 'N/A');

export const podDisruptionBudgetTable: TableDefinition = {
  columns: [
    NAME_COLUMN,
    column('Min Available', 'The minimum number of pods that must be available.'),
    column('Max Unavailable', 'The maximum number of pods that may be unavailable.'),
    column('Allowed Disruptions', 'Calculated number of pods that may be disrupted at this time.', { type: 'integer' }),
    AGE_COLUMN,
  ],
  row: (obj, now) => {
    const spec = recordAt(obj, 'spec');
    return [nameOf(obj), intOrStringCell(spec?.minAvailable), intOrStringCell(spec?.maxUnavailable), numberAt(recordAt(obj, 'status'), 'disruptionsAllowed') ?? 0, ageOf(obj, now)];
  },
};
