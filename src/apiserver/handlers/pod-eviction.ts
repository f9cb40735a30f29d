// pods/eviction (kube's EvictionREST.Create): a pod that is Pending, terminal or already terminating is
// deleted at once; any other pod only if the one PodDisruptionBudget guarding it allows a disruption,
// which the eviction takes (status.disruptionsAllowed - 1, the pod in status.disruptedPods); when none
// is allowed the answer is 429 TooManyRequests, which `kubectl drain` retries. An unready pod may go
// without spending the budget when the application is healthy enough (or the budget says AlwaysAllow),
// provided it does not turn ready meanwhile (a resourceVersion precondition). The evicted pod gets the
// DisruptionTarget condition before it is deleted. Success is a 201 Status.

import { badRequest, conflict, StatusError, type Qualified } from '../errors/status.js';
import { decodeObjectBody, mediaType, readBody } from '../http/request-body.js';
import { budgetBeingProcessed, budgetsFor, checkAndDecrement, unhealthyPodMayGo } from '../registry/eviction-budget.js';
import { timestamp } from '../registry/object-meta.js';
import type { KubeObject } from '../schema/types.js';
import type { DeleteOptions } from './delete-options.js';
import { deleteOne } from './delete.js';
import { writeNegotiated } from './output.js';
import { isDryRun, objectKey, type Scope } from './scope.js';

const CREATED = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
const POD_KIND: Qualified = { group: '', resource: 'Pod' };
const PDB = { group: 'policy', version: 'v1', plural: 'poddisruptionbudgets' };

/** A pod condition; only these fields are read, the others are kept as they are. */
type PodCondition = { type: string; status: string; lastTransitionTime?: string } & Record<string, unknown>;

