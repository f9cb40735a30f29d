// managedFields for writes other than apply (create, update, JSON/merge/strategic patches), as
// kube-apiserver's field manager records them: the fields the write added or changed go to the
// manager's Update entry for this apiVersion and subresource (merged with what it held), leaving
// whoever owned them before; removed fields leave every owner. A write that changes nothing tracked
// leaves the entries and their timestamps alone.
import type { KubeObject, SchemaNode } from '../schema/types.js';
import { isPlainObject, type JsonMap } from './json-values.js';
import { decodeManagedFields, encodeManagedFields, managedFieldsTime, managerIdentity, setManagedFields, type ManagerRecord } from './managed-fields.js';
import { conflictsWith, ignoredPaths, settleOthers, trackedChanges, type IgnoredFields } from './ownership.js';
import { PatchError } from './patch-error.js';
import { SchemaView } from './schema-view.js';
import { capUpdateManagers } from './update-manager-cap.js';

export interface TrackManagedFieldsInput {
  /** The stored object before the write; undefined for a create. */
  readonly old: KubeObject | undefined;
  /** The object about to be stored. */
  readonly updated: KubeObject;
  /** The `fieldManager` query parameter, else the user agent's first segment (see managerFromUserAgent). */
  readonly manager: string;
  readonly operation: 'Update';
  readonly subresource?: string;
  readonly schemaName: string | undefined;
  readonly components: Record<string, SchemaNode>;
  readonly now: Date;
  /** Fields the endpoint resets, whose ownership is not tracked (e.g. [['status']] on a main resource). */
  readonly ignoredFields?: IgnoredFields;
}

/**
 * `updated` with its metadata.managedFields recomputed. Like kube's UpdateNoErrors, a write whose
 * objects cannot be walked (a list-map item without its key) is not failed: its managedFields are
 * cleared instead.
 */
export function trackManagedFields(input: TrackManagedFieldsInput): KubeObject {
  // Only metadata.managedFields changes: the rest is shared with `updated`, not copied (a deep copy of
  // every written object was a sixth of this function's time).
  const newBody: JsonMap = { ...input.updated, metadata: { ...input.updated.metadata } };
  try {
    setManagedFields(newBody, encodeManagedFields(capUpdateManagers(recordsAfter(input, newBody))));
  } catch (err) {
    if (!(err instanceof PatchError)) throw err;
    setManagedFields(newBody, []);
  }
  return newBody as KubeObject;
}

function recordsAfter(input: TrackManagedFieldsInput, newBody: JsonMap): ManagerRecord[] {
  const { old, updated, manager, now } = input;
  const subresource = input.subresource ?? '';
  const view = new SchemaView(input.components);
  const schema = input.schemaName === undefined ? undefined : view.byName(input.schemaName);
  const records = startingRecords(old, updated, subresource !== '');
  const changes = trackedChanges(old ?? {}, newBody, schema, view, ignoredPaths(input.ignoredFields));
  const self = { manager, operation: 'Update' as const, apiVersion: updated.apiVersion ?? '', subresource };
  const identity = managerIdentity(self);
  const previous = records.find((r) => managerIdentity(r) === identity);
  // kube records the write as a manager of its own that takes what it changed from everyone, the
  // writer's previous entry included, then merges it into that entry: the previous entry ends as itself
  // without what was removed, plus what was taken (taken and removed never share a path), so it is left
  // out of the taking and keeps its set when the write changes only fields it already had.
  const current = '\u0000current-operation';
  const others = records.filter((r) => r !== previous);
  settleOthers(others, current, conflictsWith(others, current, changes), changes.removed);
  const taken = changes.modified.union(changes.added);
  if (previous) previous.set = previous.set.difference(changes.removed);
  if (!taken.isEmpty()) {
    if (previous) {
      previous.set = previous.set.union(taken);
      previous.time = managedFieldsTime(now);
    } else {
      records.push({ ...self, time: managedFieldsTime(now), set: taken });
    }
  }
  return records;
}

/**
 * The entries the write starts from: the request's own when it sets some (a client may edit them),
 * none when it sends an empty list (the documented way to reset them), else the stored object's.
 * Subresource writes always start from the stored object's.
 */
function startingRecords(old: KubeObject | undefined, updated: KubeObject, isSubresource: boolean): ManagerRecord[] {
  const stored = () => decodeManagedFields(old?.metadata?.managedFields);
  if (isSubresource) return stored();
  const requested = updated.metadata?.managedFields;
  if (Array.isArray(requested) && (requested.length === 0 || (requested.length === 1 && isEmptyEntry(requested[0])))) return [];
  const fromRequest = decodeManagedFields(requested);
  return fromRequest.length > 0 ? fromRequest : stored();
}

function isEmptyEntry(entry: unknown): boolean {
  return isPlainObject(entry) && Object.keys(entry).length === 0;
}


const MAX_MANAGER_LENGTH = 128;

/**
 * The manager a write is recorded under: the `fieldManager` query parameter, else the user agent up
 * to its first '/', without unprintable characters, at most 128 bytes (kube-apiserver's rule).
 */
export function managerOrUserAgent(fieldManager: string | undefined, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  let out = '';
  for (const ch of (userAgent ?? '').split('/')[0] ?? '') {
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) continue;
    if (Buffer.byteLength(out + ch) > MAX_MANAGER_LENGTH) break;
    out += ch;
  }
  return out;
}
