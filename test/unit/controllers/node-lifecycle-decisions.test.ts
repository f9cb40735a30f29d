import { describe, expect, it } from 'vitest';
import { conditionsAfterSilence, observeNode } from '../../../src/controllers/nodelifecycle/node-health.js';
import { desiredNoExecuteTaint, desiredNoScheduleTaints, evictionDecision, reconcileNoExecuteTaint, reconcileNoScheduleTaints } from '../../../src/controllers/nodelifecycle/node-taints.js';
import type { Node, NodeCondition, Taint } from '../../../src/controllers/nodelifecycle/node-types.js';
import { disruptionMode, zoneKey, zoneStates, zoneTaintRate, type ZoneState } from '../../../src/controllers/nodelifecycle/zone-states.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function node(ready?: NodeCondition['status'], taints: Taint[] = [], unschedulable = false, heartbeat = iso(T0)): Node {
  const conditions: NodeCondition[] = ready ? [{ type: 'Ready', status: ready, lastHeartbeatTime: heartbeat, lastTransitionTime: iso(T0) }, { type: 'MemoryPressure', status: 'False' }] : [];
  return { metadata: { name: 'n1' }, spec: { taints, unschedulable }, status: { conditions } };
}

describe('node health', () => {
  it.each([
    { name: 'first sight sets the probe time', previous: undefined, heartbeat: iso(T0), lease: undefined, now: T0 + 5000, want: T0 + 5000 },
    { name: 'a moved heartbeat is a probe', previous: { probeTimestamp: T0, readyHeartbeat: iso(T0) }, heartbeat: iso(T0 + 10_000), lease: undefined, now: T0 + 12_000, want: T0 + 12_000 },
    { name: 'a renewed lease is a probe', previous: { probeTimestamp: T0, readyHeartbeat: iso(T0), leaseRenewTime: 'a' }, heartbeat: iso(T0), lease: 'b', now: T0 + 12_000, want: T0 + 12_000 },
    { name: 'nothing moved keeps the probe time', previous: { probeTimestamp: T0, readyHeartbeat: iso(T0), leaseRenewTime: 'a' }, heartbeat: iso(T0), lease: 'a', now: T0 + 12_000, want: T0 },
  ])('$name', ({ previous, heartbeat, lease, now, want }) => {
    expect(observeNode(node('True', [], false, heartbeat), lease, previous, now).probeTimestamp).toBe(want);
  });

  it('marks conditions Unknown only past the grace period', () => {
    const health = { probeTimestamp: T0 };
    expect(conditionsAfterSilence(node('True'), health, T0 + 50_000, 50_000)).toBeUndefined();
    const after = conditionsAfterSilence(node('True'), health, T0 + 50_001, 50_000)!;
    expect(after.find((c) => c.type === 'Ready')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: iso(T0) });
    expect(after.find((c) => c.type === 'DiskPressure')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.' });
    // Already Unknown everywhere: nothing to write.
    expect(conditionsAfterSilence({ ...node(), status: { conditions: after } }, health, T0 + 90_000, 50_000)).toBeUndefined();
  });

  it('gives a node that never posted Ready the startup grace period', () => {
    expect(conditionsAfterSilence(node(), { probeTimestamp: T0 }, T0 + 55_000, 50_000, 60_000)).toBeUndefined();
    expect(conditionsAfterSilence(node(), { probeTimestamp: T0 }, T0 + 60_001, 50_000, 60_000)).toBeDefined();
  });
});

