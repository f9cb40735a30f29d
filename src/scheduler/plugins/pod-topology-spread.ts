// PodTopologySpread: DoNotSchedule constraints filter by skew (matching pods in the node's domain, plus
// the pod itself if it matches, minus the least-loaded domain, at most maxSkew); ScheduleAnyway ones
// score by matching pods per domain weighted by log(domains + 2), fewer is better. Without constraints
// of its own a pod owned by a workload gets the system defaults (hostname skew 3, zone skew 5). Weight 2.

import { labelSelectorMatches, type LabelSelector } from '../../client/kube/index.js';
import { MAX_NODE_SCORE, SUCCESS, unresolvable, unschedulable, type Plugin } from '../framework.js';
import { nodesCarrying } from '../snapshot-index.js';
import { labelPairKey, type NodeInfo } from '../node-info.js';
import type { Pod, TopologySpreadConstraint } from '../types.js';
import { requiredNodeAffinityMatches } from './node-affinity.js';

export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = `${ERR_REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`;

const HOSTNAME = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';

/** The selector of the Services/ReplicaSets/… selecting the pod (DefaultSelector), for the system defaults. */
export type DefaultSelector = (pod: Pod) => LabelSelector | undefined;

interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: LabelSelector;
  minDomains: number;
  honorAffinity: boolean;
}

function constraintsOf(pod: Pod, when: TopologySpreadConstraint['whenUnsatisfiable']): Constraint[] {
  return (pod.spec.topologySpreadConstraints ?? [])
    .filter((c) => c.whenUnsatisfiable === when)
    .map((c) => ({ maxSkew: c.maxSkew, topologyKey: c.topologyKey, selector: c.labelSelector ?? {}, minDomains: c.minDomains ?? 1, honorAffinity: c.nodeAffinityPolicy !== 'Ignore' }));
}

interface PodCounter {
  /** A node's pods in the namespace (not being deleted) that the selector matches. */
  count(info: NodeInfo): number;
  /** The nodes of the snapshot that may hold such pods: those the cache's index names, or all of them. */
  readonly nodes: Iterable<NodeInfo>;
  /** Whether a node of the snapshot may hold one (is among `nodes`). */
  mayHold(info: NodeInfo): boolean;
}

const NO_PODS: readonly Pod[] = [];

/**
 * kube's countPodsMatchSelector, once per node per constraint: a selector with matchLabels looks only at
 * the pods carrying its first label (the node's podsByLabel), and only on the nodes holding one, since no
 * other pod can match it.
 */
function podCounter(selector: LabelSelector, namespace: string | undefined, snapshot: readonly NodeInfo[]): PodCounter {
  const first = Object.entries(selector.matchLabels ?? {})[0];
  const pair = first && labelPairKey(namespace, first[0], first[1]);
  const holders = pair === undefined ? undefined : nodesCarrying(snapshot, pair);
  return {
    count(info) {
      let count = 0;
      for (const p of pair === undefined ? info.pods : info.podsByLabel.get(pair) ?? NO_PODS) {
        if (!p.metadata.deletionTimestamp && p.metadata.namespace === namespace && labelSelectorMatches(selector, p.metadata.labels ?? {})) count++;
      }
      return count;
    },
    nodes: holders ?? snapshot,
    mayHold: (info) => holders?.has(info) ?? true,
  };
}

function hasAllKeys(info: NodeInfo, constraints: Constraint[]): boolean {
  const labels = info.node.metadata.labels ?? {};
  return constraints.every((c) => Object.hasOwn(labels, c.topologyKey));
}

function filterFor(pod: Pod, snapshot: readonly NodeInfo[]): ((info: NodeInfo) => ReturnType<typeof unschedulable>) | undefined {
  const constraints = constraintsOf(pod, 'DoNotSchedule');
  if (constraints.length === 0) return undefined;
  const matchNum = constraints.map(() => new Map<string, number>());
  const counters = constraints.map((c) => podCounter(c.selector, pod.metadata.namespace, snapshot));
  for (const info of snapshot) {
    if (!hasAllKeys(info, constraints)) continue;
    constraints.forEach((c, i) => {
      if (c.honorAffinity && !requiredNodeAffinityMatches(pod, info.node)) return;
      const value = info.node.metadata.labels![c.topologyKey]!;
      matchNum[i]!.set(value, (matchNum[i]!.get(value) ?? 0) + counters[i]!.count(info));
    });
  }
  const minMatch = constraints.map((c, i) => {
    const domains = [...matchNum[i]!.values()];
    return domains.length < c.minDomains || domains.length === 0 ? 0 : Math.min(...domains);
  });
  return (info) => {
    const labels = info.node.metadata.labels ?? {};
    for (const [i, c] of constraints.entries()) {
      const value = labels[c.topologyKey];
      if (value === undefined) return unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH);
      const self = labelSelectorMatches(c.selector, pod.metadata.labels ?? {}) ? 1 : 0;
      if ((matchNum[i]!.get(value) ?? 0) + self - minMatch[i]! > c.maxSkew) return unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH);
    }
    return SUCCESS;
  };
}

