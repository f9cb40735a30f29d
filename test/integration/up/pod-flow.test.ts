// The pod flow end to end on one `barge up` (3 Barge members, apiserver, controller manager, scheduler,
// 3 hollow nodes) with the real kubectl: a Deployment of 10 spreads over the nodes and is Ready; it
// scales up and down; `set image` rolls out within maxSurge/maxUnavailable at every step a watch
// observes and `rollout undo` returns; deleting a namespace removes what is in it; a killed kubelet's
// node goes Unknown and its pods are evicted and made again elsewhere; an Indexed Job runs one pod per
// index and completes with every index; and Barge members killed with -9
// mid-rollout (the leader first) are restarted while every Deployment converges and no object is lost.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resources, type KubeObject, type ResourceRef, type WatchStream } from '../../../src/client/kube/index.js';
import type { Node } from '../../../src/controllers/nodelifecycle/node-types.js';
import type { Deployment, Pod, ReplicaSet } from '../../../src/controllers/shared/types.js';
import { ensureKubeconfig, kubeletIdentity } from '../../../src/pki/index.js';
import { BARGE_BIN, exitCodeWithin } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';
import { MEMBERS, UpProcess } from './up-process.js';

const MAX_SURGE = 3;
const MAX_UNAVAILABLE = 1;

