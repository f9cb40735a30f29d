import { describe, expect, it } from 'vitest';
import { asStored, decodeObject, encodeObject, sameEncoding } from '../../../../src/apiserver/storage/object-codec.js';
import type { KubeObject } from '../../../../src/apiserver/schema/types.js';

const pod = (): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', uid: 'u-1', resourceVersion: '7', labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }] }], nodeName: 'node-1' },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
});

/** Variations of pod(): each either leaves the stored bytes alone or changes them. */
const variations: [string, (obj: KubeObject) => void][] = [
  ['another resourceVersion', (o) => (o.metadata!.resourceVersion = '99')],
  ['no resourceVersion', (o) => delete o.metadata!.resourceVersion],
  ['a member holding undefined', (o) => ((o.spec as Record<string, unknown>).hostname = undefined)],
  ['a changed leaf', (o) => ((o.status as Record<string, unknown>).phase = 'Pending')],
  ['a number for a string', (o) => (((o.spec as { containers: Record<string, unknown>[] }).containers[0]!.ports as Record<string, unknown>[])[0]!.containerPort = '80')],
  ['an added member', (o) => (o.metadata!.annotations = {})],
  ['a removed member', (o) => delete (o.spec as Record<string, unknown>).nodeName],
  ['the same keys in another order', (o) => { const { name, ...rest } = o.metadata!; o.metadata = { ...rest, name }; }],
  ['a list item more', (o) => (o.status as { conditions: unknown[] }).conditions.push({ type: 'PodScheduled', status: 'True' })],
  ['null for an object', (o) => ((o.status as Record<string, unknown>).conditions = null)],
  ['an empty list for an empty object', (o) => (o.metadata!.labels = [] as unknown as Record<string, string>)],
];

describe('the stored form of an object, without the round trip', () => {
  it.each(variations)('sameEncoding agrees with the bytes: %s', (_name, change) => {
    const changed = pod();
    change(changed);
    expect(sameEncoding(pod(), changed)).toBe(encodeObject(pod()).equals(encodeObject(changed)));
    expect(sameEncoding(changed, pod())).toBe(encodeObject(changed).equals(encodeObject(pod())));
  });

  it('tells some variations apart and not others, so the comparison above is not vacuous', () => {
    const verdicts = variations.map(([, change]) => {
      const changed = pod();
      change(changed);
      return sameEncoding(pod(), changed);
    });
    expect(verdicts).toContain(true);
    expect(verdicts).toContain(false);
  });

  it('asStored gives what decoding the stored bytes gives, key order included', () => {
    for (const obj of [pod(), { ...pod(), metadata: undefined }, { kind: 'X', metadata: { resourceVersion: '3', name: 'n' }, spec: { a: 1 } }] as KubeObject[]) {
      const roundTrip = decodeObject(encodeObject(obj), 42);
      expect(JSON.stringify(asStored(obj, 42))).toBe(JSON.stringify(roundTrip));
      expect(asStored(obj, 42).metadata?.resourceVersion).toBe('42');
    }
  });

  it('asStored leaves the object it was given as it was', () => {
    const obj = pod();
    asStored(obj, 42);
    expect(obj).toEqual(pod());
  });
});
