// quota.CalculateUsage: for each evaluator that answers for some name of a quota's `hard`, those names
// start at zero and every object of the namespace that the quota's scopes select adds its usage. Pods,
// services and claims have evaluators of their own; any other resource is counted (`count/<resource>.<group>`,
// and the legacy names `configmaps`, `secrets`, ...).

import { ZERO_QUANTITY, type Quantity } from '../quantity.js';
import { bestEffort, podQuotaName, podUsage, type QuotaPod } from './pod-usage.js';
import type { QuotaObject } from './quota-object.js';
import { addLists, maskList, resourceList, type ResourceList } from './resource-lists.js';

type Json = Record<string, unknown>;

/** A resource a quota can count, as `group/plural` ('' group for core). */
export interface QuotaResource {
  readonly group: string;
  readonly plural: string;
}

export interface ScopeRequirement {
  readonly scopeName: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values?: readonly string[];
}

export interface QuotaSpec {
  hard?: Record<string, string>;
  scopes?: string[];
  scopeSelector?: { matchExpressions?: ScopeRequirement[] };
}

const ONE: Quantity = { nanos: 10n ** 9n, format: 'DecimalSI' };
const count = (...names: string[]): ResourceList => new Map(names.map((name) => [name, ONE]));

/** The pre-`count/` names kube still counts core objects by. */
const LEGACY_COUNTS: Record<string, string> = { configmaps: 'configmaps', secrets: 'secrets', replicationcontrollers: 'replicationcontrollers', resourcequotas: 'resourcequotas' };

export function countName({ group, plural }: QuotaResource): string {
  return group ? `count/${plural}.${group}` : `count/${plural}`;
}

function serviceUsage(service: QuotaObject): ResourceList {
  const spec = (service['spec'] ?? {}) as { type?: string; ports?: unknown[]; allocateLoadBalancerNodePorts?: boolean };
  const ports: Quantity = { nanos: BigInt(spec.ports?.length ?? 0) * ONE.nanos, format: 'DecimalSI' };
  const usage = count('count/services', 'services');
  usage.set('services.nodeports', spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false) ? ports : ZERO_QUANTITY);
  usage.set('services.loadbalancers', spec.type === 'LoadBalancer' ? ONE : ZERO_QUANTITY);
  return usage;
}

const STORAGE_CLASS_SUFFIX = '.storageclass.storage.k8s.io/';

function claimUsage(claim: QuotaObject): ResourceList {
  const spec = (claim['spec'] ?? {}) as { storageClassName?: string; resources?: { requests?: Json } };
  const status = (claim['status'] ?? {}) as { allocatedResources?: Json };
  const usage = count('count/persistentvolumeclaims', 'persistentvolumeclaims');
  const className = spec.storageClassName ?? '';
  if (className) usage.set(`${className}${STORAGE_CLASS_SUFFIX}persistentvolumeclaims`, ONE);
  // The larger of what is asked for and what a resize already allocated.
  const requested = resourceList(spec.resources?.requests).get('storage');
  const allocated = resourceList(status.allocatedResources).get('storage');
  const storage = requested && allocated && allocated.nanos > requested.nanos ? allocated : (requested ?? allocated);
  if (storage) {
    usage.set('requests.storage', storage);
    if (className) usage.set(`${className}${STORAGE_CLASS_SUFFIX}requests.storage`, storage);
  }
  return usage;
}

interface Evaluator {
  readonly answers: (name: string) => boolean;
  readonly usage: (object: QuotaObject, nowMs: number) => ResourceList;
  /** Whether it can tell scopes apart (only pods can); an evaluator that cannot counts nothing for a scoped quota. */
  readonly scoped: boolean;
}

/** The evaluator of `resource`. */
export function evaluatorFor(resource: QuotaResource): Evaluator {
  const counted = countName(resource);
  if (resource.group === '' && resource.plural === 'pods') return { answers: podQuotaName, usage: (pod, now) => podUsage(pod as QuotaPod, now), scoped: true };
  if (resource.group === '' && resource.plural === 'services') return { answers: (n) => n === counted || n.startsWith('services'), usage: serviceUsage, scoped: false };
  if (resource.group === '' && resource.plural === 'persistentvolumeclaims') {
    return { answers: (n) => n === counted || n === 'persistentvolumeclaims' || n === 'requests.storage' || n.includes(STORAGE_CLASS_SUFFIX), usage: claimUsage, scoped: false };
  }
  const legacy = resource.group === '' ? LEGACY_COUNTS[resource.plural] : undefined;
  return { answers: (n) => n === counted || n === legacy, usage: () => count(...[counted, legacy].filter((n): n is string => n !== undefined)), scoped: false };
}

