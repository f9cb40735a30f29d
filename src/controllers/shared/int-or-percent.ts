// intstr.GetScaledValueFromIntOrPercent: an int is itself, "N%" is N% of total rounded up or down.

import type { IntOrString } from './types.js';

export function scaledValueFromIntOrPercent(value: IntOrString, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  if (!value.endsWith('%')) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  const percent = Number(value.slice(0, -1));
  if (value.length === 1 || !Number.isInteger(percent)) throw new Error(`invalid value "${value}": strconv.Atoi: parsing "${value.slice(0, -1)}": invalid syntax`);
  const scaled = (percent * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}