type PodStatus = { phase?: string; conditions?: PodCondition[] };
const statusOf = (pod: KubeObject): PodStatus => (pod['status'] ?? {}) as PodStatus;
const isReady = (pod: KubeObject): boolean => (statusOf(pod).conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/** canIgnorePDB: the pod is no disruption to guard against (Pending, finished, or already going). */
function canIgnoreBudget(pod: KubeObject): boolean {
  const phase = statusOf(pod).phase;
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || !!pod.metadata?.deletionTimestamp;
}

/** shouldEnforceResourceVersion: a pod that could still turn ready must not have changed since it was judged. */
const mayTurnReady = (pod: KubeObject): boolean => {
  const phase = statusOf(pod).phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata?.deletionTimestamp;
};

const withResourceVersion = (options: DeleteOptions, resourceVersion: string | undefined): DeleteOptions => ({ ...options, preconditions: { ...options.preconditions, resourceVersion } });

function readOptions(raw: Record<string, unknown>): DeleteOptions {
  const policy = raw['propagationPolicy'] as DeleteOptions['propagationPolicy'] | undefined;
  return {
    ...(typeof raw['gracePeriodSeconds'] === 'number' ? { gracePeriodSeconds: Math.max(0, raw['gracePeriodSeconds']) } : {}),
    ...(policy ? { propagationPolicy: policy } : {}),
    ...(raw['preconditions'] ? { preconditions: raw['preconditions'] as DeleteOptions['preconditions'] } : {}),
  };
}

/** UpdatePodCondition: DisruptionTarget=True/EvictionByEvictionAPI, its transition time kept if it was already True. */
function withDisruptionTarget(pod: KubeObject, now: Date): KubeObject {
  const status = statusOf(pod);
  const conditions = status.conditions ?? [];
  const previous = conditions.find((c) => c.type === 'DisruptionTarget');
  const since = previous?.status === 'True' && previous.lastTransitionTime ? previous.lastTransitionTime : timestamp(now);
  const condition: PodCondition = { type: 'DisruptionTarget', status: 'True', lastProbeTime: null, lastTransitionTime: since, reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' };
  return { ...pod, status: { ...status, conditions: previous ? conditions.map((c) => (c === previous ? condition : c)) : [...conditions, condition] } };
}

/** addConditionAndDeletePod: the condition goes on the latest pod (the preconditions checked on it), then the delete. */
async function markAndDelete(scope: Scope, name: string, options: DeleteOptions, dryRun: boolean): Promise<void> {
  let deleteWith = options;
  if (!dryRun) {
    const marked = await scope.ctx.store.guaranteedUpdate(objectKey(scope, name), scope.qualified, name, (pod) => {
      const { uid, resourceVersion } = options.preconditions ?? {};
      if (uid && uid !== pod.metadata?.uid) {
        throw conflict(POD_KIND, name, `the UID in the precondition (${uid}) does not match the UID in record (${pod.metadata?.uid ?? ''}). The object might have been deleted and then recreated`);
      }
      if (resourceVersion && resourceVersion !== pod.metadata?.resourceVersion) {
        throw conflict(POD_KIND, name, `the ResourceVersion in the precondition (${resourceVersion}) does not match the ResourceVersion in record (${pod.metadata?.resourceVersion ?? ''}). The object might have been modified`);
      }
      return withDisruptionTarget(pod, scope.ctx.now());
    });
    // Our own write moved the resourceVersion the caller pinned.
    if (options.preconditions?.resourceVersion) deleteWith = withResourceVersion(options, marked.metadata?.resourceVersion);
  }
  await deleteOne(scope, name, deleteWith, dryRun);
}

/** The budgets of the pod's namespace, from the store (none when the server does not serve them). */
async function namespaceBudgets(scope: Scope, namespace: string): Promise<KubeObject[]> {
  const spec = scope.ctx.registry.find(PDB.group, PDB.version, PDB.plural);
  if (!spec) return [];
  return (await scope.ctx.store.listPage(scope.ctx.store.listPrefix(spec.storagePath, namespace), { limit: 0, matches: () => true })).items;
}

/** Takes one disruption from the stored budget, deciding again on its latest state if it changed meanwhile. */
async function spendDisruption(scope: Scope, pdb: KubeObject, podName: string, dryRun: boolean): Promise<void> {
  const spec = scope.ctx.registry.find(PDB.group, PDB.version, PDB.plural)!;
  const name = pdb.metadata?.name ?? '';
  const key = scope.ctx.store.key(spec.storagePath, pdb.metadata?.namespace, name);
  const decide = (current: KubeObject): KubeObject => checkAndDecrement(current, podName, dryRun, scope.ctx.now());
  if (dryRun) {
    decide(pdb);
    return;
  }
  await scope.ctx.store.guaranteedUpdate(key, { group: 'policy', resource: 'poddisruptionbudgets' }, name, decide);
}

/** Tries of the budget-free delete on conflict (EvictionsRetry's steps). */
const RETRIES = 20;

async function evict(scope: Scope, name: string, options: DeleteOptions, dryRun: boolean): Promise<void> {
  const pinned = !!options.preconditions?.resourceVersion;
  let pod: KubeObject;
  // A pod no budget guards is deleted at once; a conflict is retried on its latest state, unless the
  // caller pinned a version.
  for (let attempt = 1; ; attempt++) {
    const stored = await scope.ctx.store.get(objectKey(scope, name));
    if (!stored) {
      await deleteOne(scope, name, options, dryRun); // answers kube's NotFound
      return;
    }
    pod = stored.obj;
    if (!canIgnoreBudget(pod)) break;
    try {
      await markAndDelete(scope, name, mayTurnReady(pod) && !pinned ? withResourceVersion(options, pod.metadata?.resourceVersion) : options, dryRun);
      return;
    } catch (error) {
      if (!(error instanceof StatusError && error.code === 409 && !pinned && attempt < RETRIES)) throw error;
    }
  }
  const budgets = budgetsFor(pod, await namespaceBudgets(scope, pod.metadata?.namespace ?? ''));
  if (budgets.length > 1) {
    throw new StatusError(500, '', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  }
  const pdb = budgets[0];
  const skipBudget = pdb !== undefined && unhealthyPodMayGo(pdb, isReady(pod));
  if (pdb && !skipBudget) await spendDisruption(scope, pdb, name, dryRun);
  try {
    await markAndDelete(scope, name, skipBudget ? withResourceVersion(options, pod.metadata?.resourceVersion) : options, dryRun);
  } catch (error) {
    // The unready pod changed (it may be ready now): the client is to try again.
    if (skipBudget && !pinned && error instanceof StatusError && error.code === 409) throw budgetBeingProcessed(pdb.metadata?.name ?? '');
    throw error;
  }
}

export async function createEviction(scope: Scope): Promise<void> {
  const eviction = decodeObjectBody(await readBody(scope.req), mediaType(scope.req.headers['content-type'])) as KubeObject & { deleteOptions?: Record<string, unknown> };
  const name = scope.request.name ?? '';
  if ((eviction.metadata?.name ?? '') !== name) throw badRequest('name in URL does not match name in Eviction object');
  const raw = eviction.deleteOptions ?? {};
  const dryRun = isDryRun(scope.query) || (Array.isArray(raw['dryRun']) && raw['dryRun'].length > 0);
  try {
    await evict(scope, name, readOptions(raw), dryRun);
  } catch (error) {
    // A suggested wait goes in Retry-After too, as kube-apiserver writes it (client-go waits and retries).
    if (!(error instanceof StatusError && error.details?.retryAfterSeconds)) throw error;
    writeNegotiated(scope, error.code, error.toStatus() as unknown as KubeObject, { 'Retry-After': String(error.details.retryAfterSeconds) });
    return;
  }
  writeNegotiated(scope, 201, CREATED);
}
