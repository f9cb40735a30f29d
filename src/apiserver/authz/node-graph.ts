// The node authorizer's graph, read from the apiserver's watch caches: a node reaches the pods bound to
// it (spec.nodeName), and through them the secrets, configmaps, claims (and their volumes) and
// ServiceAccounts those pods name. Like kube's graph it follows the caches, so it trails a write briefly.

import type { ApiContext } from '../context.js';
import type { KubeObject } from '../schema/types.js';
import { podReferences } from './pod-references.js';

export type GraphVertex = 'secrets' | 'configmaps' | 'persistentvolumeclaims' | 'persistentvolumes' | 'serviceaccounts';

export interface NodeGraph {
  /** Whether a pod bound to `node` refers to the object (`namespace` is '' for persistent volumes). */
  hasPathFrom(node: string, vertex: GraphVertex, namespace: string, name: string): boolean;
}

export class CachedNodeGraph implements NodeGraph {
  private constructor(private readonly ctx: ApiContext) {}

  static async start(ctx: ApiContext): Promise<CachedNodeGraph> {
    const graph = new CachedNodeGraph(ctx);
    await Promise.all(['pods', 'persistentvolumeclaims'].flatMap((r) => graph.cacher(r)?.ready() ?? []));
    return graph;
  }

  private storagePath(resource: string): string | undefined {
    return this.ctx.registry.find('', 'v1', resource)?.storagePath;
  }

  private cacher(resource: string) {
    const path = this.storagePath(resource);
    return path === undefined ? undefined : this.ctx.cachers.cacher(this.ctx.store.listPrefix(path));
  }

  private list(resource: string, namespace?: string): KubeObject[] {
    const path = this.storagePath(resource);
    return path === undefined ? [] : this.cacher(resource)!.list(this.ctx.store.listPrefix(path, namespace));
  }

  private podsOn(node: string, namespace?: string): KubeObject[] {
    return this.list('pods', namespace).filter((pod) => (pod['spec'] as { nodeName?: string } | undefined)?.nodeName === node);
  }

  hasPathFrom(node: string, vertex: GraphVertex, namespace: string, name: string): boolean {
    if (vertex === 'persistentvolumes') {
      const claims = this.list('persistentvolumeclaims').filter((c) => (c['spec'] as { volumeName?: string } | undefined)?.volumeName === name);
      return claims.some((claim) => this.hasPathFrom(node, 'persistentvolumeclaims', claim.metadata?.namespace ?? '', claim.metadata?.name ?? ''));
    }
    return this.podsOn(node, namespace).some((pod) => {
      const refs = podReferences(pod);
      return vertex === 'serviceaccounts' ? refs.serviceAccount === name : refs[vertex].has(name);
    });
  }
}
