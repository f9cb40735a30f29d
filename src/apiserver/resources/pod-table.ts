// The pods table exactly as kube's printPod computes it (pkg/printers/internalversion/printers.go).
import type { KubeObject } from '../schema/types.js';
import { ageOf, AGE_COLUMN, column, NAME_COLUMN, nameOf, type TableDefinition } from './define.js';
import { ageSince } from './human-duration.js';
import { recordAt, recordsAt, stringAt, type Json } from './json-access.js';

const wide = { priority: 1 };

const terminatedAt = (status: Json) => stringAt(recordAt(recordAt(status, 'lastState'), 'terminated'), 'finishedAt');
const later = (a: string | undefined, b: string | undefined) => (!a ? b : !b ? a : Date.parse(b) > Date.parse(a) ? b : a);

interface Counts {
  restarts: number;
  lastRestart: string | undefined;
  ready: number;
  reason: string;
}

function initContainerPass(pod: KubeObject, counts: Counts): { initializing: boolean; sidecarRestarts: number; sidecarLastRestart: string | undefined } {
  const spec = recordAt(pod, 'spec');
  const restartable = new Set(recordsAt(spec, 'initContainers').filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  const initCount = recordsAt(spec, 'initContainers').length;
  let sidecarRestarts = 0;
  let sidecarLastRestart: string | undefined;
  const statuses = recordsAt(recordAt(pod, 'status'), 'initContainerStatuses');
  for (let i = 0; i < statuses.length; i++) {
    const status = statuses[i]!;
    const restartCount = Number(status.restartCount ?? 0);
    counts.restarts += restartCount;
    counts.lastRestart = later(counts.lastRestart, terminatedAt(status));
    const isSidecar = restartable.has(status.name);
    if (isSidecar) {
      sidecarRestarts += restartCount;
      sidecarLastRestart = later(sidecarLastRestart, terminatedAt(status));
    }
    const terminated = recordAt(recordAt(status, 'state'), 'terminated');
    const waiting = recordAt(recordAt(status, 'state'), 'waiting');
    if (terminated && Number(terminated.exitCode ?? 0) === 0) continue;
    if (isSidecar && status.started === true) {
      if (status.ready === true) counts.ready++;
      continue;
    }
    if (terminated) {
      const reason = stringAt(terminated, 'reason');
      const signal = Number(terminated.signal ?? 0);
      counts.reason = reason ? `Init:${reason}` : signal !== 0 ? `Init:Signal:${signal}` : `Init:ExitCode:${Number(terminated.exitCode ?? 0)}`;
    } else if (waiting && stringAt(waiting, 'reason') && waiting.reason !== 'PodInitializing') {
      counts.reason = `Init:${String(waiting.reason)}`;
    } else {
      counts.reason = `Init:${i}/${initCount}`;
    }
    return { initializing: true, sidecarRestarts, sidecarLastRestart };
  }
  return { initializing: false, sidecarRestarts, sidecarLastRestart };
}

const conditionTrue = (pod: KubeObject, type: string) =>
  recordsAt(recordAt(pod, 'status'), 'conditions').some((c) => c.type === type && c.status === 'True');

export function podCells(pod: KubeObject, now: Date): unknown[] {
  const spec = recordAt(pod, 'spec');
  const status = recordAt(pod, 'status');
  const phase = stringAt(status, 'phase') ?? '';
  const counts: Counts = { restarts: 0, lastRestart: undefined, ready: 0, reason: stringAt(status, 'reason') || phase };
  for (const condition of recordsAt(status, 'conditions')) {
    if (condition.type === 'PodScheduled' && condition.reason === 'SchedulingGated') counts.reason = 'SchedulingGated';
  }
  const total = recordsAt(spec, 'containers').length + recordsAt(spec, 'initContainers').filter((c) => c.restartPolicy === 'Always').length;
  const init = initContainerPass(pod, counts);
  if (!init.initializing || conditionTrue(pod, 'Initialized')) {
    counts.restarts = init.sidecarRestarts;
    counts.lastRestart = init.sidecarLastRestart;
    let hasRunning = false;
    const statuses = recordsAt(status, 'containerStatuses');
    for (let i = statuses.length - 1; i >= 0; i--) {
      const container = statuses[i]!;
      counts.restarts += Number(container.restartCount ?? 0);
      counts.lastRestart = later(counts.lastRestart, terminatedAt(container));
      const state = recordAt(container, 'state');
      const waiting = recordAt(state, 'waiting');
      const terminated = recordAt(state, 'terminated');
      if (waiting && stringAt(waiting, 'reason')) counts.reason = String(waiting.reason);
      else if (terminated && stringAt(terminated, 'reason')) counts.reason = String(terminated.reason);
      else if (terminated) {
        const signal = Number(terminated.signal ?? 0);
        counts.reason = signal !== 0 ? `Signal:${signal}` : `ExitCode:${Number(terminated.exitCode ?? 0)}`;
      } else if (container.ready === true && recordAt(state, 'running')) {
        hasRunning = true;
        counts.ready++;
      }
    }
    if (counts.reason === 'Completed' && hasRunning) counts.reason = conditionTrue(pod, 'Ready') ? 'Running' : 'NotReady';
  }
  if (pod.metadata?.deletionTimestamp) {
    if (stringAt(status, 'reason') === 'NodeLost') counts.reason = 'Unknown';
    else if (phase !== 'Succeeded' && phase !== 'Failed') counts.reason = 'Terminating';
  }
  const restarts = counts.restarts !== 0 && counts.lastRestart ? `${counts.restarts} (${ageSince(counts.lastRestart, now)} ago)` : String(counts.restarts);
  const gates = recordsAt(spec, 'readinessGates');
  let readinessGates = '<none>';
  if (gates.length > 0) {
    const conditions = recordsAt(status, 'conditions');
    const passing = gates.filter((gate) => conditions.find((c) => c.type === gate.conditionType)?.status === 'True').length;
    readinessGates = `${passing}/${gates.length}`;
  }
  return [
    nameOf(pod),
    `${counts.ready}/${total}`,
    counts.reason,
    restarts,
    ageOf(pod, now),
    stringAt(recordsAt(status, 'podIPs')[0], 'ip') || '<none>',
    stringAt(spec, 'nodeName') || '<none>',
    stringAt(status, 'nominatedNodeName') || '<none>',
    readinessGates,
  ];
}

export const podTable: TableDefinition = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'The aggregate status of the containers in this pod.'),
    column('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    AGE_COLUMN,
    column('IP', 'IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', wide),
    column('Node', 'NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName.', wide),
    column('Nominated Node', 'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.', wide),
    column('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.', wide),
  ],
  row: podCells,
};
