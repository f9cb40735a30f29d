// FieldsV1 as structured-merge-diff writes it: `.` first where a node is itself owned, field names
// before list keys before set values before indexes, keys with sorted names; read back to the same set.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FieldSet, fieldElement, keyElement, pathString, valueElement, type FieldPath } from '../../../../src/apiserver/patch/field-set.js';

const f = fieldElement;

describe('FieldSet', () => {
  it('writes FieldsV1 in structured-merge-diff order and reads it back', () => {
    const set = FieldSet.fromPaths([
      [f('spec'), f('template'), f('spec'), f('containers'), keyElement(['name'], { name: 'b' })],
      [f('spec'), f('template'), f('spec'), f('containers'), keyElement(['name'], { name: 'b' }), f('image')],
      [f('spec'), f('template'), f('spec'), f('containers'), keyElement(['name'], { name: 'a' }), f('name')],
      [f('metadata'), f('finalizers'), valueElement('z')],
      [f('metadata'), f('finalizers'), valueElement('a')],
      [f('spec'), f('replicas')],
      [f('metadata'), f('labels')],
      [f('metadata'), f('labels'), f('app')],
    ]);
    const fieldsV1 = set.toFieldsV1();
    expect(JSON.stringify(fieldsV1)).toBe(
      '{"f:metadata":{"f:finalizers":{"v:\\"a\\"":{},"v:\\"z\\"":{}},"f:labels":{".":{},"f:app":{}}},' +
        '"f:spec":{"f:replicas":{},"f:template":{"f:spec":{"f:containers":{"k:{\\"name\\":\\"a\\"}":{"f:name":{}},"k:{\\"name\\":\\"b\\"}":{".":{},"f:image":{}}}}}}}',
    );
    expect(FieldSet.fromFieldsV1(JSON.parse(JSON.stringify(fieldsV1))).paths()).toEqual(set.paths());
  });

  it('orders key elements by their fields and names keys in sorted order', () => {
    expect(keyElement(['protocol', 'containerPort'], { protocol: 'TCP', containerPort: 80, name: 'http' })).toBe('k:{"containerPort":80,"protocol":"TCP"}');
    const set = FieldSet.fromPaths([[keyElement(['port'], { port: 443 })], [keyElement(['port'], { port: 80 })], [f('x')]]);
    expect(Object.keys(set.toFieldsV1())).toEqual(['f:x', 'k:{"port":80}', 'k:{"port":443}']);
  });

  it('combines sets path by path', () => {
    const a = FieldSet.fromPaths([[f('a')], [f('b'), f('c')]]);
    const b = FieldSet.fromPaths([[f('b'), f('c')], [f('d')]]);
    expect(a.union(b).paths()).toEqual([[f('a')], [f('b'), f('c')], [f('d')]]);
    expect(a.difference(b).paths()).toEqual([[f('a')]]);
    expect(a.intersection(b).paths()).toEqual([[f('b'), f('c')]]);
    expect(a.recursiveDifference([[f('b')]]).paths()).toEqual([[f('a')]]);
    expect(a.hasPrefix([f('b')])).toBe(true);
    expect(a.has([f('b')])).toBe(false);
  });

  it('prints paths as conflict messages do', () => {
    expect(pathString([f('spec'), f('template'), f('spec'), f('containers'), keyElement(['name'], { name: 'nginx' }), f('image')])).toBe(
      '.spec.template.spec.containers[name="nginx"].image',
    );
    expect(pathString([f('metadata'), f('finalizers'), valueElement('x')])).toBe('.metadata.finalizers[="x"]');
  });
});

// The set algebra works on the trees; its answers are those of the path-by-path definitions.
describe('FieldSet algebra, path by path', () => {
  const element = fc.constantFrom('f:a', 'f:b', 'f:c', 'k:{"name":"x"}', 'v:1', 'i:0');
  const path = fc.array(element, { minLength: 1, maxLength: 4 });
  const paths = fc.array(path, { maxLength: 12 });
  const key = (p: FieldPath): string => JSON.stringify(p);
  const sorted = (set: FieldSet): string[] => set.paths().map(key).sort();
  const under = (p: FieldPath, prefix: FieldPath): boolean => prefix.length <= p.length && prefix.every((e, i) => p[i] === e);

  it('union, difference, intersection and recursiveDifference', () => {
    fc.assert(
      fc.property(paths, paths, fc.array(fc.array(element, { maxLength: 3 }), { maxLength: 3 }), (left, right, prefixes) => {
        const a = FieldSet.fromPaths(left);
        const b = FieldSet.fromPaths(right);
        const inB = new Set(b.paths().map(key));
        expect(sorted(a.union(b))).toEqual([...new Set([...a.paths(), ...b.paths()].map(key))].sort());
        expect(sorted(a.difference(b))).toEqual(a.paths().filter((p) => !inB.has(key(p))).map(key).sort());
        expect(sorted(a.intersection(b))).toEqual(a.paths().filter((p) => inB.has(key(p))).map(key).sort());
        expect(sorted(a.recursiveDifference(prefixes))).toEqual(a.paths().filter((p) => !prefixes.some((prefix) => under(p, prefix))).map(key).sort());
        expect(a.covers(b)).toBe(b.paths().every((p) => a.has(p)));
        // An operation that changes nothing answers the set itself (what is cached for it stays valid).
        if (a.covers(b)) expect(a.union(b)).toBe(a);
        expect(a.difference(new FieldSet())).toBe(a);
        // No empty node is left behind: a set with no paths is empty.
        expect(a.difference(a).isEmpty()).toBe(true);
        expect(a.intersection(b).isEmpty()).toBe(sorted(a.intersection(b)).length === 0);
      }),
      { numRuns: 300 },
    );
  });
});
