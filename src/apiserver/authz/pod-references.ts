// What a pod refers to, as kube's node authorizer graph records it (graph_populator.go with podutil's
// VisitPodSecretNames and VisitPodConfigmapNames): the secrets, configmaps, claims and ServiceAccount a
// kubelet running the pod needs to read.

type Json = Record<string, unknown>;

export interface PodReferences {
  readonly secrets: ReadonlySet<string>;
  readonly configmaps: ReadonlySet<string>;
  readonly persistentvolumeclaims: ReadonlySet<string>;
  readonly serviceAccount: string | undefined;
}

const objects = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const object = (value: unknown): Json | undefined => (value !== null && typeof value === 'object' ? (value as Json) : undefined);
const named = (value: unknown, field = 'name'): string | undefined => {
  const name = object(value)?.[field];
  return typeof name === 'string' && name !== '' ? name : undefined;
};

/** Volume sources whose `secretRef` names a secret (azureFile names it by `secretName`). */
const SECRET_REF_VOLUMES = ['cephfs', 'cinder', 'flexVolume', 'rbd', 'scaleIO', 'iscsi', 'storageos'];

function addEnvReferences(container: Json, secrets: Set<string>, configmaps: Set<string>): void {
  for (const from of objects(container['envFrom'])) {
    const secret = named(from['secretRef']);
    if (secret) secrets.add(secret);
    const configmap = named(from['configMapRef']);
    if (configmap) configmaps.add(configmap);
  }
  for (const env of objects(container['env'])) {
    const valueFrom = object(env['valueFrom']);
    const secret = named(valueFrom?.['secretKeyRef']);
    if (secret) secrets.add(secret);
    const configmap = named(valueFrom?.['configMapKeyRef']);
    if (configmap) configmaps.add(configmap);
  }
}

function addVolumeReferences(pod: Json, volume: Json, refs: { secrets: Set<string>; configmaps: Set<string>; persistentvolumeclaims: Set<string> }): void {
  const secret = named(volume['secret'], 'secretName') ?? named(volume['azureFile'], 'secretName') ?? named(object(volume['csi'])?.['nodePublishSecretRef']);
  if (secret) refs.secrets.add(secret);
  for (const source of SECRET_REF_VOLUMES) {
    const ref = named(object(volume[source])?.['secretRef']);
    if (ref) refs.secrets.add(ref);
  }
  const configmap = named(volume['configMap']);
  if (configmap) refs.configmaps.add(configmap);
  for (const source of objects(object(volume['projected'])?.['sources'])) {
    const projectedSecret = named(source['secret']);
    if (projectedSecret) refs.secrets.add(projectedSecret);
    const projectedConfigmap = named(source['configMap']);
    if (projectedConfigmap) refs.configmaps.add(projectedConfigmap);
  }
  const claim = named(volume['persistentVolumeClaim'], 'claimName');
  if (claim) refs.persistentvolumeclaims.add(claim);
  // A generic ephemeral volume's claim is named <pod>-<volume>.
  if (object(volume['ephemeral']) && named(pod['metadata']) && typeof volume['name'] === 'string') refs.persistentvolumeclaims.add(`${named(pod['metadata'])!}-${volume['name']}`);
}

export function podReferences(pod: Json): PodReferences {
  const spec = object(pod['spec']) ?? {};
  const refs = { secrets: new Set<string>(), configmaps: new Set<string>(), persistentvolumeclaims: new Set<string>() };
  for (const pull of objects(spec['imagePullSecrets'])) {
    const name = named(pull);
    if (name) refs.secrets.add(name);
  }
  for (const container of [...objects(spec['initContainers']), ...objects(spec['containers']), ...objects(spec['ephemeralContainers'])]) addEnvReferences(container, refs.secrets, refs.configmaps);
  for (const volume of objects(spec['volumes'])) addVolumeReferences(pod, volume, refs);
  const serviceAccount = typeof spec['serviceAccountName'] === 'string' && spec['serviceAccountName'] !== '' ? spec['serviceAccountName'] : undefined;
  return { ...refs, serviceAccount };
}
