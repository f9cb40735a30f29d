// What kube-apiserver's decoding does to typed values, so objects read back as from the real server:
// quantities in canonical form, Time fields in RFC 3339 seconds and MicroTime fields with microseconds.
import { canonicalQuantity } from '../../shared/quantity-format.js';
import { componentName, refName } from './dsl.js';
import type { SchemaNode, SchemaResolver } from './types.js';

type Transform = (value: unknown) => unknown;

const rfc3339 = (fractionDigits: number): Transform => (value) => {
  if (typeof value !== 'string') return value;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return value;
  const iso = new Date(at).toISOString();
  if (fractionDigits === 0) return iso.replace(/\.\d{3}Z$/, 'Z');
  // Date keeps milliseconds; the microseconds the client sent are kept when present.
  const micros = /\.(\d{1,9})Z$/.exec(value)?.[1] ?? '';
  return iso.replace(/\.\d{3}Z$/, `.${(micros || iso.slice(20, 23)).padEnd(6, '0').slice(0, 6)}Z`);
};

const TRANSFORMS: Record<string, Transform> = {
  'io.k8s.apimachinery.pkg.api.resource.Quantity': (value) => canonicalQuantity(value) ?? value,
  [componentName.meta('Time')]: rfc3339(0),
  [componentName.meta('MicroTime')]: rfc3339(6),
};

/** Rewrites `value` in place and returns it (or the replacement, for a top-level scalar). */
export function normalizeValues(value: unknown, declared: SchemaNode, resolve: SchemaResolver, depth = 0): unknown {
  const name = refName(declared);
  if (name && TRANSFORMS[name]) return value === undefined || value === null ? value : TRANSFORMS[name]!(value);
  if (depth > 64 || value === null || typeof value !== 'object') return value;
  const node = resolve(declared);
  if (Array.isArray(value)) {
    if (node.items) value.forEach((item, i) => (value[i] = normalizeValues(item, node.items!, resolve, depth + 1)));
    return value;
  }
  const fields = value as Record<string, unknown>;
  for (const [field, fieldValue] of Object.entries(fields)) {
    const property = node.properties?.[field] ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
    if (property) fields[field] = normalizeValues(fieldValue, property, resolve, depth + 1);
  }
  return value;
}
