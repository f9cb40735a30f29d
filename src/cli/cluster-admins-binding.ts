// The ClusterRoleBinding admin.conf's group relies on, created as kubeadm's EnsureAdminClusterRoleBinding
// does once the apiserver serves: first as admin.conf (enough when it is already bound: AlreadyExists),
// and on Forbidden as super-admin.conf, whose system:masters group RBAC never asks about. Any other
// failure (the apiserver not serving yet) is retried until the deadline.

import { isAlreadyExists, isForbidden, KubeClient, loadKubeconfig, type KubeObject, type ResourceRef } from '../client/kube/index.js';
import { errorText } from '../etcd-errors.js';
import { CLUSTER_ADMINS_GROUP } from '../pki/index.js';

const CLUSTER_ROLE_BINDINGS: ResourceRef = { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterrolebindings', namespaced: false, kind: 'ClusterRoleBinding' };

const CLUSTER_ADMINS_BINDING: KubeObject = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: { name: CLUSTER_ADMINS_GROUP },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
  subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: CLUSTER_ADMINS_GROUP }],
};

/** kubeadm's KubernetesAPICallRetryInterval. */
const RETRY_MS = 500;

type Outcome = 'done' | 'forbidden' | 'retry';

async function attempt(client: KubeClient, onError: (error: unknown) => void): Promise<Outcome> {
  try {
    await client.create(CLUSTER_ROLE_BINDINGS, CLUSTER_ADMINS_BINDING);
    return 'done';
  } catch (error) {
    if (isAlreadyExists(error)) return 'done';
    if (isForbidden(error)) return 'forbidden';
    onError(error);
    return 'retry';
  }
}

/** Resolves once the binding exists; rejects with the last error after `timeoutMs`. */
export async function ensureClusterAdminsBinding(files: { readonly admin: string; readonly superAdmin: string }, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = new Error('the apiserver did not answer');
  const record = (error: unknown): void => void (last = error);
  let client = new KubeClient(loadKubeconfig(files.admin), { requestTimeoutMs: 10_000 });
  let asSuperAdmin = false;
  for (;;) {
    const outcome = await attempt(client, record);
    if (outcome === 'done') return;
    if (outcome === 'forbidden' && !asSuperAdmin) {
      client = new KubeClient(loadKubeconfig(files.superAdmin), { requestTimeoutMs: 10_000 });
      asSuperAdmin = true;
      continue;
    }
    if (outcome === 'forbidden') record(new Error(`${files.superAdmin} may not create ClusterRoleBindings`));
    if (Date.now() + RETRY_MS > deadline) throw new Error(`unable to create the ${CLUSTER_ADMINS_GROUP} ClusterRoleBinding: ${errorText(last)}`);
    await new Promise((r) => setTimeout(r, RETRY_MS));
  }
}
