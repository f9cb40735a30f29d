// InterPodAffinity: required affinity needs a matching pod in the node's topology domain (or, for the
// first of a group, a pod matching its own terms); required anti-affinity, the pod's or an existing
// pod's, forbids a domain holding a match. Preferred terms (both ways) and existing pods' required
// affinity (hard weight 1) add up per domain, normalized min–max to 0–100. Weight 2.

import { MAX_NODE_SCORE, SUCCESS, unresolvable, unschedulable, type Plugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import { nodesWithPodsWithAffinity, nodesWithPodsWithRequiredAntiAffinity } from '../snapshot-index.js';
import { requiredTerms, termMatchesPod, weightedTerms, type AffinityTerm, type NamespaceLabels } from '../pod-affinity-term.js';
import type { Pod } from '../types.js';

export const ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";

const HARD_POD_AFFINITY_WEIGHT = 1;

/** Counts per "key\0value" topology pair. */
class TopologyCounts {
  private readonly counts = new Map<string, number>();

  add(key: string, value: string, delta: number): void {
    const pair = `${key}\0${value}`;
    this.counts.set(pair, (this.counts.get(pair) ?? 0) + delta);
  }

  get(key: string, value: string): number {
    return this.counts.get(`${key}\0${value}`) ?? 0;
  }

  get size(): number {
    return this.counts.size;
  }

  entries(): Array<[string, string, number]> {
    return [...this.counts].map(([pair, count]) => {
      const [key, value] = pair.split('\0') as [string, string];
      return [key, value, count];
    });
  }
}

function labelsOf(info: NodeInfo): Record<string, string> {
  return info.node.metadata.labels ?? {};
}

/** Adds `weight × multiplier` to the domain of `node` for every term matching `pod`. */
function processTerms(counts: TopologyCounts, terms: AffinityTerm[], pod: Pod, node: Record<string, string>, multiplier: number, namespaceLabels: NamespaceLabels): void {
  for (const term of terms) {
    const value = node[term.term.topologyKey];
    if (value !== undefined && termMatchesPod(term, pod, namespaceLabels)) counts.add(term.term.topologyKey, value, term.weight * multiplier);
  }
}

export function interPodAffinity(namespaceLabels: NamespaceLabels = () => undefined): Plugin {
  return {
    name: 'InterPodAffinity',
    forPod: (pod, snapshot) => {
      const affinity = requiredTerms(pod.spec.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution, pod);
      const antiAffinity = requiredTerms(pod.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution, pod);
      const affinityCounts = new TopologyCounts();
      const antiAffinityCounts = new TopologyCounts();
      const existingAntiAffinityCounts = new TopologyCounts();
      // As kube's PreFilter: existing pods' required anti-affinity on the nodes holding such pods
      // (HavePodsWithRequiredAntiAffinityList; every node when the snapshot has no such list) ...
      for (const info of nodesWithPodsWithRequiredAntiAffinity(snapshot) ?? snapshot) {
        const labels = labelsOf(info);
        for (const existing of info.podsWithRequiredAntiAffinity) {
          const theirs = requiredTerms(existing.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution, existing);
          processTerms(existingAntiAffinityCounts, theirs, pod, labels, 1, namespaceLabels);
        }
      }
      // ... and the pod's own required terms against every pod on every node.
      const ownTerms = affinity.length > 0 || antiAffinity.length > 0;
      if (ownTerms) {
        for (const info of snapshot) {
          const labels = labelsOf(info);
          for (const existing of info.pods) {
            processTerms(affinityCounts, affinity, existing, labels, 1, namespaceLabels);
            processTerms(antiAffinityCounts, antiAffinity, existing, labels, 1, namespaceLabels);
          }
        }
      }

      const satisfiesAffinity = (labels: Record<string, string>): boolean => {
        let podsExist = true;
        for (const { term } of affinity) {
          const value = labels[term.topologyKey];
          if (value === undefined) return false;
          if (affinityCounts.get(term.topologyKey, value) <= 0) podsExist = false;
        }
        // The first pod of a group with affinity to itself may go anywhere that has the topologies.
        return podsExist || (affinityCounts.size === 0 && affinity.every((term) => termMatchesPod(term, pod, namespaceLabels)));
      };
      const satisfiesAntiAffinity = (labels: Record<string, string>): boolean =>
        antiAffinity.every(({ term }) => labels[term.topologyKey] === undefined || antiAffinityCounts.get(term.topologyKey, labels[term.topologyKey]!) <= 0);
      const satisfiesExistingAntiAffinity = (labels: Record<string, string>): boolean =>
        existingAntiAffinityCounts.size === 0 || Object.entries(labels).every(([key, value]) => existingAntiAffinityCounts.get(key, value) <= 0);

      // kube's PreFilter answers Skip: no node can fail, so no filter runs.
      const skipFilter = !ownTerms && existingAntiAffinityCounts.size === 0;
      return {
        filter: skipFilter ? undefined : (info) => {
          const labels = labelsOf(info);
          if (!satisfiesAffinity(labels)) return unresolvable(ERR_REASON_AFFINITY);
          if (!satisfiesAntiAffinity(labels)) return unschedulable(ERR_REASON_ANTI_AFFINITY);
          if (!satisfiesExistingAntiAffinity(labels)) return unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY);
          return SUCCESS;
        },
        score: (feasible) => {
          const preferred = weightedTerms(pod.spec.affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution, pod);
          const preferredAnti = weightedTerms(pod.spec.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution, pod);
          const scores = new TopologyCounts();
          // As kube's PreScore: unless the pod has preferred terms, only existing pods with affinity count,
          // on the nodes holding some (HavePodsWithAffinityList; every node when the snapshot has no list).
          const ownPreferences = preferred.length > 0 || preferredAnti.length > 0;
          const nodes = ownPreferences ? snapshot : (nodesWithPodsWithAffinity(snapshot) ?? snapshot);
          for (const info of nodes) {
            const labels = labelsOf(info);
            for (const existing of ownPreferences ? info.pods : info.podsWithAffinity) {
              const theirs = existing.spec.affinity;
              processTerms(scores, preferred, existing, labels, 1, namespaceLabels);
              processTerms(scores, preferredAnti, existing, labels, -1, namespaceLabels);
              const hard = requiredTerms(theirs?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution, existing).map((t) => ({ ...t, weight: HARD_POD_AFFINITY_WEIGHT }));
              processTerms(scores, hard, pod, labels, 1, namespaceLabels);
              processTerms(scores, weightedTerms(theirs?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution, existing), pod, labels, 1, namespaceLabels);
              processTerms(scores, weightedTerms(theirs?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution, existing), pod, labels, -1, namespaceLabels);
            }
          }
          // Nothing counted is kube's Skip: every node scores 0, as the min–max of equal scores gives.
          if (scores.size === 0) return feasible.map(() => 0);
          const entries = scores.entries();
          const raw = feasible.map((info) => {
            const labels = labelsOf(info);
            return entries.reduce((sum, [key, value, count]) => (labels[key] === value ? sum + count : sum), 0);
          });
          return normalizeMinMax(raw);
        },
      };
    },
  };
}

/** InterPodAffinity's NormalizeScore: (score − min) / (max − min) × 100, all 0 when they are equal. */
export function normalizeMinMax(raw: number[]): number[] {
  if (raw.length === 0) return raw;
  const min = Math.min(...raw);
  const diff = Math.max(...raw) - min;
  return raw.map((score) => (diff > 0 ? Math.trunc((MAX_NODE_SCORE * (score - min)) / diff) : 0));
}
