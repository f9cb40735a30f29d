// How many nodes a scheduling cycle filters before it scores, as kube-scheduler's numFeasibleNodesToFind:
// in a large cluster the search stops once enough feasible nodes are found (percentageOfNodesToScore of
// them; by default a share that shrinks as the cluster grows), and the next cycle starts where this one
// stopped (nextStartNodeIndex), so every node gets its turn.

/** Below this many nodes every node is filtered; and never fewer feasible ones are looked for. */
export const MIN_FEASIBLE_NODES_TO_FIND = 100;
/** The adaptive default never goes below this share. */
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;
/** KubeSchedulerConfiguration's default: 0, the adaptive share. */
export const DEFAULT_PERCENTAGE_OF_NODES_TO_SCORE = 0;

/**
 * The number of feasible nodes after which filtering stops. The profile's percentage wins over the
 * global one; 0 means adaptive: 50% − 1% per 125 nodes, at least 5%.
 */
export function numFeasibleNodesToFind(profilePercentage: number | undefined, globalPercentage: number, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let percentage = profilePercentage ?? globalPercentage;
  if (percentage === 0) percentage = Math.max(50 - Math.trunc(numAllNodes / 125), MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND);
  const numNodes = Math.trunc((numAllNodes * percentage) / 100);
  return Math.max(numNodes, MIN_FEASIBLE_NODES_TO_FIND);
}

/** Where the next cycle starts: past every node this one looked at, wrapping around. */
export function nextStartNodeIndex(startIndex: number, processedNodes: number, numAllNodes: number): number {
  return numAllNodes === 0 ? 0 : (startIndex + processedNodes) % numAllNodes;
}
