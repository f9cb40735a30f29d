// The namespaces NamespaceLifecycle reads from the store rather than the cache for a while after their
// delete, since the cache may still show them active (kube's forceLiveLookupCache).

/** kube's forceLiveLookupTTL. */
const FORCE_LIVE_LOOKUP_MS = 30_000;

/** Namespaces whose delete was admitted lately, each until when it is read from the store (kube's forceLiveLookupCache). */
export class NamespacesDeletedLately {
  private readonly until = new Map<string, number>();

  add(namespace: string, nowMs: number): void {
    for (const [name, until] of this.until) if (until <= nowMs) this.until.delete(name);
    this.until.set(namespace, nowMs + FORCE_LIVE_LOOKUP_MS);
  }

  has(namespace: string, nowMs: number): boolean {
    return (this.until.get(namespace) ?? 0) > nowMs;
  }
}
