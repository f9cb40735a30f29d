// How field errors print structured values: Go's %#v of the internal types (kube's field.Error falls
// back to it for values without a String method).
import { RawValue } from '../schema/field-errors.js';
import { isRecord, recordsAt } from './json-access.js';

const quote = (s: string) => JSON.stringify(s);
/** A decoded value as text: strings as they are, other values as JSON, '' when absent. */
const text = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));

function stringMap(value: unknown): string {
  if (!isRecord(value)) return 'map[string]string(nil)';
  const entries = Object.keys(value).sort().map((k) => `${quote(k)}:${quote(String(value[k]))}`);
  return `map[string]string{${entries.join(', ')}}`;
}

function labelSelector(value: unknown): string {
  if (!isRecord(value)) return 'null';
  const expressions = recordsAt(value, 'matchExpressions');
  const requirement = (r: Record<string, unknown>) => {
    const values = Array.isArray(r.values) ? `[]string{${r.values.map((v) => quote(String(v))).join(', ')}}` : '[]string(nil)';
    return `v1.LabelSelectorRequirement{Key:${quote(text(r.key))}, Operator:${quote(text(r.operator))}, Values:${values}}`;
  };
  const matchExpressions = Array.isArray(value.matchExpressions)
    ? `[]v1.LabelSelectorRequirement{${expressions.map(requirement).join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${stringMap(value.matchLabels)}, MatchExpressions:${matchExpressions}}`;
}

export const goStringMap = (value: unknown) => new RawValue(stringMap(value));
export const goLabelSelector = (value: unknown) => new RawValue(labelSelector(value));
