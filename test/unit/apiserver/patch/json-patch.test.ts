// RFC 6902 patches with kube-apiserver's answers: a body that is not a list of operations is a 400 with
// the Go decoder's message; an operation that cannot apply is the generic 422 (kube drops the detail).
import { describe, expect, it } from 'vitest';
import { applyJsonPatch } from '../../../../src/apiserver/patch/index.js';
import { catchPatchError } from './catch-patch-error.js';
import { deployment } from './components.js';

describe('applyJsonPatch', () => {
  it.each([
    ['replace', [{ op: 'replace', path: '/spec/replicas', value: 5 }], (d: any) => expect(d.spec.replicas).toBe(5)],
    ['add a label', [{ op: 'add', path: '/metadata/labels/tier', value: 'web' }], (d: any) => expect(d.metadata.labels).toEqual({ app: 'web', tier: 'web' })],
    ['append with -', [{ op: 'add', path: '/spec/template/spec/containers/-', value: { name: 'b', image: 'b' } }], (d: any) => expect(d.spec.template.spec.containers).toHaveLength(2)],
    ['remove', [{ op: 'remove', path: '/metadata/labels/app' }], (d: any) => expect(d.metadata.labels).toEqual({})],
    ['passing test then replace', [{ op: 'test', path: '/spec/replicas', value: 2 }, { op: 'replace', path: '/spec/replicas', value: 3 }], (d: any) => expect(d.spec.replicas).toBe(3)],
    ['move', [{ op: 'move', from: '/metadata/labels/app', path: '/metadata/labels/name' }], (d: any) => expect(d.metadata.labels).toEqual({ name: 'web' })],
    ['null body is an empty patch', null, (d: any) => expect(d).toEqual(deployment())],
    ['an add without a value sets null', [{ op: 'add', path: '/metadata/annotations' }], (d: any) => expect(d.metadata.annotations).toBeNull()],
    ['testing an absent member for null passes', [{ op: 'test', path: '/metadata/annotations', value: null }, { op: 'add', path: '/metadata/annotations', value: { a: 'b' } }], (d: any) => expect(d.metadata.annotations).toEqual({ a: 'b' })],
  ])('%s', (_name, patch, check) => {
    const live = deployment();
    check(applyJsonPatch(live, patch));
    expect(live).toEqual(deployment());
  });

  it.each([
    ['a failed test', [{ op: 'test', path: '/spec/replicas', value: 9 }]],
    ['testing a set member for null', [{ op: 'test', path: '/spec/replicas', value: null }]],
    ['testing for null under a missing parent', [{ op: 'test', path: '/status/replicas', value: null }]],
    ['removing a missing path', [{ op: 'remove', path: '/spec/paused' }]],
    ['replacing a missing path', [{ op: 'replace', path: '/metadata/annotations', value: {} }]],
    ['adding under a missing parent', [{ op: 'add', path: '/status/conditions/0', value: {} }]],
    ['an unknown op', [{ op: 'frobnicate', path: '/spec' }]],
  ])('%s is the generic 422', (_name, patch) => {
    const err = catchPatchError(() => applyJsonPatch(deployment(), patch));
    expect([err.code, err.reason, err.message, err.details]).toEqual([422, 'Invalid', 'the server rejected our request due to an error in our request', {}]);
  });

  it.each([
    [{ op: 'replace' }, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch'],
    ['x', 'json: cannot unmarshal string into Go value of type jsonpatch.Patch'],
    [[1], 'json: cannot unmarshal number into Go value of type jsonpatch.Operation'],
    [[[]], 'json: cannot unmarshal array into Go value of type jsonpatch.Operation'],
  ])('a body of %j is a 400', (patch, message) => {
    const err = catchPatchError(() => applyJsonPatch(deployment(), patch));
    expect([err.code, err.reason, err.message]).toEqual([400, 'BadRequest', message]);
  });

  it('refuses more than 10000 operations with 413', () => {
    const patch = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/kind', value: 'Deployment' }));
    const err = catchPatchError(() => applyJsonPatch(deployment(), patch));
    expect([err.code, err.reason, err.message]).toEqual([
      413,
      'RequestEntityTooLarge',
      'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001',
    ]);
  });
});

