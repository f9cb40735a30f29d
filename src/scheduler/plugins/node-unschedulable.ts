// NodeUnschedulable: a cordoned node takes only pods tolerating node.kubernetes.io/unschedulable:NoSchedule.

import { SUCCESS, unresolvable, type Plugin } from '../framework.js';
import { tolerationsTolerateTaint } from '../taints.js';

export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';

export const nodeUnschedulable: Plugin = {
  name: 'NodeUnschedulable',
  forPod: (pod) => ({
    filter: ({ node }) => {
      if (!node.spec?.unschedulable) return SUCCESS;
      const tolerated = tolerationsTolerateTaint(pod.spec.tolerations, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' });
      return tolerated ? SUCCESS : unresolvable(ERR_REASON_UNSCHEDULABLE);
    },
  }),
};
