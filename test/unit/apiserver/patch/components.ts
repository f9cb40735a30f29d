// A small hand-made slice of the Kubernetes OpenAPI components (apps/v1 Deployment down to containers),
// carrying the extensions the patch mechanisms read: patch strategies and merge keys, list types and
// keys, atomic maps, required fields, and refs wrapped in allOf as kube-apiserver publishes them.
import type { SchemaNode } from '../../../../src/apiserver/schema/types.js';

const ref = (name: string): SchemaNode => ({ $ref: `#/components/schemas/${name}` });
const described = (name: string): SchemaNode => ({ allOf: [ref(name)], description: name });
const str: SchemaNode = { type: 'string' };
const int: SchemaNode = { type: 'integer' };
const stringMap: SchemaNode = { type: 'object', additionalProperties: str };
const keyed = (items: SchemaNode, key: string, keys: string[] = [key]): SchemaNode => ({
  type: 'array',
  items,
  'x-kubernetes-patch-strategy': 'merge',
  'x-kubernetes-patch-merge-key': key,
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': keys,
});

export const components: Record<string, SchemaNode> = {
  Deployment: {
    type: 'object',
    properties: { apiVersion: str, kind: str, metadata: described('ObjectMeta'), spec: described('DeploymentSpec'), status: described('DeploymentStatus') },
  },
  ObjectMeta: {
    type: 'object',
    properties: {
      name: str,
      namespace: str,
      uid: str,
      resourceVersion: str,
      generation: int,
      creationTimestamp: str,
      labels: stringMap,
      annotations: stringMap,
      finalizers: { type: 'array', items: str, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'set' },
      ownerReferences: keyed(ref('OwnerReference'), 'uid'),
      managedFields: { type: 'array', items: { type: 'object' }, 'x-kubernetes-list-type': 'atomic' },
    },
  },
  OwnerReference: { type: 'object', required: ['uid', 'name', 'kind', 'apiVersion'], properties: { apiVersion: str, kind: str, name: str, uid: str } },
  DeploymentSpec: {
    type: 'object',
    required: ['selector', 'template'],
    properties: {
      replicas: int,
      selector: described('LabelSelector'),
      strategy: described('DeploymentStrategy'),
      template: described('PodTemplateSpec'),
    },
  },
  DeploymentStatus: { type: 'object', properties: { replicas: int, readyReplicas: int } },
  DeploymentStrategy: { type: 'object', properties: { type: str, rollingUpdate: described('RollingUpdateDeployment') } },
  RollingUpdateDeployment: { type: 'object', properties: { maxSurge: str, maxUnavailable: str } },
  LabelSelector: { type: 'object', properties: { matchLabels: stringMap }, 'x-kubernetes-map-type': 'atomic' },
  PodTemplateSpec: { type: 'object', properties: { metadata: described('ObjectMeta'), spec: described('PodSpec') } },
  PodSpec: {
    type: 'object',
    required: ['containers'],
    properties: {
      containers: keyed(ref('Container'), 'name'),
      volumes: { ...keyed(ref('Volume'), 'name'), 'x-kubernetes-patch-strategy': 'merge,retainKeys' },
      tolerations: { type: 'array', items: { type: 'object', properties: { key: str, operator: str } }, 'x-kubernetes-list-type': 'atomic' },
      nodeSelector: { ...stringMap, 'x-kubernetes-map-type': 'atomic' },
      restartPolicy: str,
    },
  },
  Container: {
    type: 'object',
    required: ['name'],
    properties: {
      name: str,
      image: str,
      args: { type: 'array', items: str, 'x-kubernetes-list-type': 'atomic' },
      env: keyed(ref('EnvVar'), 'name'),
      ports: keyed(ref('ContainerPort'), 'containerPort', ['containerPort', 'protocol']),
      // An inline non-pointer struct: kube's OpenAPI gives such fields `default: {}`.
      resources: { type: 'object', properties: { limits: stringMap }, default: {} },
    },
  },
  EnvVar: { type: 'object', required: ['name'], properties: { name: str, value: str } },
  ContainerPort: { type: 'object', required: ['containerPort'], properties: { containerPort: int, protocol: { type: 'string', default: 'TCP' }, name: str } },
  Volume: { type: 'object', required: ['name'], properties: { name: str, emptyDir: { type: 'object', properties: { medium: str } }, configMap: { type: 'object', properties: { name: str } } } },
};

/** A deployment as it would be stored, before any managedFields. */
export function deployment(overrides: { replicas?: number; image?: string } = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'u-1', resourceVersion: '7', labels: { app: 'web' } },
    spec: {
      replicas: overrides.replicas ?? 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'nginx', image: overrides.image ?? 'nginx:1.24' }] },
      },
    },
  };
}
