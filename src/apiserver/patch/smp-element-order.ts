// The order strategic merge patch gives merged lists (apimachinery's strategicpatch): items named by the
// patch (or its $setElementOrder directive) in that order, the server's other items kept in their live
// order, the two interleaved by live position. Sorting mirrors Go's stable insertion sort, comparator
// quirks included, so a list comes out in the order kube-apiserver would store it.
import { goValue } from './go-format.js';
import { isPlainObject, type JsonMap } from './json-values.js';
import { unknownError } from './patch-error.js';

export type ElementKind = 'map' | 'scalar';

const DIRECTIVE = '$patch';

export function noMergeKeyError(item: unknown, mergeKey: string): Error {
  return unknownError(`map: ${goValue(item)} does not contain declared merge key: ${mergeKey}`);
}

export function badArgTypeError(expected: string, actual: unknown): Error {
  return unknownError(`expected a ${expected}, but received a ${goTypeName(actual)}`);
}

function goTypeName(value: unknown): string {
  if (Array.isArray(value)) return '[]interface {}';
  if (isPlainObject(value)) return 'map[string]interface {}';
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'float64';
  return typeof value === 'boolean' ? 'bool' : 'string';
}

/** Items of `merged` that the patch names, and the server's own. */
export function partitionByPresence(merged: unknown[], present: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const inPatch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const item of merged) {
    if (mergeKey === '') {
      (present.includes(item) ? inPatch : serverOnly).push(item);
      continue;
    }
    if (!isPlainObject(item)) throw badArgTypeError('map[string]interface {}', item);
    if (!(mergeKey in item)) throw noMergeKeyError(item, mergeKey);
    const found = present.some((p) => isPlainObject(p) && p[mergeKey] === item[mergeKey]);
    (found ? inPatch : serverOnly).push(item);
  }
  return [inPatch, serverOnly];
}

/** Sorts the patch's items by `patchOrder` and the server's by `serverOrder`, then interleaves them. */
export function normalizeElementOrder(
  patch: unknown[],
  serverOnly: unknown[],
  patchOrder: unknown[],
  serverOrder: unknown[],
  mergeKey: string,
  kind: ElementKind,
): unknown[] {
  const patchSorted = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const serverSorted = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlices(serverSorted, patchSorted, serverOrder, mergeKey, kind);
}

function normalizeSliceOrder(toSort: unknown[], order: unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  let sorted = [...toSort];
  let toDelete: unknown[] = [];
  if (kind === 'map') {
    for (const item of [...toSort, ...order]) {
      if (!isPlainObject(item)) throw badArgTypeError('map[string]interface {}', item);
      if (!(mergeKey in item)) throw noMergeKeyError(item, mergeKey);
    }
    [sorted, toDelete] = splitDeletions(sorted);
  }
  // Go's comparator answers "less" whenever either item is missing from the order.
  const less = (a: unknown, b: unknown) => {
    const ia = indexIn(order, a, mergeKey, kind);
    const ib = indexIn(order, b, mergeKey, kind);
    return ia >= 0 && ib >= 0 ? ia < ib : true;
  };
  for (let i = 1; i < sorted.length; i++) {
    for (let j = i; j > 0 && less(sorted[j], sorted[j - 1]); j--) {
      [sorted[j], sorted[j - 1]] = [sorted[j - 1], sorted[j]];
    }
  }
  return [...sorted, ...toDelete];
}

/** Inserts the server's items among the patch's where the live order puts them. */
function mergeSortedSlices(left: unknown[], right: unknown[], serverOrder: unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) {
      out.push(right[j++]);
    } else if (j >= right.length) {
      out.push(left[i++]);
    } else {
      const li = indexIn(serverOrder, left[i], mergeKey, kind);
      const ri = indexIn(serverOrder, right[j], mergeKey, kind);
      out.push(li >= 0 && ri >= 0 && li < ri ? left[i++] : right[j++]);
    }
  }
  return out;
}

function identity(item: unknown, mergeKey: string, kind: ElementKind): unknown {
  if (kind === 'scalar') return item;
  return isPlainObject(item) ? item[mergeKey] : undefined;
}

function indexIn(list: unknown[], item: unknown, mergeKey: string, kind: ElementKind): number {
  const wanted = identity(item, mergeKey, kind);
  return list.findIndex((candidate) => identity(candidate, mergeKey, kind) === wanted);
}

/** Splits a patch list into its items and its `$patch: delete` items. */
function splitDeletions(list: unknown[]): [unknown[], unknown[]] {
  const kept: unknown[] = [];
  const deletions: unknown[] = [];
  for (const item of list) {
    if (!isPlainObject(item)) throw badArgTypeError('map[string]interface {}', item);
    (item[DIRECTIVE] === 'delete' ? deletions : kept).push(item);
  }
  return [kept, deletions];
}

/** The patch list must name its items in the order $setElementOrder gives (deletions aside). */
export function validateAgainstSetOrder(patchList: unknown[], setOrder: unknown[], mergeKey: string): void {
  if (setOrder.length === 0 || patchList.length === 0) return;
  const items = mergeKey ? splitDeletions(patchList)[0] : patchList;
  let p = 0;
  let s = 0;
  while (p < items.length && s < setOrder.length) {
    if (isPlainObject(items[p]) && DIRECTIVE in (items[p] as JsonMap)) {
      p++;
      continue;
    }
    if (sameMergeKey(items[p], setOrder[s], mergeKey)) p++;
    s++;
  }
  if (p < items.length) {
    throw unknownError(`the order in patch list:\n${goValue(patchList)}\n doesn't match $setElementOrder list:\n${goValue(setOrder)}`);
  }
}

function sameMergeKey(left: unknown, right: unknown, mergeKey: string): boolean {
  if (mergeKey === '') return left === right;
  for (const side of [left, right]) {
    if (!isPlainObject(side)) throw badArgTypeError('map[string]interface {}', side);
    if (!(mergeKey in side)) throw noMergeKeyError(side, mergeKey);
  }
  return (left as JsonMap)[mergeKey] === (right as JsonMap)[mergeKey];
}

/**
 * The live list as Go's $setElementOrder step sees it after merging: the merge deleted items by
 * shifting the slice's backing array in place and appended new items into its spare capacity, and
 * that step reads the same array at its old length. Capacity is modelled as Go's JSON decoding
 * grows it (powers of two), which is what `kubectl patch --local` shows.
 */
export function liveOrderAfterMerge(live: unknown[], patch: unknown[], mergeKey: string): unknown[] {
  const backing = [...live];
  const capacity = live.length === 0 ? 0 : 2 ** Math.ceil(Math.log2(live.length));
  let length = live.length;
  const keyOf = (item: unknown) => (isPlainObject(item) ? item[mergeKey] : undefined);
  const indexOf = (key: unknown) => backing.slice(0, length).findIndex((item) => keyOf(item) === key);
  let replaced = false;
  for (const item of patch) {
    if (!isPlainObject(item) || !(DIRECTIVE in item)) continue;
    if (item[DIRECTIVE] === 'replace') replaced = true;
    if (item[DIRECTIVE] !== 'delete') continue;
    for (let at = indexOf(item[mergeKey]); at >= 0; at = indexOf(item[mergeKey])) {
      backing.copyWithin(at, at + 1, length);
      length--;
    }
  }
  if (!replaced) {
    for (const item of patch) {
      if ((isPlainObject(item) && DIRECTIVE in item) || indexOf(keyOf(item)) >= 0) continue;
      if (length >= capacity) break;
      backing[length++] = item;
    }
  }
  return backing.slice(0, live.length);
}
