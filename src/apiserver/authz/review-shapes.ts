// The review kinds' Go types (k8s.io/api authentication/v1 and authorization/v1), as the apiserver's
// decoder reads a body into them: fields it does not know are dropped (and named, for
// fieldValidation), empty `omitempty` fields vanish, and what is left is what Go would write back.

import { badRequest } from '../errors/status.js';

/** A field's Go type: a string, a []string, a map[string][]string, or a struct of named fields. */
type Shape = 'string' | 'strings' | 'stringsMap' | { readonly [field: string]: Shape } | { readonly list: Shape };

const REQUIREMENT: Shape = { key: 'string', operator: 'string', values: 'strings' };
const SELECTOR: Shape = { rawSelector: 'string', requirements: { list: REQUIREMENT } };
const RESOURCE_ATTRIBUTES: Shape = {
  namespace: 'string', verb: 'string', group: 'string', version: 'string', resource: 'string', subresource: 'string', name: 'string',
  fieldSelector: SELECTOR, labelSelector: SELECTOR,
};
const NON_RESOURCE_ATTRIBUTES: Shape = { path: 'string', verb: 'string' };
const SELF_ACCESS_SPEC: Shape = { resourceAttributes: RESOURCE_ATTRIBUTES, nonResourceAttributes: NON_RESOURCE_ATTRIBUTES };
const ACCESS_SPEC: Shape = { ...SELF_ACCESS_SPEC, user: 'string', groups: 'strings', extra: 'stringsMap', uid: 'string' };

/** Each kind's spec; SelfSubjectReview has none. */
export const SPEC_SHAPES: Readonly<Record<string, Shape | undefined>> = {
  SubjectAccessReview: ACCESS_SPEC,
  LocalSubjectAccessReview: ACCESS_SPEC,
  SelfSubjectAccessReview: SELF_ACCESS_SPEC,
  SelfSubjectRulesReview: { namespace: 'string' },
  TokenReview: { token: 'string', audiences: 'strings' },
  SelfSubjectReview: undefined,
};

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
  const shape = SPEC_SHAPES[kind];
  if (!shape) return {};
  return (decode(body['spec'], shape, 'spec', unknown) as Json | undefined) ?? {};
}

/** The top-level fields a review body may carry besides its spec. */
export function unknownTopLevel(kind: string, body: Json): string[] {
  const known = ['apiVersion', 'kind', 'metadata', 'status', ...(SPEC_SHAPES[kind] ? ['spec'] : [])];
  return Object.keys(body).filter((k) => !known.includes(k));
}
