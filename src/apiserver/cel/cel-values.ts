// JSON objects as CEL sees them in kube-apiserver: decoded as Go's unstructured values, so a number
// without a fraction is an int (int64) and one with a fraction a double. With a meter, the lists and
// maps made are metered (see cost-meter.ts).

import { meteredList, meteredMap, type CostMeter } from './cost-meter.js';

export type CelValue = null | boolean | string | number | bigint | CelValue[] | { [key: string]: CelValue };

export function toCel(value: unknown, meter?: CostMeter): CelValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (typeof value === 'boolean' || typeof value === 'string' || typeof value === 'bigint') return value;
  if (Array.isArray(value)) {
    const list = value.map((v) => toCel(v, meter));
    return meter ? meteredList(list, meter) : list;
  }
  if (typeof value === 'object') {
    const out: Record<string, CelValue> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toCel(v, meter);
    return meter ? meteredMap(out, meter) : out;
  }
  return null;
}
