// ResourceSpecs and schemas for the kinds a CustomResourceDefinition declares: one spec per served
// version, its schema being the version's openAPIV3Schema with apiVersion, kind and metadata added,
// its table the additionalPrinterColumns, its defaults the schema's, its etcd keys `<group>/<plural>`.
import { componentName, listSchema, str } from '../schema/dsl.js';
import { dns1123Subdomain } from '../schema/name-rules.js';
import { validateObjectMeta } from '../schema/object-meta-validation.js';
import { schemaResolver } from '../schema/resolver.js';
import { applySchemaDefaults } from '../schema/structural-defaults.js';
import type { KubeObject, ResourceSpec, SchemaNode, SubresourceSpec, TableColumn } from '../schema/types.js';
import { AGE_COLUMN, column, defineResource, NAME_COLUMN, nameOf, SCALE, STATUS, type TableDefinition } from './define.js';
import { ageSince } from './human-duration.js';
import { isRecord, recordAt, recordsAt, stringAt, type Json } from './json-access.js';
import { jsonPathValue } from './json-path.js';

export interface CustomResourceKinds {
  /** One per served version. */
  readonly resources: ResourceSpec[];
  /** Components to add to the built-in ones (each kind and its list). */
  readonly schemas: Record<string, SchemaNode>;
}

/** Custom resource schemas are named by the reversed group, as kube-apiserver names them: com.example.stable.v1.CronTab. */
export const customSchemaName = (group: string, version: string, kind: string) => `${group.split('.').reverse().join('.')}.${version}.${kind}`;

function cell(type: string, value: unknown, now: Date): unknown {
  if (value === undefined || value === null) return null;
  switch (type) {
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date':
      return typeof value === 'string' ? (Number.isNaN(Date.parse(value)) ? '<invalid>' : ageSince(value, now)) : null;
    default:
      return typeof value === 'string' ? value : JSON.stringify(value);
  }
}

function printerTable(version: Json): TableDefinition {
  const defined = recordsAt(version, 'additionalPrinterColumns');
  const columns = defined.length
    ? defined.map((c) => ({ name: stringAt(c, 'name') ?? '', type: stringAt(c, 'type') ?? 'string', format: stringAt(c, 'format') ?? '', description: stringAt(c, 'description') ?? '', priority: Number(c.priority ?? 0), path: stringAt(c, 'jsonPath') ?? '' }))
    : [{ ...AGE_COLUMN, type: 'date', path: '.metadata.creationTimestamp' }];
  return {
    columns: [NAME_COLUMN, ...columns.map(({ path: _path, ...c }) => column(c.name, c.description, { ...c, type: c.type as TableColumn['type'] }))],
    row: (cr, now) => [nameOf(cr), ...columns.map((c) => cell(c.type, jsonPathValue(cr, c.path), now))],
  };
}

function subresources(version: Json): SubresourceSpec[] {
  const declared = recordAt(version, 'subresources');
  const scale = recordAt(declared, 'scale');
  const labelSelector = stringAt(scale, 'labelSelectorPath');
  const scalePaths = scale && {
    specReplicas: stringAt(scale, 'specReplicasPath') ?? '.spec.replicas',
    statusReplicas: stringAt(scale, 'statusReplicasPath') ?? '.status.replicas',
    ...(labelSelector ? { labelSelector } : {}),
  };
  return [...(recordAt(declared, 'status') ? [STATUS] : []), ...(scalePaths ? [{ ...SCALE, scalePaths }] : [])];
}

function kindSchema(root: Json | undefined, gvk: { group: string; version: string; kind: string }): SchemaNode {
  const base: SchemaNode = isRecord(root) ? structuredClone(root) : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  return {
    ...base,
    type: 'object',
    properties: {
      apiVersion: str('APIVersion defines the versioned schema of this representation of an object.'),
      kind: str('Kind is a string value representing the REST resource this object represents.'),
      ...(base.properties ?? {}),
      metadata: { $ref: `#/components/schemas/${componentName.meta('ObjectMeta')}` },
    },
    'x-kubernetes-group-version-kind': [gvk],
  };
}

export function resourceSpecFromCrd(crd: KubeObject): CustomResourceKinds {
  const spec = recordAt(crd, 'spec') ?? {};
  const group = stringAt(spec, 'group') ?? '';
  const names = recordAt(spec, 'names') ?? {};
  const kind = stringAt(names, 'kind') ?? '';
  const plural = stringAt(names, 'plural') ?? '';
  const namespaced = stringAt(spec, 'scope') !== 'Cluster';
  const strings = (key: string) => (Array.isArray(names[key]) ? (names[key] as unknown[]).map(String) : []);
  const resources: ResourceSpec[] = [];
  const schemas: Record<string, SchemaNode> = {};
  // The None conversion strategy: every version is stored as the storage version, only apiVersion differs.
  const storageVersion = `${group}/${stringAt(recordsAt(spec, 'versions').find((v) => v.storage === true), 'name') ?? ''}`;
  const asVersion = (apiVersion: string) => (cr: KubeObject): KubeObject => (cr.apiVersion === apiVersion ? cr : { ...cr, apiVersion });
  for (const version of recordsAt(spec, 'versions').filter((v) => v.served === true)) {
    const versionName = stringAt(version, 'name') ?? '';
    const gvk = { group, version: versionName, kind };
    const schemaName = customSchemaName(group, versionName, kind);
    const schema = kindSchema(recordAt(recordAt(version, 'schema'), 'openAPIV3Schema'), gvk);
    schemas[schemaName] = schema;
    schemas[`${schemaName}List`] = listSchema({ group, version: versionName, kind: stringAt(names, 'listKind') ?? `${kind}List` }, schemaName);
    const resolve = schemaResolver(schemas);
    const selectable = recordsAt(version, 'selectableFields').map((f) => stringAt(f, 'jsonPath') ?? '').filter(Boolean);
    const resource = defineResource({
      group,
      version: versionName,
      kind,
      plural,
      namespaced,
      schemaName,
      shortNames: strings('shortNames'),
      categories: strings('categories'),
      subresources: subresources(version),
      storagePath: `${group}/${plural}`,
      fieldSelectors: Object.fromEntries(
        selectable.map((path) => [path.replace(/^\./, ''), (cr: KubeObject) => {
          const value = jsonPathValue(cr, path);
          // Selectable fields are strings, integers or booleans (the CRD's validation sees to it).
          return value === undefined || value === null ? undefined : typeof value === 'string' ? value : JSON.stringify(value);
        }]),
      ),
      defaults: (cr) => applySchemaDefaults(cr, schema, resolve),
      validate: (cr) => validateObjectMeta(cr, namespaced, dns1123Subdomain),
      table: printerTable(version),
      toStorage: asVersion(storageVersion),
      fromStorage: asVersion(`${group}/${versionName}`),
    });
    resources.push({ ...resource, singular: stringAt(names, 'singular') ?? kind.toLowerCase(), listKind: stringAt(names, 'listKind') ?? `${kind}List` });
  }
  return { resources, schemas };
}

