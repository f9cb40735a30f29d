// Kubernetes' strategic merge patch, applied as kube-apiserver applies it (apimachinery's
// strategicpatch.StrategicMergeMapPatch with MergeParallelList and IgnoreUnmatchedNulls): maps merge,
// null deletes, lists whose schema says `x-kubernetes-patch-strategy: merge` merge by their
// `x-kubernetes-patch-merge-key` (scalars: set union), other lists are replaced; the directives
// `$patch: replace|delete`, `$retainKeys`, `$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>`.
// Errors carry the codes interpretStrategicMergePatchError gives (400, the generic 422, else 500).
import type { KubeObject, SchemaNode } from '../schema/types.js';
import { goJsonTypeName, goValue } from './go-format.js';
import { copyJson, isPlainObject, jsonKind, type JsonMap } from './json-values.js';
import { badRequest, genericUnprocessable, unknownError } from './patch-error.js';
import { CUSTOM_RESOURCE_PATCH_TYPES, unsupportedPatchType } from './patch-body.js';
import { patchMeta, SchemaView, type PatchMeta, type ResolvedSchema } from './schema-view.js';
import {
  badArgTypeError,
  liveOrderAfterMerge,
  noMergeKeyError,
  normalizeElementOrder,
  partitionByPresence,
  validateAgainstSetOrder,
  type ElementKind,
} from './smp-element-order.js';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ELEMENT_ORDER = '$setElementOrder';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';

/**
 * Applies `patch` to `obj` by the schema `schemaName` names in `components`. A kind the components do
 * not describe (`schemaName` undefined, as for custom resources) cannot take a strategic merge patch: 415.
 */
export function applyStrategicMergePatch(
  obj: KubeObject,
  patch: unknown,
  schemaName: string | undefined,
  components: Record<string, SchemaNode>,
): KubeObject {
  if (schemaName === undefined || !(schemaName in components)) throw unsupportedPatchType(CUSTOM_RESOURCE_PATCH_TYPES);
  if (patch === null) return copyJson(obj);
  if (!isPlainObject(patch)) {
    throw badRequest(`json: cannot unmarshal ${goJsonTypeName(patch)} into Go value of type map[string]interface {}`);
  }
  const merger = new StrategicMerger(new SchemaView(components));
  const merged = merger.mergeMap(copyJson(obj) as JsonMap, copyJson(patch), merger.view.byName(schemaName));
  return dropLeftoverDirectives(merged) as KubeObject;
}

class StrategicMerger {
  constructor(readonly view: SchemaView) {}

  mergeMap(original: JsonMap, patch: JsonMap, schema: ResolvedSchema | undefined): JsonMap {
    if (DIRECTIVE in patch) return mapDirective(patch[DIRECTIVE], patch);
    applyRetainKeys(original, patch);
    this.mergeSetElementOrderLists(original, patch, schema);
    for (const [patchKey, patchValue] of Object.entries(patch)) {
      const isDeleteList = patchKey.startsWith(DELETE_FROM_PRIMITIVE_LIST);
      const key = isDeleteList ? directiveTarget(patchKey, DELETE_FROM_PRIMITIVE_LIST) : patchKey;
      if (patchValue === null) {
        delete original[key];
        continue;
      }
      const originalKind = key in original ? jsonKind(original[key]) : undefined;
      const patchKind = jsonKind(patchValue);
      if (originalKind !== patchKind || patchKind === 'scalar') {
        if (!isDeleteList) keepWithoutDirectives(original, key, dropNulls(patchValue));
        continue;
      }
      const field = this.view.field(schema, key);
      const meta = metaOf(field);
      if (patchKind === 'map') {
        original[key] = meta.strategy === 'replace' ? dropNulls(patchValue) : this.mergeMap(original[key] as JsonMap, patchValue as JsonMap, field);
      } else if (meta.strategy === 'merge' || isDeleteList) {
        original[key] = this.mergeList(original[key] as unknown[], patchValue as unknown[], field, meta.mergeKey, isDeleteList);
      } else {
        original[key] = dropNulls(patchValue);
      }
    }
    return original;
  }

