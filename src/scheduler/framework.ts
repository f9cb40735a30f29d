// The scheduling framework's shape: a plugin looks at one pod against a snapshot (its PreFilter/PreScore
// state lives in the closure `forPod` returns), filters nodes with a Status, and scores feasible nodes
// 0–100 after its own normalization.

import type { NodeInfo } from './node-info.js';
import type { Pod } from './types.js';

export const MAX_NODE_SCORE = 100;

export type Code = 'Success' | 'Unschedulable' | 'UnschedulableAndUnresolvable';

export interface Status {
  code: Code;
  reasons: string[];
  plugin?: string;
}

export const SUCCESS: Status = { code: 'Success', reasons: [] };

export function unschedulable(...reasons: string[]): Status {
  return { code: 'Unschedulable', reasons };
}

export function unresolvable(...reasons: string[]): Status {
  return { code: 'UnschedulableAndUnresolvable', reasons };
}

export interface PodCycle {
  filter?(node: NodeInfo): Status;
  /** Raw scores for the feasible nodes, in order, already normalized to 0–100. */
  score?(feasible: readonly NodeInfo[]): number[];
}

export interface Plugin {
  readonly name: string;
  /** The pod's view: PreFilter/PreScore work done once, over every node in the snapshot. */
  forPod(pod: Pod, snapshot: readonly NodeInfo[]): PodCycle;
}

/** DefaultNormalizeScore: scale to 0–maxScore by the highest score; `reverse` flips (all max when every score is 0). */
export function defaultNormalizeScore(scores: number[], reverse: boolean, maxScore = MAX_NODE_SCORE): number[] {
  const max = Math.max(0, ...scores);
  if (max === 0) return scores.map((score) => (reverse ? maxScore : score));
  return scores.map((score) => {
    const scaled = Math.trunc((maxScore * score) / max);
    return reverse ? maxScore - scaled : scaled;
  });
}
