// metadata.managedFields as kube-apiserver reads and writes it: one entry per manager identity
// (manager, operation, subresource, and for Update the apiVersion), FieldsV1 sets, timestamps to the
// second, entries sorted by operation, time, manager, apiVersion and subresource.
import { FieldSet, fieldElement, type FieldPath } from './field-set.js';
import { isPlainObject, type JsonMap } from './json-values.js';

export type ManagedOperation = 'Apply' | 'Update';

export interface ManagedFieldsEntry {
  manager: string;
  operation: ManagedOperation;
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

export interface ManagerRecord {
  readonly manager: string;
  readonly operation: ManagedOperation;
  readonly apiVersion: string;
  readonly subresource: string;
  time: string | undefined;
  set: FieldSet;
}

/** The fields kube-apiserver never records an owner for (its stripMeta manager). */
const STRIPPED: FieldPath[] = [
  ['apiVersion'],
  ['kind'],
  ['metadata'],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => [
    'metadata',
    f,
  ]),
].map((path) => path.map(fieldElement));
const STRIPPED_SET = FieldSet.fromPaths(STRIPPED);

export function withoutSystemFields(set: FieldSet): FieldSet {
  return set.difference(STRIPPED_SET);
}

/** The identity a manager's entry is found by; an applier keeps one entry whatever apiVersion it applies. */
export function managerIdentity(r: Pick<ManagerRecord, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  return JSON.stringify([r.manager, r.operation, r.operation === 'Update' ? r.apiVersion : '', r.subresource]);
}

export function decodeManagedFields(entries: unknown): ManagerRecord[] {
  if (!Array.isArray(entries)) return [];
  return entries.filter(isPlainObject).map((entry) => ({
    manager: typeof entry.manager === 'string' ? entry.manager : '',
    operation: entry.operation === 'Apply' ? 'Apply' : 'Update',
    apiVersion: typeof entry.apiVersion === 'string' ? entry.apiVersion : '',
    subresource: typeof entry.subresource === 'string' ? entry.subresource : '',
    time: typeof entry.time === 'string' ? entry.time : undefined,
    set: FieldSet.fromFieldsV1(entry.fieldsV1),
  }));
}

export function encodeManagedFields(records: readonly ManagerRecord[]): ManagedFieldsEntry[] {
  return records
    .filter((r) => !r.set.isEmpty())
    .sort(compareRecords)
    .map((r) => ({
      manager: r.manager,
      operation: r.operation,
      apiVersion: r.apiVersion,
      ...(r.time !== undefined ? { time: r.time } : {}),
      fieldsType: 'FieldsV1',
      fieldsV1: r.set.toFieldsV1(),
      ...(r.subresource ? { subresource: r.subresource } : {}),
    }));
}

function compareRecords(p: ManagerRecord, q: ManagerRecord): number {
  const seconds = (r: ManagerRecord) => (r.time ? Math.floor(Date.parse(r.time) / 1000) : 0);
  return (
    cmp(p.operation, q.operation) ||
    seconds(p) - seconds(q) ||
    cmp(p.manager, q.manager) ||
    cmp(p.apiVersion, q.apiVersion) ||
    cmp(p.subresource, q.subresource)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** metav1.Time's form: RFC 3339 in UTC, whole seconds. */
export function managedFieldsTime(now: Date): string {
  return new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** How conflict messages name a manager: `"kubectl-edit" using apps/v1` for Update entries. */
export function printManager(r: ManagerRecord): string {
  const name = JSON.stringify(r.manager) + (r.subresource ? ` with subresource ${JSON.stringify(r.subresource)}` : '');
  return r.operation === 'Update' ? `${name} using ${r.apiVersion}` : name;
}


/** Sets metadata.managedFields in place (keeping its position among the metadata's keys); none leaves it out. */
export function setManagedFields(obj: JsonMap, entries: ManagedFieldsEntry[]): void {
  if (!isPlainObject(obj.metadata)) obj.metadata = {};
  const metadata = obj.metadata as JsonMap;
  if (entries.length > 0) metadata.managedFields = entries;
  else delete metadata.managedFields;
}
