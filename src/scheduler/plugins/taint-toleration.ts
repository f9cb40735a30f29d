// TaintToleration: the first untolerated NoSchedule/NoExecute taint rejects a node; untolerated
// PreferNoSchedule taints are counted and score in reverse (fewer is better). Weight 3.

import { defaultNormalizeScore, SUCCESS, unresolvable, type Plugin } from '../framework.js';
import { tolerationsTolerateTaint } from '../taints.js';

export function untoleratedTaintReason(key: string, value = ''): string {
  return `node(s) had untolerated taint {${key}: ${value}}`;
}

export const taintToleration: Plugin = {
  name: 'TaintToleration',
  forPod: (pod) => {
    const tolerations = pod.spec.tolerations ?? [];
    const preferTolerations = tolerations.filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
    return {
      filter: ({ node }) => {
        const taint = (node.spec?.taints ?? []).find((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerationsTolerateTaint(tolerations, t));
        return taint ? unresolvable(untoleratedTaintReason(taint.key, taint.value)) : SUCCESS;
      },
      score: (feasible) => {
        const counts = feasible.map(({ node }) => (node.spec?.taints ?? []).filter((t) => t.effect === 'PreferNoSchedule' && !tolerationsTolerateTaint(preferTolerations, t)).length);
        return defaultNormalizeScore(counts, true);
      },
    };
  },
};
