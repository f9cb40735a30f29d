// The controller manager over `barge apiserver` on a Barge cluster (one member: the machine running these is shared), driven by the real kubectl:
// a Deployment gets its ReplicaSet and pods, scales, rolls out within maxSurge/maxUnavailable at every
// observed step (the test marks pods Ready as a kubelet would), and rollout status/history/undo print
// what they print on a real cluster; nodes that stop posting go Unknown, are tainted (NoExecute at the
// eviction rate), lose the pods that do not tolerate it (or only for tolerationSeconds), and are cleared
// when they post Ready again; a deleted node's pods are collected;
// deleting a deployment lets the garbage collector remove its sets and pods; a standby manager takes over
// from a killed leader within the lease duration.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient, loadKubeconfig, Resources, type KubeObject } from '../../../src/client/kube/index.js';
import type { Job } from '../../../src/controllers/job/job-decision.js';
import type { Node, NodeCondition, Taint } from '../../../src/controllers/nodelifecycle/node-types.js';
import type { Deployment, Pod, ReplicaSet } from '../../../src/controllers/shared/types.js';
import type { ProcessCluster } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';
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
/** --node-eviction-rate 0.25: one node tainted NoExecute every 4 s. */
const TAINT_INTERVAL_S = 4;

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
  /** Polls `check` until it holds; fails with the manager's log. */
  const waitFor = (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> =>
    until(what, check, { timeoutMs, pollMs: 200 }).catch((error: unknown) => {
      throw new Error(`${String(error)}\ncontroller-manager log:\n${manager.log.slice(-3000)}`);
    });

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
    await waitFor(`${name} to settle at ${replicas}`, async () => {
      const d = await client.get<Deployment>(Resources.deployments, 'default', name);
      const pods = (await client.list<Pod>(Resources.pods, { namespace: 'default' })).items.filter((p) => p.metadata.name!.startsWith(`${name}-`));
      expect(pods.length).toBeLessThanOrEqual(replicas);
      if (d.status?.availableReplicas === replicas && pods.length === replicas) return true;
      await markReady(pods);
      return false;
    }, 40_000);
  }

  /** Marks pods ready until the deployment reports `replicas` updated and available pods. */
  async function settle(replicas: number, onStep: (pods: Pod[]) => void = () => undefined): Promise<void> {
    await waitFor(`the deployment to settle at ${replicas}`, async () => {
      const pods = await livePods();
      onStep(pods);
      const d = await deployment();
      const s = d.status ?? {};
      if (s.observedGeneration === d.metadata.generation && s.updatedReplicas === replicas && s.replicas === replicas && s.availableReplicas === replicas && pods.length === replicas) return true;
      await markReady(pods);
      return false;
    }, 40_000);
  }

  beforeAll(async () => {
    prepareBargeBinary();
    cluster = await startCluster(1, 'barge');
    api = await ApiserverProcess.start(cluster.endpoints);
    client = new KubeClient(loadKubeconfig(api.kubeconfig));
    manager = new ControllerManagerProcess(api.kubeconfig, ['--leader-elect=true', `--node-monitor-grace-period=${GRACE_S}s`, '--node-monitor-period=1s', `--node-eviction-rate=${1 / TAINT_INTERVAL_S}`]);
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
    await waitFor('one ReplicaSet with 3 pods', async () => {
      [sets, pods] = await Promise.all([replicaSets(), livePods()]);
      return sets.length === 1 && pods.length === 3;
    });
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
    await waitFor('Progressing reason DeploymentPaused', async () => (await deployment()).status?.conditions?.find((c) => c.type === 'Progressing')?.reason === 'DeploymentPaused', 15_000);
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
    let pods: Pod[] = [];
    await waitFor('a replacement pod', async () => {
      pods = await livePods();
      return pods.length === 2 && !pods.some((p) => p.metadata.name === victim!.metadata.name);
    });
    expect(pods).toHaveLength(2);
    ok(['create', '-f', '-'], 'apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n');
    await waitFor('the default ServiceAccount in team', () => api.kubectl(['get', 'serviceaccount', 'default', '-n', 'team', '-o', 'name']).stdout === 'serviceaccount/default\n');
  }, 60_000);

  it('deleting the deployment (kubectl: background propagation) lets the garbage collector remove its sets and pods', async () => {
    expect(ok(['delete', 'deployment', 'web'])).toBe('deployment.apps "web" deleted\n');
    await waitFor('the sets and pods to be collected', async () => (await replicaSets()).length === 0 && (await livePods()).length === 0);
  }, 40_000);

  it('a job completes after its completions succeed, another fails past its backoff limit, a third past its active deadline', async () => {
    const jobYaml = (name: string, completions: number, backoffLimit: number, extra = ''): string => `apiVersion: batch/v1
kind: Job
metadata: {name: ${name}}
spec:
  completions: ${completions}
  backoffLimit: ${backoffLimit}
${extra}  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox}]
`;
    ok(['create', '-f', '-'], jobYaml('done', 2, 6));
    ok(['create', '-f', '-'], jobYaml('doomed', 1, 1));
    // Two pods at once that never finish: the deadline ends the job and deletes them.
    ok(['create', '-f', '-'], jobYaml('late', 2, 6, '  parallelism: 2\n  activeDeadlineSeconds: 3\n'));
    /** Ends each job's running pods as a kubelet would: `phase` Succeeded or Failed. */
    const finishPods = async (jobName: string, phase: string): Promise<void> => {
      const pods = (await client.list<Pod>(Resources.pods, { namespace: 'default', labelSelector: `job-name=${jobName}` })).items;
      for (const pod of pods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')) {
        await client.patch(Resources.pods, 'default', pod.metadata.name!, { status: { phase } }, 'merge', { subresource: 'status' });
      }
    };
    const condition = async (name: string): Promise<string | undefined> => {
      const job = await client.get<Job>(Resources.jobs, 'default', name);
      return job.status?.conditions?.find((c) => c.status === 'True' && (c.type === 'Complete' || c.type === 'Failed'))?.type;
    };
    // doomed's second pod comes only after the 10 s back-off that follows its first failure.
    await waitFor('done Complete and doomed Failed', async () => {
      if ((await condition('done')) === 'Complete' && (await condition('doomed')) === 'Failed') return true;
      await finishPods('done', 'Succeeded');
      await finishPods('doomed', 'Failed');
      return false;
    }, 60_000);
    const done = await client.get<Job>(Resources.jobs, 'default', 'done');
    expect(done.status).toMatchObject({ succeeded: 2, active: 0 });
    expect(done.status?.conditions?.map((c) => c.type)).toEqual(['SuccessCriteriaMet', 'Complete']);
    const doomed = await client.get<Job>(Resources.jobs, 'default', 'doomed');
    expect(doomed.status).toMatchObject({ failed: 2 });
    expect(doomed.status?.conditions?.map((c) => c.type)).toEqual(['FailureTarget', 'Failed']);
    expect(doomed.status?.conditions?.[1]).toMatchObject({ type: 'Failed', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    expect(ok(['get', 'job', 'done', '--no-headers'])).toMatch(/^done\s+Complete\s+2\/2\s/);
    await waitFor('late Failed', async () => (await condition('late')) === 'Failed');
    const late = await client.get<Job>(Resources.jobs, 'default', 'late');
    expect(late.status?.conditions?.[1]).toMatchObject({ type: 'Failed', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' });
    expect(Date.parse(late.status!.conditions![1]!.lastTransitionTime!) - Date.parse(late.status!.startTime!)).toBeGreaterThanOrEqual(3000);
    await waitFor("late's pods deleted", async () => (await client.list<Pod>(Resources.pods, { namespace: 'default', labelSelector: 'job-name=late' })).items.every((p) => p.metadata.deletionTimestamp));
  }, 120_000);

  it('a service gets an EndpointSlice and Endpoints from its ready pods', async () => {
    ok(['create', '-f', '-'], 'apiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec:\n  selector: {app: api}\n  ports: [{name: http, port: 80, targetPort: 8080}]\n');
    await client.create(Resources.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'api-1', namespace: 'default', labels: { app: 'api' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    await client.patch(Resources.pods, 'default', 'api-1', { status: { phase: 'Running', podIP: '10.244.0.7', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] } }, 'merge', { subresource: 'status' });
    await waitFor('the Endpoints of api', () => api.kubectl(['get', 'endpoints', 'api', '--no-headers']).stdout.includes('10.244.0.7'));
    expect(ok(['get', 'endpoints', 'api', '--no-headers'])).toMatch(/^api\s+10\.244\.0\.7:8080\s/);
    const slices = (await client.list<KubeObject>(Resources.endpointSlices, { namespace: 'default', labelSelector: 'kubernetes.io/service-name=api' })).items;
    expect(slices).toHaveLength(1);
    expect(slices[0]).toMatchObject({ addressType: 'IPv4', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }], endpoints: [{ addresses: ['10.244.0.7'], conditions: { ready: true, serving: true, terminating: false } }] });
    expect(slices[0]!.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Service', name: 'api', controller: true });
  }, 30_000);

  it('silent nodes go Unknown, are tainted NoExecute one at a time, lose pods past their tolerations, are cleared when Ready, and a deleted node\'s pods are collected', async () => {
    const stamp = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const postReady = async (name: string): Promise<void> => {
      const node = await client.get<Node>(Resources.nodes, undefined, name);
      const conditions: NodeCondition[] = [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: stamp(), lastTransitionTime: stamp() }];
      await client.updateStatus(Resources.nodes, { ...node, status: { ...node.status, conditions } });
    };
    const getNode = (name: string): Promise<Node> => client.get<Node>(Resources.nodes, undefined, name);
    const taintsOf = (n: Node, effect: string): Taint[] => (n.spec?.taints ?? []).filter((t) => t.effect === effect);
    const taintKeys = (n: Node): string[] => (n.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort();
    const liveOn = async (nodeName: string): Promise<string[]> =>
      (await client.list<Pod>(Resources.pods, { namespace: 'default', fieldSelector: `spec.nodeName=${nodeName}` })).items.filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name!);
    for (const name of ['n1', 'n2', 'n3']) {
      await client.create(Resources.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name } });
      await postReady(name);
    }
    // n3 keeps posting, so the zone is not fully disrupted (kube stops NoExecute tainting when no node is Ready).
    const heartbeat = setInterval(() => void postReady('n3').catch(() => undefined), 1000);
    try {
      const unreachableFor = (seconds: number): unknown[] => [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds }];
      const pod = (name: string, nodeName: string, tolerations: unknown[]): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName, containers: [{ name: 'c', image: 'busybox' }], tolerations } });
      await client.create(Resources.pods, pod('plain', 'n1', []));
      await client.create(Resources.pods, pod('patient', 'n1', unreachableFor(3600)));
      await client.create(Resources.pods, pod('brief', 'n2', unreachableFor(3)));

      // n1 and n2 stop posting: after the grace period both are Unknown and tainted, NoSchedule at once,
      // NoExecute one node per 1/rate seconds.
      const silentSince = Date.now();
      await waitFor('both silent nodes tainted NoExecute', async () => (await Promise.all(['n1', 'n2'].map(getNode))).every((n) => taintKeys(n).length === 2), 40_000);
      expect(Date.now() - silentSince).toBeGreaterThanOrEqual(GRACE_S * 1000);
      const [n1, n2, n3] = await Promise.all(['n1', 'n2', 'n3'].map(getNode));
      expect(n1!.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
      expect(taintKeys(n1!)).toEqual(['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
      expect(taintKeys(n3!)).toEqual([]);
      const added = (n: Node, effect: string): number => Date.parse(taintsOf(n, effect)[0]!.timeAdded!);
      expect(Math.abs(added(n1!, 'NoSchedule') - added(n2!, 'NoSchedule'))).toBeLessThanOrEqual(2000);
      // timeAdded is to the second: 4 s apart shows as at least 3.
      expect(Math.abs(added(n1!, 'NoExecute') - added(n2!, 'NoExecute'))).toBeGreaterThanOrEqual((TAINT_INTERVAL_S - 1) * 1000);

      // Taint-based eviction: the pod without a toleration goes at once, the one tolerating for 3 s once
      // they have passed since its node's taint, the one tolerating for an hour stays.
      await waitFor('plain to be evicted', async () => !(await liveOn('n1')).includes('plain'));
      expect(await liveOn('n1')).toEqual(['patient']);
      await waitFor('brief to be evicted', async () => (await liveOn('n2')).length === 0, 20_000);
      // Its deletion (deletionTimestamp less the grace period: no kubelet finishes it) came 3 s after the taint.
      const brief = await client.get<Pod>(Resources.pods, 'default', 'brief');
      const deletedAt = Date.parse(brief.metadata.deletionTimestamp!) - (brief.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
      expect(deletedAt - added(n2!, 'NoExecute')).toBeGreaterThanOrEqual(2000);
      const events = JSON.parse(ok(['get', 'events', '--field-selector', 'involvedObject.name=plain', '-o', 'json'])) as { items: Array<{ reason: string; message: string }> };
      expect(events.items.map((e) => `${e.reason} ${e.message}`)).toContain('TaintManagerEviction Marking for deletion Pod default/plain');

      // Ready again: the taints come off.
      await Promise.all([postReady('n1'), postReady('n2')]);
      await waitFor('the taints to come off', async () => (await Promise.all(['n1', 'n2'].map(getNode))).every((n) => taintKeys(n).length === 0), 15_000);
      expect((await getNode('n1')).status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');

      // The node goes away: the pod GC removes the pod still bound to it (it runs every 20 s).
      await client.delete(Resources.nodes, undefined, 'n1');
      await waitFor('the pod GC to remove patient', async () => (await client.list<Pod>(Resources.pods, { namespace: 'default', fieldSelector: 'spec.nodeName=n1' })).items.length === 0, 30_000);
    } finally {
      clearInterval(heartbeat);
    }
    for (const name of ['n2', 'n3']) await client.delete(Resources.nodes, undefined, name);
  }, 120_000);

  it('a standby manager takes over within the lease duration when the leader dies, and creates nothing twice', async () => {
    const standby = new ControllerManagerProcess(api.kubeconfig, ['--leader-elect=true']);
    try {
      await until('the standby to see the leader', () => standby.log.includes('leader is'), { timeoutMs: 60_000, pollMs: 200 });
      expect(standby.log).not.toContain('started controllers');
      const killedAt = Date.now();
      await manager.kill();
      // Made while nobody leads: the standby, once leading, makes its set and pods once.
      ok(['create', '-f', '-'], deploymentYaml(3).replace('name: web', 'name: after'));
      await until('the standby to lead', () => standby.log.includes('started controllers'), { timeoutMs: 40_000, pollMs: 100 });
      // Lease duration 15 s, plus a retry period and the informers' first list.
      expect(Date.now() - killedAt).toBeLessThan(25_000);
      await settle2('after', 3);
      expect((await replicaSets()).filter((rs) => rs.metadata.name!.startsWith('after-'))).toHaveLength(1);
    } finally {
      manager = standby;
    }
  }, 120_000);
});
