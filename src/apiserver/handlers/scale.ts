// The scale subresource (deployments, replicasets, replicationcontrollers, custom resources that declare one): an autoscaling/v1
// Scale view of the parent whose writes change only its replica count; its resourceVersion is the parent's.

import { badRequest } from '../errors/status.js';
import { decodeObjectBody, mediaType, readBody } from '../http/request-body.js';
import type { KubeObject } from '../schema/types.js';
import { patchMutation, patchStatus } from './patch.js';
import { writeNegotiated } from './output.js';
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

/** Where a kind keeps its replica counts: deployments and replicasets as below, custom resources as their CRD says. */
interface ScalePaths {
  readonly specReplicas: string;
  readonly statusReplicas: string;
  /** A path to the selector string (custom resources); built-in kinds derive it from spec.selector. */
  readonly labelSelector?: string;
}

const BUILTIN_PATHS: ScalePaths = { specReplicas: '.spec.replicas', statusReplicas: '.status.replicas' };

function scalePaths(scope: Scope): ScalePaths {
  return scope.spec.subresources.find((s) => s.name === 'scale')?.scalePaths ?? BUILTIN_PATHS;
}

const segments = (path: string): string[] => path.split('.').filter((s) => s !== '');

function valueAt(obj: unknown, path: string): unknown {
  let value = obj;
  for (const key of segments(path)) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

function setValueAt(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = segments(path);
  let parent = obj;
  for (const key of keys.slice(0, -1)) {
    const next = parent[key];
    parent = (parent[key] = next !== null && typeof next === 'object' ? { ...(next as Record<string, unknown>) } : {}) as Record<string, unknown>;
  }
  parent[keys[keys.length - 1]!] = value;
}

/** A JSON value as text: strings as they are, other values as JSON, '' when absent. */
const jsonText = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/** The parent's spec.selector as a LabelSelector: a ReplicationController's is a plain label map. */
function builtinSelector(obj: KubeObject): LabelSelector | undefined {
  const selector = (obj['spec'] as { selector?: unknown } | undefined)?.selector;
  return obj.kind === 'ReplicationController' ? { matchLabels: selector as Record<string, string> | undefined } : (selector as LabelSelector | undefined);
}

function toScale(obj: KubeObject, paths: ScalePaths): KubeObject {
  const meta = obj.metadata ?? {};
  const selector = paths.labelSelector ? jsonText(valueAt(obj, paths.labelSelector)) : selectorString(builtinSelector(obj));
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: meta.name, namespace: meta.namespace, uid: meta.uid, resourceVersion: meta.resourceVersion, creationTimestamp: meta.creationTimestamp },
    spec: { replicas: (valueAt(obj, paths.specReplicas) as number | undefined) ?? 0 },
    status: { replicas: (valueAt(obj, paths.statusReplicas) as number | undefined) ?? 0, selector },
  };
}

/** The parent with the Scale's replicas; the Scale's resourceVersion, if any, as a precondition. */
function withReplicas(parent: KubeObject, scale: KubeObject, paths: ScalePaths): KubeObject {
  const replicas = (scale['spec'] as { replicas?: unknown } | undefined)?.replicas;
  if (replicas !== undefined && (!Number.isInteger(replicas) || (replicas as number) < 0)) {
    throw badRequest(`Scale.autoscaling "${parent.metadata?.name ?? ''}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`);
  }
  const resourceVersion = scale.metadata?.resourceVersion;
  const updated: KubeObject = { ...parent, metadata: { ...parent.metadata, ...(resourceVersion ? { resourceVersion } : {}) } };
  setValueAt(updated, paths.specReplicas, replicas ?? 0);
  return updated;
}

export async function getScale(scope: Scope): Promise<void> {
  writeNegotiated(scope, 200, toScale(await readObject(scope), scalePaths(scope)));
}

export async function updateScale(scope: Scope): Promise<void> {
  const scale = decodeObjectBody(await readBody(scope.req), mediaType(scope.req.headers['content-type'])) as KubeObject;
  const paths = scalePaths(scope);
  const { obj } = await updateObject(scope, (current) => withReplicas(current, scale, paths));
  writeNegotiated(scope, 200, toScale(obj, paths));
}

export async function patchScale(scope: Scope): Promise<void> {
  const patchScaleView = patchMutation(scope, mediaType(scope.req.headers['content-type']), await readBody(scope.req));
  const paths = scalePaths(scope);
  try {
    const { obj } = await updateObject(scope, async (current) => withReplicas(current, await patchScaleView(toScale(current, paths)), paths));
    writeNegotiated(scope, 200, toScale(obj, paths));
  } catch (err) {
    throw patchStatus(err);
  }
}