describe('node taints', () => {
  it.each([
    { ready: 'True' as const, unschedulable: false, noSchedule: [], noExecute: undefined },
    { ready: 'False' as const, unschedulable: false, noSchedule: ['node.kubernetes.io/not-ready'], noExecute: 'node.kubernetes.io/not-ready' },
    { ready: 'Unknown' as const, unschedulable: true, noSchedule: ['node.kubernetes.io/unreachable', 'node.kubernetes.io/unschedulable'], noExecute: 'node.kubernetes.io/unreachable' },
  ])('Ready=$ready unschedulable=$unschedulable', ({ ready, unschedulable, noSchedule, noExecute }) => {
    const n = node(ready, [], unschedulable);
    expect(desiredNoScheduleTaints(n).map((t) => t.key)).toEqual(noSchedule);
    expect(desiredNoExecuteTaint(n)?.key).toBe(noExecute);
  });

  it('replaces only its own taints and clears them when Ready returns', () => {
    const user: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
    const unreachable = node('Unknown', [user]);
    const tainted = reconcileNoScheduleTaints(unreachable, desiredNoScheduleTaints(unreachable), iso(T0))!;
    expect(tainted).toEqual([user, { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: iso(T0) }]);
    const withExecute = reconcileNoExecuteTaint({ ...unreachable, spec: { taints: tainted } }, desiredNoExecuteTaint(unreachable), iso(T0))!;
    expect(withExecute.map((t) => `${t.key}:${t.effect}`)).toEqual(['dedicated:NoSchedule', 'node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
    const back = node('True', withExecute);
    const cleared = reconcileNoExecuteTaint(back, desiredNoExecuteTaint(back), iso(T0))!;
    expect(reconcileNoScheduleTaints({ ...back, spec: { taints: cleared } }, desiredNoScheduleTaints(back), iso(T0))).toEqual([user]);
    expect(reconcileNoScheduleTaints(node('True', [user]), [], iso(T0))).toBeUndefined();
  });
});

describe('taint-based eviction', () => {
  const unreachable: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: iso(T0) };
  it.each([
    { name: 'no toleration: now', tolerations: [], now: T0, want: { evict: 'now' } },
    { name: 'tolerationSeconds 300: after the rest of it', tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' as const, effect: 'NoExecute', tolerationSeconds: 300 }], now: T0 + 100_000, want: { evict: 'after', delayMs: 200_000 } },
    { name: 'tolerationSeconds elapsed: now', tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' as const, tolerationSeconds: 30 }], now: T0 + 31_000, want: { evict: 'now' } },
    { name: 'tolerated forever: never', tolerations: [{ operator: 'Exists' as const }], now: T0, want: { evict: 'never' } },
    { name: 'a toleration for another key does not help', tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' as const }], now: T0, want: { evict: 'now' } },
  ])('$name', ({ tolerations, now, want }) => {
    expect(evictionDecision(tolerations, [unreachable], now)).toEqual(want);
  });
});

describe('zone disruption', () => {
  const inZone = (zone: string | undefined, ready: NodeCondition['status']): Node => {
    const n = node(ready);
    return { ...n, metadata: { name: 'n', labels: zone === undefined ? {} : { 'topology.kubernetes.io/region': 'r', 'topology.kubernetes.io/zone': zone } } };
  };
  const rates = { evictionRate: 0.1, secondaryEvictionRate: 0.01, unhealthyZoneThreshold: 0.55, largeClusterSizeThreshold: 50 };
  const states = (...ready: Array<NodeCondition['status']>): ZoneState => zoneStates(ready.map((r) => inZone(undefined, r)), 0.55).get('')!.state;

  it('keys zones by region and zone labels, "" without them', () => {
    expect(zoneKey(inZone(undefined, 'True'))).toBe('');
    expect(zoneKey(inZone('a', 'True'))).toBe('r:\x00:a');
  });

  it.each([
    { name: 'all Ready', ready: ['True', 'True'] as const, want: 'Normal' },
    { name: 'none Ready, even one node', ready: ['Unknown'] as const, want: 'FullDisruption' },
    { name: 'two of three not Ready: too few to be partial', ready: ['Unknown', 'False', 'True'] as const, want: 'Normal' },
    { name: 'three of five not Ready (60% >= 55%)', ready: ['Unknown', 'Unknown', 'False', 'True', 'True'] as const, want: 'PartialDisruption' },
    { name: 'three of six not Ready (50%)', ready: ['Unknown', 'Unknown', 'False', 'True', 'True', 'True'] as const, want: 'Normal' },
  ])('$name: $want', ({ ready, want }) => {
    expect(states(...ready)).toBe(want);
  });

  it.each([
    { state: 'Normal' as const, size: 3, want: 0.1 },
    { state: 'FullDisruption' as const, size: 3, want: 0.1 },
    { state: 'PartialDisruption' as const, size: 50, want: 0 },
    { state: 'PartialDisruption' as const, size: 51, want: 0.01 },
  ])('tainting rate of a $state zone of $size nodes: $want', ({ state, size, want }) => {
    expect(zoneTaintRate(state, size, rates)).toBe(want);
  });

  it('enters master disruption mode when every zone is fully disrupted, and leaves it when one recovers', () => {
    const full: { state: ZoneState } = { state: 'FullDisruption' };
    const normal: { state: ZoneState } = { state: 'Normal' };
    expect(disruptionMode(new Map(), new Map([['a', full]]))).toBe('enter');
    expect(disruptionMode(new Map([['a', 'Normal']]), new Map([['a', full], ['b', full]]))).toBe('enter');
    expect(disruptionMode(new Map([['a', 'FullDisruption']]), new Map([['a', full]]))).toBe('stay');
    expect(disruptionMode(new Map([['a', 'FullDisruption'], ['b', 'FullDisruption']]), new Map([['a', full], ['b', normal]]))).toBe('exit');
    expect(disruptionMode(new Map([['a', 'Normal']]), new Map([['a', full], ['b', normal]]))).toBe('normal');
  });
});
