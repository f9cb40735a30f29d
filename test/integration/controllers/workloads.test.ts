// Workload controllers end to end with real kubectl on a whole Barge control plane (hollow kubelets run
// the pods): a ReplicaSet keeps its pods, adopts a matching orphan and releases a relabeled pod, with
// kube's status; a rollout stuck on pods that cannot be scheduled exceeds its
// progressDeadlineSeconds, and scaling it mid-rollout spreads the change over both ReplicaSets by size
// (proportional scaling) before `rollout undo` brings it home; a Recreate rollout never runs old and new
// pods together; the garbage collector deletes dependents first with Foreground propagation and leaves
// them ownerless with Orphan; the pod GC keeps only --terminated-pod-gc-threshold finished pods, deleting
// the oldest.

import { describe, expect, it } from 'vitest';
import { Resources } from '../../../src/client/kube/index.js';
import type { Deployment, Pod, ReplicaSet } from '../../../src/controllers/shared/types.js';
import { controlPlane } from './control-plane.js';

const GC_THRESHOLD = 3;

const deploymentYaml = (name: string, replicas: number, specLines: string, image: string): string => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: ${replicas}
${specLines}  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      terminationGracePeriodSeconds: 1
      containers: [{name: c, image: ${image}}]
`;

const isReady = (pod: Pod): boolean => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

describe('workload controllers', () => {
  const plane = controlPlane({ nodes: 2, prefix: 'wl', controllerManagerFlags: [`--terminated-pod-gc-threshold=${GC_THRESHOLD}`] });
  const podsOf = async (selector: string): Promise<Pod[]> => (await plane.client.list<Pod>(Resources.pods, { namespace: 'default', labelSelector: selector })).items.filter((p) => !p.metadata.deletionTimestamp);
  const rs = (): Promise<ReplicaSet> => plane.client.get<ReplicaSet>(Resources.replicaSets, 'default', 'legacy');

  it('a ReplicaSet adopts a matching orphan, keeps its count, releases a relabeled pod and reports status', async () => {
    plane.ok(['run', 'stray', '--image=busybox', '--labels=app=legacy']);
    await plane.waitFor('stray running', async () => (await podsOf('app=legacy')).some(isReady));
    plane.ok(['create', '-f', '-'], `apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: legacy}
