// One scheduling cycle's decision (schedulePod): filter the nodes from where the last cycle stopped (the
// first failing plugin's status per node) until enough are feasible (numFeasibleNodesToFind), score the
// feasible ones with every weighted plugin, pick the highest total, ties broken by the injected random
// source as kube-scheduler's reservoir sampling does. No feasible node is a FitError, after
// DefaultPreemption (the PostFilter) has looked for lower-priority pods to remove.

import { fitErrorMessage } from './fit-error.js';
import { SUCCESS, type PodCycle, type Status } from './framework.js';
import { newNodeInfo, nodeNameOf, type NodeInfo } from './node-info.js';
import { preempt, priorityOf, type Candidate } from './default-preemption.js';
import { DEFAULT_PERCENTAGE_OF_NODES_TO_SCORE, numFeasibleNodesToFind } from './nodes-to-score.js';
import type { PodDisruptionBudget } from '../controllers/disruption/disruption-budget.js';
import type { Profile } from './profile.js';
import type { Pod } from './types.js';

export type ScheduleResult =
  | {
      kind: 'scheduled';
      node: string;
      feasibleNodes: number;
      /** Nodes filtered before the search stopped (the next cycle starts past them). */
      evaluatedNodes: number;
      scores: Map<string, number>;
    }
  | {
      kind: 'unschedulable';
      message: string;
      nodeStatuses: Map<string, Status>;
      /** Preemption's pick: delete these victims, nominate this node. */
      preemption?: Candidate;
      /** No node can help even with preemption: a nomination the pod carries is cleared. */
      clearNomination?: boolean;
    };

/** A number in [0, 1), Math.random by default. */
export type Random = () => number;

function filterWith(cycles: Array<{ name: string; cycle: PodCycle }>, info: NodeInfo): Status {
  for (const { name, cycle } of cycles) {
    const status = cycle.filter?.(info) ?? SUCCESS;
    if (status.code !== 'Success') return { ...status, plugin: name };
  }
  return SUCCESS;
}

/**
 * RunFilterPluginsWithNominatedPods: pods nominated to the node (by an earlier preemption) with at least
 * this pod's priority count as placed there, so a lesser pod does not take the room made for them; the
 * node must also pass without them. Only the node's pods see them, not the plugins' pre-filter state.
 */
function filterWithNominated(cycles: Array<{ name: string; cycle: PodCycle }>, pod: Pod, info: NodeInfo, nominated: readonly Pod[]): Status {
  const name = nodeNameOf(info);
  const ahead = nominated.filter((p) => p.status?.nominatedNodeName === name && p.metadata.uid !== pod.metadata.uid && priorityOf(p) >= priorityOf(pod));
  if (ahead.length === 0) return filterWith(cycles, info);
  const status = filterWith(cycles, newNodeInfo(info.node, [...info.pods, ...ahead]));
  return status.code === 'Success' ? filterWith(cycles, info) : status;
}

/** Runs the profile's filters alone for a pod on one node (the preemption dry run re-filters this way). */
export function runFilters(profile: Profile, pod: Pod, snapshot: readonly NodeInfo[], info: NodeInfo, nominated: readonly Pod[] = []): Status {
  const cycles = profile.plugins.map(({ plugin }) => ({ name: plugin.name, cycle: plugin.forPod(pod, snapshot) }));
  return filterWithNominated(cycles, pod, info, nominated);
}

/** selectHost: the highest score; among equals each is kept with probability 1/(ties seen). */
export function selectHost(scores: ReadonlyMap<string, number>, random: Random): string {
  let best = '';
  let bestScore = -Infinity;
  let ties = 0;
  for (const [node, score] of scores) {
    if (score > bestScore) {
      best = node;
      bestScore = score;
      ties = 1;
    } else if (score === bestScore) {
      ties++;
      if (Math.floor(random() * ties) === 0) best = node;
    }
  }
  return best;
}

/** Where a cycle's filtering starts and when it stops. */
export interface NodeSearch {
  /** The scheduler's nextStartNodeIndex. */
  readonly startIndex: number;
  /** The configuration's global percentageOfNodesToScore (a profile's own wins). */
  readonly percentageOfNodesToScore: number;
}

const FROM_THE_FIRST_NODE: NodeSearch = { startIndex: 0, percentageOfNodesToScore: DEFAULT_PERCENTAGE_OF_NODES_TO_SCORE };

/** `nominated`: pending pods carrying a status.nominatedNodeName; `pdbs`: the budgets preemption respects. */
export function schedulePod(
  profile: Profile,
  pod: Pod,
  snapshot: readonly NodeInfo[],
  random: Random = Math.random,
  nominated: readonly Pod[] = [],
  pdbs: readonly PodDisruptionBudget[] = [],
  search: NodeSearch = FROM_THE_FIRST_NODE,
): ScheduleResult {
  const cycles = profile.plugins.map(({ plugin, weight }) => ({ name: plugin.name, weight, cycle: plugin.forPod(pod, snapshot) }));
  // Without score plugins any feasible node will do (kube: no extenders and no scoring find one).
  const scores = profile.plugins.some(({ weight }) => weight > 0);
  const wanted = scores ? numFeasibleNodesToFind(profile.percentageOfNodesToScore, search.percentageOfNodesToScore, snapshot.length) : 1;
  const feasible: NodeInfo[] = [];
  const nodeStatuses = new Map<string, Status>();
  for (let i = 0; i < snapshot.length && feasible.length < wanted; i++) {
    const info = snapshot[(search.startIndex + i) % snapshot.length]!;
    const status = filterWithNominated(cycles, pod, info, nominated);
    if (status.code === 'Success') feasible.push(info);
    else nodeStatuses.set(nodeNameOf(info), status);
  }
  if (feasible.length === 0) {
    const postFilter = preempt(pod, snapshot, nodeStatuses, (p, info, trial) => runFilters(profile, p, trial, info, nominated), Date.now(), pdbs);
    if (postFilter.kind === 'preempt') return { kind: 'unschedulable', message: fitErrorMessage(snapshot.length, { nodeStatuses }), nodeStatuses, preemption: postFilter.candidate };
    const message = fitErrorMessage(snapshot.length, { nodeStatuses, postFilterMessage: postFilter.message });
    return { kind: 'unschedulable', message, nodeStatuses, clearNomination: postFilter.clearNomination };
  }
  const totals = new Map<string, number>(feasible.map((info) => [nodeNameOf(info), 0]));
  if (feasible.length > 1) {
    for (const { weight, cycle } of cycles) {
      if (weight === 0 || !cycle.score) continue;
      cycle.score(feasible).forEach((score, i) => {
        const name = nodeNameOf(feasible[i]!);
        totals.set(name, totals.get(name)! + score * weight);
      });
    }
  }
  return { kind: 'scheduled', node: selectHost(totals, random), feasibleNodes: feasible.length, evaluatedNodes: feasible.length + nodeStatuses.size, scores: totals };
}
