// v1.ResourceList arithmetic as pkg/quota/v1 and resourcehelper do it, on exact quantities: sums keep
// the format of their first non-zero term, so the used amounts print as kube prints them ("192Mi", "1500m").

import { addQuantity, parseExactQuantity, ZERO_QUANTITY, type Quantity } from '../quantity.js';
import { formatQuantity } from '../quantity-format.js';

export type ResourceList = Map<string, Quantity>;

/** A ResourceList from JSON (`{ cpu: "100m" }`); entries that are not quantities are left out. */
export function resourceList(json: Record<string, unknown> | undefined): ResourceList {
  const list: ResourceList = new Map();
  for (const [name, value] of Object.entries(json ?? {})) {
    const quantity = parseExactQuantity(value);
    if (quantity) list.set(name, quantity);
  }
  return list;
}

/** quota.Add: every name of either, summed. */
export function addLists(a: ResourceList, b: ResourceList): ResourceList {
  const sum = new Map(a);
  for (const [name, quantity] of b) sum.set(name, addQuantity(sum.get(name) ?? ZERO_QUANTITY, quantity));
  return sum;
}

/** resourcehelper's maxResourceList: each name at the larger of the two. */
export function maxLists(a: ResourceList, b: ResourceList): ResourceList {
  const max = new Map(a);
  for (const [name, quantity] of b) {
    const current = max.get(name);
    if (!current || quantity.nanos > current.nanos) max.set(name, quantity);
  }
  return max;
}

/** quota.Mask: only the given names. */
export function maskList(list: ResourceList, names: Iterable<string>): ResourceList {
  const masked: ResourceList = new Map();
  for (const name of names) {
    const quantity = list.get(name);
    if (quantity) masked.set(name, quantity);
  }
  return masked;
}

/** The list as JSON, names sorted and quantities canonical, as the apiserver would store it. */
export function listJson(list: ResourceList): Record<string, string> {
  return Object.fromEntries([...list].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, quantity]) => [name, formatQuantity(quantity)]));
}
