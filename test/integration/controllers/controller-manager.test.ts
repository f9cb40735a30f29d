// The controller manager over `barge apiserver` on a Barge cluster (one member: the machine running these is shared), driven by the real kubectl:
// a Deployment gets its ReplicaSet and pods, scales, rolls out within maxSurge/maxUnavailable at every
// observed step (the test marks pods Ready as a kubelet would), and rollout status/history/undo print
// what they print on a real cluster; a node that stops posting goes Unknown, is tainted, loses the pods
// that do not tolerate it, and is cleared when it posts Ready again; a deleted node's pods are collected;
// deleting a deployment lets the garbage collector remove its sets and pods; a standby manager takes over
// from a killed leader within the lease duration.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient, loadKubeconfig, Resources, type KubeObject } from '../../../src/client/kube/index.js';
import type { Job } from '../../../src/controllers/job/job-decision.js';
import type { Node, NodeCondition } from '../../../src/controllers/nodelifecycle/node-types.js';
import type { Deployment, Pod, ReplicaSet } from '../../../src/controllers/shared/types.js';
import type { ProcessCluster } from '../../support/process-cluster.js';
import { sleep, until } from '../../support/wait.js';
import { ApiserverProcess, prepareBargeBinary, startCluster } from '../apiserver/apiserver-process.js';
import { ControllerManagerProcess } from './controller-manager-process.js';

