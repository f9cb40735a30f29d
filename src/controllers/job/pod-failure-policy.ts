// podFailurePolicy (pod_failure_policy.go): a failed pod is matched against the rules in order, by the
// exit codes of its terminated containers (init containers after the others) or by its conditions
// (DisruptionTarget for an eviction or a preemption). The first rule that matches decides: FailJob ends
// the job at once, Ignore does not count the failure against backoffLimit, Count counts it as usual,
// FailIndex fails the pod's index (with backoffLimitPerIndex).

import type { ContainerStatus, Pod } from '../shared/types.js';

export type PodFailurePolicyAction = 'FailJob' | 'FailIndex' | 'Ignore' | 'Count';

export interface PodFailurePolicyRule {
  action: PodFailurePolicyAction;
  onExitCodes?: { containerName?: string; operator: 'In' | 'NotIn'; values: number[] };
  onPodConditions?: { type: string; status: string }[];
}

export interface PodFailurePolicy {
  rules: PodFailurePolicyRule[];
}

export interface PolicyMatch {
  /** A FailJob rule matched: why the job fails. */
  failJobMessage?: string;
  /** Whether the failure counts towards backoffLimit (false for Ignore). */
  countFailed: boolean;
  action?: PodFailurePolicyAction;
}

const NO_MATCH: PolicyMatch = { countFailed: true };

function operatorMatches(exitCode: number, requirement: NonNullable<PodFailurePolicyRule['onExitCodes']>): boolean {
  if (requirement.operator === 'In') return requirement.values.includes(exitCode);
  if (requirement.operator === 'NotIn') return !requirement.values.includes(exitCode);
  return false;
}

/** getMatchingContainerFromList: the first terminated container with a non-zero exit code the requirement matches. */
function matchingContainer(statuses: readonly ContainerStatus[], requirement: NonNullable<PodFailurePolicyRule['onExitCodes']>): ContainerStatus | undefined {
  return statuses.find((status) => {
    const exitCode = status.state?.terminated?.exitCode;
    if (exitCode === undefined || exitCode === 0) return false;
    return (requirement.containerName === undefined || requirement.containerName === status.name) && operatorMatches(exitCode, requirement);
  });
}

function matchingCondition(pod: Pod, patterns: readonly { type: string; status: string }[]): string | undefined {
  for (const condition of pod.status?.conditions ?? []) {
    if (patterns.some((pattern) => pattern.type === condition.type && pattern.status === condition.status)) return condition.type;
  }
  return undefined;
}

/** matchPodFailurePolicy for a failed pod. */
export function matchPodFailurePolicy(policy: PodFailurePolicy | undefined, pod: Pod): PolicyMatch {
  if (!policy) return NO_MATCH;
  const podName = `${pod.metadata.namespace}/${pod.metadata.name}`;
  for (const [index, rule] of policy.rules.entries()) {
    let failJobMessage: string | undefined;
    if (rule.onExitCodes) {
      const status = matchingContainer(pod.status?.containerStatuses ?? [], rule.onExitCodes) ?? matchingContainer(pod.status?.initContainerStatuses ?? [], rule.onExitCodes);
      if (!status) continue;
      failJobMessage = `Container ${status.name} for pod ${podName} failed with exit code ${status.state!.terminated!.exitCode} matching ${rule.action} rule at index ${index}`;
    } else if (rule.onPodConditions) {
      const type = matchingCondition(pod, rule.onPodConditions);
      if (type === undefined) continue;
      failJobMessage = `Pod ${podName} has condition ${type} matching ${rule.action} rule at index ${index}`;
    } else continue;
    switch (rule.action) {
      case 'Ignore':
        return { countFailed: false, action: 'Ignore' };
      case 'Count':
        return { countFailed: true, action: 'Count' };
      case 'FailIndex':
        return { countFailed: true, action: 'FailIndex' };
      case 'FailJob':
        return { failJobMessage, countFailed: true, action: 'FailJob' };
    }
  }
  return NO_MATCH;
}
