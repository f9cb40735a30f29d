// Walks objects the way structured-merge-diff walks typed values: the field set an applied
// configuration names (ToFieldSet), and what changed between two objects (Compare: added, modified,
// removed). Lists and maps take their shape from the schema (list-map, set, atomic; granular or atomic
// maps); a part the schema does not describe is a granular map or an atomic list, as for a deduced schema.
import { fieldElement, FieldSet, keyElement, pathString, valueElement, type FieldPath, type PathElement } from './field-set.js';
import { isPlainObject, jsonEqual, jsonKind, type JsonMap } from './json-values.js';
import { unknownError } from './patch-error.js';
import { isAtomicMap, isStruct, listShape, type ListShape, type ResolvedSchema, type SchemaView } from './schema-view.js';

export interface Comparison {
  readonly added: FieldSet;
  readonly modified: FieldSet;
  readonly removed: FieldSet;
}

/**
 * The path element naming a list item, for lists that are not atomic. A key field the item omits
 * takes the schema's default (a port's protocol is TCP), as structured-merge-diff does.
 */
export function listItemElement(shape: ListShape, item: unknown, index: number, listPath: FieldPath, itemSchema: ResolvedSchema | undefined): PathElement {
  if (shape.kind === 'set') return valueElement(item);
  if (shape.kind === 'map') {
    if (!isPlainObject(item)) throw unknownError(`${pathString(listPath)}: element ${index}: associative list with keys has an element that is not a map`);
    const keyed: JsonMap = { ...item };
    for (const key of shape.keys) {
      if (key in item) continue;
      const fallback = itemSchema?.node.properties?.[key]?.default;
      if (fallback === undefined) {
        throw unknownError(
          `${pathString(listPath)}: element ${index}: associative list with keys has an element that omits key field "${key}" (and doesn't have default value)`,
        );
      }
      keyed[key] = fallback;
    }
    return keyElement(shape.keys, keyed);
  }
  throw unknownError(`${pathString(listPath)}: atomic lists have no item elements`);
}

/** Every field an applied configuration sets: leaves, list items, and map entries. */
export function appliedFieldSet(config: unknown, schema: ResolvedSchema | undefined, view: SchemaView): FieldSet {
  const set = new FieldSet();
  collectFields(config, schema, [], set, view);
  return set;
}

function collectFields(value: unknown, schema: ResolvedSchema | undefined, path: FieldPath, set: FieldSet, view: SchemaView): void {
  const kind = jsonKind(value);
  if (kind === 'map' && !isAtomicMap(schema)) {
    for (const [key, child] of Object.entries(value as JsonMap)) {
      const childPath = [...path, fieldElement(key)];
      collectFields(child, view.field(schema, key), childPath, set, view);
      const declared = schema?.node.properties?.[key] !== undefined;
      if (child === null || (isPlainObject(child) && Object.keys(child).length === 0) || !declared) set.insert(childPath);
    }
    return;
  }
  if (kind === 'list') {
    const shape = listShape(schema);
    if (shape.kind === 'atomic') {
      set.insert(path);
      return;
    }
    const itemSchema = view.item(schema);
    (value as unknown[]).forEach((item, index) => {
      const element = listItemElement(shape, item, index, path, itemSchema);
      const itemPath = [...path, element];
      if (set.has(itemPath)) throw unknownError(`${pathString(path)}: duplicate entries for key ${pathString([element])}`);
      set.insert(itemPath);
      if (shape.kind === 'map') collectFields(item, itemSchema, itemPath, set, view);
    });
    return;
  }
  if (kind !== 'null') set.insert(path);
}

/**
 * kube compares typed Go objects, where some fields exist even when nobody set them: non-pointer
 * structs (metadata, spec, status, templates, strategies, resources) as `{}`, which kube's OpenAPI
 * marks with `default: {}` (failing that, judged by the component's name), and fields without
 * omitempty (the schema's `required`) as null. Changing such a field modifies it rather than adding
 * it, so its own path is not recorded, only what it holds.
 */
