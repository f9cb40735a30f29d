// The contract between the apiserver's parts: one ResourceSpec per served resource, whose schema
// (an OpenAPI v3 node) drives defaulting, validation, strict field checks, OpenAPI, `kubectl explain`,
// strategic-merge keys and server-side apply; and whose table drives `kubectl get` columns.

import type { ObjectMeta } from '../../types/kube-meta.js';

export type { ObjectMeta, OwnerReference } from '../../types/kube-meta.js';

/** A Kubernetes object as stored and served: plain JSON. */
export type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
};


/** An OpenAPI v3 schema node with the Kubernetes extensions the apiserver and kubectl read. */
export interface SchemaNode {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  description?: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
  enum?: unknown[];
  default?: unknown;
  /** A reference into the components, `#/components/schemas/<name>`. */
  $ref?: string;
  allOf?: SchemaNode[];
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  [extension: string]: unknown;
}

/** Resolves `$ref` (and a lone `allOf` wrapper) to the node it names. */
export type SchemaResolver = (node: SchemaNode) => SchemaNode;

/** One cause of a 422 Invalid, as in a Status' details.causes. */
export interface FieldCause {
  readonly reason:
    | 'FieldValueRequired'
    | 'FieldValueInvalid'
    | 'FieldValueNotSupported'
    | 'FieldValueDuplicate'
    | 'FieldValueForbidden'
    | 'FieldValueTooLong'
    | 'FieldValueTooMany'
    | 'FieldValueTypeInvalid'
    | 'FieldValueNotFound'
    | 'InternalError';
  readonly message: string;
  readonly field: string;
}

/** A column of a meta.k8s.io/v1 Table. */
export interface TableColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly format: string;
  readonly description: string;
  readonly priority: number;
}

export interface SubresourceSpec {
  readonly name: 'status' | 'scale' | 'binding' | 'eviction' | 'token' | 'log' | 'finalize';
  /** The kind the subresource takes and answers, when it is not the parent's. */
  readonly responseKind?: { group: string; version: string; kind: string };
  readonly verbs: readonly string[];
  /**
   * For a custom resource's scale subresource: the simple JSON paths (`.spec.replicas`) its Scale reads
   * and writes, from the CRD's subresources.scale.
   */
  readonly scalePaths?: { readonly specReplicas: string; readonly statusReplicas: string; readonly labelSelector?: string };
}

/** Everything the apiserver knows of one served resource. Built-in kinds and CRDs both produce these. */
export interface ResourceSpec {
  /** '' for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly listKind: string;
  /** The resource name in URLs: 'pods', 'deployments'. */
  readonly plural: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly verbs: readonly string[];
  readonly subresources: readonly SubresourceSpec[];
  /** The key segment below the etcd prefix, as kube-apiserver lays it out: 'pods', 'minions', 'services/specs'. */
  readonly storagePath: string;
  /** The kind's schema in the components, e.g. 'io.k8s.api.core.v1.Pod'. */
  readonly schemaName: string;
  /** Field selectors the kind supports besides metadata.name and metadata.namespace. */
  readonly fieldSelectors: Readonly<Record<string, (obj: KubeObject) => string | undefined>>;
  /** Fills the defaults the real apiserver fills (mutates). `old` on update. */
  defaults(obj: KubeObject, old: KubeObject | undefined): void;
  /** The kind's semantic validation (schema types and unknown fields are checked generically). */
  validate(obj: KubeObject, old: KubeObject | undefined): FieldCause[];
  /**
   * For a resource stored in another API's shape (events.k8s.io/v1 Events are stored as core/v1
   * Events under the same keys): the object as stored, from this API's shape, and back.
   */
  toStorage?(obj: KubeObject): KubeObject;
  fromStorage?(stored: KubeObject): KubeObject;
  /** `kubectl get` columns and a row's cells, as the real server prints them. */
  readonly table: {
    readonly columns: readonly TableColumn[];
    row(obj: KubeObject, now: Date): unknown[];
  };
}
