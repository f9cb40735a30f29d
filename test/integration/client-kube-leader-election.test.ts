// Leader election on a coordination.k8s.io/v1 Lease through `barge apiserver`, with the real components'
// timings (15 s lease, 10 s renew deadline, 2 s retry): two candidates, one leads; when the leader can no
// longer reach the apiserver it stops leading within the renew deadline, and the other takes over only
// after the lease duration has passed since it last saw a renewal — never both at once.

import { describe, expect, it } from 'vitest';
import { KubeClient, LEADER_ELECTION_DEFAULTS, loadKubeconfig, Resources, runLeaderElection, type Kubeconfig, type Lease } from '../../src/client/kube/index.js';
import { until } from '../support/wait.js';
import { apiserverOnBarge } from './apiserver/apiserver-process.js';

/** A kubeconfig whose server can be cut off, as a leader partitioned from the apiserver. */
function severable(config: Kubeconfig): { config: Kubeconfig; sever: () => void } {
  let severed = false;
  const cut: Kubeconfig = {
    get server() {
      return severed ? 'https://127.0.0.1:9' : config.server;
    },
    agent: config.agent,
    namespace: config.namespace,
    headers: () => config.headers(),
  };
  return { config: cut, sever: () => (severed = true) };
}

describe('leader election on a Lease', () => {
  const env = apiserverOnBarge(120_000);

  it('one leads; when its renewals fail the other takes over after the lease duration, never both at once', async () => {
    const kubeconfig = loadKubeconfig(env.api.kubeconfig);
    const a = severable(kubeconfig);
    const leading = new Set<string>();
    const timeline: { who: string; what: 'start' | 'stop'; at: number }[] = [];
    let overlap = false;
    const stop = new AbortController();
    const candidate = (identity: string, config: Kubeconfig): Promise<void> =>
      runLeaderElection({
        client: new KubeClient(config, { requestTimeoutMs: 2000 }),
        lock: { namespace: 'kube-system', name: 'client-kube-test' },
        identity,
        signal: stop.signal,
        onStartedLeading: () => {
          leading.add(identity);
          if (leading.size > 1) overlap = true;
          timeline.push({ who: identity, what: 'start', at: Date.now() });
        },
        onStoppedLeading: () => {
          leading.delete(identity);
          timeline.push({ who: identity, what: 'stop', at: Date.now() });
        },
      });

    const runA = candidate('a', a.config);
    await until('a leads', () => leading.has('a'), { timeoutMs: 20_000 });
    const runB = candidate('b', kubeconfig);
    // b sees a's lease renewed and stays a candidate.
    const client = new KubeClient(kubeconfig);
    const renewedBefore = (await client.get<Lease>(Resources.leases, 'kube-system', 'client-kube-test')).spec!.renewTime;
    await new Promise((resolve) => setTimeout(resolve, LEADER_ELECTION_DEFAULTS.retryPeriodMs * 2));
    const renewedAfter = (await client.get<Lease>(Resources.leases, 'kube-system', 'client-kube-test')).spec!.renewTime;
    expect(renewedAfter).not.toBe(renewedBefore);
    expect(leading.has('b')).toBe(false);

    const severedAt = Date.now();
    a.sever();
    await until('b takes over', () => leading.has('b'), { timeoutMs: 40_000, pollMs: 50 });
    await runA;

    const aStopped = timeline.find((t) => t.who === 'a' && t.what === 'stop')!;
    const bStarted = timeline.find((t) => t.who === 'b' && t.what === 'start')!;
    expect(overlap).toBe(false);
    expect(aStopped.at).toBeLessThan(bStarted.at);
    // a gives up within its renew deadline (plus one retry period and a request timeout of slack).
    expect(aStopped.at - severedAt).toBeLessThan(LEADER_ELECTION_DEFAULTS.renewDeadlineMs + 5000);
    // b waited out the lease from a's last renewal (at most one retry period, jittered, before the cut).
    expect(bStarted.at - severedAt).toBeGreaterThanOrEqual(LEADER_ELECTION_DEFAULTS.leaseDurationMs - 1.2 * LEADER_ELECTION_DEFAULTS.retryPeriodMs);

    const lease = await client.get<Lease>(Resources.leases, 'kube-system', 'client-kube-test');
    expect(lease.spec).toMatchObject({ holderIdentity: 'b', leaseDurationSeconds: 15, leaseTransitions: 1 });
    stop.abort();
    await runB;
    expect(leading.size).toBe(0);
  }, 90_000);
});
