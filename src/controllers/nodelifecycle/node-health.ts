// tryUpdateNodeHealth (node_lifecycle_controller.go): a node is heard from when its Ready heartbeat or its
// Lease renewal moves; silent past the grace period, its conditions go Unknown.

import type { Node, NodeCondition } from './node-types.js';

/** The conditions a kubelet posts and the controller marks Unknown when it goes silent. */
export const MONITORED_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];
export const DEFAULT_NODE_STARTUP_GRACE_PERIOD_MS = 60_000;

export interface NodeHealth {
  /** When the controller last heard from the node (its own clock, not the kubelet's). */
  probeTimestamp: number;
  readyHeartbeat?: string;
  leaseRenewTime?: string;
}

export function readyCondition(node: Node): NodeCondition | undefined {
  return node.status?.conditions?.find((condition) => condition.type === 'Ready');
}

/** The new health record: the probe time moves only when the heartbeat or the lease moved. */
export function observeNode(node: Node, leaseRenewTime: string | undefined, previous: NodeHealth | undefined, nowMs: number): NodeHealth {
  const readyHeartbeat = readyCondition(node)?.lastHeartbeatTime;
  if (!previous) return { probeTimestamp: nowMs, readyHeartbeat, leaseRenewTime };
  const heard = readyHeartbeat !== previous.readyHeartbeat || (leaseRenewTime !== undefined && leaseRenewTime !== previous.leaseRenewTime);
  return { probeTimestamp: heard ? nowMs : previous.probeTimestamp, readyHeartbeat, leaseRenewTime };
}

/**
 * The conditions to write when the node has been silent past its grace period (the startup grace period
 * for a node that never posted Ready); undefined when nothing changes.
 */
export function conditionsAfterSilence(node: Node, health: NodeHealth, nowMs: number, gracePeriodMs: number, startupGracePeriodMs = DEFAULT_NODE_STARTUP_GRACE_PERIOD_MS): NodeCondition[] | undefined {
  const grace = readyCondition(node) ? gracePeriodMs : startupGracePeriodMs;
  if (nowMs <= health.probeTimestamp + grace) return undefined;
  const now = new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const conditions = (node.status?.conditions ?? []).map((condition) => ({ ...condition }));
  let changed = false;
  for (const type of MONITORED_CONDITIONS) {
    const current = conditions.find((condition) => condition.type === type);
    if (!current) {
      conditions.push({ type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: now, lastTransitionTime: now });
      changed = true;
    } else if (current.status !== 'Unknown') {
      Object.assign(current, { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: now });
      changed = true;
    }
  }
  return changed ? conditions : undefined;
}
