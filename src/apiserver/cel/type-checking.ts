// ValidatingAdmissionPolicy type checking (admission/plugin/policy/validating/typechecking.go): each
// validation's expression and messageExpression is compiled against every built-in kind the policy's
// matchConstraints name without wildcards (at most 10, sorted by group, version and kind), with `object`
// and `oldObject` typed by that kind's schema and `params` by the paramKind's (left undeclared when it
// has none, as upstream). What fails to compile becomes a warning in cel-go's words, the kind first:
// `apps/v1, Kind=Deployment: ERROR: <input>:1:7: undefined field 'replicas'`. Here `request`,
// `namespaceObject` and the policy's variables stay dyn.

import type { Environment } from '@marcbachmann/cel-js';
import type { SchemaNode, SchemaResolver } from '../schema/types.js';
import { celEnvironment, celIssues, type LibraryError } from './cel-program.js';

type Json = Record<string, unknown>;

export interface ExpressionWarning {
  readonly fieldRef: string;
  readonly warning: string;
}

export interface TypedKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly schema: SchemaNode;
}

/** What type checking knows of the served kinds: built-in ones only (custom resources are not checked, as upstream). */
export interface KindSchemas {
  /** The kind a group/version/resource names, with its schema. */
  byResource(group: string, version: string, resource: string): TypedKind | undefined;
  byKind(apiVersion: string, kind: string): TypedKind | undefined;
  readonly resolve: SchemaResolver;
}

const MAX_TYPES = 10;
/** Deeper than this a schema is dyn (recursive schemas end somewhere). */
const MAX_DEPTH = 24;

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** typesToCheck: the kinds of the rules' groups × versions × resources, none with a wildcard, subresources left out. */
export function typesToCheck(spec: Json, kinds: KindSchemas): TypedKind[] {
  const rules = ((spec['matchConstraints'] as Json | undefined)?.['resourceRules'] as Json[] | undefined) ?? [];
  const found = new Map<string, TypedKind>();
  for (const rule of rules) {
    const groups = strings(rule['apiGroups']);
    const versions = strings(rule['apiVersions']);
    if (groups.some((g) => g.includes('*')) || versions.some((v) => v.includes('*'))) continue;
    const resources = strings(rule['resources']).filter((r) => !/[*/]/.test(r));
    for (const group of [...groups].sort()) {
      for (const version of [...versions].sort()) {
        for (const resource of [...resources].sort()) {
          const kind = kinds.byResource(group, version, resource);
          if (!kind) continue;
          found.set(`${kind.group}/${kind.version}/${kind.kind}`, kind);
          if (found.size === MAX_TYPES) return sortKinds([...found.values()]);
        }
      }
    }
  }
  return sortKinds([...found.values()]);
}

function sortKinds(kinds: TypedKind[]): TypedKind[] {
  const key = (k: TypedKind) => [k.group, k.version, k.kind];
  return kinds.sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
    return 0;
  });
}

/** Registers an object type under a name of its path (made a plain identifier path, unique in the environment). */
function registerObject(env: Environment, path: string, fields: Record<string, string>, taken: Set<string>): string {
  const base = path.replace(/[^\w.]/g, '_');
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  env.registerType(name, { fields });
  return name;
}

