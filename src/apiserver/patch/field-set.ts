// Sets of field paths as structured-merge-diff keeps them for managedFields, in the FieldsV1 form:
// a path element is `f:<field>`, `k:<json of the item's key fields>` (a list-map item), `v:<json>`
// (a set item) or `i:<index>`; a node that is itself in the set and has members below it carries `.`.
import { isPlainObject, type JsonMap } from './json-values.js';

export type PathElement = string;
export type FieldPath = readonly PathElement[];

export const fieldElement = (name: string): PathElement => `f:${name}`;
export const valueElement = (value: unknown): PathElement => `v:${JSON.stringify(value)}`;

/** A list-map item's element: its key fields, sorted by name, as a JSON object. */
export function keyElement(keys: readonly string[], item: JsonMap): PathElement {
  const fields = Object.fromEntries([...keys].sort(compareStrings).map((k) => [k, item[k]]));
  return `k:${JSON.stringify(fields)}`;
}

export class FieldSet {
  private readonly members = new Set<PathElement>();
  private readonly children = new Map<PathElement, FieldSet>();

  static fromPaths(paths: Iterable<FieldPath>): FieldSet {
    const set = new FieldSet();
    for (const path of paths) set.insert(path);
    return set;
  }

  /** Reads a FieldsV1 object; anything malformed is skipped. */
  static fromFieldsV1(fields: unknown): FieldSet {
    const set = new FieldSet();
    if (!isPlainObject(fields)) return set;
    for (const [element, below] of Object.entries(fields)) {
      if (element === '.') continue;
      const child = FieldSet.fromFieldsV1(below);
      const hasSelf = isPlainObject(below) && '.' in below;
      if (child.isEmpty() || hasSelf) set.members.add(element);
      if (!child.isEmpty()) set.children.set(element, child);
    }
    return set;
  }

  /** Adds a path; the empty path (the whole object) is not tracked. */
  insert(path: FieldPath): void {
    if (path.length === 0) return;
    const parent = path.slice(0, -1).reduce<FieldSet>((node, element) => {
      let child = node.children.get(element);
      if (!child) {
        child = new FieldSet();
        node.children.set(element, child);
      }
      return child;
    }, this);
    parent.members.add(path[path.length - 1]!);
  }

  has(path: FieldPath): boolean {
    if (path.length === 0) return false;
    const parent = this.descend(path.slice(0, -1));
    return parent !== undefined && parent.members.has(path[path.length - 1]!);
  }

  /** Whether the path or anything below it is in the set. */
  hasPrefix(path: FieldPath): boolean {
    if (path.length === 0) return !this.isEmpty();
    const last = path[path.length - 1]!;
    const parent = this.descend(path.slice(0, -1));
    return parent !== undefined && (parent.members.has(last) || parent.children.has(last));
  }

  isEmpty(): boolean {
    return this.members.size === 0 && this.children.size === 0;
  }

  paths(): FieldPath[] {
    const out: FieldPath[] = [];
    this.collect([], out);
    return out;
  }

  // The set algebra works node by node on the trees (no path lists, no sorting); a result never keeps
  // an empty child, so isEmpty stays a size check.
  // Sets are not changed once built (only insert, on a set being built, changes one), so an operation
  // that leaves a set as it is answers the set itself, and what is cached for it stays valid.
  union(other: FieldSet): FieldSet {
    if (this.covers(other)) return this;
    const out = new FieldSet();
    for (const m of this.members) out.members.add(m);
    for (const m of other.members) out.members.add(m);
    for (const [element, child] of this.children) {
      const theirs = other.children.get(element);
      out.children.set(element, theirs ? child.union(theirs) : child.copy());
    }
    for (const [element, child] of other.children) if (!this.children.has(element)) out.children.set(element, child.copy());
    return out;
  }

  difference(other: FieldSet): FieldSet {
    if (other.isEmpty()) return this;
    return this.combine(other, (m) => !other.members.has(m), (child, theirs) => (theirs ? child.difference(theirs) : child.copy()));
  }

  intersection(other: FieldSet): FieldSet {
    return this.combine(other, (m) => other.members.has(m), (child, theirs) => (theirs ? child.intersection(theirs) : undefined));
  }

  /** Whether every path of `other` is in this set. */
  covers(other: FieldSet): boolean {
    for (const m of other.members) if (!this.members.has(m)) return false;
    for (const [element, theirs] of other.children) {
      const mine = this.children.get(element);
      if (!mine || !mine.covers(theirs)) return false;
    }
    return true;
  }