  private mergeList(original: unknown[], patch: unknown[], schema: ResolvedSchema | undefined, mergeKey: string, isDeleteList: boolean): unknown[] {
    if (original.length === 0 && patch.length === 0) return original;
    const kind = elementKind(original, patch);
    let merged: unknown[];
    let live = original;
    let named = patch;
    if (kind === 'scalar') {
      if (isDeleteList) return original.filter((item) => !patch.includes(item));
      merged = deduplicate([...original, ...patch]);
    } else {
      if (mergeKey === '') throw unknownError(`cannot merge lists without merge key for ${schema?.refName ?? 'list'}`);
      [live, named] = applyListDirectives(original, patch, mergeKey);
      merged = this.mergeListItems([...live], named, mergeKey, this.view.item(schema));
    }
    const [inPatch, serverOnly] = partitionByPresence(merged, named, kind === 'map' ? mergeKey : '');
    // The live order is the list before new items were appended, as Go's slice header keeps it.
    return normalizeElementOrder(inPatch, serverOnly, named, live, kind === 'map' ? mergeKey : '', kind);
  }

  /** Merges each patch item into the live item with the same merge key, or appends it. */
  private mergeListItems(live: unknown[], patch: unknown[], mergeKey: string, itemSchema: ResolvedSchema | undefined): unknown[] {
    for (const item of patch) {
      const patchItem = item as JsonMap;
      if (!(mergeKey in patchItem)) throw noMergeKeyError(patchItem, mergeKey);
      const index = indexByMergeKey(live, mergeKey, patchItem[mergeKey]);
      if (index >= 0) live[index] = this.mergeMap(live[index] as JsonMap, patchItem, itemSchema);
      else live.push(dropNulls(item));
    }
    return live;
  }

  /** `$setElementOrder/<list>`: merges the list as usual, then orders it as the directive says. */
  private mergeSetElementOrderLists(original: JsonMap, patch: JsonMap, schema: ResolvedSchema | undefined): void {
    for (const directiveKey of Object.keys(patch)) {
      if (!directiveKey.startsWith(SET_ELEMENT_ORDER)) continue;
      const setOrder = patch[directiveKey];
      delete patch[directiveKey];
      if (!Array.isArray(setOrder)) throw badArgTypeError('[]interface {}', setOrder);
      const key = directiveTarget(directiveKey, SET_ELEMENT_ORDER);
      const liveList = listAt(original, key);
      const patchList = listAt(patch, key);
      const field = this.view.field(schema, key);
      const meta = metaOf(field);
      validateAgainstSetOrder(patchList ?? [], setOrder, meta.mergeKey);
      if (liveList === undefined && patchList === undefined) continue;
      let merged: unknown[];
      let serverOrder = liveList ?? [];
      if (patchList === undefined) merged = liveList!;
      else if (liveList === undefined) merged = withoutDirectives(patchList);
      else if (meta.strategy === 'merge') {
        merged = this.mergeList(liveList, patchList, field, meta.mergeKey, false);
        if (meta.mergeKey !== '') serverOrder = liveOrderAfterMerge(liveList, patchList, meta.mergeKey);
      } else merged = patchList;
      const [inPatch, serverOnly] = partitionByPresence(merged, setOrder, meta.mergeKey);
      const kind = elementKind(liveList ?? [], patchList ?? []);
      original[key] = normalizeElementOrder(inPatch, serverOnly, setOrder, serverOrder, meta.mergeKey, kind);
      delete patch[key];
    }
  }
}

function metaOf(field: ResolvedSchema | undefined): PatchMeta {
  const meta = patchMeta(field);
  if (meta instanceof Error) throw unknownError(meta.message);
  return meta;
}

/** `$patch` on a map: replace takes the patch as the whole value, delete empties it. */
function mapDirective(directive: unknown, patch: JsonMap): JsonMap {
  if (directive === 'replace') {
    delete patch[DIRECTIVE];
    return patch;
  }
  if (directive === 'delete') return {};
  throw unknownError(`unknown patch type: ${String(directive)} in map: ${goValue(patch)}`);
}

/** `$patch` items in a merging list of maps: delete removes the live items with that key, replace drops the live list. */
function applyListDirectives(original: unknown[], patch: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const plain: unknown[] = [];
  let live = original;
  let replace = false;
  for (const item of patch) {
    const patchItem = item as JsonMap;
    if (!(DIRECTIVE in patchItem)) {
      plain.push(item);
      continue;
    }
    switch (patchItem[DIRECTIVE]) {
      case 'delete':
        if (!(mergeKey in patchItem)) throw noMergeKeyError(patchItem, mergeKey);
        live = live.filter((liveItem) => !(isPlainObject(liveItem) && liveItem[mergeKey] === patchItem[mergeKey]));
        break;
      case 'replace':
        replace = true;
        break;
      case 'merge':
        throw unknownError('merging lists cannot yet be specified in the patch');
      default:
        throw unknownError(`unknown patch type: ${String(patchItem[DIRECTIVE])} in map: ${goValue(patchItem)}`);
    }
  }
  return replace ? [plain, []] : [live, plain];
}

