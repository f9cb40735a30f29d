// The RBAC objects an authorizer reads, from the apiserver's watch caches (one per RBAC resource),
// so authorizing a request never reads etcd.

import type { ApiContext } from '../context.js';
import type { KubeObject } from '../schema/types.js';

export interface RbacObjects {
  clusterRoles(): readonly KubeObject[];
  clusterRole(name: string): KubeObject | undefined;
  clusterRoleBindings(): readonly KubeObject[];
  role(namespace: string, name: string): KubeObject | undefined;
  roleBindings(namespace: string): readonly KubeObject[];
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';
const RBAC_RESOURCES = ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'] as const;
type RbacResource = (typeof RBAC_RESOURCES)[number];

export class CachedRbacObjects implements RbacObjects {
  private constructor(private readonly ctx: ApiContext) {}

  /** Starts the four caches and waits until each holds its full list. */
  static async start(ctx: ApiContext): Promise<CachedRbacObjects> {
    const source = new CachedRbacObjects(ctx);
    await Promise.all(RBAC_RESOURCES.map((r) => source.cacher(r).ready()));
    return source;
  }

  private storagePath(resource: RbacResource): string {
    const spec = this.ctx.registry.find(RBAC_GROUP, 'v1', resource);
    if (!spec) throw new Error(`${resource}.${RBAC_GROUP} is not served`);
    return spec.storagePath;
  }

  private cacher(resource: RbacResource) {
    return this.ctx.cachers.cacher(this.ctx.store.listPrefix(this.storagePath(resource)));
  }

  private list(resource: RbacResource, namespace?: string): KubeObject[] {
    return this.cacher(resource).list(this.ctx.store.listPrefix(this.storagePath(resource), namespace));
  }

  private get(resource: RbacResource, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.cacher(resource).get(this.ctx.store.key(this.storagePath(resource), namespace, name));
  }

  clusterRoles(): readonly KubeObject[] {
    return this.list('clusterroles');
  }

  clusterRole(name: string): KubeObject | undefined {
    return this.get('clusterroles', undefined, name);
  }

  clusterRoleBindings(): readonly KubeObject[] {
    return this.list('clusterrolebindings');
  }

  role(namespace: string, name: string): KubeObject | undefined {
    return this.get('roles', namespace, name);
  }

  roleBindings(namespace: string): readonly KubeObject[] {
    return this.list('rolebindings', namespace);
  }
}
