// successPolicy for Indexed Jobs (success_policy.go): the job succeeds early once a rule is met, a rule
// naming succeededIndexes (all of them, or succeededCount of them) and/or a succeededCount of any
// indexes. The job then gets SuccessCriteriaMet, its remaining pods are deleted, and Complete follows,
// both with reason SuccessPolicy.

import { parseIndexes } from './completion-index.js';

export interface SuccessPolicy {
  rules: { succeededIndexes?: string; succeededCount?: number }[];
}

export const SUCCESS_POLICY_REASON = 'SuccessPolicy';

/** matchSuccessPolicy: the message of the first rule the succeeded indexes meet, if any. */
export function matchSuccessPolicy(policy: SuccessPolicy | undefined, completions: number, succeeded: readonly number[]): string | undefined {
  if (!policy || succeeded.length === 0) return undefined;
  const done = new Set(succeeded);
  for (const [index, rule] of policy.rules.entries()) {
    if (rule.succeededIndexes !== undefined) {
      const required = parseIndexes(rule.succeededIndexes, completions);
      // A rule whose indexes do not parse is skipped.
      if (required.length === 0) continue;
      const contained = required.filter((i) => done.has(i)).length;
      if (contained === required.length || (rule.succeededCount !== undefined && contained >= rule.succeededCount)) return `Matched rules at index ${index}`;
    } else if (rule.succeededCount !== undefined && succeeded.length >= rule.succeededCount) {
      return `Matched rules at index ${index}`;
    }
  }
  return undefined;
}