const deploymentYaml = (name: string, replicas: number, extra = ''): string => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: ${MAX_SURGE}, maxUnavailable: ${MAX_UNAVAILABLE}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers: [{name: nginx, image: "nginx:1.27"}]
${extra}`;

const isReady = (pod: Pod): boolean => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const imageOf = (pod: Pod): string => (pod.spec as { containers: Array<{ image: string }> }).containers[0]!.image;

describe('barge up: the pod flow end to end', () => {
  const up = new UpProcess(['--image-pull-delay=100', '--node-monitor-grace-period=20s']);

  const ok = (args: string[], input?: string, timeoutMs?: number): string => {
    const result = up.kubectl(args, { ...(input !== undefined ? { input } : {}), ...(timeoutMs ? { timeoutMs } : {}) });
    if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
    return result.stdout;
  };
  const livePods = async (app: string, namespace = 'default'): Promise<Pod[]> =>
    (await up.client.list<Pod>(Resources.pods, { namespace, labelSelector: `app=${app}` })).items.filter((pod) => !pod.metadata.deletionTimestamp);

  /** Waits until the deployment has rolled out `replicas` Ready pods of its current template, and no others. */
  async function converged(name: string, replicas: number, namespace = 'default', timeoutMs = 120_000): Promise<void> {
    await until(`${namespace}/${name} at ${replicas} ready replicas`, async () => {
      const d = await up.client.get<Deployment>(Resources.deployments, namespace, name).catch(() => undefined);
      const s = d?.status ?? {};
      if (s.observedGeneration !== d?.metadata.generation || s.updatedReplicas !== replicas || s.replicas !== replicas || s.readyReplicas !== replicas || s.availableReplicas !== replicas) return false;
      const pods = await livePods(name, namespace);
      return pods.length === replicas && pods.every(isReady);
    }, { timeoutMs, pollMs: 500 }).catch(async (error: Error) => {
      const d = await up.client.get<Deployment>(Resources.deployments, namespace, name).catch(() => undefined);
      throw new Error(`${error.message}: ${JSON.stringify(d?.status)}\n${up.logTail('controller-manager')}\n${up.logTail('apiserver')}`);
    });
  }

  beforeAll(() => up.start(), 240_000);
  afterAll(() => up.destroy(), 60_000);

  it('a Deployment of 10 spreads over the 3 nodes and is Ready 10/10, then scales to 15 and to 3', async () => {
    ok(['apply', '-f', '-'], deploymentYaml('web', 10));
    await converged('web', 10);
    expect(ok(['get', 'deployment', 'web', '--no-headers']).split(/\s+/).slice(0, 4)).toEqual(['web', '10/10', '10', '10']);
    const perNode = new Map<string, number>();
    for (const pod of await livePods('web')) perNode.set(pod.spec!.nodeName!, (perNode.get(pod.spec!.nodeName!) ?? 0) + 1);
    expect([...perNode.keys()].sort()).toEqual(['hollow-node-1', 'hollow-node-2', 'hollow-node-3']);
    expect(Math.max(...perNode.values())).toBeLessThanOrEqual(5);

    ok(['scale', 'deployment', 'web', '--replicas=15']);
    await converged('web', 15);
    ok(['scale', 'deployment', 'web', '--replicas=3']);
    await converged('web', 3);
    expect(ok(['get', 'deployment', 'web', '--no-headers']).split(/\s+/)[1]).toBe('3/3');
  }, 300_000);

  /** Watches the deployment's ReplicaSets and pods, checking the rolling-update bounds at every event. */
  async function rollOut(change: string[], replicas: number, image: string): Promise<number> {
    const sets = new Map<string, ReplicaSet>();
    const pods = new Map<string, Pod>();
    const rsList = await up.client.list<ReplicaSet>(Resources.replicaSets, { namespace: 'default', labelSelector: 'app=web' });
    const podList = await up.client.list<Pod>(Resources.pods, { namespace: 'default', labelSelector: 'app=web' });
    for (const rs of rsList.items) sets.set(rs.metadata.name!, rs);
    for (const pod of podList.items) pods.set(pod.metadata.name!, pod);
    let steps = 0;
    const violations: string[] = [];
    const check = (): void => {
      steps++;
      const desired = [...sets.values()].reduce((sum, rs) => sum + (rs.spec.replicas ?? 0), 0);
      const ready = [...pods.values()].filter((pod) => !pod.metadata.deletionTimestamp && isReady(pod)).length;
      if (desired > replicas + MAX_SURGE) violations.push(`step ${steps}: ReplicaSets want ${desired} pods`);
      if (ready < replicas - MAX_UNAVAILABLE) violations.push(`step ${steps}: ${ready} ready pods`);
    };
    const follow = async <T extends KubeObject>(resource: ResourceRef, resourceVersion: string | undefined, into: Map<string, T>): Promise<WatchStream<T>> => {
      const stream = await up.client.watch<T>(resource, { namespace: 'default', labelSelector: 'app=web', ...(resourceVersion ? { resourceVersion } : {}) });
      void (async () => {
        for await (const event of stream) {
          if (event.type === 'DELETED') into.delete(event.object.metadata.name!);
          else if (event.type === 'ADDED' || event.type === 'MODIFIED') into.set(event.object.metadata.name!, event.object);
          check();
        }
      })().catch(() => undefined);
      return stream;
    };
    const watches = [await follow(Resources.replicaSets, rsList.metadata.resourceVersion, sets), await follow(Resources.pods, podList.metadata.resourceVersion, pods)];
    try {
      ok(change);
      await converged('web', replicas);
      await until('every pod to run the image', async () => (await livePods('web')).every((pod) => imageOf(pod) === image), { timeoutMs: 30_000, pollMs: 500 });
    } finally {
      for (const watch of watches) watch.stop();
    }
    expect(violations).toEqual([]);
    return steps;
  }

  it('set image rolls out within maxSurge 3 / maxUnavailable 1 at every observed step, and rollout undo returns', async () => {
    ok(['scale', 'deployment', 'web', '--replicas=10']);
    await converged('web', 10);
    expect(await rollOut(['set', 'image', 'deployment/web', 'nginx=nginx:1.28'], 10, 'nginx:1.28')).toBeGreaterThan(10);
    expect(ok(['rollout', 'history', 'deployment/web'])).toBe('deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
    expect(await rollOut(['rollout', 'undo', 'deployment/web'], 10, 'nginx:1.27')).toBeGreaterThan(10);
    expect(ok(['rollout', 'status', 'deployment/web', '--timeout=60s'], undefined, 70_000)).toBe('deployment "web" successfully rolled out\n');
    expect(ok(['get', 'deployment', 'web', '-o', 'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}'])).toBe('3');
  }, 300_000);

  it('deleting a namespace removes its deployment, pods, service and config, then the namespace', async () => {
    ok(['apply', '-f', '-'], 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n');
    ok(['apply', '-n', 'shop', '-f', '-'], deploymentYaml('cart', 3));
    ok(['apply', '-n', 'shop', '-f', '-'], 'apiVersion: v1\nkind: Service\nmetadata: {name: cart}\nspec:\n  selector: {app: cart}\n  ports: [{port: 80}]\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: prices}\ndata: {apple: "1"}\n');
    await converged('cart', 3, 'shop');
    expect(ok(['delete', 'namespace', 'shop', '--timeout=90s'], undefined, 100_000)).toBe('namespace "shop" deleted\n');
    expect(up.kubectl(['get', 'namespace', 'shop']).stderr).toContain('namespaces "shop" not found');
    const left = ['pods', 'replicasets', 'deployments', 'services', 'configmaps', 'endpointslices'].map((kind) => ok(['get', kind, '-A', '--field-selector=metadata.namespace=shop', '-o', 'name'])).join('');
    expect(left).toBe('');
  }, 200_000);

  it('a killed kubelet\'s node goes Unknown and its pods are evicted and made again on the other nodes', async () => {
    const pki = await up.pki();
    const kubeconfig = await ensureKubeconfig(pki.caAuthority, { file: join(up.dir, 'kubelet-extra-node.conf'), server: `https://127.0.0.1:${up.apiserverPort}`, identity: kubeletIdentity('extra-node') });
    const kubelet = spawn(process.execPath, [BARGE_BIN, 'kubelet', '--hollow', '--node-name=extra-node', `--kubeconfig=${kubeconfig}`, '--image-pull-delay=100'], { stdio: ['ignore', 'ignore', 'ignore'] });
    const nodeReady = async (status: string): Promise<boolean> =>
      (await up.client.get<Node>(Resources.nodes, undefined, 'extra-node').catch(() => undefined))?.status?.conditions?.find((c) => c.type === 'Ready')?.status === status;
    try {
      await until('extra-node Ready', () => nodeReady('True'), { timeoutMs: 60_000, pollMs: 500 });
      // Tolerating the node's unreachable taint for 2 s instead of the default 300 s, as a pod spec may.
      const spec = `      tolerations:
      - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 2}
      - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 2}
      affinity:
        nodeAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 100
            preference: {matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [extra-node]}]}
`;
      ok(['apply', '-f', '-'], deploymentYaml('roam', 4, spec));
      await converged('roam', 4);
      const stranded = (await livePods('roam')).filter((pod) => pod.spec!.nodeName === 'extra-node').map((pod) => pod.metadata.name!);
      expect(stranded.length).toBeGreaterThan(0);

      kubelet.kill('SIGKILL');
      await exitCodeWithin(kubelet, 10_000);
      await until('extra-node to go Unknown', () => nodeReady('Unknown'), { timeoutMs: 90_000, pollMs: 500 });
      expect(ok(['get', 'node', 'extra-node', '--no-headers']).split(/\s+/)[1]).toBe('NotReady');
      await until('the stranded pods to be evicted and replaced', async () => {
        const pods = await livePods('roam');
        return pods.length === 4 && pods.every((pod) => pod.spec?.nodeName !== 'extra-node' && isReady(pod));
      }, { timeoutMs: 90_000, pollMs: 500 });
      const taints = (await up.client.get<Node>(Resources.nodes, undefined, 'extra-node')).spec?.taints?.map((t) => `${t.key}:${t.effect}`);
      expect(taints).toEqual(expect.arrayContaining(['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']));
    } finally {
      if (kubelet.exitCode === null) kubelet.kill('SIGKILL');
    }
    ok(['delete', 'node', 'extra-node']);
    ok(['delete', 'deployment', 'roam']);
  }, 240_000);

  it('an Indexed Job runs one pod per completion index and completes with every index', async () => {
    ok(['apply', '-f', '-'], `apiVersion: batch/v1
kind: Job
metadata: {name: render}
spec:
  completions: 3
  parallelism: 2
  completionMode: Indexed
  template:
    spec:
      restartPolicy: Never
      containers: [{name: frame, image: "busybox:1.36", command: [sleep, "1"]}]
`);
    await until('the job to complete', () => ok(['get', 'job', 'render', '-o', 'jsonpath={.status.conditions[?(@.type=="Complete")].status}']) === 'True', { timeoutMs: 90_000, pollMs: 500 });
    expect(ok(['get', 'job', 'render', '-o', 'jsonpath={.status.succeeded} {.status.completedIndexes}'])).toBe('3 0-2');
    const pods = (await up.client.list<Pod>(Resources.pods, { namespace: 'default', labelSelector: 'batch.kubernetes.io/job-name=render' })).items;
    const indexes = pods.map((pod) => pod.metadata.annotations?.['batch.kubernetes.io/job-completion-index']).sort();
    expect(indexes).toEqual(['0', '1', '2']);
    for (const pod of pods) {
      const index = pod.metadata.annotations!['batch.kubernetes.io/job-completion-index']!;
      expect(pod.metadata.name).toMatch(new RegExp(`^render-${index}-[a-z0-9]{5}$`));
      expect(pod.metadata.labels?.['batch.kubernetes.io/job-completion-index']).toBe(index);
      expect(pod.spec?.['hostname']).toBe(`render-${index}`);
    }
    ok(['delete', 'job', 'render']);
  }, 120_000);

  /** Every object of the kinds a rollout must not lose, as kind/namespace/name/uid. */
  async function inventory(): Promise<Set<string>> {
    const kinds = [Resources.namespaces, Resources.nodes, Resources.deployments, Resources.replicaSets, Resources.services, Resources.configMaps, Resources.serviceAccounts];
    const found = new Set<string>();
    for (const kind of kinds) {
      for (const item of (await up.client.list(kind)).items) found.add(`${kind.plural}/${item.metadata.namespace ?? ''}/${item.metadata.name}/${item.metadata.uid}`);
    }
    return found;
  }

  /** SIGKILLs a member and waits until barge up has started it again and all three agree on a leader. */
  async function killMember(name: string): Promise<void> {
    const pid = up.memberPid(name);
    expect(pid).toBeDefined();
    process.kill(pid!, 'SIGKILL');
    await until(`${name} to be restarted`, () => up.output.includes(`${name} exited (SIGKILL)`) && (up.memberPid(name) ?? pid) !== pid, { timeoutMs: 30_000, pollMs: 200 });
    await until('all members to follow one leader', async () => (await up.leader().catch(() => undefined)) !== undefined, { timeoutMs: 120_000, pollMs: 1000 });
  }

  it('Barge members killed with -9 mid-rollout (the leader, then a follower) come back; every Deployment converges and no object is lost', async () => {
    ok(['apply', '-f', '-'], deploymentYaml('steady', 8));
    await converged('steady', 8);
    const before = await inventory();
    ok(['set', 'image', 'deployment/steady', 'nginx=nginx:1.29']);
    await until('the rollout to be under way', async () => {
      const s = (await up.client.get<Deployment>(Resources.deployments, 'default', 'steady')).status ?? {};
      return (s.updatedReplicas ?? 0) > 0 && (s.updatedReplicas ?? 0) < 8;
    }, { timeoutMs: 60_000, pollMs: 100 });
    await killMember(await up.leader());
    const leader = await up.leader();
    await killMember(MEMBERS.find((name) => name !== leader)!);

    for (const d of (await up.client.list<Deployment>(Resources.deployments)).items) await converged(d.metadata.name!, d.spec.replicas ?? 1, d.metadata.namespace, 180_000);
    expect((await livePods('steady')).map(imageOf)).toEqual(Array<string>(8).fill('nginx:1.29'));
    const after = await inventory();
    expect([...before].filter((key) => !after.has(key))).toEqual([]);
    expect(ok(['get', 'nodes', '--no-headers']).trim().split('\n').map((line) => line.split(/\s+/).slice(0, 2).join(' '))).toEqual([
      'hollow-node-1 Ready', 'hollow-node-2 Ready', 'hollow-node-3 Ready',
    ]);
  }, 480_000);
});
