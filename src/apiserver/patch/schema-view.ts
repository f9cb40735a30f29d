// What the patch mechanisms read from a kind's OpenAPI schema: the node for a field or a list item
// (following `$ref`s, keeping the extensions a described ref's allOf wrapper carries), the strategic
// merge metadata (patch strategy and merge key) and the server-side apply shape of lists and maps.
import { schemaResolver } from '../schema/resolver.js';
import type { SchemaNode, SchemaResolver } from '../schema/types.js';

/** A schema node with its refs followed; `refName` is the component it came from, if any. */
export interface ResolvedSchema {
  readonly node: SchemaNode;
  readonly refName?: string;
}

/** How server-side apply treats a list: replaced whole, a set of scalars, or a map of items by key. */
export type ListShape = { readonly kind: 'atomic' } | { readonly kind: 'set' } | { readonly kind: 'map'; readonly keys: readonly string[] };

export interface PatchMeta {
  /** 'merge', 'replace' or '' (replace is the default for lists, merge for maps). */
  readonly strategy: string;
  readonly mergeKey: string;
}

const COMPONENTS = '#/components/schemas/';

/**
 * Every field of every write is resolved, so a node's resolution is kept while its ref still names the
 * same target (schema nodes are never changed in place; a CRD's new schema is a new component node).
 */
const RESOLVED = new WeakMap<SchemaNode, { readonly target: SchemaNode; readonly resolved: ResolvedSchema }>();

function resolvedOnto(node: SchemaNode, target: SchemaNode): ResolvedSchema {
  if (target === node) return { node };
  const ref = node.$ref ?? node.allOf?.[0]?.$ref;
  const wrapperExtensions = Object.fromEntries(Object.entries(node).filter(([k]) => k.startsWith('x-kubernetes-') || k === 'default'));
  return {
    node: { ...target, ...wrapperExtensions },
    ...(ref?.startsWith(COMPONENTS) ? { refName: ref.slice(COMPONENTS.length) } : {}),
  };
}

export class SchemaView {
  private readonly resolve: SchemaResolver;

  constructor(components: Record<string, SchemaNode>) {
    this.resolve = schemaResolver(components);
  }

  /** Resolves a field's node, letting the wrapper's own extensions (and field default) win over the target's. */
  resolved(node: SchemaNode | undefined): ResolvedSchema | undefined {
    if (!node) return undefined;
    const known = RESOLVED.get(node);
    // A node that is not a ref resolves to itself whatever the components hold.
    if (known?.target === node) return known.resolved;
    const target = this.resolve(node);
    if (known?.target === target) return known.resolved;
    const resolved = resolvedOnto(node, target);
    RESOLVED.set(node, { target, resolved });
    return resolved;
  }

  byName(schemaName: string): ResolvedSchema | undefined {
    return this.resolved({ $ref: `${COMPONENTS}${schemaName}` });
  }

  /** The schema of a map's or struct's member; undefined when the schema says nothing of it. */
  field(parent: ResolvedSchema | undefined, key: string): ResolvedSchema | undefined {
    if (!parent) return undefined;
    const declared = parent.node.properties?.[key];
    if (declared) return this.resolved(declared);
    const extra = parent.node.additionalProperties;
    return typeof extra === 'object' ? this.resolved(extra) : undefined;
  }

  item(list: ResolvedSchema | undefined): ResolvedSchema | undefined {
    return list ? this.resolved(list.node.items) : undefined;
  }
}

/** The strategic merge strategy and key of a field (`retainKeys` only tells clients to send $retainKeys). */
export function patchMeta(schema: ResolvedSchema | undefined): PatchMeta | Error {
  const strategies = (schema?.node['x-kubernetes-patch-strategy'] ?? '').split(',').filter((s) => s !== '');
  const mergeKey = schema?.node['x-kubernetes-patch-merge-key'] ?? '';
  const others = strategies.filter((s) => s !== 'retainKeys');
  if (strategies.length > 2 || others.length > 1 || (strategies.length === 2 && others.length !== 1)) {
    return new Error(`unexpected patch strategy: ${strategies.join(',')}`);
  }
  return { strategy: others[0] ?? '', mergeKey };
}

/** A list's apply shape: x-kubernetes-list-type first, else what its strategic merge metadata implies. */
export function listShape(schema: ResolvedSchema | undefined): ListShape {
  const node = schema?.node;
  switch (node?.['x-kubernetes-list-type']) {
    case 'atomic':
      return { kind: 'atomic' };
    case 'set':
      return { kind: 'set' };
    case 'map':
      return { kind: 'map', keys: node['x-kubernetes-list-map-keys'] ?? [] };
  }
  const meta = patchMeta(schema);
  if (meta instanceof Error || meta.strategy !== 'merge') return { kind: 'atomic' };
  return meta.mergeKey ? { kind: 'map', keys: [meta.mergeKey] } : { kind: 'set' };
}

/** Maps (and structs) are merged member by member unless marked atomic. */
export function isAtomicMap(schema: ResolvedSchema | undefined): boolean {
  return schema?.node['x-kubernetes-map-type'] === 'atomic';
}

/** A struct has declared properties; a map only additionalProperties. */
export function isStruct(schema: ResolvedSchema | undefined): boolean {
  return schema?.node.properties !== undefined;
}
