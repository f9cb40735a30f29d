// What a write changes and who owns it afterwards, shared by apply and by other writes: changes are
// compared without the fields kube never records (and without the kind's reset fields), and fields a
// write changes or removes leave the sets of the managers that had them.
import { FieldSet, fieldElement, pathString, type FieldPath } from './field-set.js';
import { managerIdentity, printManager, withoutSystemFields, type ManagerRecord } from './managed-fields.js';
import { isPlainObject } from './json-values.js';
import { PatchError } from './patch-error.js';
import type { SchemaView, ResolvedSchema } from './schema-view.js';
import { compareObjects, type Comparison } from './typed-walk.js';

/** Field-name paths whose changes are not tracked, e.g. [['status']] on a main resource. */
export type IgnoredFields = readonly (readonly string[])[];

export function ignoredPaths(ignored: IgnoredFields | undefined): FieldPath[] {
  return (ignored ?? []).map((path) => path.map(fieldElement));
}

export function trackedChanges(lhs: unknown, rhs: unknown, schema: ResolvedSchema | undefined, view: SchemaView, ignored: FieldPath[]): Comparison {
  const c = compareObjects(withoutManagedFields(lhs), withoutManagedFields(rhs), schema, view);
  const tracked = (set: FieldSet) => withoutSystemFields(set).recursiveDifference(ignored);
  return { added: tracked(c.added), modified: tracked(c.modified), removed: tracked(c.removed) };
}

/**
 * kube compares the objects with their managedFields removed. Comparing them would only walk the entries
 * (an atomic list, whose one path is never recorded), which is most of a pod's metadata.
 */
function withoutManagedFields(obj: unknown): unknown {
  if (!isPlainObject(obj) || !isPlainObject(obj.metadata) || !('managedFields' in obj.metadata)) return obj;
  const { managedFields: _managed, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

export interface Conflict {
  readonly owner: ManagerRecord;
  readonly path: FieldPath;
}

/** The fields others own that this write changes. */
export function conflictsWith(records: readonly ManagerRecord[], selfIdentity: string, changes: Comparison): Conflict[] {
  const changed = changes.modified.union(changes.added);
  return records
    .filter((r) => managerIdentity(r) !== selfIdentity)
    .flatMap((owner) => owner.set.intersection(changed).paths().map((path) => ({ owner, path })));
}

/** Others lose what the write took from them and what it removed. */
export function settleOthers(records: ManagerRecord[], selfIdentity: string, conflicts: readonly Conflict[], removed: FieldSet): void {
  for (const r of records) {
    if (managerIdentity(r) === selfIdentity) continue;
    const taken = FieldSet.fromPaths(conflicts.filter((c) => c.owner === r).map((c) => c.path));
    r.set = r.set.difference(taken).difference(removed);
  }
}

/** kube-apiserver's 409 for apply conflicts (managedfields' NewConflictError). */
export function applyConflictError(conflicts: readonly Conflict[]): PatchError {
  const causes = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${printManager(c.owner)}`,
    field: pathString(c.path),
  }));
  if (conflicts.length === 1) {
    return new PatchError(409, 'Conflict', `Apply failed with 1 conflict: ${causes[0]!.message}: ${causes[0]!.field}`, { causes });
  }
  const byManager = new Map<string, Conflict[]>();
  for (const c of conflicts) {
    const key = JSON.stringify([c.owner.manager, c.owner.operation, c.owner.apiVersion, c.owner.subresource]);
    byManager.set(key, [...(byManager.get(key) ?? []), c]);
  }
  const lines = [...byManager.keys()].sort().flatMap((key) => {
    const group = byManager.get(key)!;
    return [`conflicts with ${printManager(group[0]!.owner)}:`, ...group.map((c) => `- ${pathString(c.path)}`)];
  });
  return new PatchError(409, 'Conflict', `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`, { causes });
}
