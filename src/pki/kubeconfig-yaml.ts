// The admin kubeconfig (`<cert-dir>/admin.conf`), as kubeadm writes one: the cluster's CA and a client
// certificate for kubernetes-admin, all embedded, so `kubectl --kubeconfig` needs no other flag.

import { stringify } from 'yaml';

export interface KubeconfigInput {
  readonly server: string;
  /** PEM of the CA that signed the serving certificate; absent to use the system's roots. */
  readonly caPem?: string;
  readonly clientCertPem: string;
  readonly clientKeyPem: string;
  readonly clusterName?: string;
  readonly userName?: string;
}

const base64 = (pem: string): string => Buffer.from(pem).toString('base64');

export function kubeconfigYaml(input: KubeconfigInput): string {
  const cluster = input.clusterName ?? 'barge';
  const user = input.userName ?? 'kubernetes-admin';
  const context = `${user}@${cluster}`;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: { server: input.server, ...(input.caPem ? { 'certificate-authority-data': base64(input.caPem) } : {}) } }],
    contexts: [{ name: context, context: { cluster, user } }],
    'current-context': context,
    preferences: {},
    users: [{ name: user, user: { 'client-certificate-data': base64(input.clientCertPem), 'client-key-data': base64(input.clientKeyPem) } }],
  });
}
