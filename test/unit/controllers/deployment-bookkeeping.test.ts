import { describe, expect, it } from 'vitest';
import { REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION, setNewReplicaSetAnnotations } from '../../../src/controllers/deployment/annotations.js';
import { computeHash, equalIgnoreHash, safeEncodeString } from '../../../src/controllers/deployment/pod-template-hash.js';
import { rolloutStatus } from '../../../src/controllers/deployment/status.js';
import type { Deployment, ReplicaSet } from '../../../src/controllers/shared/types.js';

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } };

function deployment(replicas: number, status: Deployment['status'] = {}, annotations: Record<string, string> = {}): Deployment {
  return {
    metadata: { name: 'web', namespace: 'default', generation: 2, annotations },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template, progressDeadlineSeconds: 600, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } },
    status,
  };
}

function rs(name: string, replicas: number, available: number, annotations: Record<string, string> = {}): ReplicaSet {
  return { metadata: { name, annotations }, spec: { replicas, selector: {}, template }, status: { replicas, availableReplicas: available, readyReplicas: available } };
}

describe('pod-template-hash', () => {
  it('is stable, in the safe alphabet, and changes with the template and the collision count', () => {
    const hash = computeHash(template);
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(computeHash(JSON.parse(JSON.stringify(template)))).toBe(hash);
    expect(computeHash({ ...template, metadata: { labels: { app: 'web', v: '2' } } })).not.toBe(hash);
    expect(computeHash(template, 1)).not.toBe(hash);
    expect(computeHash(template, 1)).not.toBe(computeHash(template, 2));
  });

  it('encodes digits as rand.SafeEncodeString does', () => {
    // '0' is byte 48: 48 % 27 = 21 → '4'; '9' is 57 → 3 → 'f'.
    expect(safeEncodeString('09')).toBe('4f');
  });

  it('compares templates ignoring the hash label', () => {
    const labelled = { ...template, metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } } };
    expect(equalIgnoreHash(labelled, template)).toBe(true);
    // As kubectl rollout undo writes it back: Go's zero time as null, empty maps.
    expect(equalIgnoreHash({ metadata: { ...template.metadata, creationTimestamp: null, annotations: {} }, spec: template.spec }, labelled)).toBe(true);
    expect(equalIgnoreHash(labelled, { ...template, spec: { containers: [{ name: 'c', image: 'nginx:2' }] } })).toBe(false);
  });
});

describe('revision annotations', () => {
  it.each([
    { name: 'new set gets the revision and replica annotations', before: {}, exists: false, revision: 1, want: { [REVISION_ANNOTATION]: '1', 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4', 'kubernetes.io/change-cause': 'v1' } },
    { name: 'rolled-back set records its old revision', before: { [REVISION_ANNOTATION]: '1' }, exists: true, revision: 3, want: { [REVISION_ANNOTATION]: '3', [REVISION_HISTORY_ANNOTATION]: '1', 'kubernetes.io/change-cause': 'v1' } },
    { name: 'history appends', before: { [REVISION_ANNOTATION]: '3', [REVISION_HISTORY_ANNOTATION]: '1' }, exists: true, revision: 5, want: { [REVISION_ANNOTATION]: '5', [REVISION_HISTORY_ANNOTATION]: '1,3', 'kubernetes.io/change-cause': 'v1' } },
    { name: 'an older revision is left alone', before: { [REVISION_ANNOTATION]: '7' }, exists: true, revision: 5, want: { [REVISION_ANNOTATION]: '7', 'kubernetes.io/change-cause': 'v1' } },
  ])('$name', ({ before, exists, revision, want }) => {
    const d = deployment(3, {}, { 'kubernetes.io/change-cause': 'v1', [REVISION_ANNOTATION]: '9' });
    const set = rs('web-1', 0, 0, { ...(before as Record<string, string>) });
    setNewReplicaSetAnnotations(d, set, revision, exists, 1);
    expect(set.metadata.annotations).toEqual(want);
  });

  it('drops the oldest revisions past the character limit', () => {
    const set = rs('web-1', 0, 0, { [REVISION_ANNOTATION]: '30', [REVISION_HISTORY_ANNOTATION]: '10,20' });
    setNewReplicaSetAnnotations(deployment(1), set, 40, true, 1, 6);
    expect(set.metadata.annotations?.[REVISION_HISTORY_ANNOTATION]).toBe('20,30');
  });
});

describe('rolloutStatus', () => {
  const now = Date.parse('2026-01-01T00:10:00Z');

  it('reports progress, then completion, then a timeout', () => {
    const newSet = rs('web-new', 3, 1);
    const progressing = rolloutStatus(deployment(3, { replicas: 3, updatedReplicas: 0 }), [rs('web-old', 2, 2), newSet], newSet, now);
    expect(progressing).toMatchObject({ observedGeneration: 2, replicas: 5, updatedReplicas: 3, availableReplicas: 3, unavailableReplicas: 2 });
    expect(progressing.conditions).toEqual([
      { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastUpdateTime: '2026-01-01T00:10:00Z', lastTransitionTime: '2026-01-01T00:10:00Z' },
      { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: 'ReplicaSet "web-new" is progressing.', lastUpdateTime: '2026-01-01T00:10:00Z', lastTransitionTime: '2026-01-01T00:10:00Z' },
    ]);

    const done = rs('web-new', 3, 3);
    const complete = rolloutStatus(deployment(3, progressing), [rs('web-old', 0, 0), done], done, now + 1000);
    expect(complete.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "web-new" has successfully progressed.', lastTransitionTime: '2026-01-01T00:10:00Z' });

    const stuck = rolloutStatus(deployment(3, progressing), [rs('web-old', 2, 2), newSet], newSet, now + 601_000);
    expect(stuck.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-new" has timed out progressing.' });
  });

  it('is unavailable below replicas - maxUnavailable', () => {
    const newSet = rs('web-new', 3, 2);
    const status = rolloutStatus(deployment(3), [newSet], newSet, now);
    expect(status.conditions?.find((c) => c.type === 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' });
  });
});
