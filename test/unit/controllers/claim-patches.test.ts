// The patches the claim helper sends to adopt and release (controller_ref_manager.go), applied to a pod by
// the apiserver's own strategic merge: a Job's adoption adds its controller reference and the tracking
// finalizer beside the pod's own finalizers; a release takes both off and leaves the rest.
import { describe, expect, it } from 'vitest';
import { applyStrategicMergePatch } from '../../../src/apiserver/patch/index.js';
import { builtinSchemas } from '../../../src/apiserver/resources/index.js';
import { JOB_TRACKING_FINALIZER } from '../../../src/controllers/job/job-tracking.js';
import { adoptPatch, controllerRef, releasePatch } from '../../../src/controllers/shared/owner-refs.js';

const job = { metadata: { name: 'j', namespace: 'default', uid: 'job-uid' } };
const ref = controllerRef(job, 'batch/v1', 'Job');
const pod = (metadata: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'pod-uid', ...metadata }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
const patched = (object: ReturnType<typeof pod>, patch: unknown) => applyStrategicMergePatch(object, patch, 'io.k8s.api.core.v1.Pod', builtinSchemas()).metadata;

describe('adopt and release patches', () => {
  it.each([
    { name: 'adopt (ReplicaSet): the controller reference alone', object: pod(), patch: adoptPatch(pod(), ref), want: { ownerReferences: [ref] } },
    {
      // Go's strategic merge puts the patch's new items before the server-only ones (normalizeElementOrder).
      name: "adopt (Job): the reference and the tracking finalizer, before the pod's own",
      object: pod({ finalizers: ['example.com/keep'] }),
      patch: adoptPatch(pod(), ref, [JOB_TRACKING_FINALIZER]),
      want: { ownerReferences: [ref], finalizers: [JOB_TRACKING_FINALIZER, 'example.com/keep'] },
    },
    {
      name: 'release (Job): the reference and the tracking finalizer go, the rest stays',
      object: pod({ ownerReferences: [ref, { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', uid: 'cm-uid' }], finalizers: [JOB_TRACKING_FINALIZER, 'example.com/keep'] }),
      patch: releasePatch(pod(), 'job-uid', [JOB_TRACKING_FINALIZER]),
      want: { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', uid: 'cm-uid' }], finalizers: ['example.com/keep'] },
    },
  ])('$name', ({ object, patch, want }) => {
    const metadata = patched(object, patch);
    expect(metadata).toMatchObject(want);
    if (!('finalizers' in want)) expect(metadata?.finalizers).toBeUndefined();
  });

  it('carries the pod uid, so a namesake created since is not patched', () => {
    expect(adoptPatch(pod(), ref, [JOB_TRACKING_FINALIZER])).toEqual({ metadata: { ownerReferences: [ref], uid: 'pod-uid', finalizers: [JOB_TRACKING_FINALIZER] } });
    expect(releasePatch(pod(), 'job-uid', [JOB_TRACKING_FINALIZER])).toEqual({
      metadata: { ownerReferences: [{ $patch: 'delete', uid: 'job-uid' }], '$deleteFromPrimitiveList/finalizers': [JOB_TRACKING_FINALIZER], uid: 'pod-uid' },
    });
  });
});
