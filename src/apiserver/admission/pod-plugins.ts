// The pod admission plugins: DefaultTolerationSeconds (tolerate not-ready and unreachable nodes for
// 300 s) and ServiceAccount (the namespace's `default` account, which must exist, and its projected
// token volume mounted in every container).

import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../schema/types.js';
import { admissionForbidden, type AdmissionPlugin, type AdmissionRequest } from './admission-chain.js';

type Json = Record<string, unknown>;

const isPodCreate = (r: AdmissionRequest): boolean => r.operation === 'CREATE' && r.group === '' && r.resource === 'pods' && r.subresource === '';

function podSpec(obj: KubeObject): Json {
  return ((obj['spec'] as Json | undefined) ?? {}) as Json;
}

const DEFAULT_TOLERATION_SECONDS = 300;
const NODE_CONDITION_TAINTS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

export const defaultTolerationSeconds: AdmissionPlugin = {
  name: 'DefaultTolerationSeconds',
  mutate(r) {
    if (!isPodCreate(r)) return;
    const spec = podSpec(r.obj);
    const tolerations = ((spec['tolerations'] as Json[] | undefined) ?? []).slice();
    for (const key of NODE_CONDITION_TAINTS) {
      const covered = tolerations.some((t) => (t['operator'] === 'Exists' && !t['key']) || (t['key'] === key && (t['effect'] === undefined || t['effect'] === '' || t['effect'] === 'NoExecute')));
      if (!covered) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_TOLERATION_SECONDS });
    }
    spec['tolerations'] = tolerations;
  },
};

const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
/** kube's bound token volume: a token valid a little over an hour, the cluster CA and the namespace. */
const TOKEN_EXPIRATION_SECONDS = 3607;
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function volumeSuffix(): string {
  return [...randomBytes(5)].map((b) => SUFFIX_ALPHABET[b % SUFFIX_ALPHABET.length]).join('');
}

function tokenVolume(name: string): Json {
  return {
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: TOKEN_EXPIRATION_SECONDS, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  };
}

export const serviceAccount: AdmissionPlugin = {
  name: 'ServiceAccount',
  async mutate(r) {
    if (!isPodCreate(r)) return;
    const spec = podSpec(r.obj);
    const name = (spec['serviceAccountName'] as string | undefined) || 'default';
    spec['serviceAccountName'] = name;
    spec['serviceAccount'] = name;
    const saSpec = r.ctx.registry.find('', 'v1', 'serviceaccounts');
    const stored = saSpec ? await r.ctx.store.get(r.ctx.store.key(saSpec.storagePath, r.namespace, name)) : undefined;
    if (!stored) throw admissionForbidden(r, `error looking up service account ${r.namespace}/${name}: serviceaccount "${name}" not found`);
    const automount = spec['automountServiceAccountToken'] ?? stored.obj['automountServiceAccountToken'];
    if (automount === false) return;
    const containers = [...((spec['initContainers'] as Json[] | undefined) ?? []), ...((spec['containers'] as Json[] | undefined) ?? [])];
    if (containers.some((c) => ((c['volumeMounts'] as Json[] | undefined) ?? []).some((m) => m['mountPath'] === TOKEN_MOUNT_PATH))) return;
    const volumeName = `kube-api-access-${volumeSuffix()}`;
    spec['volumes'] = [...((spec['volumes'] as Json[] | undefined) ?? []), tokenVolume(volumeName)];
    for (const c of containers) c['volumeMounts'] = [...((c['volumeMounts'] as Json[] | undefined) ?? []), { name: volumeName, readOnly: true, mountPath: TOKEN_MOUNT_PATH }];
  },
};
