// Small helpers to read and fill plain JSON objects without casts at every step.

export type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The object under `key`, created empty when absent. */
export function objectAt(parent: Json, key: string): Json {
  const existing = parent[key];
  if (isRecord(existing)) return existing;
  const created: Json = {};
  parent[key] = created;
  return created;
}

export const recordAt = (parent: unknown, key: string): Json | undefined => {
  const value = isRecord(parent) ? parent[key] : undefined;
  return isRecord(value) ? value : undefined;
};

export const recordsAt = (parent: unknown, key: string): Json[] => {
  const value = isRecord(parent) ? parent[key] : undefined;
  return Array.isArray(value) ? value.filter(isRecord) : [];
};

export const stringAt = (parent: unknown, key: string): string | undefined => {
  const value = isRecord(parent) ? parent[key] : undefined;
  return typeof value === 'string' ? value : undefined;
};

export const numberAt = (parent: unknown, key: string): number | undefined => {
  const value = isRecord(parent) ? parent[key] : undefined;
  return typeof value === 'number' ? value : undefined;
};

/** Sets `key` to `value` when it is absent (undefined, null or ''), as Go defaulters treat zero values. */
export function setDefault(target: Json, key: string, value: unknown): void {
  if (target[key] === undefined || target[key] === null || target[key] === '') target[key] = value;
}

/** Deep equality of JSON values, as the strategies compare old and new fields. */
export const jsonEqual = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
