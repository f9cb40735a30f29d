// The pod status a failed cycle writes, as a strategic merge patch of pods/status (updatePod): the
// PodScheduled=False/Unschedulable condition, and the nominated node when preemption set or cleared one;
// nothing when both are already so (podutil.UpdatePodCondition). Also the DisruptionTarget condition a
// preemption victim gets before it is deleted.

import type { Pod, PodCondition } from './types.js';

export const REASON_UNSCHEDULABLE = 'Unschedulable';

type StatusPatch = { status: { conditions: PodCondition[]; nominatedNodeName?: string | null } };

const metaNow = (now: Date): string => now.toISOString().replace(/\.\d+Z$/, 'Z');

/** `nominatedNodeName`: a node to nominate, '' to clear, undefined to leave as it is. */
export function podScheduledFalsePatch(pod: Pod, message: string, now: Date, nominatedNodeName?: string): StatusPatch | undefined {
  const current = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  const sameCondition = current?.status === 'False' && current.reason === REASON_UNSCHEDULABLE && current.message === message;
  const nominationChanges = nominatedNodeName !== undefined && (pod.status?.nominatedNodeName ?? '') !== nominatedNodeName;
  if (sameCondition && !nominationChanges) return undefined;
  const lastTransitionTime = current?.status === 'False' && current.lastTransitionTime ? current.lastTransitionTime : metaNow(now);
  const patch: StatusPatch = { status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: REASON_UNSCHEDULABLE, message, lastProbeTime: null, lastTransitionTime }] } };
  if (nominationChanges) patch.status.nominatedNodeName = nominatedNodeName || null;
  return patch;
}

/** DisruptionTarget=True/PreemptionByScheduler, as kube-scheduler marks a victim. */
export function disruptionTargetPatch(schedulerName: string, now: Date): StatusPatch {
  const condition = { type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message: `${schedulerName}: preempting to accommodate a higher priority pod`, lastTransitionTime: metaNow(now) };
  return { status: { conditions: [condition] } };
}
