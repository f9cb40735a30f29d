// JSON objects as CEL sees them in kube-apiserver: decoded as Go's unstructured values, so a number
// without a fraction is an int (int64) and one with a fraction a double.

export type CelValue = null | boolean | string | number | bigint | CelValue[] | { [key: string]: CelValue };

export function toCel(value: unknown): CelValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (typeof value === 'boolean' || typeof value === 'string' || typeof value === 'bigint') return value;
  if (Array.isArray(value)) return value.map(toCel);
  if (typeof value === 'object') {
    const out: Record<string, CelValue> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toCel(v);
    return out;
  }
  return null;
}