/** The CEL type of a schema node, registering a named type for each object with properties (kube's SchemaDeclType). */
function celType(env: Environment, name: string, node: SchemaNode, resolve: SchemaResolver, depth: number, taken: Set<string>): string {
  const s = resolve(node);
  if (depth > MAX_DEPTH || s['x-kubernetes-int-or-string'] || (s['x-kubernetes-preserve-unknown-fields'] && !s.properties)) return 'dyn';
  switch (s.type) {
    case 'string':
      return s.format === 'byte' ? 'bytes' : s.format === 'date-time' ? 'google.protobuf.Timestamp' : s.format === 'duration' ? 'google.protobuf.Duration' : 'string';
    case 'integer':
      return 'int';
    case 'number':
      return 'double';
    case 'boolean':
      return 'bool';
    case 'array':
      return s.items ? `list<${celType(env, `${name}.items`, s.items, resolve, depth + 1, taken)}>` : 'list<dyn>';
    case 'object':
    case undefined: {
      if (typeof s.additionalProperties === 'object') return `map<string, ${celType(env, `${name}.values`, s.additionalProperties, resolve, depth + 1, taken)}>`;
      if (!s.properties) return s.type === 'object' && !s['x-kubernetes-preserve-unknown-fields'] ? 'map<string, dyn>' : 'dyn';
      const fields = Object.fromEntries(Object.entries(s.properties).map(([field, sub]) => [field, celType(env, `${name}.${field}`, sub, resolve, depth + 1, taken)]));
      return registerObject(env, name, fields, taken);
    }
    default:
      return 'dyn';
  }
}

interface Compiler {
  readonly kind: TypedKind;
  readonly env: Environment;
}

function compilerFor(kind: TypedKind, params: TypedKind | undefined, composited: readonly string[], resolve: SchemaResolver): Compiler {
  const taken = new Set<string>();
  const env = celEnvironment((e) => {
    const objectType = celType(e, `${kind.kind}.object`, kind.schema, resolve, 0, taken);
    e.registerVariable('object', objectType);
    e.registerVariable('oldObject', objectType);
    if (params) e.registerVariable('params', celType(e, `${params.kind}.params`, params.schema, resolve, 0, taken));
    for (const dyn of ['request', 'namespaceObject']) e.registerVariable(dyn, 'dyn');
    e.registerVariable('authorizer', 'Authorizer');
    if (composited.length > 0) e.registerVariable({ name: 'variables', schema: Object.fromEntries(composited.map((n) => [n, 'dyn'])) });
  });
  return { kind, env };
}

/** GroupVersionKind.String(): `apps/v1, Kind=Deployment` (`/v1, Kind=Pod` for the core group). */
const gvkString = (k: TypedKind): string => `${k.group}/${k.version}, Kind=${k.kind}`;

/** TypeCheckingResults.String() for one expression, or undefined when it compiles against every kind. */
function checkExpression(compilers: readonly Compiler[], expression: string): string | undefined {
  const results: string[] = [];
  for (const { kind, env } of compilers) {
    let error: LibraryError | undefined;
    try {
      const checked = env.check(expression);
      if (!checked.valid) error = (checked.error ?? {}) as LibraryError;
    } catch (err) {
      error = err as LibraryError;
    }
    if (error) results.push(`${gvkString(kind)}: ${celIssues(expression, error)}\n`);
  }
  return results.length > 0 ? results.join('\n') : undefined;
}

/** The policy's expressionWarnings (empty when every expression checks, or no kind can be typed). */
export function typeCheckPolicy(spec: Json, kinds: KindSchemas): ExpressionWarning[] {
  const types = typesToCheck(spec, kinds);
  if (types.length === 0) return [];
  const paramKind = spec['paramKind'] as Json | undefined;
  const params = paramKind ? kinds.byKind(text(paramKind['apiVersion']), text(paramKind['kind'])) : undefined;
  const composited = ((spec['variables'] as Json[] | undefined) ?? []).map((v) => text(v['name']));
  const compilers = types.map((kind) => compilerFor(kind, params, composited, kinds.resolve));
  const warnings: ExpressionWarning[] = [];
  ((spec['validations'] as Json[] | undefined) ?? []).forEach((validation, i) => {
    for (const field of ['expression', 'messageExpression']) {
      const expression = validation[field];
      if (typeof expression !== 'string' || expression === '') continue;
      const warning = checkExpression(compilers, expression);
      if (warning !== undefined) warnings.push({ fieldRef: `spec.validations[${i}].${field}`, warning });
    }
  });
  return warnings;
}
