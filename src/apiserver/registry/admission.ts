// What an object goes through before it is stored: unknown fields handled as fieldValidation asks
// (Strict: 400; Warn: dropped with a warning; Ignore: dropped), the kind's defaults, then validation
// (schema types, required fields and enums, the kind's own rules, finalizer rules) with 422 Invalid.

import { badRequest, invalid, type StatusError } from '../errors/status.js';
import { isBuiltinSchema } from '../schema/dsl.js';
import type { FieldCause, KubeObject, ResourceSpec } from '../schema/types.js';
import { finalizerCauses } from './object-meta.js';
import { dropFields, fieldName } from './unknown-fields.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface SchemaCheck {
  readonly unknownFields: string[];
  readonly causes: FieldCause[];
  /** A type mismatch in a built-in kind, as Go's JSON decoder words it. */
  readonly decodeError?: string;
}

/** Checks an object against a named schema (engineer B's checkAgainstSchema bound to the components). */
export type SchemaChecker = (obj: KubeObject, schemaName: string) => SchemaCheck;

export function fieldValidationParam(value: string | null): FieldValidation {
  if (value === null || value === '' || value === 'Warn') return 'Warn';
  if (value === 'Strict' || value === 'Ignore') return value;
  throw badRequest(`invalid fieldValidation directive: ${value}`);
}

/** kube-apiserver's decoder failure: 400 `<Kind> in version "<v>" cannot be handled as a <Kind>: <reason>`. */
export function cannotBeHandled(spec: ResourceSpec, reason: string): StatusError {
  return badRequest(`${spec.kind} in version "${spec.version}" cannot be handled as a ${spec.kind}: ${reason}`);
}

/** Unknown fields handled and removed: Strict fails, Warn returns warnings. Mutates `obj`. */
export function handleUnknownFields(spec: ResourceSpec, obj: KubeObject, unknown: readonly string[], mode: FieldValidation): string[] {
  if (unknown.length === 0) return [];
  const names = unknown.map(fieldName);
  if (mode === 'Strict') throw cannotBeHandled(spec, `strict decoding error: ${names.map((n) => `unknown field "${n}"`).join(', ')}`);
  dropFields(obj, unknown);
  return mode === 'Warn' ? names.map((n) => `unknown field "${n}"`) : [];
}

/** Defaults and validates `obj` (mutated) for create (`old` absent) or update; returns warnings. */
export function admit(check: SchemaChecker, spec: ResourceSpec, obj: KubeObject, old: KubeObject | undefined, mode: FieldValidation): string[] {
  const first = check(obj, spec.schemaName);
  // The typed decode fails before strict field checking can run, as in kube's serializer.
  if (first.decodeError) throw cannotBeHandled(spec, first.decodeError);
  const warnings = handleUnknownFields(spec, obj, first.unknownFields, mode);
  spec.defaults(obj, old);
  // For a built-in kind the walk finds only type mismatches, which threw above, and defaults are well
  // typed: walking again finds nothing new. A custom resource's constraints are checked after defaulting.
  const checked = isBuiltinSchema(spec.schemaName) ? first : check(obj, spec.schemaName);
  const causes = [...checked.causes, ...spec.validate(obj, old), ...(old ? finalizerCauses(obj, old) : [])];
  if (causes.length > 0) throw invalid(spec.group, spec.kind, obj.metadata?.name ?? '', causes);
  return warnings;
}
