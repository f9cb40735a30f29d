// kube-apiserver's storage/etcd3 store over the etcd v3 API: resourceVersion = mod revision; create is
// a Txn on the key's absence, update and delete Txns on the mod revision read before (retried on a
// lost race, as GuaranteedUpdate does); a write that changes nothing writes nothing. As behind kube's
// cacher, an update first decides on the watch cache's copy of the object instead of reading it.

import { prefixEnd, StoreError, type KeyValue, type StoreClient } from '../../client/etcd/store-client.js';
import { alreadyExists, expired, internal, notFound, StatusError, timeout, type Qualified } from '../errors/status.js';
import type { KubeObject } from '../schema/types.js';
import { copyJson } from '../patch/json-values.js';
import { decodeContinue, encodeContinue } from './continue-token.js';
import { asStored, decodeObject, encodeObject, sameEncoding } from './object-codec.js';

export interface StoredObject {
  readonly obj: KubeObject;
  readonly revision: number;
}

/** The watch cache's copy of the object at a key, if a cache holds that key's resource. */
export type CachedObject = (key: string) => KubeObject | undefined;

/** Decides the new state from the current one; throwing a StatusError aborts the write. */
export type UpdateFunction = (current: KubeObject) => KubeObject | Promise<KubeObject>;

export interface ListPage {
  readonly items: KubeObject[];
  /** The revision the page was read at (the list's resourceVersion). */
  readonly revision: number;
  readonly continueToken?: string;
  readonly remainingItemCount?: number;
}

export interface PageRequest {
  readonly limit: number;
  readonly continueToken?: string;
  /** Read at this revision (0: the latest). */
  readonly revision?: number;
  readonly matches: (obj: KubeObject) => boolean;
}

const COMPACTED = 'etcdserver: mvcc: required revision has been compacted';
const FUTURE = 'etcdserver: mvcc: required revision is a future revision';

function stored(kv: KeyValue): StoredObject {
  return { obj: decodeObject(kv.value, kv.modRevision), revision: kv.modRevision };
}

/** An etcd failure as a Status (kube-apiserver's storage error interpretation). */
function storeFailure(err: unknown): Error {
  if (err instanceof StoreError && err.message.endsWith('request timed out')) return timeout(err.message);
  return err instanceof StatusError ? err : internal(err);
}

export class EtcdStore {
  /** currentRevision's read in flight, and the one queued to start after it. */
  private revisionRead: Promise<number> | undefined;
  private nextRevisionRead: Promise<number> | undefined;

  constructor(
    readonly client: StoreClient,
    readonly prefix: string,
    private readonly cachedObject: CachedObject = () => undefined,
  ) {}

  /** `/registry/<storagePath>/[<namespace>/]<name>`. */
  key(storagePath: string, namespace: string | undefined, name: string): string {
    return namespace ? `${this.prefix}/${storagePath}/${namespace}/${name}` : `${this.prefix}/${storagePath}/${name}`;
  }

  /** The prefix a list reads: every namespace, or one. */
  listPrefix(storagePath: string, namespace?: string): string {
    return namespace ? `${this.prefix}/${storagePath}/${namespace}/` : `${this.prefix}/${storagePath}/`;
  }

  async get(key: string): Promise<StoredObject | undefined> {
    try {
      const result = await this.client.range(key);
      return result.kvs[0] ? stored(result.kvs[0]) : undefined;
    } catch (err) {
      throw storeFailure(err);
    }
  }

  /**
   * The store's current revision, read after the call began. Admission asks for it several times per
   * create; callers that arrive while a read is in flight share the next one, which starts once that one
   * ends (the one in flight may have begun before their call), so at most two are ever outstanding.
   */
  currentRevision(): Promise<number> {
    if (!this.revisionRead) {
      this.revisionRead = this.readRevision().finally(() => (this.revisionRead = undefined));
      return this.revisionRead;
    }
    this.nextRevisionRead ??= this.revisionRead.then(
      () => this.startQueuedRevisionRead(),
      () => this.startQueuedRevisionRead(),
    );
    return this.nextRevisionRead;
  }

  private startQueuedRevisionRead(): Promise<number> {
    this.nextRevisionRead = undefined;
    return this.currentRevision();
  }

  private async readRevision(): Promise<number> {
    try {
      return (await this.client.range(`${this.prefix}/`, { countOnly: true, limit: 1 })).revision;
    } catch (err) {
      throw storeFailure(err);
    }
  }