function softConstraints(pod: Pod, defaultSelector: DefaultSelector): { constraints: Constraint[]; systemDefaulted: boolean } {
  if ((pod.spec.topologySpreadConstraints ?? []).length > 0) return { constraints: constraintsOf(pod, 'ScheduleAnyway'), systemDefaulted: false };
  const selector = defaultSelector(pod);
  if (!selector || (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0)) return { constraints: [], systemDefaulted: true };
  const base = { selector, minDomains: 1, honorAffinity: true };
  return { constraints: [{ ...base, maxSkew: 3, topologyKey: HOSTNAME }, { ...base, maxSkew: 5, topologyKey: ZONE }], systemDefaulted: true };
}

function scoreFor(pod: Pod, snapshot: readonly NodeInfo[], feasible: readonly NodeInfo[], defaultSelector: DefaultSelector): number[] {
  const { constraints, systemDefaulted } = softConstraints(pod, defaultSelector);
  if (constraints.length === 0) return feasible.map(() => 0);
  const requireAll = !systemDefaulted;
  const ignored = new Set<NodeInfo>();
  // kube's TopologyPairToPodCounts: matching pods per topology value, by key (constraints on one key share them).
  const pairCounts = new Map<string, Map<string, number>>();
  for (const c of constraints) if (c.topologyKey !== HOSTNAME) pairCounts.set(c.topologyKey, new Map());
  const domains = constraints.map(() => 0);
  for (const info of feasible) {
    if (requireAll && !hasAllKeys(info, constraints)) {
      ignored.add(info);
      continue;
    }
    constraints.forEach((c, i) => {
      const value = info.node.metadata.labels?.[c.topologyKey];
      if (c.topologyKey === HOSTNAME || value === undefined) return;
      const counts = pairCounts.get(c.topologyKey)!;
      if (!counts.has(value)) {
        counts.set(value, 0);
        domains[i]!++;
      }
    });
  }
  const weights = constraints.map((c, i) => Math.log((c.topologyKey === HOSTNAME ? feasible.length - ignored.size : domains[i]!) + 2));
  const counters = constraints.map((c) => podCounter(c.selector, pod.metadata.namespace, snapshot));
  // The nodes that may hold a matching pod (every node without the index): the count first, the node's
  // affinity only then, once per node.
  const affinity = new Map<NodeInfo, boolean>();
  const affinityMatches = (info: NodeInfo): boolean => {
    let matches = affinity.get(info);
    if (matches === undefined) affinity.set(info, (matches = requiredNodeAffinityMatches(pod, info.node)));
    return matches;
  };
  constraints.forEach((c, i) => {
    const counts = pairCounts.get(c.topologyKey);
    if (!counts) return;
    for (const info of counters[i]!.nodes) {
      if (requireAll && !hasAllKeys(info, constraints)) continue;
      const value = info.node.metadata.labels?.[c.topologyKey];
      const current = value === undefined ? undefined : counts.get(value);
      if (current === undefined) continue;
      const matching = counters[i]!.count(info);
      if (matching === 0 || (c.honorAffinity && !affinityMatches(info))) continue;
      counts.set(value!, current + matching);
    }
  });
  const raw = feasible.map((info) => {
    if (ignored.has(info)) return undefined;
    let score = 0;
    constraints.forEach((c, i) => {
      const value = info.node.metadata.labels?.[c.topologyKey];
      if (value === undefined) return;
      const counter = counters[i]!;
      const count = c.topologyKey === HOSTNAME ? (counter.mayHold(info) ? counter.count(info) : 0) : pairCounts.get(c.topologyKey)!.get(value) ?? 0;
      score += count * weights[i]! + (c.maxSkew - 1);
    });
    return Math.round(score);
  });
  return normalizeSpreadScores(raw);
}

/** Fewer matching pods is better: max·(max + min − s)/max; ignored nodes (undefined) score 0. */
export function normalizeSpreadScores(raw: Array<number | undefined>): number[] {
  const valid = raw.filter((s): s is number => s !== undefined);
  const max = Math.max(0, ...valid);
  const min = valid.length ? Math.min(...valid) : 0;
  return raw.map((score) => {
    if (score === undefined) return 0;
    if (max === 0) return MAX_NODE_SCORE;
    return Math.trunc((MAX_NODE_SCORE * (max + min - score)) / max);
  });
}

export function podTopologySpread(defaultSelector: DefaultSelector = () => undefined): Plugin {
  return {
    name: 'PodTopologySpread',
    forPod: (pod, snapshot) => ({
      filter: filterFor(pod, snapshot),
      score: (feasible) => scoreFor(pod, snapshot, feasible, defaultSelector),
    }),
  };
}
