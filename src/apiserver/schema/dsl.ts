// A compact way to write the OpenAPI v3 schemas of the served kinds: one definition per type, in code,
// with the Kubernetes extensions (patch strategies, list types, map keys) kube-apiserver publishes.
import type { SchemaNode } from './types.js';

const COMPONENTS = '#/components/schemas/';

/** Component names as kube-apiserver publishes them. */
export const componentName = {
  core: (kind: string) => `io.k8s.api.core.v1.${kind}`,
  meta: (kind: string) => `io.k8s.apimachinery.pkg.apis.meta.v1.${kind}`,
  api: (group: string, version: string, kind: string) => `io.k8s.api.${group}.${version}.${kind}`,
  apiextensions: (kind: string) => `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.${kind}`,
};

export function refName(node: SchemaNode): string | undefined {
  const ref = node.$ref ?? (node.allOf?.length === 1 ? node.allOf[0]!.$ref : undefined);
  return ref?.startsWith(COMPONENTS) ? ref.slice(COMPONENTS.length) : undefined;
}

function described(node: SchemaNode, description: string | undefined, extra?: Partial<SchemaNode>): SchemaNode {
  return { ...node, ...(description ? { description } : {}), ...extra };
}

export const str = (description?: string, extra?: Partial<SchemaNode>) => described({ type: 'string' }, description, extra);
export const bool = (description?: string, extra?: Partial<SchemaNode>) => described({ type: 'boolean' }, description, extra);
export const int32 = (description?: string, extra?: Partial<SchemaNode>) =>
  described({ type: 'integer', format: 'int32' }, description, extra);
export const int64 = (description?: string, extra?: Partial<SchemaNode>) =>
  described({ type: 'integer', format: 'int64' }, description, extra);
export const num = (description?: string, extra?: Partial<SchemaNode>) =>
  described({ type: 'number', format: 'double' }, description, extra);
/** A string restricted to the values the API accepts. */
export const oneOf = (values: readonly string[], description?: string) =>
  described({ type: 'string', enum: [...values] }, description);
export const bytes = (description?: string) => described({ type: 'string', format: 'byte' }, description);

/** A reference to a component; with a description it is wrapped in allOf, as kube-apiserver's v3 does. */
export function ref(name: string, description?: string, extra?: Partial<SchemaNode>): SchemaNode {
  const target = { $ref: COMPONENTS + name };
  return description || extra ? { allOf: [target], ...(description ? { description } : {}), ...extra } : target;
}

export const time = (description?: string) => ref(componentName.meta('Time'), description);
export const microTime = (description?: string) => ref(componentName.meta('MicroTime'), description);
export const quantity = (description?: string) => ref('io.k8s.apimachinery.pkg.api.resource.Quantity', description);
export const intOrString = (description?: string) => ref('io.k8s.apimachinery.pkg.util.intstr.IntOrString', description);
export const objectMeta = (description = "Standard object's metadata.") => ref(componentName.meta('ObjectMeta'), description, { default: {} });
export const listMeta = (description = "Standard list metadata.") => ref(componentName.meta('ListMeta'), description, { default: {} });
export const labelSelector = (description?: string) => ref(componentName.meta('LabelSelector'), description);
/** Free-form JSON kept as is. */
export const anyJson = (description?: string) =>
  described({ 'x-kubernetes-preserve-unknown-fields': true }, description);

export interface ObjectOptions {
  required?: readonly string[];
  description?: string;
  /** Extra keys, e.g. x-kubernetes-map-type. */
  extra?: Partial<SchemaNode>;
}

export function obj(properties: Record<string, SchemaNode>, options: ObjectOptions = {}): SchemaNode {
  return described(
    { type: 'object', properties, ...(options.required?.length ? { required: [...options.required] } : {}) },
    options.description,
    options.extra,
  );
}

/** A string-keyed map of one value type. */
export const map = (values: SchemaNode, description?: string) =>
  described({ type: 'object', additionalProperties: values }, description);

export interface ListOptions {
  description?: string;
  /** Strategic-merge: the key lists merge on, with strategy 'merge'. */
  mergeKey?: string;
  strategy?: 'merge' | 'replace' | 'retainKeys' | 'merge,retainKeys';
  listType?: 'atomic' | 'set' | 'map';
  mapKeys?: readonly string[];
}

export function list(items: SchemaNode, options: ListOptions = {}): SchemaNode {
  const node: SchemaNode = { type: 'array', items };
  if (options.description) node.description = options.description;
  if (options.listType) node['x-kubernetes-list-type'] = options.listType;
  if (options.mapKeys) node['x-kubernetes-list-map-keys'] = [...options.mapKeys];
  if (options.mergeKey) node['x-kubernetes-patch-merge-key'] = options.mergeKey;
  if (options.strategy) node['x-kubernetes-patch-strategy'] = options.strategy;
  return node;
}

/** A list replaced as a whole by patches and by server-side apply. */
export const atomicList = (items: SchemaNode, description: string) => list(items, { description, listType: 'atomic' });

/** A list merged by one key (strategic merge) that is also a list-map on that key (server-side apply). */
export const keyedList = (items: SchemaNode, key: string, description?: string) =>
  list(items, { mergeKey: key, strategy: 'merge', listType: 'map', mapKeys: [key], description });

/** The top-level `kind`/`apiVersion` pair every object carries. */
export const typeMetaFields = {
  apiVersion: str('APIVersion defines the versioned schema of this representation of an object.'),
  kind: str('Kind is a string value representing the REST resource this object represents.'),
};

/** A top-level kind: apiVersion, kind, metadata plus its fields, tagged with its group-version-kind. */
export function kindSchema(
  gvk: { group: string; version: string; kind: string },
  description: string,
  fields: Record<string, SchemaNode>,
  required: readonly string[] = [],
): SchemaNode {
  return obj({ ...typeMetaFields, metadata: objectMeta(), ...fields }, {
    description,
    required,
    extra: { 'x-kubernetes-group-version-kind': [gvk] },
  });
}

/** The `<Kind>List` wrapper kubectl explain and clients see for list responses. */
export function listSchema(gvk: { group: string; version: string; kind: string }, itemName: string): SchemaNode {
  return obj({ ...typeMetaFields, metadata: listMeta(), items: list(ref(itemName), { description: `List of ${gvk.kind.replace(/List$/, '').toLowerCase()}s.` }) }, {
    description: `${gvk.kind} is a list of ${gvk.kind.replace(/List$/, '')} objects.`,
    required: ['items'],
    extra: { 'x-kubernetes-group-version-kind': [gvk] },
  });
}

/** Whether a component is one of Kubernetes' own types (rather than a custom resource's schema). */
export const isBuiltinSchema = (name: string) => /^io\.k8s\.(api|apiextensions-apiserver\.pkg|apimachinery\.pkg)\./.test(name);