const VALUE_STRUCT = /(ObjectMeta|Spec|Status|Strategy|ResourceRequirements)$/;
const ZERO = Symbol('zero value');

function present(value: unknown, schema: ResolvedSchema | undefined, required: boolean): unknown {
  if (value !== undefined && value !== null) return value;
  const zeroStruct = isPlainObject(schema?.node.default) && Object.keys(schema.node.default).length === 0;
  if (isStruct(schema) && (zeroStruct || VALUE_STRUCT.test(schema?.refName ?? ''))) return {};
  return required ? ZERO : undefined;
}

/** What changed from `lhs` to `rhs`, path by path. */
export function compareObjects(lhs: unknown, rhs: unknown, schema: ResolvedSchema | undefined, view: SchemaView): Comparison {
  const comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  compareValues(lhs, rhs, schema, [], comparison, view);
  return comparison;
}

function isEmptyValue(value: unknown): boolean {
  return value === undefined || value === ZERO || (isPlainObject(value) && Object.keys(value).length === 0) || (Array.isArray(value) && value.length === 0);
}

function compareValues(lhs: unknown, rhs: unknown, schema: ResolvedSchema | undefined, path: FieldPath, out: Comparison, view: SchemaView): void {
  // One value on both sides has no change below it: a status write keeps the stored spec itself, and
  // walking it field by field was most of what a kubelet's status write cost here.
  if (lhs === rhs) return;
  const lk = lhs === undefined || lhs === ZERO ? undefined : jsonKind(lhs);
  const rk = rhs === undefined || rhs === ZERO ? undefined : jsonKind(rhs);
  const kind = lk ?? rk;
  const granular =
    (lk === undefined || rk === undefined || lk === rk) &&
    !(isEmptyValue(lhs) && isEmptyValue(rhs)) &&
    ((kind === 'map' && !isAtomicMap(schema)) || (kind === 'list' && listShape(schema).kind !== 'atomic'));
  if (!granular) {
    if (lhs === undefined) out.added.insert(path);
    else if (rhs === undefined) out.removed.insert(path);
    else if (lhs === ZERO ? rhs !== ZERO : rhs === ZERO || !jsonEqual(lhs, rhs)) out.modified.insert(path);
    return;
  }
  if (kind === 'map') {
    const left = (lk ? lhs : {}) as JsonMap;
    const right = (rk ? rhs : {}) as JsonMap;
    const required = new Set(schema?.node.required ?? []);
    for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
      const field = view.field(schema, key);
      const isRequired = required.has(key);
      // A side without the map has none of its fields, not even those Go always has while the map exists.
      const before = lk ? present(left[key], field, isRequired) : undefined;
      const after = rk ? present(right[key], field, isRequired) : undefined;
      compareValues(before, after, field, [...path, fieldElement(key)], out, view);
    }
  } else {
    const shape = listShape(schema);
    const itemSchema = view.item(schema);
    const left = itemsByElement((lk ? lhs : []) as unknown[], shape, path, itemSchema);
    const right = itemsByElement((rk ? rhs : []) as unknown[], shape, path, itemSchema);
    for (const element of new Set([...left.keys(), ...right.keys()])) {
      compareValues(left.get(element), right.get(element), itemSchema, [...path, element], out, view);
    }
  }
  if (lhs === undefined) out.added.insert(path);
  else if (rhs === undefined) out.removed.insert(path);
}

/** A non-atomic list's items by their path element, in list order. */
export function itemsByElement(list: unknown[], shape: ListShape, path: FieldPath, itemSchema: ResolvedSchema | undefined): Map<PathElement, unknown> {
  const items = new Map<PathElement, unknown>();
  list.forEach((item, index) => items.set(listItemElement(shape, item, index, path, itemSchema), item));
  return items;
}
