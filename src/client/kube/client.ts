// The typed REST client: the verbs client-go's dynamic client offers, over any ResourceRef.

import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { KubeApiError, statusFromResponse } from './api-error.js';
import type { Kubeconfig } from './kubeconfig.js';
import type { KubeObject, ObjectList } from './objects.js';
import { collectionPath, objectPath, type ResourceRef } from './resource.js';
import { watchStream, type WatchStream } from './watch-stream.js';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
  /** Page size; every page is fetched and joined (snapshot-consistent at the first page's RV). */
  limit?: number;
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
}

export interface WriteOptions {
  fieldManager?: string;
  dryRun?: boolean;
}

export interface PatchOptions extends WriteOptions {
  subresource?: string;
  /** Server-side apply only: take ownership of conflicting fields. */
  force?: boolean;
}

export interface DeleteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface KubeClientOptions {
  userAgent?: string;
  /** Per-request deadline for non-watch calls (default 30 s). */
  requestTimeoutMs?: number;
}

type Query = Record<string, string | number | boolean | undefined>;

export class KubeClient {
  private readonly userAgent: string;
  private readonly requestTimeoutMs: number;

  constructor(
    readonly config: Kubeconfig,
    options: KubeClientOptions = {},
  ) {
    this.userAgent = options.userAgent ?? 'barge/v0.1.0';
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  /** `resourceVersion: '0'` lets the server answer from its cache (possibly stale), as client-go's FromApiserverCache. */
  get<T extends KubeObject>(resource: ResourceRef, namespace: string | undefined, name: string, options: { resourceVersion?: string } = {}): Promise<T> {
    return this.json<T>('GET', objectPath(resource, namespace, name), { resourceVersion: options.resourceVersion });
  }

  async list<T extends KubeObject>(resource: ResourceRef, options: ListOptions = {}): Promise<ObjectList<T>> {
    const path = collectionPath(resource, options.namespace);
    const query: Query = {
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
      resourceVersion: options.resourceVersion,
      resourceVersionMatch: options.resourceVersionMatch,
      limit: options.limit,
    };
    const first = await this.json<ObjectList<T>>('GET', path, query);
    const items = [...(first.items ?? [])];
    let next = first.metadata?.continue;
    while (next) {
      // Later pages carry only the continue token: it pins them to the first page's snapshot.
      const page = await this.json<ObjectList<T>>('GET', path, { labelSelector: options.labelSelector, fieldSelector: options.fieldSelector, limit: options.limit, continue: next });
      items.push(...(page.items ?? []));
      next = page.metadata?.continue;
    }
    // The server leaves kind and apiVersion off list items; fill them in from the list's, as client-go's
    // unstructured lists do, so cached objects can be referenced (events, ownerReferences).
    const kind = first.kind?.replace(/List$/, '');
    const typed = items.map((item) => (item.kind || !kind ? item : { ...item, apiVersion: first.apiVersion, kind }));
    return { ...first, metadata: { resourceVersion: first.metadata?.resourceVersion }, items: typed };
  }

  create<T extends KubeObject>(resource: ResourceRef, object: T, options: WriteOptions = {}): Promise<T> {
    return this.json<T>('POST', collectionPath(resource, object.metadata.namespace), writeQuery(options), object);
  }

  update<T extends KubeObject>(resource: ResourceRef, object: T, options: WriteOptions = {}): Promise<T> {
    return this.json<T>('PUT', this.pathOf(resource, object), writeQuery(options), object);
  }

  updateStatus<T extends KubeObject>(resource: ResourceRef, object: T, options: WriteOptions = {}): Promise<T> {
    return this.updateSubresource(resource, object, 'status', options);
  }

  /** PUT of a subresource that takes the whole object (status, a namespace's finalize). */
  updateSubresource<T extends KubeObject>(resource: ResourceRef, object: T, subresource: string, options: WriteOptions = {}): Promise<T> {
    return this.json<T>('PUT', this.pathOf(resource, object, subresource), writeQuery(options), object);
  }

  patch<T extends KubeObject>(resource: ResourceRef, namespace: string | undefined, name: string, patch: unknown, patchType: PatchType, options: PatchOptions = {}): Promise<T> {
    const query: Query = { ...writeQuery(options), force: options.force };
    const body = typeof patch === 'string' ? patch : JSON.stringify(patch);
    return this.json<T>('PATCH', objectPath(resource, namespace, name, options.subresource), query, body, PATCH_CONTENT_TYPES[patchType]);
  }

  /** DELETE; resolves to what the server returned (the object, or a Success Status). */
  delete(resource: ResourceRef, namespace: string | undefined, name: string, options: DeleteOptions = {}): Promise<unknown> {
    const hasBody = options.propagationPolicy !== undefined || options.gracePeriodSeconds !== undefined || options.preconditions !== undefined;
    const body = hasBody ? { kind: 'DeleteOptions', apiVersion: 'v1', ...options } : undefined;
    return this.json('DELETE', objectPath(resource, namespace, name), {}, body);
  }

  /** POST pods/<name>/binding, as kube-scheduler binds. */
  bind(pod: KubeObject, nodeName: string): Promise<unknown> {
    const { namespace, name, uid } = pod.metadata;
    const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace, uid }, target: { apiVersion: 'v1', kind: 'Node', name: nodeName } };
    return this.json('POST', objectPath({ group: '', version: 'v1', plural: 'pods', namespaced: true }, namespace, name!, 'binding'), {}, binding);
  }

  /** POST pods/<name>/eviction (policy/v1), as the taint manager and `kubectl drain` evict. */
  evict(pod: KubeObject, deleteOptions: DeleteOptions = {}): Promise<unknown> {
    const { namespace, name } = pod.metadata;
    const eviction = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace }, deleteOptions: { kind: 'DeleteOptions', apiVersion: 'v1', ...deleteOptions } };
    return this.json('POST', objectPath({ group: '', version: 'v1', plural: 'pods', namespaced: true }, namespace, name!, 'eviction'), {}, eviction);
  }

  /** POST serviceaccounts/<name>/token (TokenRequest), as `kubectl create token` and the controller manager's client builder ask. */
  createToken(namespace: string, serviceAccount: string, spec: { audiences?: string[]; expirationSeconds?: number }): Promise<{ status: { token: string; expirationTimestamp: string } }> {
    const request = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: { name: serviceAccount, namespace }, spec };
    return this.json('POST', objectPath({ group: '', version: 'v1', plural: 'serviceaccounts', namespaced: true }, namespace, serviceAccount, 'token'), {}, request);
  }

  /** Opens a watch; rejects with the Status when the server refuses it (410 included). */
  async watch<T extends KubeObject>(resource: ResourceRef, options: WatchOptions = {}): Promise<WatchStream<T>> {
    const query: Query = {
      watch: true,
      resourceVersion: options.resourceVersion,
      allowWatchBookmarks: options.allowWatchBookmarks,
      timeoutSeconds: options.timeoutSeconds,
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
    };
    const response = await this.send('GET', collectionPath(resource, options.namespace), query, undefined, undefined);
    if (response.statusCode !== 200) throw await this.errorOf(response, 'GET', collectionPath(resource, options.namespace));
    // Destroying without an error ends the stream quietly (an abort signal would raise an AbortError).
    return watchStream<T>(response, () => response.destroy());
  }

  /** A raw GET of any path (discovery, /version, /healthz); JSON-decoded. */
  raw<T>(path: string): Promise<T> {
    return this.json<T>('GET', path);
  }

  private pathOf(resource: ResourceRef, object: KubeObject, subresource?: string): string {
    return objectPath(resource, object.metadata.namespace, object.metadata.name!, subresource);
  }

  private async json<T>(method: string, path: string, query: Query = {}, body?: unknown, contentType = 'application/json'): Promise<T> {
    // A deadline that is cleared once the body is read: aborting a finished request later could destroy
    // the keep-alive socket it handed back, under some other request.
    const abort = new AbortController();
    const deadline = setTimeout(() => abort.abort(), this.requestTimeoutMs);
    try {
      const response = await this.send(method, path, query, body, contentType, abort.signal);
      if (response.statusCode === undefined || response.statusCode >= 300) throw await this.errorOf(response, method, path);
      const text = await readBody(response);
      return (text ? JSON.parse(text) : undefined) as T;
    } finally {
      clearTimeout(deadline);
    }
  }

  private async errorOf(response: IncomingMessage, method: string, path: string): Promise<KubeApiError> {
    return new KubeApiError(statusFromResponse(response.statusCode ?? 0, await readBody(response)), method, path);
  }

  private async send(method: string, path: string, query: Query, body: unknown, contentType: string | undefined, signal?: AbortSignal): Promise<IncomingMessage> {
    const url = new URL(this.config.server + path + queryString(query));
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const headers: Record<string, string> = { ...(await this.config.headers()), Accept: 'application/json', 'User-Agent': this.userAgent };
    if (payload !== undefined) {
      headers['Content-Type'] = contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const outgoing = request(url, { method, headers, agent: this.config.agent, signal }, resolve);
      // Errors after the response (a watch we stopped) must not go unhandled; reject is then a no-op.
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
  }
}

function writeQuery(options: WriteOptions): Query {
  return { fieldManager: options.fieldManager, dryRun: options.dryRun ? 'All' : undefined };
}

function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(name, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

async function readBody(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
