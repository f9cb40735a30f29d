// ReplicationControllers end to end with real kubectl on a whole Barge control plane (hollow kubelets run
// the pods): served as kube-apiserver serves them (discovery, short name, `all`, defaults from the
// template, validation messages, printer columns, the scale subresource), kept at their replica count by
// the controller manager, scaled with `kubectl scale`, and deleted with their pods by the garbage collector.

import { describe, expect, it } from 'vitest';
import { Resources, type KubeObject } from '../../../src/client/kube/index.js';
import type { Pod } from '../../../src/controllers/shared/types.js';
import { controlPlane } from './control-plane.js';

const rcYaml = (name: string, replicas: number, selector = ''): string => `apiVersion: v1
kind: ReplicationController
metadata: {name: ${name}}
spec:
  replicas: ${replicas}
${selector}  template:
    metadata: {labels: {app: ${name}, tier: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers: [{name: nginx, image: nginx:1.27}]
`;

interface ReplicationController extends KubeObject {
  spec: { replicas?: number; selector?: Record<string, string> };
  status?: { replicas?: number; fullyLabeledReplicas?: number; readyReplicas?: number; availableReplicas?: number; observedGeneration?: number };
}

const isReady = (pod: Pod): boolean => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

describe('replication controllers', () => {
  const plane = controlPlane({ nodes: 2, prefix: 'rc' });
  const livePods = async (selector: string): Promise<Pod[]> =>
    (await plane.client.list<Pod>(Resources.pods, { namespace: 'default', labelSelector: selector })).items.filter((p) => !p.metadata.deletionTimestamp);
  const rc = (name: string): Promise<ReplicationController> => plane.client.get<ReplicationController>(Resources.replicationControllers, 'default', name);

  it('is discovered as kube-apiserver lists it', () => {
    expect(plane.ok(['api-resources', '--api-group=', '--no-headers'])).toMatch(/^replicationcontrollers\s+rc\s+v1\s+true\s+ReplicationController\s*$/m);
    const list = JSON.parse(plane.ok(['get', '--raw', '/api/v1'])) as { resources: { name: string; kind: string; shortNames?: string[]; categories?: string[]; group?: string }[] };
    const names = list.resources.filter((r) => r.name.startsWith('replicationcontrollers')).map((r) => `${r.name}:${r.group ?? ''}:${r.kind}`);
    expect(names.sort()).toEqual(['replicationcontrollers/scale:autoscaling:Scale', 'replicationcontrollers/status::ReplicationController', 'replicationcontrollers::ReplicationController']);
    expect(list.resources.find((r) => r.name === 'replicationcontrollers')).toMatchObject({ shortNames: ['rc'], categories: ['all'] });
    expect(plane.ok(['explain', 'rc.spec.selector'])).toMatch(/Selector\s+is\s+a\s+label\s+query\s+over\s+pods\s+that\s+should\s+match\s+the\s+Replicas\s+count/);
  });

  it('creates its pods, reports status, scales with kubectl and prints kube\'s columns', async () => {
    expect(plane.ok(['create', '-f', '-'], rcYaml('front', 2))).toBe('replicationcontroller/front created\n');
    // Defaulted from the template: the selector and the object's own labels.
    const created = await rc('front');
    expect(created.spec.selector).toEqual({ app: 'front', tier: 'web' });
    expect(created.metadata.labels).toEqual({ app: 'front', tier: 'web' });
    await plane.waitFor('2 running pods owned by the RC', async () => {
      const pods = await livePods('app=front');
      return pods.length === 2 && pods.every((p) => isReady(p) && p.status?.phase === 'Running');
    });
    const pods = await livePods('app=front');
    for (const pod of pods) {
      expect(pod.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'ReplicationController', name: 'front', uid: created.metadata.uid, controller: true, blockOwnerDeletion: true }]);
      expect(pod.metadata.generateName).toBe('front-');
    }
    await plane.waitFor('the RC status', async () => (await rc('front')).status?.availableReplicas === 2);
    expect((await rc('front')).status).toMatchObject({ replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: 1 });

    expect(plane.ok(['scale', 'rc/front', '--replicas=3'])).toBe('replicationcontroller/front scaled\n');
    await plane.waitFor('3 ready pods', async () => (await livePods('app=front')).filter(isReady).length === 3 && (await rc('front')).status?.readyReplicas === 3);
    const scale = JSON.parse(plane.ok(['get', '--raw', '/api/v1/namespaces/default/replicationcontrollers/front/scale'])) as KubeObject & { spec: unknown; status: unknown };
    expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 3 }, status: { replicas: 3, selector: 'app=front,tier=web' } });

    const table = plane.ok(['get', 'rc', 'front']).split('\n');
    expect(table[0]).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE$/);
    expect(table[1]).toMatch(/^front\s+3\s+3\s+3\s+\S+$/);
    const wide = plane.ok(['get', 'rc', 'front', '-o', 'wide']).split('\n');
    expect(wide[0]).toMatch(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/);
    expect(wide[1]).toMatch(/^front\s+3\s+3\s+3\s+\S+\s+nginx\s+nginx:1\.27\s+app=front,tier=web$/);
    expect(plane.ok(['get', 'all', '-o', 'name'])).toMatch(/^replicationcontroller\/front$/m);
    // describe reads it through the typed (protobuf) client, then its pods and events.
    const described = plane.ok(['describe', 'rc', 'front']);
    expect(described).toMatch(/^Selector:\s+app=front,tier=web$/m);
    expect(described).toMatch(/^Replicas:\s+3 current \/ 3 desired$/m);
    expect(described).toMatch(/^Pods Status:\s+3 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed$/m);
    expect(described).toMatch(/Normal\s+SuccessfulCreate\s+\S+\s+replication-controller\s+Created pod: front-/);

    // One pod deleted by hand is replaced; a scale down removes the surplus.
    plane.ok(['delete', 'pod', pods[0]!.metadata.name!, '--wait=false']);
    await plane.waitFor('a replacement', async () => {
      const now = await livePods('app=front');
      return now.length === 3 && !now.some((p) => p.metadata.name === pods[0]!.metadata.name) && now.every(isReady);
    });
    plane.ok(['scale', 'rc', 'front', '--replicas=1']);
    await plane.waitFor('one pod left', async () => (await livePods('app=front')).length === 1 && (await rc('front')).status?.replicas === 1);
  }, 180_000);

  it('rejects what kube-apiserver rejects, with its messages', () => {
    const bad = plane.api.kubectl(['create', '-f', '-'], { input: rcYaml('bad', 1, '  selector: {app: other}\n') });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain(
      'The ReplicationController "bad" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"bad", "tier":"web"}: `selector` does not match template `labels`',
    );
    const never = plane.api.kubectl(['create', '-f', '-'], { input: rcYaml('never', 1).replace('terminationGracePeriodSeconds: 1', 'restartPolicy: Never') });
    expect(never.stderr).toContain('spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"');
  });

  it('deleting it lets the garbage collector remove its pods', async () => {
    plane.ok(['create', '-f', '-'], rcYaml('gone', 2));
    await plane.waitFor('2 pods', async () => (await livePods('app=gone')).length === 2);
    expect(plane.ok(['delete', 'rc', 'gone'])).toBe('replicationcontroller "gone" deleted\n');
    await plane.waitFor('the pods collected', async () => (await plane.client.list<Pod>(Resources.pods, { namespace: 'default', labelSelector: 'app=gone' })).items.length === 0, 90_000);
    const after = plane.api.kubectl(['get', 'rc', 'gone']);
    expect(after.stderr).toContain('Error from server (NotFound): replicationcontrollers "gone" not found');
  }, 150_000);
});
