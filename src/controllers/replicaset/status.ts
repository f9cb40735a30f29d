// The ReplicaSet controller's calculateStatus: counts over the active pods it owns and the ReplicaFailure
// condition while creating or deleting pods fails.

import { labelSelectorMatches } from '../../client/kube/index.js';
import { isPodAvailable, isPodReady } from '../shared/pod-util.js';
import { replicasOf, type Pod, type ReplicaSet, type ReplicaSetStatus } from '../shared/types.js';

export function calculateReplicaSetStatus(rs: ReplicaSet, activePods: readonly Pod[], manageError: Error | undefined, nowMs: number): ReplicaSetStatus {
  const templateLabels = rs.spec.template.metadata?.labels ?? {};
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of activePods) {
    if (labelSelectorMatches({ matchLabels: templateLabels }, pod.metadata.labels ?? {})) fullyLabeled++;
    if (!isPodReady(pod)) continue;
    ready++;
    if (isPodAvailable(pod, rs.spec.minReadySeconds ?? 0, nowMs)) available++;
  }
  let conditions = (rs.status?.conditions ?? []).map((condition) => ({ ...condition }));
  const failure = conditions.find((condition) => condition.type === 'ReplicaFailure');
  if (manageError && !failure) {
    const diff = activePods.length - replicasOf(rs);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    const now = new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
    conditions.push({ type: 'ReplicaFailure', status: 'True', lastTransitionTime: now, reason, message: manageError.message });
  } else if (!manageError && failure) {
    conditions = conditions.filter((condition) => condition.type !== 'ReplicaFailure');
  }
  const status: ReplicaSetStatus = {
    replicas: activePods.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
    observedGeneration: rs.metadata.generation,
  };
  if (conditions.length > 0) status.conditions = conditions;
  return status;
}
