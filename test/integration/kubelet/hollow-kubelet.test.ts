// A hollow kubelet against `barge apiserver` over Barge: it registers its node and renews its Lease; pods
// bound to it (spec.nodeName set by the test, no scheduler) go Running with the kubelet's conditions and
// events as `kubectl get events` shows them; `sleep 1` Succeeds, `exit 3` Fails with exit code 3, and a
// deletion waits out the grace period before the kubelet removes the pod.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNotFound, KubeClient, loadKubeconfig, Resources, type KubeObject } from '../../../src/client/kube/index.js';
import { samples } from '../../../bench/density/metrics-text.js';
import { requestCounts } from '../../../bench/density/request-counts.js';
import { toError } from '../../../src/etcd-errors.js';
import { HollowKubelet } from '../../../src/kubelet/index.js';
import type { Lease, Node } from '../../../src/kubelet/node-object.js';
import type { Pod } from '../../../src/kubelet/pod-types.js';
import type { ProcessCluster } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';
import { ApiserverProcess, prepareBargeBinary, startCluster } from '../apiserver/apiserver-process.js';

const NODE = 'hollow-1';

function pod(name: string, command: string[] | undefined, extra: Record<string, unknown> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName: NODE, containers: [{ name: 'main', image: 'busybox:1.36', ...(command ? { command } : {}) }], ...extra },
  } as Pod;
}

