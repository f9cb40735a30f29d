// DefaultPreemption, kube-scheduler's PostFilter, as a pure decision: when a pod fits nowhere, find on
// which node removing lower-priority pods would let it fit, with the fewest and least important victims.
// - Eligibility: preemptionPolicy Never, or a terminating lower-priority pod still on the node the pod
//   was nominated for (its room is on the way), means no preemption this cycle.
// - Nodes whose filter status is UnschedulableAndUnresolvable are not helped by removing pods.
// - SelectVictimsOnNode: remove every lower-priority pod; if the pod then fits, reprieve them one by one,
//   keeping each that still leaves room: first those whose removal would violate a PodDisruptionBudget,
//   then the others, most important first in each group; the rest are the victims, and the victims that
//   violate a budget are counted.
// - pickOneNodeForPreemption: fewest PDB violations, then the lowest highest-priority victim, the lowest
//   sum of priorities, the fewest victims, the latest start among the most important victims, the first.

import { labelSelectorMatches } from '../client/kube/index.js';
import type { PodDisruptionBudget } from '../controllers/disruption/disruption-budget.js';
import { fitErrorMessage } from './fit-error.js';
import type { Status } from './framework.js';
import { newNodeInfo, nodeNameOf, type NodeInfo } from './node-info.js';
import type { Pod } from './types.js';

export const PREEMPTION_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NO_PREEMPTION_VICTIMS = 'No preemption victims found for incoming pod';
export const NOT_ELIGIBLE_NEVER = 'not eligible due to preemptionPolicy=Never.';
export const NOT_ELIGIBLE_TERMINATING = 'not eligible due to a terminating pod on the nominated node.';

/** Filters `pod` against `info`, within `snapshot` (the node's info replaced by the dry run's). */
export type FilterFn = (pod: Pod, info: NodeInfo, snapshot: readonly NodeInfo[]) => Status;

export interface Candidate {
  node: string;
  /** Most important first. */
  victims: Pod[];
  numPDBViolations: number;
}

export type PreemptionResult =
  /** Delete the victims and nominate the node; the FitError carries no preemption message. */
  | { kind: 'preempt'; candidate: Candidate }
  /** `message` is the PostFilter's, prefixed "preemption: "; clearNomination when no node can help. */
  | { kind: 'none'; message: string; clearNomination: boolean };

export const priorityOf = (pod: Pod): number => pod.spec.priority ?? 0;

/** The pod's start (status.startTime), now when it has none, as GetPodStartTime. */
function startTimeOf(pod: Pod, now: number): number {
  const start = pod.status?.startTime;
  return start ? Date.parse(start) : now;
}

/** MoreImportantPod: higher priority, then the earlier start. */
export function moreImportant(a: Pod, b: Pod, now: number): number {
  return priorityOf(b) - priorityOf(a) || startTimeOf(a, now) - startTimeOf(b, now);
}

function podEligibleToPreemptOthers(pod: Pod, snapshot: readonly NodeInfo[], statuses: ReadonlyMap<string, Status>): string | undefined {
  if (pod.spec.preemptionPolicy === 'Never') return NOT_ELIGIBLE_NEVER;
  const nominated = pod.status?.nominatedNodeName;
  if (!nominated || statuses.get(nominated)?.code === 'UnschedulableAndUnresolvable') return undefined;
  const info = snapshot.find((n) => nodeNameOf(n) === nominated);
  const terminating = info?.pods.some((p) => p.metadata.deletionTimestamp && priorityOf(p) < priorityOf(pod));
  return terminating ? NOT_ELIGIBLE_TERMINATING : undefined;
}

/**
 * filterPodsWithPDBViolation: split the candidates (most important first) into those whose removal
 * would take a budget below zero and the rest. A budget with a missing or empty selector guards
 * nothing; a pod already in a budget's disruptedPods has been counted by the eviction that put it there.
 */
export function splitByBudgetViolation(pods: readonly Pod[], pdbs: readonly PodDisruptionBudget[]): { violating: Pod[]; nonViolating: Pod[] } {
  const allowed = pdbs.map((pdb) => pdb.status?.disruptionsAllowed ?? 0);
  const violating: Pod[] = [];
  const nonViolating: Pod[] = [];
  for (const pod of pods) {
    const labels = pod.metadata.labels ?? {};
    let violated = false;
    pdbs.forEach((pdb, i) => {
      const selector = pdb.spec.selector;
      const empty = !selector || (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0);
      if (Object.keys(labels).length === 0 || pdb.metadata.namespace !== pod.metadata.namespace || empty || !labelSelectorMatches(selector, labels)) return;
      if (pdb.status?.disruptedPods?.[pod.metadata.name!] !== undefined) return;
      allowed[i]!--;
      if (allowed[i]! < 0) violated = true;
    });
    (violated ? violating : nonViolating).push(pod);
  }
  return { violating, nonViolating };
}

