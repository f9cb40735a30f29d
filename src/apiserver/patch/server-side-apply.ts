// Server-side apply (`application/apply-patch+yaml`) as kube-apiserver's field manager runs it: the
// configuration is merged into the live object; the applier owns exactly the fields it applied this
// time; fields it applied before and no longer applies are removed unless another manager owns them;
// changing a field another manager owns is a 409 conflict unless `force`, which moves the ownership.
// An apply that changes nothing leaves the object, and its managedFields timestamps, as they were.
import type { KubeObject, SchemaNode } from '../schema/types.js';
import { goJsonMarshal } from './go-format.js';
import { FieldSet, pathString } from './field-set.js';
import { isPlainObject, jsonEqual, type JsonMap } from './json-values.js';
import {
  decodeManagedFields,
  encodeManagedFields,
  managedFieldsTime,
  managerIdentity,
  printManager,
  setManagedFields,
  withoutSystemFields,
  type ManagerRecord,
} from './managed-fields.js';
import { applyConflictError, conflictsWith, ignoredPaths, settleOthers, trackedChanges, type Conflict, type IgnoredFields } from './ownership.js';
import { badRequest, unknownError } from './patch-error.js';
import { removePath, mergeApplied } from './apply-merge.js';
import { SchemaView, type ResolvedSchema } from './schema-view.js';
import { appliedFieldSet } from './typed-walk.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export interface ServerSideApplyInput {
  /** The stored object; undefined when the apply creates it. */
  readonly live: KubeObject | undefined;
  /** The applied configuration (see parseApplyPatchBody). */
  readonly applied: KubeObject;
  /** The `fieldManager` query parameter (required for apply). */
  readonly manager: string;
  readonly force: boolean;
  /** The endpoint's group/version (`apps/v1`); an applied configuration of another version is a 400. Defaults to the live object's. */
  readonly apiVersion?: string;
  /** The kind's schema in `components`; undefined treats the object as schemaless (granular maps, atomic lists). */
  readonly schemaName: string | undefined;
  readonly components: Record<string, SchemaNode>;
  readonly now: Date;
  /** 'status' or 'scale' when applying to a subresource. */
  readonly subresource?: string;
  /** Fields the endpoint resets, whose ownership is not tracked (e.g. [['status']] on a main resource). */
  readonly ignoredFields?: IgnoredFields;
}

/** A field whose ownership `force` moved to the applier. */
export interface ForcedConflict {
  /** As kube names the previous owner: `"kubectl-edit" using apps/v1`. */
  readonly manager: string;
  readonly field: string;
}

/** Throws the 409 PatchError on conflicts unless `force`; with force, `conflicts` lists what changed hands. */
export function serverSideApply(input: ServerSideApplyInput): { object: KubeObject; conflicts: ForcedConflict[] } {
  const { live, applied, manager, force, now } = input;
  const expectedVersion = input.apiVersion ?? live?.apiVersion;
  if (expectedVersion !== undefined && applied.apiVersion !== expectedVersion) {
    throw badRequest(`Incorrect version specified in apply patch. Specified patch version: ${applied.apiVersion ?? ''}, expected: ${expectedVersion}`);
  }
  if (applied.metadata?.managedFields !== undefined) throw badRequest('metadata.managedFields must be nil');
  const view = new SchemaView(input.components);
  const schema = input.schemaName === undefined ? undefined : view.byName(input.schemaName);
  const ignored = ignoredPaths(input.ignoredFields);
  const subresource = input.subresource ?? '';

  const records = decodeManagedFields(live?.metadata?.managedFields);
  const selfIdentity = managerIdentity({ manager, operation: 'Apply', apiVersion: '', subresource });
  const previous = records.find((r) => managerIdentity(r) === selfIdentity);
  const others = records.filter((r) => r !== previous);
  const appliedSet = withoutSystemFields(asTypedPatchObject(applied, () => appliedFieldSet(applied, schema, view))).recursiveDifference(ignored);

  const liveBody = structuredClone(live ?? {}) as JsonMap;
  const merged = mergeApplied(structuredClone(liveBody), applied, schema, view) as JsonMap;
  if (previous) prune(merged, previous.set, [appliedSet, ...others.map((r) => r.set)], schema, view);

  const changes = trackedChanges(liveBody, merged, schema, view, ignored);
  const conflicts = conflictsWith(others, selfIdentity, changes);
  if (conflicts.length > 0 && !force && !upgradesClientSideApply(manager, liveBody, conflicts, schema, view)) {
    throw applyConflictError(conflicts);
  }
  settleOthers(others, selfIdentity, conflicts, changes.removed);

  const changed = !jsonEqual(liveBody, merged);
  const self: ManagerRecord = {
    manager,
    operation: 'Apply',
    apiVersion: applied.apiVersion ?? '',
    subresource,
    // Unchanged objects keep the applier's time; a new applier of nothing new gets none, as in kube.
    time: changed ? managedFieldsTime(now) : previous?.time,
    set: appliedSet,
  };
  if (manager === 'kubectl') syncLastApplied(merged, applied);
  setManagedFields(merged, encodeManagedFields([...others, self]));
  return {
    object: merged as KubeObject,
    conflicts: conflicts.map((c) => ({ manager: printManager(c.owner), field: pathString(c.path) })),
  };
}