  async create(key: string, obj: KubeObject, q: Qualified, lease?: string): Promise<KubeObject> {
    const raw = encodeObject(obj);
    const result = await this.client.txn({ key, modRevision: 0, then: { put: raw, ...(lease ? { lease } : {}) } }).catch((err: unknown) => {
      throw storeFailure(err);
    });
    if (!result.succeeded) throw alreadyExists(q, obj.metadata?.name ?? '');
    return asStored(obj, result.revision);
  }

  /**
   * GuaranteedUpdate: decide, write if the key still has the revision decided on; on a lost race, decide
   * again on what the store now holds (the failed Txn returns it). The first decision is made on the
   * watch cache's copy when there is one, as kube's cacher passes it down, sparing a read per update; a
   * decision on that copy that fails or changes nothing is made again on a read before it counts, since
   * the copy may be stale. Unchanged bytes write nothing and return the current object. The put keeps
   * the key's lease (an event's TTL), whatever copy it was decided on.
   */
  async guaranteedUpdate(key: string, q: Qualified, name: string, update: UpdateFunction, current?: StoredObject): Promise<KubeObject> {
    const cached = current ? undefined : this.cachedState(key);
    let state = current ?? cached ?? (await this.get(key));
    let fresh = state !== cached;
    for (;;) {
      if (!state) throw notFound(q, name);
      let next: KubeObject;
      try {
        next = await update(copyJson(state.obj));
      } catch (err) {
        if (fresh) throw err;
        [state, fresh] = [await this.get(key), true];
        continue;
      }
      if (sameEncoding(next, state.obj)) {
        if (fresh) return state.obj;
        [state, fresh] = [await this.get(key), true];
        continue;
      }
      const result = await this.client.txn({ key, modRevision: state.revision, then: { put: encodeObject(next), keepLease: true } }).catch((err: unknown) => {
        throw storeFailure(err);
      });
      // What was written, without decoding it again: the update's result is this call's own.
      if (result.succeeded) return asStored(next, result.revision);
      [state, fresh] = [result.current ? stored(result.current) : undefined, true];
    }
  }

  private cachedState(key: string): StoredObject | undefined {
    const obj = this.cachedObject(key);
    return obj && { obj, revision: Number(obj.metadata?.resourceVersion) };
  }

  /**
   * Deletes the key once `check` accepts its current state (throwing aborts); returns the deleted object
   * with the delete's revision as its resourceVersion.
   */
  async delete(key: string, q: Qualified, name: string, check: (current: KubeObject) => void, current?: StoredObject): Promise<KubeObject> {
    let state = current ?? (await this.get(key));
    for (;;) {
      if (!state) throw notFound(q, name);
      check(state.obj);
      const result = await this.client.txn({ key, modRevision: state.revision, then: { delete: true } }).catch((err: unknown) => {
        throw storeFailure(err);
      });
      if (result.succeeded) return asStored(copyJson(state.obj), result.revision);
      state = result.current ? stored(result.current) : undefined;
    }
  }

  /**
   * A page of a list straight from etcd, at one revision across pages (the continue token carries it):
   * items are read in key order until `limit` match.
   */
  async listPage(prefix: string, page: PageRequest): Promise<ListPage> {
    const position = page.continueToken ? decodeContinue(page.continueToken) : undefined;
    let start = position ? prefix + position.start : prefix;
    let revision = position?.revision ?? page.revision ?? 0;
    const end = prefixEnd(prefix);
    const items: KubeObject[] = [];
    const want = page.limit > 0 ? page.limit : Number.MAX_SAFE_INTEGER;
    for (;;) {
      let result;
      try {
        result = await this.client.range(start, { end, revision, limit: page.limit > 0 ? want - items.length + 1 : 0 });
      } catch (err) {
        if (err instanceof StoreError && err.message === COMPACTED) {
          throw position
            ? expired(
                'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
              )
            : expired('The resourceVersion for the provided list is too old.');
        }
        if (err instanceof StoreError && err.message === FUTURE) throw timeout(`Too large resource version: ${revision}, current: unknown`);
        throw storeFailure(err);
      }
      if (revision === 0) revision = result.revision;
      for (let i = 0; i < result.kvs.length; i++) {
        const kv = result.kvs[i]!;
        const obj = decodeObject(kv.value, kv.modRevision);
        if (!page.matches(obj)) continue;
        if (items.length === want) {
          // One more match exists: this page ends before it.
          const token = encodeContinue(revision, kv.key.slice(prefix.length));
          return { items, revision, continueToken: token, remainingItemCount: result.count - i };
        }
        items.push(obj);
      }
      const last = result.kvs[result.kvs.length - 1];
      if (!result.more || !last) return { items, revision };
      start = `${last.key}\0`;
    }
  }
}
