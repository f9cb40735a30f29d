// The namespace controller (namespace_controller.go): a namespace being deleted is emptied and then
// finalized by the deleter; content still going brings it back after half its estimate, and any change
// to a deleted namespace brings it back after a short delay, so HA apiservers see the deletion and
// last-moment creations inside it land before the content is listed.

import { Resources, runWorker, WorkQueue, type Informer } from '../../client/kube/index.js';
import type { Controller, ControllerContext } from '../shared/controller-context.js';
import { NamespacedResourcesDeleter, type Namespace } from './namespaced-resources-deleter.js';

/** kube's namespaceDeletionGracePeriod. */
export const NAMESPACE_DELETION_GRACE_MS = 5_000;

export class NamespaceController implements Controller {
  private readonly queue = new WorkQueue<string>();
  private readonly namespaces: Informer<Namespace>;
  private readonly deleter: NamespacedResourcesDeleter;

  constructor(private readonly context: ControllerContext) {
    this.deleter = new NamespacedResourcesDeleter(context.client);
    this.namespaces = context.informers.for<Namespace>(Resources.namespaces);
    const enqueue = (namespace: Namespace): void => {
      if (namespace.metadata.deletionTimestamp) this.queue.addAfter(namespace.metadata.name!, NAMESPACE_DELETION_GRACE_MS);
    };
    this.namespaces.onAdd(enqueue).onUpdate((_, namespace) => enqueue(namespace));
  }

  async run(workers: number, signal: AbortSignal): Promise<void> {
    signal.addEventListener('abort', () => this.queue.shutdown(), { once: true });
    const onError = (name: string, error: unknown): void => this.context.log(`namespace-controller: deletion of namespace ${name} failed: ${(error as Error).message}`);
    await Promise.all(Array.from({ length: workers }, () => runWorker(this.queue, (name) => this.sync(name), onError)));
  }

  private async sync(name: string): Promise<void> {
    if (!this.namespaces.lister.get(undefined, name)) return;
    const estimateSeconds = await this.deleter.delete(name);
    if (estimateSeconds > 0) this.queue.addAfter(name, (Math.floor(estimateSeconds / 2) + 1) * 1000);
  }
}
