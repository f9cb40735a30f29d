// Structural defaulting of custom resources: every `default` in the schema is applied where its
// field is absent, inside every object the value has (apiextensions' structuraldefaulting.Default).
import type { SchemaNode, SchemaResolver } from './types.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function applySchemaDefaults(value: unknown, declared: SchemaNode, resolve: SchemaResolver): void {
  const node = resolve(declared);
  if (Array.isArray(value)) {
    if (node.items) for (const item of value) applySchemaDefaults(item, node.items, resolve);
    return;
  }
  if (!isObject(value)) return;
  for (const [field, property] of Object.entries(node.properties ?? {})) {
    const fieldNode = resolve(property);
    if (value[field] === undefined && fieldNode.default !== undefined) value[field] = structuredClone(fieldNode.default);
    if (value[field] !== undefined) applySchemaDefaults(value[field], property, resolve);
  }
  if (typeof node.additionalProperties === 'object') {
    for (const field of Object.keys(value)) {
      if (!node.properties?.[field]) applySchemaDefaults(value[field], node.additionalProperties, resolve);
    }
  }
}
