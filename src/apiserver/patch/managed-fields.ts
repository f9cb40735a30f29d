// metadata.managedFields as kube-apiserver reads and writes it: one entry per manager identity
// (manager, operation, subresource, and for Update the apiVersion), FieldsV1 sets, timestamps to the
// second, entries sorted by operation, time, manager, apiVersion and subresource.
import { FieldSet, fieldElement, type FieldPath } from './field-set.js';
import { copyJson, isPlainObject, type JsonMap } from './json-values.js';

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
    set: parsedFieldSet(entry.fieldsV1),
  }));
}

// Every write reads and writes the managedFields of its object, whose sets mostly stay as they were
// (a Lease renewal, a status update): a set is parsed once per FieldsV1 text and encoded once per set.
// Sets are never changed once built, so sharing them is safe; encodings are handed out as copies.
const PARSED_LIMIT = 8192;
const parsed = new Map<string, FieldSet>();
const encoded = new WeakMap<FieldSet, JsonMap>();

function parsedFieldSet(fieldsV1: unknown): FieldSet {
  if (!isPlainObject(fieldsV1)) return FieldSet.fromFieldsV1(fieldsV1);
  const text = JSON.stringify(fieldsV1);
  let set = parsed.get(text);
  if (set) parsed.delete(text);
  else set = FieldSet.fromFieldsV1(fieldsV1);
  parsed.set(text, set);
  if (parsed.size > PARSED_LIMIT) parsed.delete(parsed.keys().next().value!);
  return set;
}

function encodedFieldSet(set: FieldSet): JsonMap {
  let fieldsV1 = encoded.get(set);
  if (!fieldsV1) {
    fieldsV1 = set.toFieldsV1();
    encoded.set(set, fieldsV1);
  }
  return copyJson(fieldsV1);
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
      fieldsV1: encodedFieldSet(r.set),
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

/** metav1.Time's form: RFC 3339 in UTC, whole seconds (the last second's text kept: writes come many a second). */
let lastTime = { second: NaN, text: '' };
export function managedFieldsTime(now: Date): string {
  const second = Math.floor(now.getTime() / 1000);
  if (second !== lastTime.second) lastTime = { second, text: new Date(second * 1000).toISOString().replace('.000Z', 'Z') };
  return lastTime.text;
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
