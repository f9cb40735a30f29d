// The ServiceAccount controller (serviceaccounts_controller.go): every active namespace has a `default`
// ServiceAccount; one deleted is created again.

import { isAlreadyExists, Resources, runWorker, WorkQueue, type Informer, type KubeObject } from '../../client/kube/index.js';
import type { Controller, ControllerContext } from '../shared/controller-context.js';

export const MANAGED_SERVICE_ACCOUNTS = ['default'];

interface Namespace extends KubeObject {
  status?: { phase?: string };
}

export class ServiceAccountController implements Controller {
  private readonly queue = new WorkQueue<string>();
  private readonly namespaces: Informer<Namespace>;
  private readonly accounts: Informer<KubeObject>;

  constructor(private readonly context: ControllerContext) {
    this.namespaces = context.informers.for<Namespace>(Resources.namespaces);
    this.accounts = context.informers.for<KubeObject>(Resources.serviceAccounts);
    this.namespaces.onAdd((ns) => this.queue.add(ns.metadata.name!)).onUpdate((_, ns) => this.queue.add(ns.metadata.name!));
    this.accounts.onDelete((account) => {
      if (MANAGED_SERVICE_ACCOUNTS.includes(account.metadata.name!)) this.queue.add(account.metadata.namespace!);
    });
  }

  async run(workers: number, signal: AbortSignal): Promise<void> {
    signal.addEventListener('abort', () => this.queue.shutdown(), { once: true });
    const onError = (key: string, error: unknown): void => this.context.log(`serviceaccount-controller: sync ${key}: ${(error as Error).message}`);
    await Promise.all(Array.from({ length: workers }, () => runWorker(this.queue, (key) => this.sync(key), onError)));
  }

  private async sync(namespace: string): Promise<void> {
    const ns = this.namespaces.lister.get(undefined, namespace);
    if (!ns || ns.metadata.deletionTimestamp || ns.status?.phase === 'Terminating') return;
    for (const name of MANAGED_SERVICE_ACCOUNTS) {
      if (this.accounts.lister.get(namespace, name)) continue;
      try {
        await this.context.client.create(Resources.serviceAccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } });
      } catch (error) {
        if (!isAlreadyExists(error)) throw error;
      }
    }
  }
}