describe('hollow kubelet against barge apiserver', () => {
  let cluster: ProcessCluster;
  let api: ApiserverProcess;
  let client: KubeClient;
  let kubelet: HollowKubelet;
  const pods = new Map<string, Pod>();
  const errors: string[] = [];

  const latest = async (name: string): Promise<Pod | undefined> => {
    try {
      const current = await client.get<Pod>(Resources.pods, 'default', name);
      pods.set(name, current);
      return current;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };
  const waitFor = async (what: string, name: string, check: (p: Pod | undefined) => boolean, timeoutMs = 20_000): Promise<void> => {
    let ok = false;
    let polling = false;
    await until(what, () => {
      if (!polling) {
        polling = true;
        void latest(name).then((p) => { ok = check(p); polling = false; }, () => { polling = false; });
      }
      return ok;
    }, { timeoutMs, pollMs: 100 });
  };

  beforeAll(async () => {
    prepareBargeBinary();
    cluster = await startCluster(1, 'barge');
    api = await ApiserverProcess.start(cluster.endpoints);
    client = new KubeClient(loadKubeconfig(api.kubeconfig));
    kubelet = await HollowKubelet.start({ client, nodeName: NODE, size: { cpu: '4', memory: '16Gi', pods: '110' }, pullDelayMs: 50, log: (msg, fields) => errors.push(`${msg} ${JSON.stringify(fields)}`) });
  }, 120_000);

  afterAll(async () => {
    await kubelet?.stop();
    await api?.stop();
    await cluster?.stop();
  });

  it('registers its node Ready, with labels, capacity, addresses and nodeInfo', async () => {
    const node = await client.get<Node & { status: Record<string, any> }>(Resources.nodes, undefined, NODE);
    const status = node.status as Record<string, Array<{ type: string }>> & Record<string, unknown>;
    expect(node.metadata.labels).toMatchObject({ 'kubernetes.io/hostname': NODE, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' });
    expect(node.status.capacity).toMatchObject({ cpu: '4', memory: '16Gi', pods: '110' });
    expect(node.status.allocatable).toMatchObject({ cpu: '4', memory: '16Gi', pods: '110' });
    expect(status['conditions']!.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' });
    expect(status['addresses']!.map((a) => a.type)).toEqual(['InternalIP', 'Hostname']);
    expect(node.status.nodeInfo).toMatchObject({ kubeletVersion: 'v1.32.0', operatingSystem: 'linux', architecture: 'amd64' });
    const table = api.kubectl(['get', 'nodes', '--no-headers']);
    expect(table.stdout).toMatch(new RegExp(`^${NODE}\\s+Ready\\s`));
  });

  it('keeps a Lease in kube-node-lease owned by the node and renews it every 10 s', async () => {
    const node = await client.get<Node>(Resources.nodes, undefined, NODE);
    const first = await client.get<Lease>(Resources.leases, 'kube-node-lease', NODE);
    expect(first.spec).toMatchObject({ holderIdentity: NODE, leaseDurationSeconds: 40 });
    expect(first.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Node', name: NODE, uid: node.metadata.uid }]);
    let renewed = first.spec.renewTime;
    let failed: Error | undefined;
    await until('lease renewal', () => {
      // A failed read fails the wait (on the next poll) instead of going unnoticed.
      if (failed) throw failed;
      client.get<Lease>(Resources.leases, 'kube-node-lease', NODE).then((l) => (renewed = l.spec.renewTime)).catch((error: unknown) => (failed = toError(error)));
      return renewed !== first.spec.renewTime;
    }, { timeoutMs: 15_000, pollMs: 500 });
    expect(Date.parse(renewed)).toBeGreaterThan(Date.parse(first.spec.renewTime));
  }, 20_000);

  it('renews from the Lease its last write returned, and reads it again only after another writer changed it', async () => {
    const leaseRequests = (verb: string): number => requestCounts(api.kubectl(['get', '--raw', '/metrics']).stdout).get(`${verb} leases`) ?? 0;
    const start = await client.get<Lease>(Resources.leases, 'kube-node-lease', NODE);
    const stream = await client.watch<Lease>(Resources.leases, { namespace: 'kube-node-lease', fieldSelector: `metadata.name=${NODE}`, resourceVersion: start.metadata.resourceVersion });
    const renewals: Lease[] = [];
    const reading = (async () => {
      for await (const event of stream) if (event.object.spec.holderIdentity === NODE) renewals.push(event.object);
    })();
    try {
      const gets = leaseRequests('GET');
      await until('two renewals', () => renewals.length >= 2, { timeoutMs: 30_000, pollMs: 200 });
      expect(leaseRequests('GET')).toBe(gets);
      // Another writer: the kubelet's next update conflicts, so it reads the Lease and renews that.
      const latest = renewals.at(-1)!;
      await client.update<Lease>(Resources.leases, { ...latest, metadata: { ...latest.metadata, labels: { touched: 'yes' } } });
      const seen = renewals.length;
      await until('a renewal after the other write', () => renewals.slice(seen).some((l) => l.metadata.labels?.['touched'] === 'yes' && l.spec.renewTime !== latest.spec.renewTime), { timeoutMs: 30_000, pollMs: 200 });
      expect(leaseRequests('GET')).toBe(gets + 1);
    } finally {
      stream.stop();
      await reading;
    }
  }, 70_000);

  it('checks its node status on its Node as its own informer saw it: no GET of the node across two renewals', async () => {
    const requests = (key: string): number => requestCounts(api.kubectl(['get', '--raw', '/metrics']).stdout).get(key) ?? 0;
    const gets = requests('GET nodes');
    const renewals = requests('PUT leases');
    // The status check runs every 10 s, as the renewal does: two renewals span at least one check.
    await until('two renewals', () => requests('PUT leases') >= renewals + 2, { timeoutMs: 40_000, pollMs: 2000 });
    expect(requests('GET nodes')).toBe(gets);
    // Its node informer's watch is open (counted in apiserver_request_total only once it ends).
    const watches = samples(api.kubectl(['get', '--raw', '/metrics']).stdout, 'apiserver_longrunning_requests');
    expect(watches.find((s) => s.labels['verb'] === 'WATCH' && s.labels['resource'] === 'nodes')?.value).toBeGreaterThanOrEqual(1);
  }, 50_000);

  it('puts its Ready condition back within 10 s when the node lifecycle controller marked it Unknown', async () => {
    const unknown = { type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: '2026-01-01T00:00:00Z', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
    const node = await client.get<Node>(Resources.nodes, undefined, NODE);
    const conditions = node.status!.conditions!.map((c) => (c.type === 'Ready' ? unknown : c));
    await client.patch(Resources.nodes, undefined, NODE, { status: { conditions } }, 'merge', { subresource: 'status' });
    let ready: { status: string; reason: string } | undefined;
    let failed: Error | undefined;
    await until('Ready True again', () => {
      if (failed) throw failed;
      client.get<Node>(Resources.nodes, undefined, NODE).then((n) => (ready = n.status?.conditions?.find((c) => c.type === 'Ready'))).catch((error: unknown) => (failed = toError(error)));
      return ready?.status === 'True';
    }, { timeoutMs: 15_000, pollMs: 500 });
    expect(ready).toMatchObject({ status: 'True', reason: 'KubeletReady' });
  }, 20_000);

  it('runs a bound pod to Running with the kubelet\'s status, conditions and events', async () => {
    await client.create(Resources.pods, pod('web', undefined));
    await waitFor('web Running', 'web', (p) => p?.status?.phase === 'Running');
    const status = pods.get('web')!.status!;
    expect(status.podIP).toMatch(/^10\.244\.\d+\.\d+$/);
    expect(status.hostIP).toMatch(/^10\.240\.\d+\.\d+$/);
    expect(status.startTime).toBeTruthy();
    expect(status.qosClass).toBe('BestEffort');
    expect(Object.fromEntries(status.conditions!.map((c) => [c.type, c.status]))).toEqual({
      PodReadyToStartContainers: 'True', Initialized: 'True', Ready: 'True', ContainersReady: 'True', PodScheduled: 'True',
    });
    const container = status.containerStatuses![0]!;
    expect(container).toMatchObject({ name: 'main', image: 'docker.io/library/busybox:1.36', ready: true, started: true, restartCount: 0 });
    expect(container.state.running?.startedAt).toBeTruthy();
    expect(container.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);

    let reasons: string[] = [];
    await until('kubelet events', () => {
      const out = api.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=web', '-o', 'json']);
      const items = (JSON.parse(out.stdout || '{"items":[]}') as { items: Array<{ reason: string; message: string; source: { component: string; host: string } }> }).items;
      reasons = items.map((e) => e.reason);
      return ['Pulling', 'Pulled', 'Created', 'Started'].every((r) => reasons.includes(r));
    }, { timeoutMs: 15_000, pollMs: 300 }).catch((e: Error) => {
      throw new Error(`${e.message}: saw ${reasons.join(',')}; ${errors.join('; ')}; ${api.kubectl(['get', 'events']).stdout}`);
    });
    const table = api.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=web']).stdout;
    expect(table).toContain('Pulling image "busybox:1.36"');
    expect(table).toMatch(/Successfully pulled image "busybox:1.36" in \d+ms \(\d+ms including waiting\)\. Image size: \d+ bytes\./);
    expect(table).toContain('Created container: main');
    expect(table).toContain('Started container main');
    expect(api.kubectl(['get', 'pod', 'web', '--no-headers']).stdout).toMatch(/^web\s+1\/1\s+Running\s+0\s/);
  }, 40_000);

  it('a `sleep 1` pod Succeeds and an `exit 3` pod Fails with exit code 3', async () => {
    await client.create(Resources.pods, pod('sleeper', ['sleep', '1'], { restartPolicy: 'Never' }));
    await client.create(Resources.pods, pod('failer', ['sh', '-c', 'exit 3'], { restartPolicy: 'Never' }));
    await waitFor('sleeper Succeeded', 'sleeper', (p) => p?.status?.phase === 'Succeeded');
    await waitFor('failer Failed', 'failer', (p) => p?.status?.phase === 'Failed');
    expect(pods.get('sleeper')!.status!.containerStatuses![0]!.state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(pods.get('failer')!.status!.containerStatuses![0]!.state.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(pods.get('failer')!.status!.conditions!.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    expect(api.kubectl(['get', 'pod', 'failer', '--no-headers']).stdout).toMatch(/^failer\s+0\/1\s+Error\s+0\s/);
    expect(api.kubectl(['get', 'pod', 'sleeper', '--no-headers']).stdout).toMatch(/^sleeper\s+0\/1\s+Completed\s+0\s/);
  }, 40_000);

  it('restartPolicy OnFailure restarts a failing container after the 10 s crash-loop back-off', async () => {
    await client.create(Resources.pods, pod('crasher', ['sh', '-c', 'exit 1'], { restartPolicy: 'OnFailure' }));
    await waitFor('crasher in back-off', 'crasher', (p) => p?.status?.containerStatuses?.[0]?.state.waiting?.reason === 'CrashLoopBackOff');
    const backingOff = pods.get('crasher')!.status!;
    expect(backingOff.phase).toBe('Running');
    expect(backingOff.containerStatuses![0]!.lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(backingOff.containerStatuses![0]!.state.waiting!.message).toMatch(/^back-off 10s restarting failed container=main pod=crasher_default\(/);
    await waitFor('crasher restarted', 'crasher', (p) => (p?.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1, 20_000);
    expect(api.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=crasher,reason=BackOff']).stdout).toContain('Back-off restarting failed container main in pod crasher_default(');
  }, 30_000);

  it('deletion honours terminationGracePeriodSeconds, then the kubelet deletes with grace 0', async () => {
    await client.create(Resources.pods, pod('graceful', ['sleep', '3600'], { terminationGracePeriodSeconds: 2 }));
    await waitFor('graceful Running', 'graceful', (p) => p?.status?.phase === 'Running');
    const began = Date.now();
    await client.delete(Resources.pods, 'default', 'graceful');
    const terminating = await latest('graceful');
    expect(terminating?.metadata.deletionTimestamp).toBeTruthy();
    expect(terminating?.metadata.deletionGracePeriodSeconds).toBe(2);
    await waitFor('graceful gone', 'graceful', (p) => p === undefined, 15_000);
    expect(Date.now() - began).toBeGreaterThanOrEqual(1900);
    const events = api.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=graceful,reason=Killing']).stdout;
    expect(events).toContain('Stopping container main');
  }, 40_000);

  it('a pod for another node is left alone', async () => {
    await client.create(Resources.pods, { ...pod('elsewhere', undefined), spec: { ...pod('x', undefined).spec!, nodeName: 'other-node' } } as KubeObject);
    await waitFor('web still Running', 'web', (p) => p?.status?.phase === 'Running');
    expect((await latest('elsewhere'))?.status?.containerStatuses).toBeUndefined();
  });
});
