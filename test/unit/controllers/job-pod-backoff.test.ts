// The back-off before a Job replaces failed pods, with kube's cases (backoff_utils_test.go): the record
// after newly finished pods, a pod's finish time, and the time still to wait.
import { describe, expect, it } from 'vitest';
import { finishedTime, MAX_POD_FAILURE_BACKOFF_MS, nextBackoffRecord, NO_FAILURES, remainingBackoff, type BackoffRecord } from '../../../src/controllers/job/pod-backoff.js';
import type { ContainerStatus, Pod } from '../../../src/controllers/shared/types.js';

const T = Date.parse('2009-11-10T23:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString();
/** A pod whose one container finished at `ms`. */
const finishedAt = (ms: number, phase = 'Failed'): Pod => ({ metadata: {}, status: { phase, containerStatuses: [{ name: 'c', state: { terminated: { exitCode: 1, finishedAt: iso(ms) } } }] } });

describe('nextBackoffRecord (newBackoffRecord)', () => {
  const cases: { name: string; previous?: BackoffRecord; succeeded: number[]; failed: number[]; want: BackoffRecord }[] = [
    { name: 'empty store and one new failure', succeeded: [], failed: [T], want: { failuresAfterLastSuccess: 1, lastFailureTime: T } },
    { name: 'empty store and two new failures', succeeded: [], failed: [T, T - 1], want: { failuresAfterLastSuccess: 2, lastFailureTime: T } },
    { name: 'two failures followed by success', succeeded: [T], failed: [T - 2, T - 1], want: NO_FAILURES },
    { name: 'two failures, one success and two more failures', succeeded: [T - 2], failed: [T, T - 4, T - 3, T - 1], want: { failuresAfterLastSuccess: 2, lastFailureTime: T } },
    { name: 'store with failure count 2 and one new failure', previous: { failuresAfterLastSuccess: 2 }, succeeded: [], failed: [T], want: { failuresAfterLastSuccess: 3, lastFailureTime: T } },
    { name: 'success and failure at the same time', succeeded: [T], failed: [T], want: NO_FAILURES },
    { name: 'no success nor failure', succeeded: [], failed: [], want: NO_FAILURES },
    { name: 'one success', succeeded: [T], failed: [], want: NO_FAILURES },
  ];
  it.each(cases)('$name', ({ previous, succeeded, failed, want }) => {
    expect(nextBackoffRecord(previous ?? NO_FAILURES, succeeded.map((ms) => finishedAt(ms, 'Succeeded')), failed.map((ms) => finishedAt(ms)))).toEqual(want);
  });
});

describe('finishedTime (getFinishedTime)', () => {
  const terminated = (ms?: number): ContainerStatus => ({ name: 'c', state: { terminated: ms === undefined ? { exitCode: 0 } : { exitCode: 0, finishedAt: iso(ms) } } });
  const running: ContainerStatus = { name: 'c', state: { running: {} } };
  const cases: { name: string; pod: Pod; want: number }[] = [
    { name: 'all containers terminated: the latest', pod: { metadata: {}, status: { containerStatuses: [terminated(T - 1000), terminated(T), terminated(T - 2000)] } }, want: T },
    {
      name: 'one container still running: the deletion time',
      pod: { metadata: { deletionTimestamp: iso(T) }, status: { containerStatuses: [terminated(T - 1000), running] } },
      want: T,
    },
    { name: 'deletion time less the grace period', pod: { metadata: { deletionTimestamp: iso(T), deletionGracePeriodSeconds: 30 }, status: { containerStatuses: [running] } }, want: T - 30_000 },
    {
      name: 'Ready=False: its transition time',
      pod: { metadata: {}, status: { containerStatuses: [terminated()], conditions: [{ type: 'Ready', status: 'False', reason: 'PodFailed', lastTransitionTime: iso(T) }] } },
      want: T,
    },
    {
      name: 'Ready=True is skipped for the deletion time',
      pod: { metadata: { deletionTimestamp: iso(T) }, status: { containerStatuses: [terminated()], conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: iso(T - 30_000) }] } },
      want: T,
    },
    { name: 'the creation time as a last resort', pod: { metadata: { creationTimestamp: iso(T) }, status: { containerStatuses: [terminated()] } }, want: T },
    {
      name: 'a sidecar finishes after the main containers',
      pod: {
        metadata: {},
        spec: { initContainers: [{ name: 'sidecar', restartPolicy: 'Always' }] },
        status: { containerStatuses: [terminated(T - 1000)], initContainerStatuses: [{ ...terminated(T), name: 'sidecar' }] },
      },
      want: T,
    },
  ];
  it.each(cases)('$name', ({ pod, want }) => expect(finishedTime(pod)).toBe(want));
});

describe('remainingBackoff (getRemainingTime)', () => {
  const cases: { name: string; failures: number; last?: number; now: number; base?: number; max?: number; want: number }[] = [
    { name: 'no failures', failures: 0, now: T, base: 5000, max: 700_000, want: 0 },
    { name: 'one failure, now', failures: 1, last: T, now: T, base: 5000, max: 700_000, want: 5000 },
    { name: 'one failure, a second later', failures: 1, last: T, now: T + 1000, base: 5000, max: 700_000, want: 4000 },
    { name: 'one failure, at the back-off time', failures: 1, last: T, now: T + 5000, base: 5000, max: 700_000, want: 0 },
    { name: 'one failure, past the back-off time', failures: 1, last: T, now: T + 6000, base: 5000, max: 700_000, want: 0 },
    { name: 'three failures, now', failures: 3, last: T, now: T, base: 5000, max: 700_000, want: 20_000 },
    { name: 'eight failures: below the cap', failures: 8, last: T, now: T, base: 5000, max: 700_000, want: 640_000 },
    { name: 'nine failures: the cap', failures: 9, last: T, now: T, base: 5000, max: 700_000, want: 700_000 },
    { name: "kube's defaults: 10 s after one failure", failures: 1, last: T, now: T, want: 10_000 },
    { name: "kube's defaults: 20 s after two", failures: 2, last: T, now: T, want: 20_000 },
    { name: "kube's defaults: capped at 10 minutes", failures: 20, last: T, now: T, want: MAX_POD_FAILURE_BACKOFF_MS },
  ];
  it.each(cases)('$name', ({ failures, last, now, base, max, want }) => expect(remainingBackoff(failures, last, now, base, max)).toBe(want));
});