/** SelectVictimsOnNode: the victims (most important first) and how many violate a budget, or why this node cannot help. */
export function selectVictimsOnNode(
  pod: Pod,
  info: NodeInfo,
  snapshot: readonly NodeInfo[],
  filter: FilterFn,
  now: number,
  pdbs: readonly PodDisruptionBudget[] = [],
): { victims: Pod[]; numPDBViolations: number } | { status: Status } {
  const name = nodeNameOf(info);
  const lower = info.pods.filter((p) => priorityOf(p) < priorityOf(pod));
  if (lower.length === 0) return { status: { code: 'UnschedulableAndUnresolvable', reasons: [NO_PREEMPTION_VICTIMS] } };
  const fits = (pods: readonly Pod[]): Status => {
    const trial = newNodeInfo(info.node, pods);
    return filter(pod, trial, snapshot.map((n) => (nodeNameOf(n) === name ? trial : n)));
  };
  const kept = info.pods.filter((p) => priorityOf(p) >= priorityOf(pod));
  const status = fits(kept);
  if (status.code !== 'Success') return { status };
  const victims: Pod[] = [];
  /** Keeps the pod if the preemptor still fits beside it; false when it has to go. */
  const reprieve = (candidate: Pod): boolean => {
    kept.push(candidate);
    if (fits(kept).code === 'Success') return true;
    kept.pop();
    victims.push(candidate);
    return false;
  };
  const { violating, nonViolating } = splitByBudgetViolation([...lower].sort((a, b) => moreImportant(a, b, now)), pdbs);
  const numPDBViolations = violating.filter((candidate) => !reprieve(candidate)).length;
  for (const candidate of nonViolating) reprieve(candidate);
  return { victims: victims.sort((a, b) => moreImportant(a, b, now)), numPDBViolations };
}

/** Pick one candidate by kube-scheduler's ordered criteria; ties go to the earliest in `candidates`. */
export function pickOneNodeForPreemption(candidates: readonly Candidate[], now: number): Candidate | undefined {
  const highest = (c: Candidate): number => priorityOf(c.victims[0]!);
  const scores: Array<(c: Candidate) => number> = [
    (c) => -c.numPDBViolations,
    (c) => -highest(c),
    // Offset by 2^31 so that negative priorities still add up to more for more pods.
    (c) => -c.victims.reduce((sum, p) => sum + priorityOf(p) + 2 ** 31, 0),
    (c) => -c.victims.length,
    (c) => Math.min(...c.victims.filter((p) => priorityOf(p) === highest(c)).map((p) => startTimeOf(p, now))),
  ];
  let remaining = [...candidates];
  for (const score of scores) {
    if (remaining.length <= 1) break;
    const best = Math.max(...remaining.map(score));
    remaining = remaining.filter((c) => score(c) === best);
  }
  return remaining[0];
}

/** The PostFilter: a candidate to preempt on, or why there is none. */
export function preempt(pod: Pod, snapshot: readonly NodeInfo[], statuses: ReadonlyMap<string, Status>, filter: FilterFn, now = Date.now(), pdbs: readonly PodDisruptionBudget[] = []): PreemptionResult {
  const ineligible = podEligibleToPreemptOthers(pod, snapshot, statuses);
  if (ineligible) return { kind: 'none', message: `preemption: ${ineligible}`, clearNomination: false };
  const verdicts = new Map<string, Status>();
  const candidates: Candidate[] = [];
  for (const info of snapshot) {
    const name = nodeNameOf(info);
    if (statuses.get(name)?.code !== 'Unschedulable') continue;
    const result = selectVictimsOnNode(pod, info, snapshot, filter, now, pdbs);
    if ('status' in result) verdicts.set(name, result.status);
    else if (result.victims.length === 0) verdicts.set(name, { code: 'UnschedulableAndUnresolvable', reasons: [`expected at least one victim pod on node "${name}"`] });
    else candidates.push({ node: name, victims: result.victims, numPDBViolations: result.numPDBViolations });
  }
  const best = pickOneNodeForPreemption(candidates, now);
  if (best) return { kind: 'preempt', candidate: best };
  // Nodes not tried (unresolvable, or absent from the statuses) count as not helped.
  for (const info of snapshot) if (!verdicts.has(nodeNameOf(info))) verdicts.set(nodeNameOf(info), { code: 'UnschedulableAndUnresolvable', reasons: [PREEMPTION_NOT_HELPFUL] });
  return { kind: 'none', message: `preemption: ${fitErrorMessage(snapshot.length, { nodeStatuses: verdicts })}`, clearNomination: true };
}
