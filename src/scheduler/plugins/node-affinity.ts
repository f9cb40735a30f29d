// NodeAffinity: spec.nodeSelector and required node affinity must both match; preferred terms add their
// weights, normalized so the best node scores 100. Weight 2.

import { defaultNormalizeScore, SUCCESS, unresolvable, type Plugin } from '../framework.js';
import { nodeSelectorTermsMatch, termMatches } from '../node-selector.js';
import type { Node, Pod } from '../types.js';

export const ERR_REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";

/** Whether the pod's nodeSelector and required node affinity admit the node (also used by PodTopologySpread). */
export function requiredNodeAffinityMatches(pod: Pod, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [key, value] of Object.entries(pod.spec.nodeSelector ?? {})) if (labels[key] !== value) return false;
  const required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return !required || nodeSelectorTermsMatch(required.nodeSelectorTerms ?? [], node);
}

export const nodeAffinity: Plugin = {
  name: 'NodeAffinity',
  forPod: (pod) => {
    const preferred = (pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).filter((term) => term.weight !== 0);
    return {
      filter: ({ node }) => (requiredNodeAffinityMatches(pod, node) ? SUCCESS : unresolvable(ERR_REASON_NODE_AFFINITY)),
      score: (feasible) => {
        const raw = feasible.map(({ node }) => preferred.reduce((sum, term) => (termMatches(term.preference, node) ? sum + term.weight : sum), 0));
        return defaultNormalizeScore(raw, false);
      },
    };
  },
};
