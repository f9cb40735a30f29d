// What one pod charges to a quota (pkg/quota/v1/evaluator/core/pods.go): `count/pods` always, and while
// it is not terminal (nor past its deletion grace period) `pods` and its compute resources, from its
// requests and limits as resourcehelper.PodRequests/PodLimits compute them.

import { ZERO_QUANTITY, type Quantity } from '../quantity.js';
import type { QuotaObject } from './quota-object.js';
import { addLists, maxLists, resourceList, type ResourceList } from './resource-lists.js';

type Json = Record<string, unknown>;

interface Container {
  restartPolicy?: string;
  resources?: { requests?: Json; limits?: Json };
}

export interface QuotaPod extends QuotaObject {
  spec?: { containers?: Container[]; initContainers?: Container[]; overhead?: Json; activeDeadlineSeconds?: number; priorityClassName?: string; [field: string]: unknown };
  status?: { phase?: string; qosClass?: string; [field: string]: unknown };
}

const ONE: Quantity = { nanos: 10n ** 9n, format: 'DecimalSI' };
const COMPUTE = ['cpu', 'memory', 'ephemeral-storage'];

/** core.QuotaV1Pod: terminal pods, and pods whose deletion grace period has run out, are not charged. */
export function chargedPod(pod: QuotaPod, nowMs: number): boolean {
  if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') return false;
  const deletion = pod.metadata?.deletionTimestamp;
  const grace = pod.metadata?.deletionGracePeriodSeconds;
  return !(deletion && typeof grace === 'number' && nowMs > Date.parse(deletion) + grace * 1000);
}

/**
 * Containers summed, restartable (sidecar) init containers added, each other init container (with the
 * sidecars started before it) a floor; then the overhead, which limits get only for names they set.
 */
function podResources(pod: QuotaPod, kind: 'requests' | 'limits'): ResourceList {
  let total: ResourceList = new Map();
  for (const container of pod.spec?.containers ?? []) total = addLists(total, resourceList(container.resources?.[kind]));
  let sidecars: ResourceList = new Map();
  let floor: ResourceList = new Map();
  for (const container of pod.spec?.initContainers ?? []) {
    const own = resourceList(container.resources?.[kind]);
    if (container.restartPolicy === 'Always') {
      sidecars = addLists(sidecars, own);
      total = addLists(total, own);
    } else floor = maxLists(floor, addLists(sidecars, own));
  }
  total = maxLists(total, floor);
  const overhead = resourceList(pod.spec?.overhead);
  if (kind === 'requests') return addLists(total, overhead);
  return addLists(total, new Map([...overhead].filter(([name]) => total.has(name))));
}

/** Extended resources (a domain outside kubernetes.io) and hugepages are quota'd as requests.<name>. */
function requestsOnly(name: string): boolean {
  if (name.startsWith('hugepages-')) return true;
  return name.includes('/') && !name.includes('kubernetes.io/');
}

/** podComputeUsageHelper: what a charged pod's requests and limits add. */
function computeUsage(requests: ResourceList, limits: ResourceList): ResourceList {
  const usage: ResourceList = new Map([['pods', ONE]]);
  for (const name of COMPUTE) {
    const request = requests.get(name);
    if (request) {
      usage.set(name, request);
      usage.set(`requests.${name}`, request);
    }
    const limit = limits.get(name);
    if (limit) usage.set(`limits.${name}`, limit);
  }
  for (const [name, request] of requests) {
    if (!requestsOnly(name)) continue;
    if (name.startsWith('hugepages-')) usage.set(name, request);
    usage.set(`requests.${name}`, request);
  }
  return usage;
}

export function podUsage(pod: QuotaPod, nowMs: number): ResourceList {
  const count: ResourceList = new Map([['count/pods', ONE]]);
  if (!chargedPod(pod, nowMs)) return count;
  return addLists(count, computeUsage(podResources(pod, 'requests'), podResources(pod, 'limits')));
}

/** The names the pod evaluator answers for. */
export function podQuotaName(name: string): boolean {
  if (['pods', 'count/pods', ...COMPUTE, ...COMPUTE.flatMap((c) => [`requests.${c}`, `limits.${c}`])].includes(name)) return true;
  if (name.startsWith('hugepages-') || name.startsWith('requests.hugepages-')) return true;
  return name.startsWith('requests.') && requestsOnly(name.slice('requests.'.length));
}

/** qos.GetPodQOS, as far as quota scopes need it: the status's class, else BestEffort when nothing asks for cpu or memory. */
export function bestEffort(pod: QuotaPod): boolean {
  if (pod.status?.qosClass) return pod.status.qosClass === 'BestEffort';
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  return containers.every((c) => ['requests', 'limits'].every((kind) => ['cpu', 'memory'].every((name) => (resourceList(c.resources?.[kind as 'requests' | 'limits']).get(name) ?? ZERO_QUANTITY).nanos === 0n)));
}
