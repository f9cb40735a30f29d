// A watch over HTTP: headers flushed at once, then the events from the resource's watch cache, until
// timeoutSeconds (or a random 30–60 minutes) passes or the client leaves. In JSON one event per line,
// one-row Tables when the client asked for Tables (column definitions only in the first); in protobuf
// (`;stream=watch`) length-prefixed WatchEvent frames. A watch from history the cache no longer has
// gets an ERROR event with 410 Expired, then ends.

import { randomInt } from 'node:crypto';
import { asStatusError, badRequest, invalid } from '../errors/status.js';
import { encodeKubernetesProtobuf, Unencodable, watchEventFrame } from '../protobuf/encode.js';
import { PROTOBUF_WATCH_CONTENT_TYPE } from '../protobuf/negotiate.js';
import type { KubeObject } from '../schema/types.js';
import { includeObjectParam, toTable } from '../table/table.js';
import type { CacheWatcher, WatchEventType, WatchSink } from '../watch/cache-watcher.js';
import type { WatchStart } from '../watch/cacher.js';
import { listOptions, revisionOf } from './list-options.js';
import { responseFormat, tableAsked } from './output.js';
import { apiVersionOf, cacherOf, collectionPrefix, served, type Scope } from './scope.js';

/** A watch may ask for a revision the cache has not reached yet; it waits this long for it. */
const FUTURE_REVISION_WAIT_MS = 3000;
/** Beyond this many bytes waiting on a slow client, the watch is ended (the client re-watches). */
const MAX_PENDING_BYTES = 16 * 1024 * 1024;

/**
 * An event's bytes, shared by every watcher that sends that stored object as that event type in that
 * media type (as kube's cachingObject): a thousand watchers of one object encode it once.
 */
const encodings = new WeakMap<KubeObject, Map<string, string | Buffer>>();

function sharedEncoding(obj: KubeObject, key: string, encode: () => string | Buffer): string | Buffer {
  let forObject = encodings.get(obj);
  if (!forObject) encodings.set(obj, (forObject = new Map()));
  let encoded = forObject.get(key);
  if (encoded === undefined) forObject.set(key, (encoded = encode()));
  return encoded;
}

function watchDuration(scope: Scope): number {
  const text = scope.query.get('timeoutSeconds');
  if (text === null || text === '') return randomInt(1800, 3600) * 1000;
  const seconds = Number(text);
  if (!Number.isInteger(seconds) || seconds < 0) throw badRequest(`invalid timeoutSeconds: ${text}`);
  return seconds * 1000;
}

function watchStart(scope: Scope, resourceVersion: string): WatchStart {
  const sendInitialEvents = scope.query.get('sendInitialEvents');
  if (sendInitialEvents === 'true') {
    if (scope.query.get('resourceVersionMatch') !== 'NotOlderThan' || scope.query.get('allowWatchBookmarks') !== 'true') {
      throw invalid('meta.k8s.io', 'ListOptions', '', [
        { reason: 'FieldValueForbidden', message: "Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled or resourceVersionMatch is set to 'NotOlderThan' and allowWatchBookmarks to true", field: 'sendInitialEvents' },
      ]);
    }
    return { from: 'now', initialEventsEnd: true };
  }
  if (resourceVersion === '' || resourceVersion === '0') return { from: 'now' };
  return { from: 'revision', revision: revisionOf(resourceVersion) };
}

export async function watchObjects(scope: Scope): Promise<void> {
  const options = listOptions(scope);
  const duration = watchDuration(scope);
  const start = watchStart(scope, options.resourceVersion);
  const cacher = cacherOf(scope);
  await cacher.ready();
  if (start.from === 'revision') await cacher.waitFor(start.revision, FUTURE_REVISION_WAIT_MS);
  const { res, spec } = scope;
  const protobuf = responseFormat(scope) === 'protobuf';
  const table = tableAsked(scope);
  const includeObject = includeObjectParam(scope.query.get('includeObject'));
  res.writeHead(200, { 'Content-Type': protobuf ? PROTOBUF_WATCH_CONTENT_TYPE : 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  let headersSent = false;
  const encodeObject = (type: WatchEventType, obj: KubeObject): string | Buffer => {
    if (protobuf) return watchEventFrame(type, encodeKubernetesProtobuf(type === 'ERROR' ? obj : { ...obj, apiVersion: apiVersionOf(spec), kind: spec.kind }));
    return `${JSON.stringify({ type, object: obj })}\n`;
  };
  const encode = (type: WatchEventType, stored: KubeObject): string | Buffer => {
    if (type === 'BOOKMARK' || type === 'ERROR') return encodeObject(type, stored);
    const obj = served(scope, stored);
    if (table) {
      const wrapped = toTable(spec, [obj], { apiVersion: table, includeObject, noHeaders: headersSent, now: scope.ctx.now(), listMeta: { resourceVersion: obj.metadata?.resourceVersion ?? '' } });
      headersSent = true;
      return `${JSON.stringify({ type, object: wrapped })}\n`;
    }
    // A resource served as stored sends the cache's own object, the same for every watcher.
    return obj === stored ? sharedEncoding(stored, `${type} ${protobuf ? 'protobuf' : 'json'}`, () => encodeObject(type, obj)) : encodeObject(type, obj);
  };
  let finished = false;
  let watcher: CacheWatcher | undefined;
  const finish = (): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    if (watcher) cacher.unwatch(watcher);
    res.end();
  };
  const sink: WatchSink = {
    send: (type, obj) => {
      if (finished) return;
      try {
        res.write(encode(type, obj));
      } catch (err) {
        // As kube's watch server: an object it cannot encode ends the watch (the client re-watches).
        if (!(err instanceof Unencodable)) throw err;
        finish();
        return;
      }
      if (res.writableLength > MAX_PENDING_BYTES) finish();
    },
    end: finish,
  };
  const timer = setTimeout(finish, duration);
  res.on('close', finish);
  try {
    watcher = cacher.watch(
      start,
      {
        keyPrefix: collectionPrefix(scope),
        matches: (obj) => options.matches(served(scope, obj)),
        requiredFields: options.requiredFields,
        allowBookmarks: scope.query.get('allowWatchBookmarks') === 'true',
        bookmark: (revision, annotations) => ({
          kind: spec.kind,
          apiVersion: apiVersionOf(spec),
          metadata: { resourceVersion: String(revision), ...(annotations ? { annotations } : {}) },
        }),
      },
      sink,
    );
  } catch (err) {
    // As kube-apiserver's cacher: once the request is accepted, a failure is an ERROR event.
    sink.send('ERROR', asStatusError(err).toStatus() as KubeObject);
    finish();
    return;
  }
  if (finished) cacher.unwatch(watcher);
}
