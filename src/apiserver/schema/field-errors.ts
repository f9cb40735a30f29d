// FieldCause builders with the message wording of apimachinery's field.Error (validation/field/errors.go).
import type { FieldCause } from './types.js';

/** A value already in the form the real server prints it (Go's %#v of a struct or map). */
export class RawValue {
  constructor(readonly text: string) {}
}

/** A value as field.Error prints it: strings quoted, numbers and booleans bare, others as JSON. */
export function printedValue(value: unknown): string {
  if (value instanceof RawValue) return value.text;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return 'null';
  return JSON.stringify(value);
}

export const required = (field: string, detail = ''): FieldCause => ({
  reason: 'FieldValueRequired',
  message: detail ? `Required value: ${detail}` : 'Required value',
  field,
});

export const invalid = (field: string, value: unknown, detail = ''): FieldCause => ({
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${printedValue(value)}${detail ? `: ${detail}` : ''}`,
  field,
});

export const typeInvalid = (field: string, value: unknown, detail: string): FieldCause => ({
  reason: 'FieldValueTypeInvalid',
  message: `Invalid value: ${printedValue(value)}: ${detail}`,
  field,
});

export const notSupported = (field: string, value: unknown, supported: readonly string[]): FieldCause => ({
  reason: 'FieldValueNotSupported',
  message: `Unsupported value: ${printedValue(value)}${supported.length ? `: supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}` : ''}`,
  field,
});

export const forbidden = (field: string, detail: string): FieldCause => ({
  reason: 'FieldValueForbidden',
  message: `Forbidden: ${detail}`,
  field,
});

export const duplicate = (field: string, value: unknown): FieldCause => ({
  reason: 'FieldValueDuplicate',
  message: `Duplicate value: ${printedValue(value)}`,
  field,
});

export const tooLong = (field: string, max: number): FieldCause => ({
  reason: 'FieldValueTooLong',
  message: `Too long: may not be more than ${max} bytes`,
  field,
});

export const tooMany = (field: string, actual: number, max: number): FieldCause => ({
  reason: 'FieldValueTooMany',
  message: `Too many: ${actual}: must have at most ${max} items`,
  field,
});

/** field.Invalid with field.OmitValueType{}: the detail alone. */
export const invalidOmitted = (field: string, detail: string): FieldCause => ({ reason: 'FieldValueInvalid', message: `Invalid value: ${detail}`, field });

/** What every immutable field says on update (apimachinery's FieldImmutableErrorMsg). */
export const FIELD_IMMUTABLE = 'field is immutable';
export const immutable = (field: string, value: unknown): FieldCause => invalid(field, value, FIELD_IMMUTABLE);

/** ValidateNonnegativeField on a numeric member of `parent`, if it is set. */
export function nonNegative(parent: Record<string, unknown>, field: string, path: string, causes: FieldCause[]): void {
  const value = parent[field];
  if (typeof value === 'number' && value < 0) causes.push(invalid(child(path, field), value, 'must be greater than or equal to 0'));
}

/** The child path of a field path, as field.Path prints it: `spec.containers[0].image`, `metadata.labels[app]`. */
export const child = (path: string, name: string) => (path ? `${path}.${name}` : name);
export const index = (path: string, i: number) => `${path}[${i}]`;
export const key = (path: string, k: string) => `${path}[${k}]`;