/** The core resources whose names a quota may use without `count/`, and those its `hard` names directly. */
export function resourcesNamedBy(hard: Record<string, string>): QuotaResource[] {
  const resources = new Map<string, QuotaResource>();
  const add = (group: string, plural: string): void => void resources.set(`${group}/${plural}`, { group, plural });
  for (const name of Object.keys(hard)) {
    if (name.startsWith('count/')) {
      const qualified = name.slice('count/'.length);
      const dot = qualified.indexOf('.');
      if (dot < 0) add('', qualified);
      else add(qualified.slice(dot + 1), qualified.slice(0, dot));
    } else if (podQuotaName(name)) add('', 'pods');
    else if (name.startsWith('services')) add('', 'services');
    else if (name === 'persistentvolumeclaims' || name === 'requests.storage' || name.includes(STORAGE_CLASS_SUFFIX)) add('', 'persistentvolumeclaims');
    else if (LEGACY_COUNTS[name]) add('', name);
  }
  return [...resources.values()];
}

/** The quota's scopes as requirements: `scopes` are Exists, then the selector's expressions. */
function requirements(spec: QuotaSpec): ScopeRequirement[] {
  return [...(spec.scopes ?? []).map((scopeName): ScopeRequirement => ({ scopeName, operator: 'Exists' })), ...(spec.scopeSelector?.matchExpressions ?? [])];
}

/** podMatchesScopeFunc for one requirement. */
function podInScope(pod: QuotaPod, requirement: ScopeRequirement): boolean {
  const deadline = pod.spec?.activeDeadlineSeconds;
  const terminating = typeof deadline === 'number' && deadline >= 0;
  switch (requirement.scopeName) {
    case 'Terminating':
      return terminating;
    case 'NotTerminating':
      return !terminating;
    case 'BestEffort':
      return bestEffort(pod);
    case 'NotBestEffort':
      return !bestEffort(pod);
    case 'PriorityClass': {
      const name = pod.spec?.priorityClassName ?? '';
      if (requirement.operator === 'Exists') return name !== '';
      if (requirement.operator === 'DoesNotExist') return name === '';
      const listed = (requirement.values ?? []).includes(name);
      return requirement.operator === 'In' ? listed : !listed;
    }
    default:
      return false;
  }
}

/** Whether `spec`'s scopes select `object` (of `resource`): an evaluator that cannot tell scopes apart selects nothing for a scoped quota. */
export function quotaSelects(resource: QuotaResource, spec: QuotaSpec, object: QuotaObject): boolean {
  const scopes = requirements(spec);
  if (scopes.length === 0) return true;
  return evaluatorFor(resource).scoped && scopes.every((scope) => podInScope(object as QuotaPod, scope));
}

/** The names of `spec.hard` the evaluator of `resource` answers for. */
export function quotaNamesFor(resource: QuotaResource, spec: QuotaSpec): string[] {
  return Object.keys(spec.hard ?? {}).filter(evaluatorFor(resource).answers);
}

/** What one object of `resource` adds to those names (only the names it touches). */
export function objectUsage(resource: QuotaResource, object: QuotaObject, spec: QuotaSpec, nowMs: number): ResourceList {
  return maskList(evaluatorFor(resource).usage(object, nowMs), quotaNamesFor(resource, spec));
}

/** What `objects` (one resource's, in the quota's namespace) use of the names in `hard` that the resource's evaluator answers for: each at least zero. */
export function usageOf(resource: QuotaResource, objects: readonly QuotaObject[], spec: QuotaSpec, nowMs: number): ResourceList {
  let used: ResourceList = new Map(quotaNamesFor(resource, spec).map((name) => [name, ZERO_QUANTITY]));
  for (const object of objects) if (quotaSelects(resource, spec, object)) used = addLists(used, objectUsage(resource, object, spec, nowMs));
  return used;
}
