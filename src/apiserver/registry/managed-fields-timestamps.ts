// kube-apiserver's IgnoreManagedFieldsTimestampsTransformer: an update that, once defaulted, changes
// nothing but managedFields timestamps (an apply of `1000m` over a stored `1`) keeps the stored
// timestamps, so the object is byte-for-byte the stored one and nothing is written.

import { jsonEqual } from '../patch/json-values.js';
import type { KubeObject } from '../schema/types.js';

type Entry = Record<string, unknown>;

function entries(obj: KubeObject): Entry[] | undefined {
  const managed = obj.metadata?.managedFields;
  return Array.isArray(managed) ? (managed as Entry[]) : undefined;
}

const withoutTime = ({ time: _time, ...rest }: Entry): Entry => rest;

/** The object as stored apart from managedFields (resourceVersion is the store's, not the object's). */
const withoutManagedFields = (obj: KubeObject): KubeObject => {
  const { managedFields: _managed, resourceVersion: _version, ...metadata } = obj.metadata ?? {};
  return { ...obj, metadata };
};

/** Gives `next` the stored entries' timestamps when only those differ (mutates `next`). */
export function keepManagedFieldsTimestamps(next: KubeObject, current: KubeObject): void {
  const after = entries(next);
  const before = entries(current);
  if (!after || !before || after.length !== before.length) return;
  // Most updates change the object itself, so that is looked at first.
  if (!jsonEqual(withoutManagedFields(next), withoutManagedFields(current))) return;
  if (!after.every((entry, i) => jsonEqual(withoutTime(entry), withoutTime(before[i]!)))) return;
  after.forEach((entry, i) => {
    const time = before[i]!['time'];
    if (time === undefined) delete entry['time'];
    else entry['time'] = time;
  });
}
