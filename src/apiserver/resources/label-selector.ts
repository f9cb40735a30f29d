// metav1.LabelSelector semantics: matching a label set, validity, and the string form Scale and
// printers show ("app=web,tier in (a,b)").
import { child, index, invalid, required } from '../schema/field-errors.js';
import { labelValue, qualifiedName } from '../schema/name-rules.js';
import { validateLabels } from '../schema/object-meta-validation.js';
import type { FieldCause } from '../schema/types.js';
import { isRecord, recordAt, recordsAt, stringAt, type Json } from './json-access.js';

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

export function selectorMatches(selector: Json | undefined, labels: Record<string, unknown> | undefined): boolean {
  if (!selector) return false;
  const set = labels ?? {};
  for (const [k, v] of Object.entries(recordAt(selector, 'matchLabels') ?? {})) if (set[k] !== v) return false;
  for (const requirement of recordsAt(selector, 'matchExpressions')) {
    const key = stringAt(requirement, 'key') ?? '';
    const values = Array.isArray(requirement.values) ? requirement.values.map(String) : [];
    const has = Object.hasOwn(set, key);
    switch (requirement.operator) {
      case 'In':
        if (!has || !values.includes(String(set[key]))) return false;
        break;
      case 'NotIn':
        if (has && values.includes(String(set[key]))) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

export const selectorIsEmpty = (selector: Json | undefined) =>
  !!selector && Object.keys(recordAt(selector, 'matchLabels') ?? {}).length === 0 && recordsAt(selector, 'matchExpressions').length === 0;

export function validateLabelSelector(selector: Json | undefined, path: string): FieldCause[] {
  if (!selector) return [];
  const causes = validateLabels(recordAt(selector, 'matchLabels'), child(path, 'matchLabels'));
  recordsAt(selector, 'matchExpressions').forEach((requirement, i) => {
    const at = index(child(path, 'matchExpressions'), i);
    const operator = stringAt(requirement, 'operator') ?? '';
    const values = Array.isArray(requirement.values) ? requirement.values : [];
    if (!OPERATORS.includes(operator)) causes.push(invalid(child(at, 'operator'), operator, 'not a valid selector operator'));
    else if ((operator === 'In' || operator === 'NotIn') && values.length === 0) causes.push(required(child(at, 'values'), 'must be specified when `operator` is \'In\' or \'NotIn\''));
    else if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) causes.push({ reason: 'FieldValueForbidden', message: "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'", field: child(at, 'values') });
    for (const message of qualifiedName(stringAt(requirement, 'key') ?? '')) causes.push(invalid(child(at, 'key'), requirement.key ?? '', message));
    values.forEach((v, j) => {
      for (const message of labelValue(String(v))) causes.push(invalid(index(child(at, 'values'), j), v, message));
    });
  });
  return causes;
}

/** The selector as labels.Selector.String() prints it: requirements sorted by key. */
export function selectorString(selector: unknown): string {
  if (!isRecord(selector)) return '';
  const parts: [string, string][] = [];
  for (const [k, v] of Object.entries(recordAt(selector, 'matchLabels') ?? {})) parts.push([k, `${k}=${String(v)}`]);
  for (const r of recordsAt(selector, 'matchExpressions')) {
    const key = stringAt(r, 'key') ?? '';
    const values = (Array.isArray(r.values) ? r.values.map(String) : []).sort().join(',');
    const text = r.operator === 'In' ? `${key} in (${values})` : r.operator === 'NotIn' ? `${key} notin (${values})` : r.operator === 'Exists' ? key : `!${key}`;
    parts.push([key, text]);
  }
  return parts
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([, text]) => text)
    .join(',');
}
