// ObjectMeta validation shared by every kind (apimachinery's ValidateObjectMeta), with the name rule
// each kind chooses.
import { child, forbidden, invalid, required } from './field-errors.js';
import { labelValue, qualifiedName } from './name-rules.js';
import type { FieldCause, KubeObject } from './types.js';

export type NameRule = (name: string) => string[];

export function validateLabels(labels: unknown, path: string): FieldCause[] {
  if (!labels || typeof labels !== 'object') return [];
  const causes: FieldCause[] = [];
  for (const [k, v] of Object.entries(labels as Record<string, unknown>)) {
    for (const message of qualifiedName(k)) causes.push(invalid(path, k, message));
    for (const message of labelValue(String(v))) causes.push(invalid(path, v, message));
  }
  return causes;
}

export function validateAnnotations(annotations: unknown, path: string): FieldCause[] {
  if (!annotations || typeof annotations !== 'object') return [];
  const causes: FieldCause[] = [];
  for (const k of Object.keys(annotations)) {
    for (const message of qualifiedName(k.toLowerCase())) causes.push(invalid(path, k, message));
  }
  const size = Object.entries(annotations as Record<string, unknown>).reduce((n, [k, v]) => n + k.length + String(v).length, 0);
  if (size > 256 * 1024) causes.push({ reason: 'FieldValueTooLong', message: `Too long: must have at most ${256 * 1024} bytes`, field: path });
  return causes;
}

export function validateObjectMeta(obj: KubeObject, namespaced: boolean, nameRule: NameRule, path = 'metadata'): FieldCause[] {
  const meta = obj.metadata ?? {};
  const causes: FieldCause[] = [];
  if (meta.generateName) {
    // A generated name is the prefix plus 5 characters, so the prefix alone may end in '-'.
    for (const message of nameRule(meta.generateName.replace(/-$/, 'a'))) causes.push(invalid(child(path, 'generateName'), meta.generateName, message));
  }
  if (!meta.name) {
    if (!meta.generateName) causes.push(required(child(path, 'name'), 'name or generateName is required'));
  } else {
    for (const message of nameRule(meta.name)) causes.push(invalid(child(path, 'name'), meta.name, message));
  }
  if (namespaced) {
    if (!meta.namespace) causes.push(required(child(path, 'namespace')));
  } else if (meta.namespace) {
    causes.push(forbidden(child(path, 'namespace'), 'not allowed on this type'));
  }
  causes.push(...validateLabels(meta.labels, child(path, 'labels')));
  causes.push(...validateAnnotations(meta.annotations, child(path, 'annotations')));
  return causes;
}
