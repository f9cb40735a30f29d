// PodDisruptionBudgets that matter, end to end with real kubectl on a whole Barge control plane (hollow
// kubelets run the pods): the disruption controller fills in the status (minAvailable and
// maxUnavailable, ints and percents of the Deployment's scale, the DisruptionAllowed condition); an
// eviction the budget cannot afford is refused with kube's 429 Status; an allowed one takes a
// disruption and marks the pod DisruptionTarget; `kubectl drain` retries, printing what kubectl prints,
// until the budget lets each pod go; the informers' periodic resync (--min-resync-period) brings a
// budget up to date with a scale change that moved no pod.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KubeApiError, Resources } from '../../../src/client/kube/index.js';
import { PODDISRUPTIONBUDGETS, type PodDisruptionBudget } from '../../../src/controllers/disruption/disruption-budget.js';
import type { Pod } from '../../../src/controllers/shared/types.js';
import { controlPlane } from './control-plane.js';
import { exampleCrdYaml } from './custom-resource-definition.js';

const deployment = (replicas: number): string => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers: [{name: nginx, image: nginx:1.27, resources: {requests: {cpu: 100m}}}]
`;

const isReady = (pod: Pod): boolean => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

describe('disruption budgets', () => {
  const plane = controlPlane({ nodes: 2, prefix: 'dn', controllerManagerFlags: ['--min-resync-period=2s'] });
  const pdb = (name = 'web'): Promise<PodDisruptionBudget> => plane.client.get<PodDisruptionBudget>(PODDISRUPTIONBUDGETS, 'default', name);
  const readyPods = async (app = 'web'): Promise<Pod[]> => (await plane.client.list<Pod>(Resources.pods, { namespace: 'default', labelSelector: `app=${app}` })).items.filter((p) => isReady(p) && !p.metadata.deletionTimestamp);
  /** Waits for the budget's status to show `want` for the current generation. */
  const statusReaches = (what: string, want: Partial<NonNullable<PodDisruptionBudget['status']>>, name = 'web'): Promise<void> =>
    plane.waitFor(what, async () => {
      const current = await pdb(name);
      const status = current.status;
      if (!status || status.observedGeneration !== current.metadata.generation) return false;
      return Object.entries(want).every(([k, v]) => JSON.stringify(status[k as keyof typeof status]) === JSON.stringify(v));
    });

  it('reports minAvailable and maxUnavailable, as ints and as percents of the Deployment scale', async () => {
    plane.ok(['create', '-f', '-'], deployment(3));
    await plane.waitFor('3 ready pods', async () => (await readyPods()).length === 3, 90_000);
    expect(plane.ok(['create', 'pdb', 'web', '--selector=app=web', '--min-available=2'])).toBe('poddisruptionbudget.policy/web created\n');
    await statusReaches('minAvailable=2 over 3 healthy', { currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, disruptionsAllowed: 1 });
    const status = (await pdb()).status!;
    expect(status.conditions).toEqual([{ type: 'DisruptionAllowed', status: 'True', observedGeneration: status.observedGeneration, lastTransitionTime: expect.any(String), reason: 'SufficientPods', message: '' }]);
    expect(plane.ok(['get', 'pdb', 'web', '--no-headers'])).toMatch(/^web\s+2\s+N\/A\s+1\s+\S+\n$/);

    plane.ok(['patch', 'pdb', 'web', '--type=merge', '-p', '{"spec":{"minAvailable":null,"maxUnavailable":"50%"}}']);
    await statusReaches('maxUnavailable=50% of 3', { currentHealthy: 3, desiredHealthy: 1, expectedPods: 3, disruptionsAllowed: 2 });
    plane.ok(['scale', 'deployment', 'web', '--replicas=4']);
    await statusReaches('maxUnavailable=50% of 4', { currentHealthy: 4, desiredHealthy: 2, expectedPods: 4, disruptionsAllowed: 2 });
    plane.ok(['patch', 'pdb', 'web', '--type=merge', '-p', '{"spec":{"maxUnavailable":null,"minAvailable":"100%"}}']);
    await statusReaches('minAvailable=100% of 4', { currentHealthy: 4, desiredHealthy: 4, expectedPods: 4, disruptionsAllowed: 0 });
    expect((await pdb()).status!.conditions![0]).toMatchObject({ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' });
  }, 240_000);

  it('refuses an eviction the budget cannot afford with 429, and takes one it can', async () => {
    const [victim] = await readyPods();
    const refusal = await plane.client.evict(victim!).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(KubeApiError);
    const { code, reason, message, details } = (refusal as KubeApiError).status;
    expect([code, reason, message]).toEqual([429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget."]);
    expect(details).toEqual({ causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 4 healthy pods and has 4 currently' }] });
    expect((await plane.client.get<Pod>(Resources.pods, 'default', victim!.metadata.name!)).metadata.deletionTimestamp).toBeUndefined();

    plane.ok(['patch', 'pdb', 'web', '--type=merge', '-p', '{"spec":{"minAvailable":3}}']);
    await statusReaches('one disruption allowed', { disruptionsAllowed: 1 });
    await plane.client.evict(victim!);
    // The eviction took the only disruption at once, before the controller looked again.
    expect((await pdb()).status!.disruptionsAllowed).toBe(0);
    const evicted = await plane.client.get<Pod>(Resources.pods, 'default', victim!.metadata.name!).catch(() => undefined);
    if (evicted) {
      expect(evicted.metadata.deletionTimestamp).toBeDefined();
      expect(evicted.status?.conditions?.find((c) => c.type === 'DisruptionTarget')).toMatchObject({ status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' });
    }
    // The Deployment replaces the pod and the budget recovers.
    await statusReaches('the budget back at one', { currentHealthy: 4, disruptionsAllowed: 1 });
  }, 180_000);

  it('kubectl drain retries while the budget allows nothing and finishes once it does', async () => {
    plane.ok(['patch', 'pdb', 'web', '--type=merge', '-p', '{"spec":{"minAvailable":4}}']);
    await statusReaches('no disruption allowed', { disruptionsAllowed: 0, currentHealthy: 4 });
    const pods = await readyPods();
    const nodeName = pods[0]!.spec!.nodeName!;
    const onNode = pods.filter((p) => p.spec!.nodeName === nodeName).map((p) => p.metadata.name!);
    const drain = spawn('kubectl', ['--kubeconfig', plane.api.kubeconfig, '--cache-dir', join(plane.api.dir, 'kube-cache', 'kubectl'), 'drain', nodeName, '--timeout=150s'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    drain.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    drain.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => drain.on('exit', resolve));
    try {
      const refused = `error when evicting pods/"${onNode[0]}" -n "default" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.`;
      await plane.waitFor('drain to be refused', () => output.includes(refused), 60_000);
      expect(output).toContain(`node/${nodeName} cordoned`);
      expect(output).toContain(`evicting pod default/${onNode[0]}`);
      expect((await plane.client.get<Pod>(Resources.pods, 'default', onNode[0]!)).metadata.deletionTimestamp).toBeUndefined();

      // Room for one at a time: each evicted pod is replaced on the other node before the next may go.
      plane.ok(['patch', 'pdb', 'web', '--type=merge', '-p', '{"spec":{"minAvailable":3}}']);
      let fewest = Infinity;
      await plane.waitFor(
        'drain to finish',
        async () => {
          fewest = Math.min(fewest, (await readyPods()).length);
          return drain.exitCode !== null;
        },
        150_000,
      );
      expect(await exited).toBe(0);
      expect(fewest).toBeGreaterThanOrEqual(3);
      for (const name of onNode) expect(output).toContain(`pod/${name} evicted`);
      expect(output).toContain(`node/${nodeName} drained`);
      const after = await readyPods();
      expect(after.every((p) => p.spec!.nodeName !== nodeName)).toBe(true);
    } finally {
      drain.kill('SIGTERM');
    }
  }, 240_000);

  it('a periodic resync updates a budget when its workload scaled and no pod changed', async () => {
    // A custom kind with a scale subresource and no controller: scaling it changes its spec, and no pod.
    const schema = '        properties:\n          spec: {type: object, properties: {replicas: {type: integer}}}\n          status: {type: object, properties: {replicas: {type: integer}}}\n';
    plane.ok(['create', '-f', '-'], exampleCrdYaml('Crowd', schema, '    subresources:\n      scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}\n'));
    plane.ok(['wait', '--for=condition=Established', 'crd/crowds.example.com', '--timeout=30s']);
    plane.ok(['create', '-f', '-'], 'apiVersion: example.com/v1\nkind: Crowd\nmetadata: {name: legacy}\nspec: {replicas: 2}\n');
    const crowd = JSON.parse(plane.ok(['get', 'crowd', 'legacy', '-o', 'json'])) as { metadata: { uid: string } };
    const owner = { apiVersion: 'example.com/v1', kind: 'Crowd', name: 'legacy', uid: crowd.metadata.uid, controller: true };
    for (const name of ['legacy-a', 'legacy-b']) {
      const spec = { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'busybox' }] };
      await plane.client.create(Resources.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { app: 'legacy' }, ownerReferences: [owner] }, spec });
    }
    await plane.waitFor('2 ready legacy pods', async () => (await readyPods('legacy')).length === 2, 90_000);
    plane.ok(['create', 'pdb', 'legacy', '--selector=app=legacy', '--max-unavailable=50%']);
    await statusReaches('maxUnavailable=50% of 2', { currentHealthy: 2, desiredHealthy: 1, expectedPods: 2, disruptionsAllowed: 1 }, 'legacy');
    expect(plane.ok(['scale', 'crowd', 'legacy', '--replicas=4'])).toBe('crowd.example.com/legacy scaled\n');
    await statusReaches('maxUnavailable=50% of 4 after a resync', { currentHealthy: 2, desiredHealthy: 2, expectedPods: 4, disruptionsAllowed: 0 }, 'legacy');
    expect(await readyPods('legacy')).toHaveLength(2);
  }, 180_000);
});
