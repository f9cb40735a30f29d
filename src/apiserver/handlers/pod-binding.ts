// pods/binding: a Binding assigns a pod to a node inside GuaranteedUpdate (409 when it already has one;
// kube-apiserver's BindingREST), answered with a 201 Success Status. (pods/eviction: pod-eviction.ts.)

import { conflict, internal } from '../errors/status.js';
import { decodeObjectBody, mediaType, readBody } from '../http/request-body.js';
import { timestamp } from '../registry/object-meta.js';
import type { KubeObject } from '../schema/types.js';
import { writeNegotiated } from './output.js';
import { objectKey, type Scope } from './scope.js';

const BINDING = { group: '', resource: 'pods/binding' };

interface PodCondition {
  type: string;
  status: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string;
}

const CREATED = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };

function bind(pod: KubeObject, binding: KubeObject, now: Date): KubeObject {
  const name = pod.metadata?.name ?? '';
  if (pod.metadata?.deletionTimestamp) throw internal(`pod ${name} is being deleted, cannot be assigned to a host`);
  const spec = (pod['spec'] ?? {}) as { nodeName?: string };
  if (spec.nodeName) throw conflict(BINDING, name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
  const target = (binding['target'] ?? {}) as { name?: string };
  const annotations = { ...(pod.metadata?.annotations ?? {}), ...(binding.metadata?.annotations ?? {}) };
  const status = (pod['status'] ?? {}) as { conditions?: PodCondition[] };
  const conditions = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
  conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: timestamp(now) });
  return {
    ...pod,
    metadata: { ...pod.metadata, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
    spec: { ...spec, nodeName: target.name ?? '' },
    status: { ...status, conditions },
  };
}

export async function createBinding(scope: Scope): Promise<void> {
  const binding = decodeObjectBody(await readBody(scope.req), mediaType(scope.req.headers['content-type'])) as KubeObject;
  const name = scope.request.name ?? '';
  await scope.ctx.store.guaranteedUpdate(objectKey(scope), scope.qualified, name, (pod) => bind(pod, binding, scope.ctx.now()));
  writeNegotiated(scope, 201, CREATED);
}