/** `$retainKeys`: the live map keeps only the listed keys; the patch may set no others. */
function applyRetainKeys(original: JsonMap, patch: JsonMap): void {
  if (!(RETAIN_KEYS in patch)) return;
  const retained = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(retained)) throw badRequest('invalid patch format of retainKeys');
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!retained.includes(key)) throw badRequest('invalid patch format of retainKeys');
  }
  for (const key of Object.keys(original)) if (!retained.includes(key)) delete original[key];
}

/** The list a `$directive/<list>` key is about. */
function directiveTarget(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw badRequest(prefix === SET_ELEMENT_ORDER ? 'invalid patch format of setElementOrder list' : 'invalid patch format of primitive list');
  }
  return key.slice(slash + 1);
}

function listAt(map: JsonMap, key: string): unknown[] | undefined {
  if (!(key in map)) return undefined;
  const value = map[key];
  if (!Array.isArray(value)) throw badArgTypeError('[]interface {}', value);
  return value;
}

function indexByMergeKey(list: unknown[], mergeKey: string, value: unknown): number {
  return list.findIndex((item, index) => {
    if (!isPlainObject(item)) throw unknownError(`value for key ${index} is not a map`);
    return mergeKey in item && item[mergeKey] === value;
  });
}

/** The one element kind of the given lists; lists of lists are refused (422), mixed kinds are an error. */
function elementKind(...lists: unknown[][]): ElementKind {
  let kind: string | undefined;
  for (const item of lists.flat()) {
    const itemKind = Array.isArray(item) ? 'list' : isPlainObject(item) ? 'map' : typeof item;
    if (kind === undefined) {
      if (itemKind === 'list') throw genericUnprocessable();
      kind = itemKind;
    } else if (kind !== itemKind) {
      throw unknownError(`list element types are not identical: ${goValue(lists)}`);
    }
  }
  if (kind === undefined) throw unknownError('no elements in any of the given slices');
  return kind === 'map' ? 'map' : 'scalar';
}

/** Go's in-place de-duplication: a later duplicate is overwritten by the last element. */
function deduplicate(items: unknown[]): unknown[] {
  const s = items;
  let last = s.length - 1;
  for (let i = 0; i < last; i++) {
    for (let j = i + 1; j <= last; j++) {
      if (s[i] === s[j]) {
        s[j] = s[last];
        s.length = last;
        last--;
        j--;
      }
    }
  }
  return s;
}

/** A value taken whole from the patch loses its nulls (IgnoreUnmatchedNulls; kube's typed decoding drops the rest). */
function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) value.forEach(dropNulls);
  else if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (v === null) delete value[k];
      else dropNulls(v);
    }
  }
  return value;
}

/** Maps carrying `$patch` are dropped from a value taken whole from the patch. */
function keepWithoutDirectives(target: JsonMap, key: string, value: unknown): void {
  if (isPlainObject(value) && DIRECTIVE in value) delete target[key];
  else target[key] = Array.isArray(value) ? withoutDirectives(value) : isPlainObject(value) ? mapWithoutDirectives(value) : value;
}

function withoutDirectives(list: unknown[]): unknown[] {
  return list
    .filter((item) => !(isPlainObject(item) && DIRECTIVE in item))
    .map((item) => (Array.isArray(item) ? withoutDirectives(item) : isPlainObject(item) ? mapWithoutDirectives(item) : item));
}

function mapWithoutDirectives(map: JsonMap): JsonMap {
  for (const key of Object.keys(map)) keepWithoutDirectives(map, key, map[key]);
  return map;
}

/**
 * Directive keys left inside values the patch supplied whole; kube-apiserver loses them when it decodes
 * the result into its Go types, which have no such fields.
 */
function dropLeftoverDirectives(value: unknown): unknown {
  if (Array.isArray(value)) value.forEach(dropLeftoverDirectives);
  else if (isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      if (key === RETAIN_KEYS || key === DIRECTIVE || key.startsWith(`${SET_ELEMENT_ORDER}/`) || key.startsWith(`${DELETE_FROM_PRIMITIVE_LIST}/`)) {
        delete value[key];
      } else dropLeftoverDirectives(value[key]);
    }
  }
  return value;
}