/** Errors reading the configuration (a list-map item without its key) as kube words them: a 500. */
function asTypedPatchObject<T>(applied: KubeObject, read: () => T): T {
  try {
    return read();
  } catch (err) {
    const [group, version] = (applied.apiVersion ?? '').includes('/') ? applied.apiVersion!.split('/') : ['', applied.apiVersion ?? ''];
    const where = `${applied.metadata?.namespace ?? ''}/${applied.metadata?.name ?? ''}; ${group}/${version}, Kind=${applied.kind ?? ''}`;
    throw unknownError(`failed to create typed patch object (${where}): ${(err as Error).message}`);
  }
}

/** Removes what the applier applied last time and nobody (the applier included) owns now. */
function prune(merged: JsonMap, lastSet: FieldSet, ownedNow: FieldSet[], schema: ResolvedSchema | undefined, view: SchemaView): void {
  for (const path of lastSet.paths()) {
    if (ownedNow.some((set) => set.hasPrefix(path))) continue;
    removePath(merged, path, schema, view);
  }
}

/**
 * kubectl's first server-side apply over an object it managed client-side may take over the fields
 * its last-applied annotation lists, without conflict (kube's lastAppliedManager).
 */
function upgradesClientSideApply(manager: string, live: JsonMap, conflicts: readonly Conflict[], schema: ResolvedSchema | undefined, view: SchemaView): boolean {
  if (manager !== 'kubectl') return false;
  const annotations = isPlainObject(live.metadata) ? live.metadata.annotations : undefined;
  const lastApplied = isPlainObject(annotations) ? annotations[LAST_APPLIED] : undefined;
  if (typeof lastApplied !== 'string') return false;
  let allowed: FieldSet;
  try {
    allowed = appliedFieldSet(JSON.parse(lastApplied), schema, view);
  } catch {
    return false;
  }
  return conflicts.every((c) => allowed.has(c.path));
}

/**
 * kubectl's server-side apply keeps an existing client-side-apply annotation in step with what it
 * applies, so a later client-side apply computes its patch from the right base.
 */
function syncLastApplied(merged: JsonMap, applied: KubeObject): void {
  const annotations = isPlainObject(merged.metadata) ? merged.metadata.annotations : undefined;
  if (!isPlainObject(annotations) || !(LAST_APPLIED in annotations)) return;
  const config = structuredClone(applied) as JsonMap;
  if (isPlainObject(config.metadata) && isPlainObject(config.metadata.annotations)) delete config.metadata.annotations[LAST_APPLIED];
  annotations[LAST_APPLIED] = `${goJsonMarshal(config)}\n`;
}