  /** Removes the given paths and everything below them. */
  recursiveDifference(prefixes: readonly FieldPath[]): FieldSet {
    if (prefixes.some((prefix) => prefix.length === 0)) return new FieldSet();
    const here = new Set(prefixes.filter((prefix) => prefix.length === 1).map((prefix) => prefix[0]!));
    const below = new Map<PathElement, FieldPath[]>();
    for (const prefix of prefixes) if (prefix.length > 1) below.set(prefix[0]!, [...(below.get(prefix[0]!) ?? []), prefix.slice(1)]);
    return this.combine(
      this,
      (m) => !here.has(m),
      (child, _mine, element) => (here.has(element) ? undefined : below.has(element) ? child.recursiveDifference(below.get(element)!) : child.copy()),
    );
  }

  private copy(): FieldSet {
    return this.combine(this, () => true, (child) => child.copy());
  }

  /** This set's members that `keep` accepts, and its children as `child` makes them (empty ones left out). */
  private combine(other: FieldSet, keep: (member: PathElement) => boolean, child: (mine: FieldSet, theirs: FieldSet | undefined, element: PathElement) => FieldSet | undefined): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (keep(m)) out.members.add(m);
    for (const [element, mine] of this.children) {
      const made = child(mine, other.children.get(element), element);
      if (made && !made.isEmpty()) out.children.set(element, made);
    }
    return out;
  }

  /** The FieldsV1 object: `.` first, then elements in structured-merge-diff's order. */
  toFieldsV1(includeSelf = false): JsonMap {
    const out: JsonMap = {};
    if (includeSelf && !this.isEmpty()) out['.'] = {};
    const elements = [...new Set([...this.members, ...this.children.keys()])].sort(comparePathElements);
    for (const element of elements) {
      const child = this.children.get(element);
      out[element] = child ? child.toFieldsV1(this.members.has(element)) : {};
    }
    return out;
  }

  private descend(path: FieldPath): FieldSet | undefined {
    return path.reduce<FieldSet | undefined>((node, element) => node?.children.get(element), this);
  }

  private collect(prefix: PathElement[], out: FieldPath[]): void {
    const elements = [...new Set([...this.members, ...this.children.keys()])].sort(comparePathElements);
    for (const element of elements) {
      const path = [...prefix, element];
      if (this.members.has(element)) out.push(path);
      this.children.get(element)?.collect(path, out);
    }
  }
}

/** A path as conflict messages print it: `.spec.containers[name="nginx"].image`. */
export function pathString(path: FieldPath): string {
  return path.map(elementString).join('');
}

function elementString(element: PathElement): string {
  const body = element.slice(2);
  switch (element.slice(0, 2)) {
    case 'f:':
      return `.${body}`;
    case 'k:': {
      const fields = JSON.parse(body) as JsonMap;
      return `[${Object.entries(fields)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    }
    case 'v:':
      return `[=${body}]`;
    default:
      return `[${body}]`;
  }
}

const ELEMENT_KIND_ORDER = ['f:', 'k:', 'v:', 'i:'];

/** Field names, then keys, then values, then indexes; each compared by content. */
export function comparePathElements(a: PathElement, b: PathElement): number {
  const kind = ELEMENT_KIND_ORDER.indexOf(a.slice(0, 2)) - ELEMENT_KIND_ORDER.indexOf(b.slice(0, 2));
  if (kind !== 0) return kind;
  const left = a.slice(2);
  const right = b.slice(2);
  switch (a.slice(0, 2)) {
    case 'f:':
      return compareStrings(left, right);
    case 'i:':
      return Number(left) - Number(right);
    case 'v:':
      return compareValues(JSON.parse(left), JSON.parse(right));
    default:
      return compareKeyFields(JSON.parse(left) as JsonMap, JSON.parse(right) as JsonMap);
  }
}

function compareKeyFields(a: JsonMap, b: JsonMap): number {
  const left = Object.entries(a);
  const right = Object.entries(b);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const byName = compareStrings(left[i]![0], right[i]![0]);
    if (byName !== 0) return byName;
    const byValue = compareValues(left[i]![1], right[i]![1]);
    if (byValue !== 0) return byValue;
  }
  return left.length - right.length;
}

const VALUE_TYPE_ORDER = ['null', 'boolean', 'number', 'string', 'array', 'object'];

function compareValues(a: unknown, b: unknown): number {
  const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  const byType = VALUE_TYPE_ORDER.indexOf(typeOf(a)) - VALUE_TYPE_ORDER.indexOf(typeOf(b));
  if (byType !== 0) return byType;
  if (typeof a === 'number') return a - (b as number);
  if (typeof a === 'boolean') return Number(a) - Number(b);
  if (typeof a === 'string') return compareStrings(a, b as string);
  return compareStrings(JSON.stringify(a), JSON.stringify(b));
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
