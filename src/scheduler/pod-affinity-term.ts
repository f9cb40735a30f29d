// Pod (anti-)affinity terms resolved for matching: the namespaces a term covers (its own list, its
// namespaceSelector, or else the owning pod's namespace) and its label selector.

import { labelSelectorMatches } from '../client/kube/index.js';
import type { PodAffinityTerm, Pod, WeightedPodAffinityTerm } from './types.js';

/** Labels of a namespace, for namespaceSelector; undefined when the namespace is unknown. */
export type NamespaceLabels = (namespace: string) => Record<string, string> | undefined;

export interface AffinityTerm {
  term: PodAffinityTerm;
  /** The namespace of the pod that declares the term. */
  ownerNamespace: string;
  weight: number;
}

export function requiredTerms(terms: readonly PodAffinityTerm[] | undefined, owner: Pod): AffinityTerm[] {
  return (terms ?? []).map((term) => ({ term, ownerNamespace: owner.metadata.namespace ?? 'default', weight: 1 }));
}

export function weightedTerms(terms: readonly WeightedPodAffinityTerm[] | undefined, owner: Pod): AffinityTerm[] {
  return (terms ?? []).map(({ weight, podAffinityTerm }) => ({ term: podAffinityTerm, ownerNamespace: owner.metadata.namespace ?? 'default', weight }));
}

/** AffinityTerm.Matches: the pod is in one of the term's namespaces and its labels match the selector. */
export function termMatchesPod({ term, ownerNamespace }: AffinityTerm, pod: Pod, namespaceLabels: NamespaceLabels): boolean {
  const namespace = pod.metadata.namespace ?? 'default';
  const listed = term.namespaces ?? [];
  let inNamespace: boolean;
  if (listed.length === 0 && !term.namespaceSelector) inNamespace = namespace === ownerNamespace;
  else inNamespace = listed.includes(namespace) || (!!term.namespaceSelector && labelSelectorMatches(term.namespaceSelector, namespaceLabels(namespace) ?? {}));
  return inNamespace && labelSelectorMatches(term.labelSelector, pod.metadata.labels ?? {});
}
