// The PodScheduled=False/Unschedulable condition a failed cycle writes, as a strategic merge patch of
// pods/status; nothing when the pod already carries the same condition (podutil.UpdatePodCondition).

import type { Pod, PodCondition } from './types.js';

export const REASON_UNSCHEDULABLE = 'Unschedulable';

export function podScheduledFalsePatch(pod: Pod, message: string, now: Date): { status: { conditions: PodCondition[] } } | undefined {
  const current = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (current && current.status === 'False' && current.reason === REASON_UNSCHEDULABLE && current.message === message) return undefined;
  const lastTransitionTime = current?.status === 'False' && current.lastTransitionTime ? current.lastTransitionTime : now.toISOString().replace(/\.\d+Z$/, 'Z');
  return { status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: REASON_UNSCHEDULABLE, message, lastProbeTime: null, lastTransitionTime }] } };
}
