// The kubeconfigs kubeadm writes beside pki/, each with a client certificate from the cluster CA naming
// the identity kubeadm gives that component (CN = user, O = groups). Made once; later runs keep them.

import { basename, join } from 'node:path';
import { kubeconfigYaml } from './kubeconfig-yaml.js';
import { issueCertificate, type CertificateAuthority } from './certificates.js';
import { pathExists } from '../storage/data-dir.js';
import { writePrivate } from './pem-files.js';

/** kubeadm's cluster name, the `@kubernetes` in every context name. */
const CLUSTER_NAME = 'kubernetes';

export interface Identity {
  readonly user: string;
  readonly groups: readonly string[];
}

/** kubeadm 1.29+: admin.conf's group is bound to cluster-admin (a binding that can be removed); super-admin.conf bypasses RBAC. */
export const CLUSTER_ADMINS_GROUP = 'kubeadm:cluster-admins';
export const ADMIN: Identity = { user: 'kubernetes-admin', groups: [CLUSTER_ADMINS_GROUP] };
export const SUPER_ADMIN: Identity = { user: 'kubernetes-super-admin', groups: ['system:masters'] };
export const CONTROLLER_MANAGER: Identity = { user: 'system:kube-controller-manager', groups: [] };
export const SCHEDULER: Identity = { user: 'system:kube-scheduler', groups: [] };

export function kubeletIdentity(nodeName: string): Identity {
  return { user: `system:node:${nodeName}`, groups: ['system:nodes'] };
}

export interface KubeconfigRequest {
  readonly file: string;
  readonly server: string;
  readonly identity: Identity;
}

/** Writes `file` unless it exists, telling `report` which, in kubeadm's words; returns its path either way. */
export async function ensureKubeconfig(ca: CertificateAuthority, request: KubeconfigRequest, report: (line: string) => void = () => undefined): Promise<string> {
  if (await pathExists(request.file)) {
    report(`[kubeconfig] Using existing kubeconfig file: "${request.file}"`);
    return request.file;
  }
  report(`[kubeconfig] Writing "${basename(request.file)}" kubeconfig file`);
  const client = await issueCertificate(ca, { commonName: request.identity.user, organization: request.identity.groups, usages: ['client'] });
  const yaml = kubeconfigYaml({
    server: request.server,
    caPem: ca.cert,
    clientCertPem: client.cert,
    clientKeyPem: client.key,
    clusterName: CLUSTER_NAME,
    userName: request.identity.user,
  });
  await writePrivate(request.file, yaml);
  return request.file;
}

export interface ClusterKubeconfigs {
  readonly admin: string;
  readonly superAdmin: string;
  readonly controllerManager: string;
  readonly scheduler: string;
  readonly kubelets: ReadonlyMap<string, string>;
}

/** admin.conf, super-admin.conf, kubelet-<node>.conf, controller-manager.conf and scheduler.conf in `dir`, in kubeadm's order. */
export async function ensureClusterKubeconfigs(ca: CertificateAuthority, dir: string, server: string, nodeNames: readonly string[], report?: (line: string) => void): Promise<ClusterKubeconfigs> {
  const write = (name: string, identity: Identity): Promise<string> => ensureKubeconfig(ca, { file: join(dir, name), server, identity }, report);
  const admin = await write('admin.conf', ADMIN);
  const superAdmin = await write('super-admin.conf', SUPER_ADMIN);
  const kubelets = new Map<string, string>();
  for (const node of nodeNames) kubelets.set(node, await write(`kubelet-${node}.conf`, kubeletIdentity(node)));
  return { admin, superAdmin, controllerManager: await write('controller-manager.conf', CONTROLLER_MANAGER), scheduler: await write('scheduler.conf', SCHEDULER), kubelets };
}
