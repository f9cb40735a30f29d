// kube-controller-manager's --use-service-account-credentials (controller-manager/pkg/clientbuilder's
// dynamic builder): each controller talks to the apiserver as its own ServiceAccount in kube-system,
// with a token the controller manager asks for through TokenRequest under its own identity (the
// account is created first if missing) and renews before it runs out.

import { Agent as HttpsAgent } from 'node:https';
import { isAlreadyExists, isNotFound, KubeClient, Resources, type Kubeconfig } from '../../client/kube/index.js';

const NAMESPACE = 'kube-system';
/** What the dynamic builder asks for; the token is renewed once 80 % of its life has passed. */
const EXPIRATION_SECONDS = 3600;
const RENEW_AT = 0.8;

/** The root kubeconfig without its client certificate (rest.AnonymousClientConfig), authenticating with `token()`. */
function bearerKubeconfig(root: Kubeconfig, token: () => Promise<string>): Kubeconfig {
  const tls = root.agent instanceof HttpsAgent ? root.agent.options : undefined;
  const agent = tls ? new HttpsAgent({ keepAlive: true, ca: tls.ca, servername: tls.servername, rejectUnauthorized: tls.rejectUnauthorized }) : root.agent;
  return { server: root.server, agent, namespace: root.namespace, headers: async () => ({ Authorization: `Bearer ${await token()}` }) };
}

async function ensureServiceAccount(root: KubeClient, name: string): Promise<void> {
  try {
    await root.get(Resources.serviceAccounts, NAMESPACE, name);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await root.create(Resources.serviceAccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: NAMESPACE } }).catch((e: unknown) => {
      if (!isAlreadyExists(e)) throw e;
    });
  }
}

/** A token for kube-system/<name>, fetched on first use and again when due for renewal. */
function tokenSource(root: KubeClient, name: string, now: () => number): () => Promise<string> {
  let current: { token: string; renewAt: number } | undefined;
  let pending: Promise<string> | undefined;
  const fetch = async (): Promise<string> => {
    const issuedAt = now();
    const { status } = await root.createToken(NAMESPACE, name, { expirationSeconds: EXPIRATION_SECONDS });
    current = { token: status.token, renewAt: issuedAt + (Date.parse(status.expirationTimestamp) - issuedAt) * RENEW_AT };
    return status.token;
  };
  return () => {
    if (current && now() < current.renewAt) return Promise.resolve(current.token);
    pending ??= fetch().finally(() => (pending = undefined));
    return pending;
  };
}

/** A client per controller, acting as the ServiceAccount `account` in kube-system (made first if missing, as the builder does). */
export async function serviceAccountClient(root: KubeClient, account: string, userAgent: string, now: () => number = Date.now): Promise<KubeClient> {
  await ensureServiceAccount(root, account);
  return new KubeClient(bearerKubeconfig(root.config, tokenSource(root, account, now)), { userAgent: `${userAgent}/${account}` });
}
