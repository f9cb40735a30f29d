// Indexed Jobs, table-driven as upstream's indexed_job_utils_test: interval formatting, the indexes a
// sync starts, the pods it removes, the pod spec per index, and completion once every index succeeded.

import { describe, expect, it } from 'vitest';
import { formatIndexes, indexedPodSpec } from '../../../src/controllers/job/completion-index.js';
import { decideJob, type Job, type JobDecision } from '../../../src/controllers/job/job-decision.js';
import { JOB_TRACKING_FINALIZER, trackFinishedPods } from '../../../src/controllers/job/job-tracking.js';
import type { Pod } from '../../../src/controllers/shared/types.js';

const NOW = Date.parse('2026-01-01T00:01:00Z');

const job = (spec: Partial<Job['spec']>): Job => ({
  metadata: { name: 'render', namespace: 'default' },
  spec: { completionMode: 'Indexed', template: {}, ...spec },
  status: { startTime: '2026-01-01T00:00:00Z' },
});

/** "2:Running" is a pod of index 2 in phase Running; "x:Running" one without an index. */
const pods = (specs: string[]): Pod[] =>
  specs.map((spec, i) => {
    const [index, phase] = spec.split(':') as [string, string];
    const annotations: Record<string, string> = index === 'x' ? {} : { 'batch.kubernetes.io/job-completion-index': index };
    return { metadata: { name: `p${i}`, uid: `u${i}`, annotations, finalizers: [JOB_TRACKING_FINALIZER] }, status: { phase } };
  });

/** The counts a sync arrives at, with completedIndexes as the tracking step records them. */
const counted = (decision: JobDecision, of: Job, all: Pod[]) => ({
  ...decision.status,
  succeeded: decision.succeeded,
  failed: decision.failed,
  completedIndexes: trackFinishedPods(of, all, undefined, new Set()).status.completedIndexes,
});

describe('Indexed jobs', () => {
  it.each([
    { indexes: [], want: '' },
    { indexes: [0], want: '0' },
    { indexes: [0, 1], want: '0,1' },
    { indexes: [0, 1, 2], want: '0-2' },
    { indexes: [1, 3, 4, 5, 7, 9, 10], want: '1,3-5,7,9,10' },
  ])('completedIndexes of $indexes is "$want"', ({ indexes, want }) => {
    expect(formatIndexes(indexes)).toBe(want);
  });

  it.each([
    { name: 'a new job starts the lowest indexes up to parallelism', spec: { completions: 5, parallelism: 2 }, pods: [], indexes: [0, 1], removed: [], status: { succeeded: 0 } },
    { name: 'succeeded and running indexes are skipped', spec: { completions: 5, parallelism: 3 }, pods: ['0:Succeeded', '2:Running'], indexes: [1, 3], removed: [], status: { succeeded: 1, active: 1, completedIndexes: '0' } },
    { name: 'a failed index is started again', spec: { completions: 3, parallelism: 3 }, pods: ['0:Failed', '1:Succeeded', '2:Running'], indexes: [0], removed: [], status: { failed: 1, succeeded: 1 } },
    { name: 'a second success of one index counts once', spec: { completions: 3, parallelism: 1 }, pods: ['1:Succeeded', '1:Succeeded'], indexes: [0], removed: [], status: { succeeded: 1, completedIndexes: '1' } },
    { name: 'duplicates, stray and out-of-range pods are removed', spec: { completions: 3, parallelism: 3 }, pods: ['0:Running', '0:Running', 'x:Running', '7:Running', '1:Succeeded'], indexes: [2], removed: ['p1', 'p2', 'p3'], status: { succeeded: 1 } },
    { name: 'lowered parallelism removes the highest running indexes', spec: { completions: 6, parallelism: 1 }, pods: ['3:Running', '1:Running', '4:Running'], indexes: [], removed: ['p0', 'p2'], status: { active: 3 } },
  ])('$name', ({ spec, pods: specs, indexes, removed, status }) => {
    const decision = decideJob(job(spec), pods(specs), NOW);
    expect(decision.indexes).toEqual(indexes);
    expect(decision.podDelta).toBe(indexes.length);
    expect(decision.remove?.map((pod) => pod.metadata.name)).toEqual(removed);
    expect(counted(decision, job(spec), pods(specs))).toMatchObject(status);
    expect(decision.finished).toBeUndefined();
  });

  it('completes once every index succeeded, whatever else failed', () => {
    const all = pods(['2:Succeeded', '0:Failed', '0:Succeeded', '1:Succeeded']);
    const decision = decideJob(job({ completions: 3, parallelism: 2 }), all, NOW);
    expect(decision.finished?.type).toBe('Complete');
    expect(counted(decision, job({ completions: 3, parallelism: 2 }), all)).toMatchObject({ succeeded: 3, failed: 1, completedIndexes: '0-2' });
  });

  it('gives each pod its index as JOB_COMPLETION_INDEX and a hostname', () => {
    const spec = indexedPodSpec({ containers: [{ name: 'c', env: [{ name: 'A', value: '1' }] }], initContainers: [{ name: 'i' }] }, 'render', 4);
    const fromAnnotation = { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } };
    expect(spec).toEqual({
      containers: [{ name: 'c', env: [{ name: 'A', value: '1' }, fromAnnotation] }],
      initContainers: [{ name: 'i', env: [fromAnnotation] }],
      hostname: 'render-4',
    });
  });
});
