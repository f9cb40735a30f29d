// RFC 7386 merge patches: null deletes, objects merge, arrays and scalars replace; a body that is not
// an object is "Invalid JSON Patch" (400), as evanphx/json-patch answers kube-apiserver.
import { describe, expect, it } from 'vitest';
import { applyMergePatch } from '../../../../src/apiserver/patch/index.js';
import { deployment } from './components.js';
import { catchPatchError } from './catch-patch-error.js';

describe('applyMergePatch', () => {
  it('merges nested objects and deletes on null, leaving the input alone', () => {
    const live = deployment();
    const out = applyMergePatch(live, { metadata: { labels: { app: null, tier: 'a' }, annotations: { x: 'y' } }, spec: { replicas: 5 } });
    expect(out.metadata).toEqual({ ...live.metadata, labels: { tier: 'a' }, annotations: { x: 'y' } });
    expect((out.spec as any).replicas).toBe(5);
    expect(live).toEqual(deployment());
  });

  it('replaces arrays whole (kubectl scale sends {"spec":{"replicas":5}}; containers are not merged by name)', () => {
    const out = applyMergePatch(deployment(), { spec: { template: { spec: { containers: [{ name: 'other', image: 'x' }] } } } });
    expect((out.spec as any).template.spec.containers).toEqual([{ name: 'other', image: 'x' }]);
  });

  it('replaces a scalar with an object and drops nulls inside new objects', () => {
    const out = applyMergePatch({ a: 1 } as any, { a: { b: null, c: 2 } });
    expect(out).toEqual({ a: { c: 2 } });
  });

  it('prunes nulls from objects inside a value that replaces a non-object, but not from an array replacing an object member', () => {
    const live: any = { a: 'scalar', b: { c: 1 }, o: { p: { q: 1 } } };
    const out: any = applyMergePatch(live, { a: [{ x: null, y: 1 }, null], b: { c: [{ z: null }] }, n: { m: null, k: [null] }, o: { p: [{ z: null }] } });
    expect(out).toEqual({ a: [{ y: 1 }, null], b: { c: [{}] }, n: { k: [null] }, o: { p: [{ z: null }] } });
  });

  it.each([[null], [[1]], ['x'], [3]])('a body of %j is Invalid JSON Patch', (patch) => {
    const err = catchPatchError(() => applyMergePatch(deployment(), patch));
    expect([err.code, err.reason, err.message]).toEqual([400, 'BadRequest', 'Invalid JSON Patch']);
  });
});
