// NodeResourcesBalancedAllocation: favours nodes whose cpu and memory fractions (after placing the pod,
// actual requests, capped at 1) are close: 100·(1 − standard deviation). Weight 1.

import { MAX_NODE_SCORE, type Plugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import { podRequest, type Resource } from '../resources.js';

export function balancedScore(request: Resource, info: NodeInfo): number {
  const fractions: number[] = [];
  const pairs: Array<[number, number]> = [
    [info.requested.milliCPU + request.milliCPU, info.allocatable.milliCPU],
    [info.requested.memory + request.memory, info.allocatable.memory],
  ];
  for (const [requested, capacity] of pairs) {
    if (capacity === 0) continue;
    fractions.push(Math.min(1, requested / capacity));
  }
  let std = 0;
  if (fractions.length === 2) std = Math.abs((fractions[0]! - fractions[1]!) / 2);
  else if (fractions.length > 2) {
    const mean = fractions.reduce((a, b) => a + b, 0) / fractions.length;
    std = Math.sqrt(fractions.reduce((sum, f) => sum + (f - mean) ** 2, 0) / fractions.length);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

export const balancedAllocation: Plugin = {
  name: 'NodeResourcesBalancedAllocation',
  forPod: (pod) => {
    const request = podRequest(pod);
    return { score: (feasible) => feasible.map((info) => balancedScore(request, info)) };
  },
};
