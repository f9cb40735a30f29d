// Defaulting of the other built-in kinds, as their SetDefaults_* functions, conversions and
// PrepareForCreate strategies leave them.
import type { KubeObject } from '../schema/types.js';
import { isRecord, objectAt, recordAt, recordsAt, setDefault, stringAt, type Json } from './json-access.js';

export function defaultService(service: KubeObject): void {
  const spec = objectAt(service as Json, 'spec');
  setDefault(spec, 'type', 'ClusterIP');
  setDefault(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'ClientIP') {
    const clientIP = objectAt(objectAt(spec, 'sessionAffinityConfig'), 'clientIP');
    setDefault(clientIP, 'timeoutSeconds', 10800);
  }
  for (const port of recordsAt(spec, 'ports')) {
    setDefault(port, 'protocol', 'TCP');
    if (port.targetPort === undefined || port.targetPort === 0 || port.targetPort === '') port.targetPort = port.port;
  }
  const type = spec.type;
  if (type === 'NodePort' || type === 'LoadBalancer') setDefault(spec, 'externalTrafficPolicy', 'Cluster');
  if (type !== 'ExternalName') {
    setDefault(spec, 'internalTrafficPolicy', 'Cluster');
    // The IP allocator settles families on create; a single-stack IPv4 cluster always picks these.
    setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
    if (!Array.isArray(spec.ipFamilies) || spec.ipFamilies.length === 0) spec.ipFamilies = ['IPv4'];
  }
  if (type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
}

export function defaultNamespace(namespace: KubeObject, old: KubeObject | undefined): void {
  const metadata = objectAt(namespace as Json, 'metadata');
  const name = stringAt(metadata, 'name');
  if (name) objectAt(metadata, 'labels')['kubernetes.io/metadata.name'] = name;
  if (old) return;
  // PrepareForCreate: Active, and the kubernetes finalizer added to whatever the client asked for.
  const spec = objectAt(namespace as Json, 'spec');
  const finalizers = Array.isArray(spec.finalizers) ? spec.finalizers : [];
  if (!finalizers.includes('kubernetes')) spec.finalizers = [...finalizers, 'kubernetes'];
  namespace.status = { phase: 'Active' };
}

/** stringData is write-only: the v1 conversion merges it into data (base64) and drops it. */
export function defaultSecret(secret: KubeObject): void {
  setDefault(secret as Json, 'type', 'Opaque');
  const stringData = recordAt(secret, 'stringData');
  if (!stringData) return;
  const data = objectAt(secret as Json, 'data');
  for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
  delete secret.stringData;
}

/** core/v1 Event always carries its reporting fields (they are not omitempty). */
export function defaultCoreEvent(event: KubeObject): void {
  setDefault(event as Json, 'reportingComponent', '');
  setDefault(event as Json, 'reportingInstance', '');
}

export function defaultNode(node: KubeObject): void {
  const status = recordAt(node, 'status');
  if (status && isRecord(status.capacity) && !isRecord(status.allocatable)) status.allocatable = { ...status.capacity };
}

export function defaultEndpoints(endpoints: KubeObject): void {
  for (const subset of recordsAt(endpoints, 'subsets')) for (const port of recordsAt(subset, 'ports')) setDefault(port, 'protocol', 'TCP');
}

export function defaultEndpointSlice(slice: KubeObject): void {
  for (const port of recordsAt(slice, 'ports')) {
    setDefault(port, 'protocol', 'TCP');
    if (port.name === undefined) port.name = '';
  }
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';

export function defaultRoleBinding(binding: KubeObject): void {
  const roleRef = recordAt(binding, 'roleRef');
  if (roleRef) setDefault(roleRef, 'apiGroup', RBAC_GROUP);
  for (const subject of recordsAt(binding, 'subjects')) {
    if (subject.apiGroup !== undefined) continue;
    if (subject.kind === 'ServiceAccount') subject.apiGroup = '';
    else if (subject.kind === 'User' || subject.kind === 'Group') subject.apiGroup = RBAC_GROUP;
  }
}

/** Container limit ranges fill default limits from max, and default requests from the default limits and min. */
export function defaultLimitRange(limitRange: KubeObject): void {
  for (const item of recordsAt(recordAt(limitRange, 'spec'), 'limits')) {
    if (item.type !== 'Container') continue;
    const fill = (target: string, from: string) => {
      const source = recordAt(item, from);
      if (!source || Object.keys(source).length === 0) return;
      const into = objectAt(item, target);
      for (const [k, v] of Object.entries(source)) if (into[k] === undefined) into[k] = v;
    };
    fill('default', 'max');
    fill('defaultRequest', 'default');
    fill('defaultRequest', 'min');
  }
}

export function defaultCustomResourceDefinition(crd: KubeObject, old: KubeObject | undefined): void {
  const spec = objectAt(crd as Json, 'spec');
  if (!recordAt(spec, 'conversion')) spec.conversion = { strategy: 'None' };
  const names = objectAt(spec, 'names');
  const kind = stringAt(names, 'kind');
  if (kind) {
    setDefault(names, 'singular', kind.toLowerCase());
    setDefault(names, 'listKind', `${kind}List`);
  }
  if (old) return;
  const storage = recordsAt(spec, 'versions').find((v) => v.storage === true);
  crd.status = { conditions: [], acceptedNames: { plural: '', kind: '' }, storedVersions: storage ? [storage.name] : [] };
}
