// JSON with object keys sorted, so equal objects print equally (for hashing and template comparison).

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Like canonicalJson, but as apimachinery's semantic equality sees Go structs: null, {} and [] are all
 * "unset" (a template that went through kubectl carries `creationTimestamp: null`).
 */
export function semanticJson(value: unknown): string {
  return canonicalJson(pruneUnset(value) ?? null);
}

function pruneUnset(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map((item) => pruneUnset(item) ?? null);
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, pruneUnset(item)] as const).filter(([, item]) => item !== undefined);
    return entries.length === 0 ? undefined : Object.fromEntries(entries);
  }
  return value;
}
