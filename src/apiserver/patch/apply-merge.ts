// How server-side apply folds an applied configuration into the live object (structured-merge-diff's
// Merge: the configuration wins on every leaf it sets, granular maps merge key by key, list-maps and
// sets merge item by item, atomic parts are replaced), and how it removes the fields an applier
// stopped applying.
import type { FieldPath, PathElement } from './field-set.js';
import { isPlainObject, jsonKind, type JsonMap } from './json-values.js';
import { isAtomicMap, listShape, type ResolvedSchema, type SchemaView } from './schema-view.js';
import { itemsByElement, listItemElement } from './typed-walk.js';

/** `live` with `config` applied over it; neither is changed. */
export function mergeApplied(live: unknown, config: unknown, schema: ResolvedSchema | undefined, view: SchemaView, path: FieldPath = []): unknown {
  if (config === undefined) return live;
  if (live === undefined || live === null || jsonKind(live) !== jsonKind(config)) return structuredClone(config);
  if (isPlainObject(config) && !isAtomicMap(schema)) {
    const out: JsonMap = { ...(live as JsonMap) };
    for (const [key, value] of Object.entries(config)) {
      // An applied null sets nothing; kube's typed objects drop nulls.
      if (value === null) delete out[key];
      else out[key] = mergeApplied(out[key], value, view.field(schema, key), view, [...path, `f:${key}`]);
    }
    return out;
  }
  const shape = listShape(schema);
  if (Array.isArray(config) && shape.kind !== 'atomic') {
    const itemSchema = view.item(schema);
    const liveItems = (live as unknown[]).map((item, index): [PathElement, unknown] => [listItemElement(shape, item, index, path, itemSchema), item]);
    return mergeListItems(liveItems, itemsByElement(config, shape, path, itemSchema), (element, l, r) =>
      mergeApplied(l, r, itemSchema, view, [...path, element]),
    );
  }
  return structuredClone(config);
}

/**
 * structured-merge-diff's list order: live items keep their place, applied items come in applied
 * order, and items in both appear where the applied order puts them among the other shared items.
 * Live items sharing a key (kube tolerates them in stored objects) stay unless the configuration
 * names that key, which then stands for them all.
 */
function mergeListItems(
  liveItems: readonly [PathElement, unknown][],
  rhs: Map<PathElement, unknown>,
  merge: (element: PathElement, l: unknown, r: unknown) => unknown,
): unknown[] {
  const lhs = new Map<PathElement, unknown>();
  for (const [pe, item] of liveItems) if (!lhs.has(pe)) lhs.set(pe, item);
  const lhsOrder = liveItems.map(([pe]) => pe);
  const rhsOrder = [...rhs.keys()];
  const shared = rhsOrder.filter((pe) => lhs.has(pe));
  let nextShared = shared.shift();
  const advanceShared = () => (nextShared = shared.shift());
  const out: unknown[] = [];
  let l = 0;
  let r = 0;
  while (l < lhsOrder.length || r < rhsOrder.length) {
    if (l < lhsOrder.length && r < rhsOrder.length) {
      const pe = lhsOrder[l]!;
      if (pe === rhsOrder[r]) {
        out.push(merge(pe, lhs.get(pe), rhs.get(pe)));
        l++;
        r++;
        advanceShared();
        continue;
      }
      if (rhs.has(pe) && nextShared !== undefined && nextShared !== pe) {
        l++;
        continue;
      }
    }
    if (l < lhsOrder.length && !rhs.has(lhsOrder[l]!)) {
      out.push(liveItems[l]![1]);
      l++;
      continue;
    }
    if (r < rhsOrder.length) {
      const pe = rhsOrder[r]!;
      out.push(merge(pe, lhs.get(pe), rhs.get(pe)));
      r++;
      if (nextShared === pe) advanceShared();
      continue;
    }
    // A live item the applied list already placed.
    l++;
  }
  return out;
}

/**
 * Removes the value at `path` from `root` (changed in place); containers the removal leaves empty go
 * too, as Go's omitempty drops them.
 */
export function removePath(root: JsonMap, path: FieldPath, schema: ResolvedSchema | undefined, view: SchemaView): void {
  const chain: { container: JsonMap | unknown[]; at: string | number }[] = [];
  let current: unknown = root;
  let currentSchema = schema;
  for (const element of path) {
    const step = locate(current, element, currentSchema, view, path);
    if (!step) return;
    chain.push({ container: current as JsonMap | unknown[], at: step.at });
    current = step.value;
    currentSchema = step.schema;
  }
  for (let i = chain.length - 1; i >= 0; i--) {
    const { container, at } = chain[i]!;
    if (Array.isArray(container)) container.splice(at as number, 1);
    else delete container[at as string];
    const emptied = Array.isArray(container) ? container.length === 0 : Object.keys(container).length === 0;
    if (!emptied || i === 0) return;
  }
}

function locate(
  container: unknown,
  element: PathElement,
  schema: ResolvedSchema | undefined,
  view: SchemaView,
  path: FieldPath,
): { at: string | number; value: unknown; schema: ResolvedSchema | undefined } | undefined {
  if (element.startsWith('f:')) {
    const key = element.slice(2);
    if (!isPlainObject(container) || !(key in container)) return undefined;
    return { at: key, value: container[key], schema: view.field(schema, key) };
  }
  if (!Array.isArray(container)) return undefined;
  if (element.startsWith('i:')) {
    const index = Number(element.slice(2));
    return index < container.length ? { at: index, value: container[index], schema: view.item(schema) } : undefined;
  }
  const shape = listShape(schema);
  if (shape.kind === 'atomic') return undefined;
  const itemSchema = view.item(schema);
  const index = container.findIndex((item, i) => listItemElement(shape, item, i, path, itemSchema) === element);
  return index < 0 ? undefined : { at: index, value: container[index], schema: itemSchema };
}
