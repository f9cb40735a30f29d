// metav1.LabelSelector matching (LabelSelectorAsSelector): matchLabels ANDed with matchExpressions.
// An empty selector matches everything; a missing one (null/undefined) matches nothing, as upstream.

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export function labelSelectorMatches(selector: LabelSelector | null | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (have[key] !== value) return false;
  for (const requirement of selector.matchExpressions ?? []) if (!requirementMatches(requirement, have)) return false;
  return true;
}

function requirementMatches({ key, operator, values = [] }: LabelSelectorRequirement, labels: Record<string, string>): boolean {
  const present = Object.hasOwn(labels, key);
  switch (operator) {
    case 'In':
      return present && values.includes(labels[key]!);
    case 'NotIn':
      return !present || !values.includes(labels[key]!);
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
  }
}
