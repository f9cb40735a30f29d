// A kubeadm-like PKI and kubeconfigs for a local control plane.

export { ensurePki, type Pki, type PkiReport, type PkiRequest, type EtcdMemberPki } from './kubeadm-pki.js';
export { ensureClusterKubeconfigs, ensureKubeconfig, kubeletIdentity, ADMIN, SUPER_ADMIN, CLUSTER_ADMINS_GROUP, CONTROLLER_MANAGER, SCHEDULER, type ClusterKubeconfigs, type Identity } from './kubeconfigs.js';
export { pairPaths, type PairPaths } from './pem-files.js';