spec:
  replicas: 3
  selector: {matchLabels: {app: legacy}}
  template:
    metadata: {labels: {app: legacy, tier: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers: [{name: c, image: busybox}]
`);
    const owner = await rs();
    await plane.waitFor('3 ready pods owned by the set', async () => {
      const pods = await podsOf('app=legacy');
      return pods.length === 3 && pods.every((p) => isReady(p) && p.metadata.ownerReferences?.[0]?.uid === owner.metadata.uid);
    });
    // Adopted, not replaced: the orphan is one of the three, and the only one without the template's tier label.
    const stray = await plane.client.get<Pod>(Resources.pods, 'default', 'stray');
    expect(stray.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'legacy', uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    await plane.waitFor('the set status', async () => (await rs()).status?.availableReplicas === 3);
    expect((await rs()).status).toMatchObject({ replicas: 3, fullyLabeledReplicas: 2, readyReplicas: 3, availableReplicas: 3, observedGeneration: owner.metadata.generation });
    expect(plane.ok(['get', 'rs', 'legacy', '--no-headers'])).toMatch(/^legacy\s+3\s+3\s+3\s/);

    // Relabeled out of the selector: released (no owner any more) and replaced by a fully labeled pod.
    plane.ok(['label', 'pod', 'stray', 'app=gone', '--overwrite']);
    await plane.waitFor('stray released and replaced', async () => {
      const released = await plane.client.get<Pod>(Resources.pods, 'default', 'stray');
      const pods = await podsOf('app=legacy');
      return (released.metadata.ownerReferences ?? []).length === 0 && pods.length === 3 && pods.every(isReady);
    });
    await plane.waitFor('fullyLabeledReplicas 3', async () => (await rs()).status?.fullyLabeledReplicas === 3);

    plane.ok(['scale', 'rs', 'legacy', '--replicas=1']);
    await plane.waitFor('one pod left', async () => (await podsOf('app=legacy')).length === 1 && (await rs()).status?.replicas === 1);
    plane.ok(['delete', 'rs', 'legacy']);
    plane.ok(['delete', 'pod', 'stray', '--wait=false']);
  }, 180_000);

  it('a stuck rollout exceeds progressDeadlineSeconds, a scale-up mid-rollout goes to both sets by size, and undo brings it home', async () => {
    plane.ok(['create', '-f', '-'], deploymentYaml('web', 10, '  progressDeadlineSeconds: 8\n  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 3, maxUnavailable: 2}}\n', 'nginx:1.27'));
    const deployment = (): Promise<Deployment> => plane.client.get<Deployment>(Resources.deployments, 'default', 'web');
    const sizes = async (): Promise<Record<string, number>> => {
      const sets = (await plane.client.list<ReplicaSet>(Resources.replicaSets, { namespace: 'default', labelSelector: 'app=web' })).items;
      return Object.fromEntries(sets.map((rs) => [rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? '?', rs.spec.replicas ?? 0]));
    };
    const progressing = async (): Promise<{ reason?: string; message?: string } | undefined> => (await deployment()).status?.conditions?.find((c) => c.type === 'Progressing');
    await plane.waitFor('10 available', async () => (await deployment()).status?.availableReplicas === 10, 90_000);

    // A template no node can run: the new set stops at maxSurge over the old one's floor, 8 old + 5 new.
    plane.ok(['patch', 'deployment', 'web', '--type=merge', '-p', '{"spec":{"template":{"spec":{"nodeSelector":{"disk":"none"}}}}}']);
    await plane.waitFor('the rollout to stall at 8 + 5', async () => JSON.stringify(await sizes()) === JSON.stringify({ 1: 8, 2: 5 }) && (await deployment()).status?.availableReplicas === 8);
    await plane.waitFor('ProgressDeadlineExceeded', async () => (await progressing())?.reason === 'ProgressDeadlineExceeded', 30_000);
    const newSet = (await plane.client.list<ReplicaSet>(Resources.replicaSets, { namespace: 'default', labelSelector: 'app=web' })).items.find((rs) => rs.spec.replicas === 5)!;
    expect(await progressing()).toMatchObject({ status: 'False', message: `ReplicaSet "${newSet.metadata.name}" has timed out progressing.` });
    const status = plane.api.kubectl(['rollout', 'status', 'deployment/web', '--timeout=20s']);
    expect([status.status, status.stderr]).toEqual([1, 'error: deployment "web" exceeded its progress deadline\n']);

    // Scaled to 20 mid-rollout: 23 allowed instead of 13, each set grows by its share (8·23/13 ≈ 14, 5·23/13 ≈ 9).
    plane.ok(['scale', 'deployment', 'web', '--replicas=20']);
    await plane.waitFor('proportional scaling to 14 + 9', async () => JSON.stringify(await sizes()) === JSON.stringify({ 1: 14, 2: 9 }));
    for (const rs of (await plane.client.list<ReplicaSet>(Resources.replicaSets, { namespace: 'default', labelSelector: 'app=web' })).items) {
      expect(rs.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/desired-replicas': '20', 'deployment.kubernetes.io/max-replicas': '23' });
    }

    expect(plane.ok(['rollout', 'undo', 'deployment/web'])).toBe('deployment.apps/web rolled back\n');
    await plane.waitFor('20 available on the first template again', async () => {
      const s = (await deployment()).status;
      return s?.availableReplicas === 20 && s.updatedReplicas === 20 && s.replicas === 20;
    }, 120_000);
    expect(await sizes()).toEqual({ 2: 0, 3: 20 });
    expect(plane.ok(['rollout', 'status', 'deployment/web', '--timeout=30s'])).toBe('deployment "web" successfully rolled out\n');
    plane.ok(['delete', 'deployment', 'web']);
  }, 300_000);

  it('Recreate stops every old pod before it starts a new one', async () => {
    plane.ok(['create', '-f', '-'], deploymentYaml('batch', 3, '  strategy: {type: Recreate}\n', 'busybox:1.36'));
    const deployment = (): Promise<Deployment> => plane.client.get<Deployment>(Resources.deployments, 'default', 'batch');
    await plane.waitFor('3 available', async () => (await deployment()).status?.availableReplicas === 3, 90_000);
    plane.ok(['set', 'image', 'deployment/batch', 'c=busybox:1.37']);
    let steps = 0;
    await plane.waitFor('the new template to run 3 pods', async () => {
      // Every pod, terminating ones included: old and new never exist at the same time.
      const pods = (await plane.client.list<Pod>(Resources.pods, { namespace: 'default', labelSelector: 'app=batch' })).items;
      const images = new Set(pods.map((p) => (p.spec as { containers: Array<{ image: string }> }).containers[0]!.image));
      expect(images.size).toBeLessThanOrEqual(1);
      steps++;
      const s = (await deployment()).status;
      return images.has('busybox:1.37') && pods.length === 3 && s?.updatedReplicas === 3 && s.availableReplicas === 3;
    }, 90_000);
    expect(steps).toBeGreaterThan(1);
    plane.ok(['delete', 'deployment', 'batch']);
  }, 180_000);

  it('Foreground deletion removes the pods before their ReplicaSet; Orphan leaves them without an owner', async () => {
    const replicaSet = (name: string): string => `apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: ${name}}
spec:
  replicas: 2
  selector: {matchLabels: {set: ${name}}}
  template:
    metadata: {labels: {set: ${name}}}
    spec:
      terminationGracePeriodSeconds: 1
      containers: [{name: c, image: busybox}]
`;
    plane.ok(['create', '-f', '-'], `${replicaSet('fore')}---\n${replicaSet('orphaning')}`);
    await plane.waitFor('both sets running', async () => (await podsOf('set=fore')).filter(isReady).length === 2 && (await podsOf('set=orphaning')).filter(isReady).length === 2, 90_000);

    plane.ok(['delete', 'rs', 'fore', '--cascade=foreground', '--wait=false']);
    const held = await plane.client.get<ReplicaSet>(Resources.replicaSets, 'default', 'fore');
    expect(held.metadata.finalizers).toContain('foregroundDeletion');
    let podsWhenGone = -1;
    await plane.waitFor('fore to go', async () => {
      // The set first: once it is gone, no pod of it may be left (they went before it).
      const gone = (await plane.client.get(Resources.replicaSets, 'default', 'fore').catch(() => undefined)) === undefined;
      if (gone) podsWhenGone = (await plane.client.list<Pod>(Resources.pods, { namespace: 'default', labelSelector: 'set=fore' })).items.length;
      return gone;
    }, 60_000);
    expect(podsWhenGone).toBe(0);

    const orphans = (await podsOf('set=orphaning')).map((p) => p.metadata.name!).sort();
    plane.ok(['delete', 'rs', 'orphaning', '--cascade=orphan']);
    await plane.waitFor('orphaning to go and its pods to lose their owner', async () => {
      const pods = await podsOf('set=orphaning');
      return pods.length === 2 && pods.every((p) => (p.metadata.ownerReferences ?? []).length === 0);
    });
    expect((await podsOf('set=orphaning')).map((p) => p.metadata.name!).sort()).toEqual(orphans);
    plane.ok(['delete', 'pods', '-l', 'set=orphaning', '--wait=false']);
  }, 180_000);

  it(`the pod GC keeps the newest ${GC_THRESHOLD} finished pods`, async () => {
    const finishedPod = (name: string): string => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: {batch: gc}}
spec:
  restartPolicy: Never
  containers: [{name: c, image: busybox, command: [sleep, "1"]}]
`;
    plane.ok(['create', '-f', '-'], ['old-1', 'old-2'].map(finishedPod).join('---\n'));
    // creationTimestamp is to the second: the newer ones come a second later, so "oldest" is unambiguous.
    const second = Math.floor(Date.now() / 1000);
    await plane.waitFor('the next second', () => Math.floor(Date.now() / 1000) > second, 5_000);
    plane.ok(['create', '-f', '-'], ['new-1', 'new-2', 'new-3'].map(finishedPod).join('---\n'));
    const names = async (): Promise<string[]> => (await plane.client.list<Pod>(Resources.pods, { namespace: 'default', labelSelector: 'batch=gc' })).items.map((p) => p.metadata.name!).sort();
    await plane.waitFor('only the newest finished pods left', async () => JSON.stringify(await names()) === JSON.stringify(['new-1', 'new-2', 'new-3']), 90_000);
    const pods = (await plane.client.list<Pod>(Resources.pods, { namespace: 'default', labelSelector: 'batch=gc' })).items;
    expect(pods.map((p) => p.status?.phase)).toEqual(['Succeeded', 'Succeeded', 'Succeeded']);
  }, 120_000);
});
