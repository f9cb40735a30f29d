// DefaultSelector (PodTopologySpread's system defaults), as kube's helper.DefaultSelector: the selectors of
// the Services in the pod's namespace that select it, merged, plus the selector of the pod's controller
// when that is a ReplicationController (v1), ReplicaSet or StatefulSet (apps/v1), looked up by name. Only
// the Services are listed, so the cost per pod does not grow with the number of ReplicaSets in the cluster.

import { controllerOf, labelSelectorMatches, type KubeObject, type LabelSelector } from '../client/kube/index.js';
import type { Pod } from './types.js';

export type ControllerKind = 'ReplicationController' | 'ReplicaSet' | 'StatefulSet';

export interface SelectingObjects {
  /** The Services of the pod's namespace. */
  readonly services: readonly KubeObject[];
  /** A controller of the pod's namespace by kind and name. */
  controller(kind: ControllerKind, name: string): KubeObject | undefined;
}

/** The group/version each controller kind is looked up under (kube's rcKind, rsKind, ssKind). */
const CONTROLLER_API_VERSIONS: Record<ControllerKind, string> = { ReplicationController: 'v1', ReplicaSet: 'apps/v1', StatefulSet: 'apps/v1' };

type Spec = { selector?: unknown };

function specOf(object: KubeObject): Spec {
  return (object['spec'] as Spec | undefined) ?? {};
}

/** The merged selector, or undefined when nothing selects the pod. */
export function defaultSelectorFor(pod: Pod, objects: SelectingObjects): LabelSelector | undefined {
  const labels = pod.metadata.labels ?? {};
  const merged: Required<LabelSelector> = { matchLabels: {}, matchExpressions: [] };
  let found = false;
  for (const service of objects.services) {
    // A Service without a selector selects nothing, not everything.
    const selector = specOf(service).selector as Record<string, string> | undefined;
    if (!selector || !labelSelectorMatches({ matchLabels: selector }, labels)) continue;
    Object.assign(merged.matchLabels, selector);
    found = true;
  }
  const owner = controllerOf(pod as KubeObject);
  const kind = owner && (Object.keys(CONTROLLER_API_VERSIONS) as ControllerKind[]).find((k) => k === owner.kind && CONTROLLER_API_VERSIONS[k] === owner.apiVersion);
  const controller = kind && objects.controller(kind, owner.name);
  if (controller) {
    // kube adds the controller's selector without checking that it selects the pod.
    const selector = specOf(controller).selector;
    if (kind === 'ReplicationController') Object.assign(merged.matchLabels, selector ?? {});
    else {
      Object.assign(merged.matchLabels, (selector as LabelSelector | undefined)?.matchLabels ?? {});
      merged.matchExpressions.push(...((selector as LabelSelector | undefined)?.matchExpressions ?? []));
    }
    found = true;
  }
  return found ? merged : undefined;
}
