// The scale subresource (deployments, replicasets): an autoscaling/v1 Scale view of the parent whose
// writes change only spec.replicas; its resourceVersion is the parent's.

import { badRequest } from '../errors/status.js';
import { decodeObjectBody, mediaType, readBody } from '../http/request-body.js';
import { writeJson } from '../http/respond.js';
import type { KubeObject } from '../schema/types.js';
import { patchMutation, patchStatus } from './patch.js';
import { readObject } from './read.js';
import type { Scope } from './scope.js';
import { updateObject } from './update.js';

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** A LabelSelector as its string form (metav1.LabelSelectorAsSelector), requirements sorted by key. */
export function selectorString(selector: LabelSelector | undefined): string {
  const parts: [string, string][] = [];
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) parts.push([key, `${key}=${value}`]);
  for (const e of selector?.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    const text = { In: `${e.key} in (${values})`, NotIn: `${e.key} notin (${values})`, Exists: e.key, DoesNotExist: `!${e.key}` }[e.operator];
    if (text) parts.push([e.key, text]);
  }
  return parts.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((p) => p[1]).join(',');
}

function toScale(obj: KubeObject): KubeObject {
  const meta = obj.metadata ?? {};
  const spec = (obj['spec'] ?? {}) as { replicas?: number; selector?: LabelSelector };
  const status = (obj['status'] ?? {}) as { replicas?: number };
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: meta.name, namespace: meta.namespace, uid: meta.uid, resourceVersion: meta.resourceVersion, creationTimestamp: meta.creationTimestamp },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, selector: selectorString(spec.selector) },
  };
}

/** The parent with the Scale's replicas; the Scale's resourceVersion, if any, as a precondition. */
function withReplicas(parent: KubeObject, scale: KubeObject): KubeObject {
  const replicas = (scale['spec'] as { replicas?: unknown } | undefined)?.replicas;
  if (replicas !== undefined && (!Number.isInteger(replicas) || (replicas as number) < 0)) {
    throw badRequest(`Scale.autoscaling "${parent.metadata?.name ?? ''}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`);
  }
  const spec = { ...((parent['spec'] as object | undefined) ?? {}), replicas: replicas ?? 0 };
  const resourceVersion = scale.metadata?.resourceVersion;
  return { ...parent, spec, metadata: { ...parent.metadata, ...(resourceVersion ? { resourceVersion } : {}) } };
}

export async function getScale(scope: Scope): Promise<void> {
  writeJson(scope.res, 200, toScale(await readObject(scope)));
}

export async function updateScale(scope: Scope): Promise<void> {
  const scale = decodeObjectBody(await readBody(scope.req), mediaType(scope.req.headers['content-type'])) as KubeObject;
  const { obj } = await updateObject(scope, (current) => withReplicas(current, scale));
  writeJson(scope.res, 200, toScale(obj));
}

export async function patchScale(scope: Scope): Promise<void> {
  const patchScaleView = patchMutation(scope, mediaType(scope.req.headers['content-type']), await readBody(scope.req));
  try {
    const { obj } = await updateObject(scope, async (current) => {
      const scale = await patchScaleView(toScale(current));
      // The patch's own resourceVersion, not the parent's, is the precondition.
      return withReplicas({ ...current, metadata: { ...current.metadata, resourceVersion: undefined } }, scale);
    });
    writeJson(scope.res, 200, toScale(obj));
  } catch (err) {
    throw patchStatus(err);
  }
}