const deploymentYaml = (replicas: number): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
`;

const GRACE_S = 6;

const isReady = (pod: Pod): boolean => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

describe('controller manager: deployments and replica sets', () => {
  let cluster: ProcessCluster;
  let api: ApiserverProcess;
  let manager: ControllerManagerProcess;
  let client: KubeClient;

  const ok = (args: string[], input?: string): string => {
    const result = api.kubectl(args, input === undefined ? {} : { input });
    if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${result.status}): ${result.stderr}\ncontroller-manager log:\n${manager.log.slice(-3000)}`);
    return result.stdout;
  };

  const livePods = async (): Promise<Pod[]> => (await client.list<Pod>(Resources.pods, { namespace: 'default', labelSelector: 'app=web' })).items.filter((pod) => !pod.metadata.deletionTimestamp);
  const deployment = (): Promise<Deployment> => client.get<Deployment>(Resources.deployments, 'default', 'web');
  const replicaSets = async (): Promise<ReplicaSet[]> => (await client.list<ReplicaSet>(Resources.replicaSets, { namespace: 'default' })).items;

  /** What a kubelet would post for a started container. */
  async function markReady(pods: readonly Pod[]): Promise<void> {
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    for (const pod of pods.filter((p) => !isReady(p))) {
      const status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] };
      await client.patch(Resources.pods, 'default', pod.metadata.name!, { status }, 'merge', { subresource: 'status' }).catch(() => undefined);
    }
  }

  /** A second deployment's pods: exactly `replicas` of them, no more, once its status says so. */
  async function settle2(name: string, replicas: number): Promise<void> {
    const deadline = Date.now() + 40_000;
    for (;;) {
      const d = await client.get<Deployment>(Resources.deployments, 'default', name);
      const pods = (await client.list<Pod>(Resources.pods, { namespace: 'default' })).items.filter((p) => p.metadata.name!.startsWith(`${name}-`));
      expect(pods.length).toBeLessThanOrEqual(replicas);
      if (d.status?.availableReplicas === replicas && pods.length === replicas) return;
      if (Date.now() > deadline) throw new Error(`${name} did not settle: ${JSON.stringify(d.status)}\n${manager.log.slice(-2000)}`);
      await markReady(pods);
      await sleep(200);
    }
  }

  /** Marks pods ready until the deployment reports `replicas` updated and available pods. */
  async function settle(replicas: number, onStep: (pods: Pod[]) => void = () => undefined): Promise<void> {
    const deadline = Date.now() + 40_000;
    for (;;) {
      const pods = await livePods();
      onStep(pods);
      const d = await deployment();
      const s = d.status ?? {};
      if (s.observedGeneration === d.metadata.generation && s.updatedReplicas === replicas && s.replicas === replicas && s.availableReplicas === replicas && pods.length === replicas) return;
      if (Date.now() > deadline) throw new Error(`deployment did not settle at ${replicas}: ${JSON.stringify(s)}, ${pods.length} pods\n${manager.log.slice(-3000)}`);
      await markReady(pods);
      await sleep(150);
    }
  }

  beforeAll(async () => {
    prepareBargeBinary();
    cluster = await startCluster(1, 'barge');
    api = await ApiserverProcess.start(cluster.endpoints);
    client = new KubeClient(loadKubeconfig(api.kubeconfig));
    manager = new ControllerManagerProcess(api.kubeconfig, ['--leader-elect=true', `--node-monitor-grace-period=${GRACE_S}s`, '--node-monitor-period=1s', '--node-eviction-rate=10']);
    await until('the controllers to start', () => manager.log.includes('started controllers'), { timeoutMs: 90_000, pollMs: 200 });
  }, 200_000);

  afterAll(async () => {
    await manager?.stop();
    await api?.stop();
    await cluster?.stop();
  });

  it('a deployment gets one ReplicaSet named by its pod-template-hash, owning N pods', async () => {
    ok(['create', '-f', '-'], deploymentYaml(3));
    let sets: ReplicaSet[] = [];
    let pods: Pod[] = [];
    const deadline = Date.now() + 30_000;
    while ((sets.length !== 1 || pods.length !== 3) && Date.now() < deadline) {
      await sleep(200);
      [sets, pods] = await Promise.all([replicaSets(), livePods()]);
    }
    expect(sets).toHaveLength(1);
    const rs = sets[0]!;
    const hash = rs.metadata.labels?.['pod-template-hash'];
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(rs.metadata.name).toBe(`web-${hash}`);
    expect(rs.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4' });
    expect(rs.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'web', controller: true });
    expect(pods).toHaveLength(3);
    for (const pod of pods) {
      expect(pod.metadata.name!.startsWith(`${rs.metadata.name}-`)).toBe(true);
      expect(pod.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', name: rs.metadata.name, uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true });
      expect(pod.metadata.labels?.['pod-template-hash']).toBe(hash);
    }
    await settle(3);
    expect(ok(['rollout', 'status', 'deployment/web', '--timeout=30s'])).toBe('deployment "web" successfully rolled out\n');
    const conditions = (await deployment()).status?.conditions ?? [];
    expect(conditions.find((c) => c.type === 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
    expect(conditions.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });
    expect(ok(['get', 'deployment', 'web', '--no-headers'])).toMatch(/^web\s+3\/3\s+3\s+3\s/);
  }, 60_000);

  it('scales up and down', async () => {
    ok(['scale', 'deployment', 'web', '--replicas=5']);
    await settle(5);
    ok(['scale', 'deployment', 'web', '--replicas=2']);
    await settle(2);
    expect(await livePods()).toHaveLength(2);
  }, 60_000);

  it('set image rolls out within maxSurge 1 / maxUnavailable 0 at every observed step', async () => {
    ok(['set', 'image', 'deployment/web', 'nginx=nginx:1.28']);
    let steps = 0;
    await settle(2, (pods) => {
      steps++;
      expect(pods.length).toBeLessThanOrEqual(3);
      expect(pods.filter(isReady).length).toBeGreaterThanOrEqual(2);
    });
    expect(steps).toBeGreaterThan(1);
    const pods = await livePods();
    expect(pods.every((pod) => (pod.spec as { containers: Array<{ image: string }> }).containers[0]!.image === 'nginx:1.28')).toBe(true);
    const sets = await replicaSets();
    expect(sets.map((rs) => [rs.metadata.annotations?.['deployment.kubernetes.io/revision'], rs.spec.replicas]).sort()).toEqual([['1', 0], ['2', 2]]);
    expect((await deployment()).metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect(ok(['rollout', 'history', 'deployment/web'])).toBe('deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
  }, 60_000);

  it('rollout undo goes back to the previous template as revision 3', async () => {
    expect(ok(['rollout', 'undo', 'deployment/web'])).toBe('deployment.apps/web rolled back\n');
    await settle(2, (pods) => {
      expect(pods.length).toBeLessThanOrEqual(3);
      expect(pods.filter(isReady).length).toBeGreaterThanOrEqual(2);
    });
    const pods = await livePods();
    expect(pods.every((pod) => (pod.spec as { containers: Array<{ image: string }> }).containers[0]!.image === 'nginx:1.27')).toBe(true);
    const sets = await replicaSets();
    const back = sets.find((rs) => rs.spec.replicas === 2)!;
    expect(back.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/revision-history': '1' });
    expect(ok(['rollout', 'history', 'deployment/web'])).toBe('deployment.apps/web \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n');
    expect(ok(['rollout', 'status', 'deployment/web', '--timeout=30s'])).toBe('deployment "web" successfully rolled out\n');
  }, 60_000);

  it('rollout pause holds a template change, resume rolls it out, restart makes a new revision', async () => {
    expect(ok(['rollout', 'pause', 'deployment/web'])).toBe('deployment.apps/web paused\n');
    ok(['set', 'image', 'deployment/web', 'nginx=nginx:1.29']);
    const pausedDeadline = Date.now() + 15_000;
    let progressing: string | undefined;
    while (progressing !== 'DeploymentPaused' && Date.now() < pausedDeadline) {
      await sleep(250);
      progressing = (await deployment()).status?.conditions?.find((c) => c.type === 'Progressing')?.reason;
    }
    expect(progressing).toBe('DeploymentPaused');
    expect((await replicaSets()).length).toBe(2);
    expect(ok(['rollout', 'resume', 'deployment/web'])).toBe('deployment.apps/web resumed\n');
    await settle(2);
    expect((await replicaSets()).length).toBe(3);
    expect(ok(['rollout', 'restart', 'deployment/web'])).toBe('deployment.apps/web restarted\n');
    await settle(2);
    const sets = await replicaSets();
    expect(sets.length).toBe(4);
    expect(sets.find((rs) => rs.spec.replicas === 2)?.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('5');
    expect(ok(['rollout', 'status', 'deployment/web', '--timeout=30s'])).toBe('deployment "web" successfully rolled out\n');
  }, 60_000);

  it('a deleted pod is replaced, and every namespace gets a default ServiceAccount', async () => {
    const [victim] = await livePods();
    ok(['delete', 'pod', victim!.metadata.name!, '--wait=false']);
    const deadline = Date.now() + 20_000;
    let pods = await livePods();
    while ((pods.length !== 2 || pods.some((p) => p.metadata.name === victim!.metadata.name)) && Date.now() < deadline) {
      await sleep(200);
      pods = await livePods();
    }
    expect(pods.map((p) => p.metadata.name)).not.toContain(victim!.metadata.name);
    expect(pods).toHaveLength(2);
    ok(['create', '-f', '-'], 'apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n');
    let accounts = '';
    while (!accounts.includes('default') && Date.now() < deadline + 10_000) {
      await sleep(200);
      accounts = api.kubectl(['get', 'serviceaccount', 'default', '-n', 'team', '-o', 'name']).stdout;
    }
    expect(accounts).toBe('serviceaccount/default\n');
  }, 60_000);

  it('deleting the deployment (kubectl: background propagation) lets the garbage collector remove its sets and pods', async () => {
    expect(ok(['delete', 'deployment', 'web'])).toBe('deployment.apps "web" deleted\n');
    const deadline = Date.now() + 30_000;
    let left = { sets: 1, pods: 1 };
    while ((left.sets > 0 || left.pods > 0) && Date.now() < deadline) {
      await sleep(250);
      left = { sets: (await replicaSets()).length, pods: (await livePods()).length };
    }
    expect(left).toEqual({ sets: 0, pods: 0 });
  }, 40_000);

  it('a job completes after its completions succeed, another fails past its backoff limit', async () => {
    const jobYaml = (name: string, completions: number, backoffLimit: number): string => `apiVersion: batch/v1
kind: Job
metadata: {name: ${name}}
spec:
  completions: ${completions}
  backoffLimit: ${backoffLimit}
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox}]
`;
    ok(['create', '-f', '-'], jobYaml('done', 2, 6));
    ok(['create', '-f', '-'], jobYaml('doomed', 1, 1));
    /** Ends each job's running pods as a kubelet would: `phase` Succeeded or Failed. */
    const finishPods = async (jobName: string, phase: string): Promise<void> => {
      const pods = (await client.list<Pod>(Resources.pods, { namespace: 'default', labelSelector: `job-name=${jobName}` })).items;
      for (const pod of pods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')) {
        await client.patch(Resources.pods, 'default', pod.metadata.name!, { status: { phase } }, 'merge', { subresource: 'status' });
      }
    };
    const condition = async (name: string): Promise<string | undefined> => {
      const job = await client.get<Job>(Resources.jobs, 'default', name);
      return job.status?.conditions?.find((c) => c.status === 'True')?.type;
    };
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && ((await condition('done')) !== 'Complete' || (await condition('doomed')) !== 'Failed')) {
      await finishPods('done', 'Succeeded');
      await finishPods('doomed', 'Failed');
      await sleep(300);
    }
    const done = await client.get<Job>(Resources.jobs, 'default', 'done');
    expect(done.status).toMatchObject({ succeeded: 2, active: 0 });
    expect(done.status?.conditions?.map((c) => c.type)).toEqual(['Complete']);
    const doomed = await client.get<Job>(Resources.jobs, 'default', 'doomed');
    expect(doomed.status).toMatchObject({ failed: 2 });
    expect(doomed.status?.conditions?.[0]).toMatchObject({ type: 'Failed', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    expect(ok(['get', 'job', 'done', '--no-headers'])).toMatch(/^done\s+Complete\s+2\/2\s/);
  }, 40_000);

  it('a service gets an EndpointSlice and Endpoints from its ready pods', async () => {
    ok(['create', '-f', '-'], 'apiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec:\n  selector: {app: api}\n  ports: [{name: http, port: 80, targetPort: 8080}]\n');
    await client.create(Resources.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'api-1', namespace: 'default', labels: { app: 'api' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    await client.patch(Resources.pods, 'default', 'api-1', { status: { phase: 'Running', podIP: '10.244.0.7', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] } }, 'merge', { subresource: 'status' });
    const deadline = Date.now() + 20_000;
    let endpoints = '';
    while (!endpoints.includes('10.244.0.7') && Date.now() < deadline) {
      await sleep(250);
      endpoints = api.kubectl(['get', 'endpoints', 'api', '--no-headers']).stdout;
    }
    expect(endpoints).toMatch(/^api\s+10\.244\.0\.7:8080\s/);
    const slices = (await client.list<KubeObject>(Resources.endpointSlices, { namespace: 'default', labelSelector: 'kubernetes.io/service-name=api' })).items;
    expect(slices).toHaveLength(1);
    expect(slices[0]).toMatchObject({ addressType: 'IPv4', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }], endpoints: [{ addresses: ['10.244.0.7'], conditions: { ready: true, serving: true, terminating: false } }] });
    expect(slices[0]!.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Service', name: 'api', controller: true });
  }, 30_000);

  it('a silent node goes Unknown, is tainted, loses untolerating pods, is cleared when Ready again, and once deleted its pods are collected', async () => {
    const stamp = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const postReady = async (): Promise<void> => {
      const node = await client.get<Node>(Resources.nodes, undefined, 'n1');
      const conditions: NodeCondition[] = [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: stamp(), lastTransitionTime: stamp() }];
      await client.updateStatus(Resources.nodes, { ...node, status: { ...node.status, conditions } });
    };
    await client.create(Resources.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
    await postReady();
    const pod = (name: string, tolerations: unknown[]): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }], tolerations } });
    await client.create(Resources.pods, pod('plain', []));
    await client.create(Resources.pods, pod('patient', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 3600 }]));

    // The kubelet stops posting: after the grace period Ready is Unknown and both unreachable taints are on.
    const silentSince = Date.now();
    let node = await client.get<Node>(Resources.nodes, undefined, 'n1');
    const deadline = Date.now() + 30_000;
    const taintKeys = (n: Node): string[] => (n.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort();
    while (taintKeys(node).length < 2 && Date.now() < deadline) {
      await sleep(250);
      node = await client.get<Node>(Resources.nodes, undefined, 'n1');
    }
    expect(Date.now() - silentSince).toBeGreaterThanOrEqual(GRACE_S * 1000);
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    expect(taintKeys(node)).toEqual(['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);

    // Taint-based eviction: the pod without a toleration goes, the one tolerating for an hour stays.
    let names: string[] = [];
    while (Date.now() < deadline) {
      names = (await client.list<Pod>(Resources.pods, { namespace: 'default', fieldSelector: 'spec.nodeName=n1' })).items.filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name!);
      if (!names.includes('plain')) break;
      await sleep(250);
    }
    expect(names).toEqual(['patient']);

    // Ready again: the taints come off.
    await postReady();
    while (taintKeys(node).length > 0 && Date.now() < deadline + 15_000) {
      await sleep(250);
      node = await client.get<Node>(Resources.nodes, undefined, 'n1');
    }
    expect(taintKeys(node)).toEqual([]);
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');

    // The node goes away: the pod GC removes the pod still bound to it (it runs every 20 s).
    await client.delete(Resources.nodes, undefined, 'n1');
    const gcDeadline = Date.now() + 30_000;
    let stranded = ['patient'];
    while (stranded.length > 0 && Date.now() < gcDeadline) {
      await sleep(500);
      stranded = (await client.list<Pod>(Resources.pods, { namespace: 'default', fieldSelector: 'spec.nodeName=n1' })).items.map((p) => p.metadata.name!);
    }
    expect(stranded).toEqual([]);
  }, 90_000);

  it('a standby manager takes over within the lease duration when the leader dies, and creates nothing twice', async () => {
    const standby = new ControllerManagerProcess(api.kubeconfig, ['--leader-elect=true']);
    try {
      await until('the standby to see the leader', () => standby.log.includes('leader is'), { timeoutMs: 60_000, pollMs: 200 });
      expect(standby.log).not.toContain('started controllers');
      const killedAt = Date.now();
      await manager.kill();
      await until('the standby to lead', () => standby.log.includes('started controllers'), { timeoutMs: 40_000, pollMs: 100 });
      // Lease duration 15 s, plus a retry period and the informers' first list.
      expect(Date.now() - killedAt).toBeLessThan(25_000);
      ok(['create', '-f', '-'], deploymentYaml(3).replace('name: web', 'name: after'));
      await settle2('after', 3);
    } finally {
      manager = standby;
    }
  }, 120_000);
});
