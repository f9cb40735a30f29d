// DefaultPreemption's verdict, for the message: nodes rejected as UnschedulableAndUnresolvable are
// "Preemption is not helpful for scheduling"; on the others every lower-priority pod is removed and the
// filters run again ("No preemption victims found for incoming pod" when there is none to remove).
// Barge does not evict victims yet: when some node would fit after removal, it reports no message.

import { fitErrorMessage } from './fit-error.js';
import type { Status } from './framework.js';
import { newNodeInfo, nodeNameOf, type NodeInfo } from './node-info.js';
import type { Pod } from './types.js';

export const PREEMPTION_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NO_PREEMPTION_VICTIMS = 'No preemption victims found for incoming pod';

const priorityOf = (pod: Pod): number => pod.spec.priority ?? 0;

/** The PostFilter message (prefixed "preemption: "), or undefined when preemption would find a candidate. */
export function preemptionMessage(pod: Pod, snapshot: readonly NodeInfo[], statuses: ReadonlyMap<string, Status>, filter: (pod: Pod, node: NodeInfo) => Status): string | undefined {
  if (pod.spec.preemptionPolicy === 'Never') return 'preemption: not eligible due to preemptionPolicy=Never';
  const verdicts = new Map<string, Status>();
  for (const info of snapshot) {
    const name = nodeNameOf(info);
    const status = statuses.get(name);
    if (!status || status.code === 'UnschedulableAndUnresolvable') {
      verdicts.set(name, { code: 'UnschedulableAndUnresolvable', reasons: [PREEMPTION_NOT_HELPFUL] });
      continue;
    }
    const survivors = info.pods.filter((p) => priorityOf(p) >= priorityOf(pod));
    if (survivors.length === info.pods.length) {
      verdicts.set(name, { code: 'UnschedulableAndUnresolvable', reasons: [NO_PREEMPTION_VICTIMS] });
      continue;
    }
    const verdict = filter(pod, newNodeInfo(info.node, survivors));
    if (verdict.code === 'Success') return undefined;
    verdicts.set(name, verdict);
  }
  return `preemption: ${fitErrorMessage(snapshot.length, { nodeStatuses: verdicts })}`;
}
