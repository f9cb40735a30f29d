// CustomResourceDefinitions becoming served resources, as apiextensions-apiserver's controllers make
// them: a CRD's versions are served (discovery, OpenAPI, REST, watch) from the moment it is seen, its
// status says NamesAccepted and Established, and when it is deleted its objects go with it.

import { errorText } from '../../etcd-errors.js';
import type { ApiContext } from '../context.js';
import { StatusError } from '../errors/status.js';
import { stringAt } from '../resources/json-access.js';
import { resourceSpecFromCrd } from '../resources/custom-resource.js';
import type { KubeObject, ResourceSpec } from '../schema/types.js';
import type { WatchSink } from '../watch/cache-watcher.js';
import { timestamp } from './object-meta.js';

const CRDS = { group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' };

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

function established(crd: KubeObject): boolean {
  const conditions = ((crd['status'] as { conditions?: Condition[] } | undefined)?.conditions ?? []);
  return conditions.some((c) => c.type === 'Established' && c.status === 'True');
}

/** The status the establishing controller writes: names accepted, established, the storage version stored. */
function establishedStatus(crd: KubeObject, now: Date): Record<string, unknown> {
  const spec = (crd['spec'] ?? {}) as { names?: Record<string, unknown>; versions?: { name: string; storage?: boolean }[] };
  const names = spec.names ?? {};
  const kind = stringAt(names, 'kind') ?? '';
  const time = timestamp(now);
  return {
    conditions: [
      { type: 'NamesAccepted', status: 'True', lastTransitionTime: time, reason: 'NoConflicts', message: 'no conflicts found' },
      { type: 'Established', status: 'True', lastTransitionTime: time, reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
    ],
    acceptedNames: { ...names, singular: names['singular'] ?? kind.toLowerCase(), listKind: names['listKind'] ?? `${kind}List` },
    storedVersions: (spec.versions ?? []).filter((v) => v.storage).map((v) => v.name),
  };
}

export class CrdEstablishing {
  /** What each CRD (by name) serves now. */
  private readonly served = new Map<string, ResourceSpec[]>();
  private crdStoragePath = '';

  constructor(private readonly ctx: ApiContext) {}

  async start(): Promise<void> {
    const spec = this.ctx.registry.find(CRDS.group, 'v1', CRDS.resource);
    if (!spec) return;
    this.crdStoragePath = spec.storagePath;
    const prefix = this.ctx.store.listPrefix(spec.storagePath);
    const cacher = this.ctx.cachers.cacher(prefix);
    await cacher.ready();
    // The watch's callbacks cannot wait on the work they start: its failures are logged, not left to
    // reject unhandled (which would end the process).
    const failed = (action: string, crd: KubeObject | undefined) => (err: unknown) =>
      this.ctx.options.log('error', `${action} failed`, { name: crd?.metadata?.name, error: errorText(err) });
    const sink: WatchSink = {
      send: (type, obj) => {
        if (type === 'ADDED' || type === 'MODIFIED') void this.serve(obj).catch(failed('serving a CustomResourceDefinition', obj));
        else if (type === 'DELETED') void this.retire(obj).catch(failed('retiring a CustomResourceDefinition', obj));
      },
      // The cache relisted: watch again from its current state.
      end: () => void this.start().catch(failed('watching CustomResourceDefinitions again', undefined)),
    };
    const everything = { keyPrefix: prefix, matches: () => true, allowBookmarks: false, bookmark: () => ({}) };
    cacher.watch({ from: 'now' }, everything, sink);
  }

  private async serve(crd: KubeObject): Promise<void> {
    const name = crd.metadata?.name ?? '';
    if (crd.metadata?.deletionTimestamp) return;
    const { resources, schemas } = resourceSpecFromCrd(crd);
    for (const old of this.served.get(name) ?? []) this.ctx.registry.remove(old.group, old.version, old.plural);
    Object.assign(this.ctx.components, schemas);
    for (const resource of resources) this.ctx.registry.add(resource, true);
    this.served.set(name, resources);
    if (established(crd)) return;
    const key = this.ctx.store.key(this.crdStoragePath, undefined, name);
    await this.ctx.store
      .guaranteedUpdate(key, CRDS, name, (current) => (established(current) ? current : { ...current, status: establishedStatus(current, this.ctx.now()) }))
      .catch((err: unknown) => this.ctx.options.log('warn', 'establishing a CustomResourceDefinition failed', { name, error: String(err) }));
  }

  /** Stops serving a deleted CRD's resources and deletes their objects. */
  private async retire(crd: KubeObject): Promise<void> {
    const name = crd.metadata?.name ?? '';
    const resources = this.served.get(name) ?? [];
    this.served.delete(name);
    for (const r of resources) this.ctx.registry.remove(r.group, r.version, r.plural);
    const paths = new Set(resources.map((r) => r.storagePath));
    for (const path of paths) {
      const page = await this.ctx.store.listPage(this.ctx.store.listPrefix(path), { limit: 0, matches: () => true });
      for (const obj of page.items) {
        const key = this.ctx.store.key(path, obj.metadata?.namespace, obj.metadata?.name ?? '');
        // Gone already is fine; any other failure leaves an object behind, so it is reported.
        await this.ctx.store.delete(key, { group: '', resource: path }, obj.metadata?.name ?? '', () => undefined).catch((err: unknown) => {
          if (err instanceof StatusError && err.code === 404) return;
          this.ctx.options.log('warn', 'deleting an object of a deleted CustomResourceDefinition failed', { name, key, error: errorText(err) });
        });
      }
    }
  }
}
