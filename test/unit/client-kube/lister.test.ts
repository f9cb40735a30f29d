import { describe, expect, it } from 'vitest';
import { IndexedStore, defaultIndexers } from '../../../src/client/kube/indexed-store.js';
import { Indexes, labelSelectorMatches, Lister, type KubeObject } from '../../../src/client/kube/index.js';

const obj = (namespace: string, name: string, extra: { labels?: Record<string, string>; owners?: string[]; nodeName?: string } = {}): KubeObject => ({
  metadata: { namespace, name, labels: extra.labels, ownerReferences: extra.owners?.map((uid) => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: uid, uid })) },
  spec: extra.nodeName ? { nodeName: extra.nodeName } : {},
});

describe('labelSelectorMatches', () => {
  const cases: [string, Parameters<typeof labelSelectorMatches>[0], Record<string, string>, boolean][] = [
    ['empty selector matches everything', {}, { a: '1' }, true],
    ['missing selector matches nothing', undefined, { a: '1' }, false],
    ['matchLabels equal', { matchLabels: { a: '1' } }, { a: '1', b: '2' }, true],
    ['matchLabels differ', { matchLabels: { a: '1' } }, { a: '2' }, false],
    ['In', { matchExpressions: [{ key: 'a', operator: 'In', values: ['1', '2'] }] }, { a: '2' }, true],
    ['In, absent key', { matchExpressions: [{ key: 'a', operator: 'In', values: ['1'] }] }, {}, false],
    ['NotIn, absent key', { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }, {}, true],
    ['NotIn, listed value', { matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }, { a: '1' }, false],
    ['Exists', { matchExpressions: [{ key: 'a', operator: 'Exists' }] }, { a: '' }, true],
    ['DoesNotExist', { matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] }, { a: '' }, false],
    ['labels and expressions ANDed', { matchLabels: { a: '1' }, matchExpressions: [{ key: 'b', operator: 'Exists' }] }, { a: '1' }, false],
  ];
  it.each(cases)('%s', (_name, selector, labels, expected) => {
    expect(labelSelectorMatches(selector, labels)).toBe(expected);
  });
});

describe('Lister over the indexed store', () => {
  const store = new IndexedStore<KubeObject>(defaultIndexers);
  store.upsert(obj('ns1', 'a', { labels: { app: 'web' }, owners: ['rs-1'], nodeName: 'n1' }));
  store.upsert(obj('ns1', 'b', { labels: { app: 'db' }, owners: ['rs-2'] }));
  store.upsert(obj('ns2', 'c', { labels: { app: 'web' }, owners: ['rs-1', 'rs-3'], nodeName: 'n1' }));
  const lister = new Lister(store);
  const names = (objects: KubeObject[]): string[] => objects.map((o) => o.metadata.name!).sort();

  it('gets by namespace and name, lists by selector and namespace', () => {
    expect(lister.get('ns1', 'a')?.metadata.name).toBe('a');
    expect(lister.get('ns2', 'a')).toBeUndefined();
    expect(names(lister.list())).toEqual(['a', 'b', 'c']);
    expect(names(lister.list({ matchLabels: { app: 'web' } }))).toEqual(['a', 'c']);
    expect(names(lister.list({ matchLabels: { app: 'web' } }, 'ns1'))).toEqual(['a']);
    expect(names(lister.list((labels) => labels.app === 'db'))).toEqual(['b']);
  });

  it('indexes by namespace, owner uid and node name, and keeps indexes current on update and delete', () => {
    expect(names(lister.byIndex(Indexes.namespace, 'ns1'))).toEqual(['a', 'b']);
    expect(names(lister.byIndex(Indexes.owner, 'rs-1'))).toEqual(['a', 'c']);
    expect(names(lister.byIndex(Indexes.nodeName, 'n1'))).toEqual(['a', 'c']);
    store.upsert(obj('ns1', 'a', { owners: ['rs-2'], nodeName: 'n2' }));
    expect(names(lister.byIndex(Indexes.owner, 'rs-1'))).toEqual(['c']);
    expect(names(lister.byIndex(Indexes.owner, 'rs-2'))).toEqual(['a', 'b']);
    expect(names(lister.byIndex(Indexes.nodeName, 'n2'))).toEqual(['a']);
    store.remove('ns2/c');
    expect(lister.byIndex(Indexes.nodeName, 'n1')).toEqual([]);
    expect(() => lister.byIndex('nope', 'x')).toThrow('index "nope" does not exist');
  });
});

describe("what an owner may claim: the controller index", () => {
  const controlled = (namespace: string, name: string, controllerUid?: string, otherOwnerUid?: string): KubeObject => ({
    metadata: {
      namespace,
      name,
      ownerReferences: [
        ...(otherOwnerUid ? [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: otherOwnerUid }] : []),
        ...(controllerUid ? [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: controllerUid, controller: true }] : []),
      ],
    },
  });
  const owner = (namespace: string, uid: string): KubeObject => ({ metadata: { namespace, name: 'rs', uid } });
  const names = (objects: KubeObject[]): string[] => objects.map((o) => o.metadata.name!).sort();

  it("gives the objects an owner controls and its namespace's orphans, not other controllers' or namespaces'", () => {
    const store = new IndexedStore<KubeObject>(defaultIndexers);
    store.upsert(controlled('ns1', 'mine', 'uid-a'));
    store.upsert(controlled('ns1', 'theirs', 'uid-b'));
    // An owner reference that is not a controller leaves the object an orphan.
    store.upsert(controlled('ns1', 'orphan', undefined, 'uid-a'));
    store.upsert(controlled('ns2', 'orphan-elsewhere'));
    store.upsert(controlled('ns2', 'claims-a-elsewhere', 'uid-a'));
    const lister = new Lister(store);
    expect(names(lister.ownedOrOrphaned(owner('ns1', 'uid-a')))).toEqual(['mine', 'orphan']);
    expect(names(lister.ownedOrOrphaned(owner('ns1', 'uid-b')))).toEqual(['orphan', 'theirs']);
    expect(names(lister.ownedOrOrphaned(owner('ns2', 'uid-c')))).toEqual(['orphan-elsewhere']);
    expect(names(lister.controlledBy(owner('ns1', 'uid-a')))).toEqual(['mine']);
    expect(names(lister.controlledBy(owner('ns2', 'uid-a')))).toEqual(['claims-a-elsewhere']);
  });

  it('follows an object adopted, released and deleted', () => {
    const store = new IndexedStore<KubeObject>(defaultIndexers);
    const lister = new Lister(store);
    store.upsert(controlled('ns1', 'p'));
    store.upsert(controlled('ns1', 'p', 'uid-a'));
    expect(names(lister.ownedOrOrphaned(owner('ns1', 'uid-a')))).toEqual(['p']);
    expect(lister.byIndex(Indexes.controller, 'uid-a')).toHaveLength(1);
    store.upsert(controlled('ns1', 'p'));
    expect(lister.byIndex(Indexes.controller, 'uid-a')).toEqual([]);
    expect(names(lister.ownedOrOrphaned(owner('ns1', 'uid-b')))).toEqual(['p']);
    store.remove('ns1/p');
    expect(lister.ownedOrOrphaned(owner('ns1', 'uid-a'))).toEqual([]);
  });
});
