// Zone disruption (node_lifecycle_controller.go handleDisruption, ComputeZoneState): nodes are grouped by
// region and zone; a zone whose nodes are all not Ready is fully disrupted, one with more than two and at
// least --unhealthy-zone-threshold of them not Ready is partially disrupted. The NoExecute tainting rate
// of a zone follows its state, and when every zone is fully disrupted (the control plane more likely lost
// the nodes than the nodes died) no node is tainted NoExecute at all and the existing taints come off.

import { readyCondition } from './node-health.js';
import type { Node } from './node-types.js';

export type ZoneState = 'Initial' | 'Normal' | 'PartialDisruption' | 'FullDisruption';

export interface ZoneRates {
  /** --node-eviction-rate: nodes per second in a healthy zone (or a fully disrupted one while others are not). */
  evictionRate: number;
  /** --secondary-node-eviction-rate: in a partially disrupted zone of a large cluster. */
  secondaryEvictionRate: number;
  /** --unhealthy-zone-threshold: the share of not Ready nodes that makes a zone partially disrupted. */
  unhealthyZoneThreshold: number;
  /** --large-cluster-size-threshold: a partially disrupted zone this size or smaller stops tainting. */
  largeClusterSizeThreshold: number;
}

const REGION_LABELS = ['topology.kubernetes.io/region', 'failure-domain.beta.kubernetes.io/region'];
const ZONE_LABELS = ['topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone'];

/** nodetopology.GetZoneKey: "" for a node with neither label, else region ":\x00:" zone. */
export function zoneKey(node: Node): string {
  const labels = node.metadata.labels ?? {};
  const first = (keys: string[]): string => keys.map((key) => labels[key]).find((value) => value !== undefined) ?? '';
  const region = first(REGION_LABELS);
  const zone = first(ZONE_LABELS);
  return region === '' && zone === '' ? '' : `${region}:\x00:${zone}`;
}

export function computeZoneState(nodes: readonly Node[], threshold: number): ZoneState {
  const ready = nodes.filter((node) => readyCondition(node)?.status === 'True').length;
  const notReady = nodes.length - ready;
  if (ready === 0 && notReady > 0) return 'FullDisruption';
  if (notReady > 2 && notReady / nodes.length >= threshold) return 'PartialDisruption';
  return 'Normal';
}

/** The zones' states now, by zone key. */
export function zoneStates(nodes: readonly Node[], threshold: number): Map<string, { state: ZoneState; size: number }> {
  const byZone = new Map<string, Node[]>();
  for (const node of nodes) {
    const zone = zoneKey(node);
    const members = byZone.get(zone);
    if (members) members.push(node);
    else byZone.set(zone, [node]);
  }
  return new Map([...byZone].map(([zone, members]) => [zone, { state: computeZoneState(members, threshold), size: members.length }]));
}

/** Nodes per second a zone may have tainted NoExecute (0: none), as setLimiterInZone picks it. */
export function zoneTaintRate(state: ZoneState, size: number, rates: ZoneRates): number {
  if (state === 'PartialDisruption') return size > rates.largeClusterSizeThreshold ? rates.secondaryEvictionRate : 0;
  return rates.evictionRate;
}

/**
 * How the cluster moves between passes: `enter` when every zone just became fully disrupted, `stay` while
 * it remains so (no tainting), `exit` when some zone recovered from that, `normal` otherwise.
 */
export function disruptionMode(previous: ReadonlyMap<string, ZoneState>, current: ReadonlyMap<string, { state: ZoneState }>): 'enter' | 'stay' | 'exit' | 'normal' {
  const allAre = [...current.values()].every((zone) => zone.state === 'FullDisruption');
  // Zones seen for the first time count as Initial, so the first pass never finds them all "was" disrupted.
  const known = [...current.keys()].map((zone) => previous.get(zone) ?? 'Initial');
  const allWere = known.every((state) => state === 'FullDisruption');
  if (allAre) return allWere ? 'stay' : 'enter';
  return allWere ? 'exit' : 'normal';
}
