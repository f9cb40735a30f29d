// NodeResourcesFit: requests against allocatable minus what the node's pods request, every shortfall a
// reason ("Too many pods", "Insufficient cpu", …); scored by the LeastAllocated (default) or MostAllocated
// strategy over cpu and memory, weight 1 each, with the non-zero defaults for request-less containers.

import { MAX_NODE_SCORE, SUCCESS, unschedulable, type Plugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import { podRequest, type Resource } from '../resources.js';
import type { Pod } from '../types.js';

export type ScoringStrategy = 'LeastAllocated' | 'MostAllocated';

/** The reasons a node cannot hold the pod's request, in upstream's order (fitsRequest). */
export function insufficientResources(request: Resource, info: NodeInfo): string[] {
  const reasons: string[] = [];
  const { allocatable, requested } = info;
  if (info.pods.length + 1 > allocatable.allowedPodNumber) reasons.push('Too many pods');
  const scalarNames = Object.keys(request.scalar).sort();
  if (request.milliCPU === 0 && request.memory === 0 && request.ephemeralStorage === 0 && scalarNames.length === 0) return reasons;
  if (request.milliCPU > 0 && request.milliCPU > allocatable.milliCPU - requested.milliCPU) reasons.push('Insufficient cpu');
  if (request.memory > 0 && request.memory > allocatable.memory - requested.memory) reasons.push('Insufficient memory');
  if (request.ephemeralStorage > 0 && request.ephemeralStorage > allocatable.ephemeralStorage - requested.ephemeralStorage) reasons.push('Insufficient ephemeral-storage');
  for (const name of scalarNames) {
    const wanted = request.scalar[name]!;
    if (wanted > 0 && wanted > (allocatable.scalar[name] ?? 0) - (requested.scalar[name] ?? 0)) reasons.push(`Insufficient ${name}`);
  }
  return reasons;
}

function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

function mostRequested(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  return Math.trunc((Math.min(requested, capacity) * MAX_NODE_SCORE) / capacity);
}

/** The resourceAllocationScorer over cpu and memory (weight 1 each), skipping resources a node lacks. */
export function allocationScore(strategy: ScoringStrategy, nonZeroPodRequest: Resource, info: NodeInfo): number {
  const scorer = strategy === 'LeastAllocated' ? leastRequested : mostRequested;
  const pairs: Array<[number, number]> = [
    [info.nonZeroRequested.milliCPU + nonZeroPodRequest.milliCPU, info.allocatable.milliCPU],
    [info.nonZeroRequested.memory + nonZeroPodRequest.memory, info.allocatable.memory],
  ];
  let score = 0;
  let weights = 0;
  for (const [requested, capacity] of pairs) {
    if (capacity === 0) continue;
    score += scorer(requested, capacity);
    weights += 1;
  }
  return weights === 0 ? 0 : Math.trunc(score / weights);
}

export function nodeResourcesFit(strategy: ScoringStrategy = 'LeastAllocated'): Plugin {
  return {
    name: 'NodeResourcesFit',
    forPod: (pod: Pod) => {
      const request = podRequest(pod);
      const nonZero = podRequest(pod, true);
      return {
        filter: (info) => {
          const reasons = insufficientResources(request, info);
          return reasons.length === 0 ? SUCCESS : unschedulable(...reasons);
        },
        score: (feasible) => feasible.map((info) => allocationScore(strategy, nonZero, info)),
      };
    },
  };
}
