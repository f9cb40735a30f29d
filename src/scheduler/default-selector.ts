// DefaultSelector (PodTopologySpread's system defaults): the union of the selectors of the Services,
// ReplicationControllers, ReplicaSets and StatefulSets in the pod's namespace that select it.

import { labelSelectorMatches, type KubeObject, type LabelSelector } from '../client/kube/index.js';
import type { Pod } from './types.js';

export interface SelectingObjects {
  services: readonly KubeObject[];
  replicationControllers: readonly KubeObject[];
  replicaSets: readonly KubeObject[];
  statefulSets: readonly KubeObject[];
}

type Spec = { selector?: unknown };

function specOf(object: KubeObject): Spec {
  return (object['spec'] as Spec | undefined) ?? {};
}

/** The merged selector, or undefined when nothing selects the pod. */
export function defaultSelectorFor(pod: Pod, objects: SelectingObjects): LabelSelector | undefined {
  const labels = pod.metadata.labels ?? {};
  const namespace = pod.metadata.namespace;
  const merged: Required<LabelSelector> = { matchLabels: {}, matchExpressions: [] };
  let found = false;
  const sameNamespace = (o: KubeObject): boolean => o.metadata.namespace === namespace;
  for (const object of [...objects.services, ...objects.replicationControllers].filter(sameNamespace)) {
    const selector = specOf(object).selector as Record<string, string> | undefined;
    if (!selector || Object.keys(selector).length === 0 || !labelSelectorMatches({ matchLabels: selector }, labels)) continue;
    Object.assign(merged.matchLabels, selector);
    found = true;
  }
  for (const object of [...objects.replicaSets, ...objects.statefulSets].filter(sameNamespace)) {
    const selector = specOf(object).selector as LabelSelector | undefined;
    if (!selector || !labelSelectorMatches(selector, labels)) continue;
    Object.assign(merged.matchLabels, selector.matchLabels ?? {});
    merged.matchExpressions.push(...(selector.matchExpressions ?? []));
    found = true;
  }
  return found ? merged : undefined;
}
