// Indexed Jobs (completionMode: Indexed, indexed_job_utils.go): each pod carries its completion index in
// the batch.kubernetes.io/job-completion-index annotation (and label), the job is complete once every
// index in [0, completions) has a succeeded pod, and status.completedIndexes lists them as intervals
// (the record that outlives the pods once their tracking finalizer is gone).

import type { Pod } from '../shared/types.js';

export const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';
export const COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';

/** The pod's index, when its annotation holds a valid one below `completions`. */
export function completionIndex(pod: Pod, completions: number): number | undefined {
  const text = pod.metadata.annotations?.[COMPLETION_INDEX];
  if (text === undefined || !/^(0|[1-9]\d*)$/.test(text)) return undefined;
  const index = Number(text);
  return index < completions ? index : undefined;
}

/**
 * calculateSucceededIndexes: the indexes status.completedIndexes already holds, and those plus the
 * indexes of succeeded pods not yet counted (still carrying the tracking finalizer), ascending.
 */
export function succeededIndexes(completedIndexes: string | undefined, uncountedSucceeded: readonly Pod[], completions: number): { previous: Set<number>; all: number[] } {
  const previous = new Set(parseIndexes(completedIndexes, completions));
  const found = new Set(previous);
  for (const pod of uncountedSucceeded) {
    const index = completionIndex(pod, completions);
    if (index !== undefined) found.add(index);
  }
  return { previous, all: [...found].sort((a, b) => a - b) };
}

/** parseIndexesFromString: "1,3-5" as its indexes below `completions`; malformed parts are skipped. */
export function parseIndexes(text: string | undefined, completions: number): number[] {
  const indexes = new Set<number>();
  for (const part of (text ?? '').split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!match) continue;
    const first = Number(match[1]);
    const last = Math.min(match[2] === undefined ? first : Number(match[2]), completions - 1);
    for (let index = first; index <= last; index++) indexes.add(index);
  }
  return [...indexes].sort((a, b) => a - b);
}

/** kube's orderedIntervals.String(): "1,3-5,7", two neighbours written "3,4". */
export function formatIndexes(sorted: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let last = i;
    while (last + 1 < sorted.length && sorted[last + 1] === sorted[last]! + 1) last++;
    const [first, end] = [sorted[i]!, sorted[last]!];
    parts.push(end === first ? `${first}` : end === first + 1 ? `${first},${end}` : `${first}-${end}`);
    i = last + 1;
  }
  return parts.join(',');
}

/** The lowest `count` indexes that neither succeeded nor have an active pod (firstPendingIndexes). */
export function pendingIndexes(count: number, completions: number, taken: ReadonlySet<number>): number[] {
  const pending: number[] = [];
  for (let index = 0; index < completions && pending.length < count; index++) if (!taken.has(index)) pending.push(index);
  return pending;
}

/**
 * The active pods to keep, one per index still wanted, and the ones to delete: pods without a valid
 * index, a second pod for the same index, pods for an index that already succeeded.
 */
export function sortActive(active: readonly Pod[], completions: number, succeeded: ReadonlySet<number>): { kept: Map<number, Pod>; extra: Pod[] } {
  const kept = new Map<number, Pod>();
  const extra: Pod[] = [];
  for (const pod of active) {
    const index = completionIndex(pod, completions);
    if (index === undefined || succeeded.has(index) || kept.has(index)) extra.push(pod);
    else kept.set(index, pod);
  }
  return { kept, extra };
}

/** The pod template's spec for one index: the index as JOB_COMPLETION_INDEX in every container, and the hostname. */
export function indexedPodSpec(spec: Record<string, unknown>, jobName: string, index: number): Record<string, unknown> {
  const env = { name: COMPLETION_INDEX_ENV, valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX}']` } } };
  const withIndex = (containers: unknown): unknown =>
    Array.isArray(containers) ? containers.map((c: { env?: unknown[] }) => ({ ...c, env: [...(c.env ?? []), env] })) : containers;
  const out: Record<string, unknown> = { ...spec, containers: withIndex(spec['containers']) };
  if (spec['initContainers'] !== undefined) out['initContainers'] = withIndex(spec['initContainers']);
  if (!spec['hostname']) out['hostname'] = `${jobName}-${index}`;
  return out;
}
