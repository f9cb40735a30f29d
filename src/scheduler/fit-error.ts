// framework.FitError's message: "0/N nodes are available: <count reason, …sorted>." then, from the
// PostFilter (preemption), " preemption: 0/N nodes are available: …." — the text of FailedScheduling
// events and the PodScheduled condition.

import type { Status } from './framework.js';

export const NO_NODE_AVAILABLE = (nodes: number): string => `0/${nodes} nodes are available`;

/** "count reason" for every reason across the nodes' statuses, sorted as strings (sort.Strings). */
export function reasonHistogram(statuses: Iterable<Status>): string[] {
  const counts = new Map<string, number>();
  for (const status of statuses) for (const reason of status.reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  return [...counts].map(([reason, count]) => `${count} ${reason}`).sort();
}

export interface Diagnosis {
  /** Each filtered-out node's status. */
  nodeStatuses: ReadonlyMap<string, Status>;
  /** A PreFilter's rejection, which replaces the per-node histogram. */
  preFilterMessage?: string;
  /** The PostFilter (preemption) message, already prefixed with "preemption: ". */
  postFilterMessage?: string;
}

export function fitErrorMessage(numAllNodes: number, diagnosis: Diagnosis): string {
  let message = `${NO_NODE_AVAILABLE(numAllNodes)}:`;
  if (diagnosis.preFilterMessage) message += ` ${diagnosis.preFilterMessage}.`;
  else {
    const reasons = reasonHistogram(diagnosis.nodeStatuses.values());
    if (reasons.length > 0) message += ` ${reasons.join(', ')}.`;
  }
  if (diagnosis.postFilterMessage) message += ` ${diagnosis.postFilterMessage}.`;
  return message;
}
