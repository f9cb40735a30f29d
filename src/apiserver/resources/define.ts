// Builds a ResourceSpec from the few facts that differ per resource; everything else takes the
// real apiserver's usual values (all eight verbs, key segment = plural, the default Name/Created At table).
import type { FieldCause, KubeObject, ResourceSpec, SubresourceSpec, TableColumn } from '../schema/types.js';
import { ageSince } from './human-duration.js';

export const STANDARD_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;
export const STATUS: SubresourceSpec = { name: 'status', verbs: ['get', 'patch', 'update'] };
/** A namespace's spec.finalizers, written only by PUT. */
export const FINALIZE: SubresourceSpec = { name: 'finalize', verbs: ['update'] };
export const SCALE: SubresourceSpec = {
  name: 'scale',
  responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
  verbs: ['get', 'patch', 'update'],
};

export function column(name: string, description = '', options: Partial<Omit<TableColumn, 'name'>> = {}): TableColumn {
  return { name, type: 'string', format: '', description, priority: 0, ...options };
}
export const NAME_COLUMN = column(
  'Name',
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  { format: 'name' },
);
export const AGE_COLUMN = column(
  'Age',
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
);

export const nameOf = (obj: KubeObject) => obj.metadata?.name ?? '';
export const ageOf = (obj: KubeObject, now: Date) => ageSince(obj.metadata?.creationTimestamp, now);

export interface TableDefinition {
  columns: readonly TableColumn[];
  row(obj: KubeObject, now: Date): unknown[];
}

export const CREATED_AT_COLUMN = column('Created At', AGE_COLUMN.description, { type: 'date' });
/** The creation time as the default table convertor prints it: RFC 3339 in UTC, seconds precision. */
export const createdAt = (obj: KubeObject) => {
  const at = Date.parse(obj.metadata?.creationTimestamp ?? '');
  return Number.isNaN(at) ? '0001-01-01T00:00:00Z' : new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
};

/** The default table convertor's columns, for kinds without a printer (and custom resources). */
export const NAME_CREATED_TABLE: TableDefinition = {
  columns: [NAME_COLUMN, CREATED_AT_COLUMN],
  row: (obj) => [nameOf(obj), createdAt(obj)],
};

export interface ResourceDefinition {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  schemaName: string;
  shortNames?: readonly string[];
  categories?: readonly string[];
  verbs?: readonly string[];
  subresources?: readonly SubresourceSpec[];
  storagePath?: string;
  fieldSelectors?: ResourceSpec['fieldSelectors'];
  defaults?: (obj: KubeObject, old: KubeObject | undefined) => void;
  validate?: (obj: KubeObject, old: KubeObject | undefined) => FieldCause[];
  table?: TableDefinition;
  toStorage?: (obj: KubeObject) => KubeObject;
  fromStorage?: (stored: KubeObject) => KubeObject;
}

export function defineResource(definition: ResourceDefinition): ResourceSpec {
  return {
    group: definition.group,
    version: definition.version,
    kind: definition.kind,
    listKind: `${definition.kind}List`,
    plural: definition.plural,
    singular: definition.kind.toLowerCase(),
    namespaced: definition.namespaced,
    shortNames: definition.shortNames ?? [],
    categories: definition.categories ?? [],
    verbs: definition.verbs ?? STANDARD_VERBS,
    subresources: definition.subresources ?? [],
    storagePath: definition.storagePath ?? definition.plural,
    schemaName: definition.schemaName,
    fieldSelectors: definition.fieldSelectors ?? {},
    defaults: definition.defaults ?? (() => undefined),
    validate: definition.validate ?? (() => []),
    table: definition.table ?? NAME_CREATED_TABLE,
    ...(definition.toStorage ? { toStorage: definition.toStorage } : {}),
    ...(definition.fromStorage ? { fromStorage: definition.fromStorage } : {}),
  };
}
