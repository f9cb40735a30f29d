// core/v1 NodeSelector matching (component-helpers' nodeaffinity): terms are ORed, a term's requirements
// ANDed, an empty term matches nothing; matchFields knows only metadata.name; Gt/Lt compare integers.

import type { Node, NodeSelectorRequirement, NodeSelectorTerm } from './types.js';

function parseInteger(text: string | undefined): number | undefined {
  return text !== undefined && /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
}

export function requirementMatches({ key, operator, values = [] }: NodeSelectorRequirement, labels: Record<string, string>): boolean {
  const present = Object.hasOwn(labels, key);
  const value = labels[key];
  switch (operator) {
    case 'In':
      return present && values.includes(value!);
    case 'NotIn':
      return !present || !values.includes(value!);
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
    case 'Gt':
    case 'Lt': {
      const have = parseInteger(value);
      const want = values.length === 1 ? parseInteger(values[0]) : undefined;
      if (!present || have === undefined || want === undefined) return false;
      return operator === 'Gt' ? have > want : have < want;
    }
    default:
      return false;
  }
}

export function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (expressions.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  if (!expressions.every((r) => requirementMatches(r, labels))) return false;
  return fields.every((r) => r.key === 'metadata.name' && requirementMatches(r, { 'metadata.name': node.metadata.name! }));
}

export function nodeSelectorTermsMatch(terms: readonly NodeSelectorTerm[], node: Node): boolean {
  return terms.some((term) => termMatches(term, node));
}
