import { describe, expect, it } from 'vitest';
import { CacheWatcher, type CacheEvent } from '../../../src/apiserver/watch/cache-watcher.js';
import type { KubeObject } from '../../../src/apiserver/schema/types.js';

const pod = (rv: number, labels: Record<string, string>): KubeObject => ({ metadata: { name: 'p', namespace: 'ns', resourceVersion: String(rv), labels } });

function watcher(): { w: CacheWatcher; seen: string[] } {
  const seen: string[] = [];
  const w = new CacheWatcher(
    {
      keyPrefix: '/registry/pods/ns/',
      matches: (obj) => obj.metadata?.labels?.['app'] === 'web',
      allowBookmarks: true,
      bookmark: (rv) => ({ kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: String(rv) } }),
    },
    { send: (type, obj) => seen.push(`${type} ${obj.metadata?.resourceVersion}`), end: () => seen.push('end') },
  );
  return { w, seen };
}

const event = (type: CacheEvent['type'], obj: KubeObject, prevObj?: KubeObject, key = '/registry/pods/ns/p'): CacheEvent => ({
  type,
  key,
  obj,
  ...(prevObj ? { prevObj } : {}),
  revision: Number(obj.metadata?.resourceVersion),
});

describe('a cache watcher with a selector', () => {
  it('sends ADDED when an object starts matching and DELETED (at the new revision) when it stops', () => {
    const { w, seen } = watcher();
    w.deliver(event('ADDED', pod(2, { app: 'db' })));
    w.deliver(event('MODIFIED', pod(3, { app: 'web' }), pod(2, { app: 'db' })));
    w.deliver(event('MODIFIED', pod(4, { app: 'web', x: '1' }), pod(3, { app: 'web' })));
    w.deliver(event('MODIFIED', pod(5, { app: 'db' }), pod(4, { app: 'web', x: '1' })));
    w.deliver(event('DELETED', pod(6, { app: 'db' }), pod(5, { app: 'db' })));
    expect(seen).toEqual(['ADDED 3', 'MODIFIED 4', 'DELETED 5']);
  });

  it('ignores keys outside its scope, sends bookmarks, and ends once', () => {
    const { w, seen } = watcher();
    w.deliver(event('ADDED', pod(2, { app: 'web' }), undefined, '/registry/pods/other/p'));
    w.bookmark(7);
    w.terminate();
    w.terminate();
    w.bookmark(8);
    expect(seen).toEqual(['BOOKMARK 7', 'end']);
  });
});
