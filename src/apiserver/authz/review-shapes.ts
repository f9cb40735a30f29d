// The review kinds' Go types (k8s.io/api authentication/v1 and authorization/v1), read from the schemas
// /openapi publishes for them, as the apiserver's decoder reads a body into them: fields it does not
// know are dropped (and named, for fieldValidation), empty `omitempty` fields vanish, and what is left
// is what Go would write back.

import { badRequest } from '../errors/status.js';
import { builtinSchemas } from '../resources/index.js';
import { schemaResolver } from '../schema/resolver.js';
import type { SchemaNode, SchemaResolver } from '../schema/types.js';
import { REVIEW_RESOURCES } from './review-resources.js';

/** A field's Go type: a string, a []string, a map[string][]string, or a struct of named fields. */
type Shape = 'string' | 'strings' | 'stringsMap' | { readonly [field: string]: Shape } | { readonly list: Shape };

/** The Go type a schema node describes; the review specs use no other. */
function shapeOf(node: SchemaNode, resolve: SchemaResolver): Shape {
  const schema = resolve(node);
  if (schema.type === 'string') return 'string';
  if (schema.type === 'array') {
    const items = shapeOf(schema.items ?? {}, resolve);
    return items === 'string' ? 'strings' : { list: items };
  }
  if (schema.type === 'object' && typeof schema.additionalProperties === 'object' && shapeOf(schema.additionalProperties, resolve) === 'strings') return 'stringsMap';
  if (schema.type === 'object' && schema.properties) {
    return Object.fromEntries(Object.entries(schema.properties).map(([field, sub]) => [field, shapeOf(sub, resolve)]));
  }
  throw new Error(`review spec field of unexpected schema ${JSON.stringify(schema)}`);
}

let specShapes: ReadonlyMap<string, Shape | undefined> | undefined;

/** Each review kind's spec, from its published schema (SelfSubjectReview has none). */
function specShape(kind: string): Shape | undefined {
  if (!specShapes) {
    const components = builtinSchemas();
    const resolve = schemaResolver(components);
    specShapes = new Map(REVIEW_RESOURCES.map((spec) => {
      const field = components[spec.schemaName]?.properties?.['spec'];
      return [spec.kind, field ? shapeOf(field, resolve) : undefined];
    }));
  }
  return specShapes.get(kind);
}

export type Json = Record<string, unknown>;

const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const GO_TYPE: Record<string, string> = { string: 'string', strings: '[]string', stringsMap: 'map[string][]string' };

function typeError(path: string, value: unknown, shape: Shape): never {
  const got = Array.isArray(value) ? 'array' : isMap(value) ? 'object' : typeof value === 'boolean' ? 'bool' : typeof value;
  const want = typeof shape === 'string' ? GO_TYPE[shape] : 'list' in shape ? 'array' : 'object';
  throw badRequest(`json: cannot unmarshal ${got} into Go struct field .${path} of type ${String(want)}`);
}

/** The value as decoded into `shape` and written back (undefined when omitted), naming unknown fields. */
function decode(value: unknown, shape: Shape, path: string, unknown: string[]): unknown {
  if (value === null || value === undefined) return undefined;
  if (shape === 'string') {
    if (typeof value !== 'string') typeError(path, value, shape);
    return value === '' ? undefined : value;
  }
  if (shape === 'strings') {
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) typeError(path, value, shape);
    return value.length === 0 ? undefined : value;
  }
  if (shape === 'stringsMap') {
    if (!isMap(value)) typeError(path, value, shape);
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) out[k] = decode(v, 'strings', `${path}.${k}`, unknown) ?? null;
    return Object.keys(out).length === 0 ? undefined : out;
  }
  if ('list' in shape) {
    if (!Array.isArray(value)) typeError(path, value, shape);
    const items = value.map((v, i) => decode(v, shape.list as Shape, `${path}[${i}]`, unknown) ?? {});
    return items.length === 0 ? undefined : items;
  }
  if (!isMap(value)) typeError(path, value, shape);
  const out: Json = {};
  for (const [field, v] of Object.entries(value)) {
    const sub = shape[field];
    if (sub === undefined) unknown.push(`${path}.${field}`);
    else {
      const decoded = decode(v, sub as Shape, `${path}.${field}`, unknown);
      if (decoded !== undefined) out[field] = decoded;
    }
  }
  return out;
}

/** A review's spec as the typed decoder leaves it (always an object, as Go writes a struct field). */
export function decodeSpec(kind: string, body: Json, unknown: string[]): Json {
  const shape = specShape(kind);
  if (!shape) return {};
  return (decode(body['spec'], shape, 'spec', unknown) as Json | undefined) ?? {};
}

/** The top-level fields a review body may carry besides its spec. */
export function unknownTopLevel(kind: string, body: Json): string[] {
  const known = ['apiVersion', 'kind', 'metadata', 'status', ...(specShape(kind) ? ['spec'] : [])];
  return Object.keys(body).filter((k) => !known.includes(k));
}
