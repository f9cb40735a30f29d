// kube-apiserver's reconciliation of the default roles and bindings on every start
// (pkg/registry/rbac/rest ensureRBACPolicy with component-helpers' reconciliation, union mode): a missing
// one is created; an existing one gets the default labels and annotations it lacks (its own values win),
// the default rules it does not cover (added broken down, one verb on one resource each, as Covers
// returns them), the aggregation selectors and subjects it lacks; nothing it has is removed. A binding
// whose roleRef differs is deleted and created again. An object annotated
// `rbac.authorization.kubernetes.io/autoupdate: "false"` is left as it is. So a server started on a data
// directory an older version wrote gains the newer defaults, and the cluster's own additions stay.

import { isDeepStrictEqual } from 'node:util';
import type { ApiContext } from '../context.js';
import { StatusError } from '../errors/status.js';
import { prepareCreate } from '../registry/object-meta.js';
import type { KubeObject } from '../schema/types.js';
import { BOOTSTRAP_CLUSTER_ROLE_BINDINGS, BOOTSTRAP_CLUSTER_ROLES } from './bootstrap-policy.js';
import { compactString, missingRules } from './escalation-check.js';
import type { PolicyRule, Subject } from './policy-rules.js';

const AUTOUPDATE = 'rbac.authorization.kubernetes.io/autoupdate';
/** Covers compares rules only; the user its attributes carry plays no part. */
const NOBODY = { username: '', groups: [] };

type Labels = Record<string, string>;

function isProtected(obj: KubeObject): boolean {
  return (obj.metadata?.annotations as Labels | undefined)?.[AUTOUPDATE] === 'false';
}

/** Existing labels and annotations with the defaults' added where absent (reconciliation's merge). */
function withDefaultMetadata(existing: KubeObject, expected: KubeObject): KubeObject {
  const out = structuredClone(existing);
  const meta = (out.metadata ??= {});
  meta.annotations = { ...(expected.metadata?.annotations as Labels | undefined), ...(meta.annotations as Labels | undefined) };
  meta.labels = { ...(expected.metadata?.labels as Labels | undefined), ...(meta.labels as Labels | undefined) };
  return out;
}

interface AggregationRule {
  clusterRoleSelectors?: unknown[];
}

/** The role with what the default adds, and the rules it added; undefined when nothing changes. */
export function reconcileClusterRole(existing: KubeObject, expected: KubeObject): { role: KubeObject; added: PolicyRule[] } | undefined {
  if (isProtected(existing)) return undefined;
  const role = withDefaultMetadata(existing, expected);
  const added = missingRules((existing['rules'] as PolicyRule[] | undefined) ?? [], (expected['rules'] as PolicyRule[] | undefined) ?? [], NOBODY);
  if (added.length > 0) role['rules'] = [...((existing['rules'] as PolicyRule[] | undefined) ?? []), ...added];
  const want = expected['aggregationRule'] as AggregationRule | undefined;
  const have = existing['aggregationRule'] as AggregationRule | undefined;
  if (!want && have) delete role['aggregationRule'];
  if (want) {
    const selectors = have?.clusterRoleSelectors ?? [];
    const lacking = (want.clusterRoleSelectors ?? []).filter((s) => !selectors.some((h) => isDeepStrictEqual(h, s)));
    if (lacking.length > 0) role['aggregationRule'] = { ...have, clusterRoleSelectors: [...selectors, ...lacking] };
  }
  return isDeepStrictEqual(role, existing) ? undefined : { role, added };
}

const sameSubject = (a: Subject, b: Subject): boolean => a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');

/** The binding with the default's subjects added; 'recreate' when it binds another role; undefined when nothing changes. */
export function reconcileClusterRoleBinding(existing: KubeObject, expected: KubeObject): KubeObject | 'recreate' | undefined {
  if (isProtected(existing)) return undefined;
  const ref = (o: KubeObject): unknown => {
    const r = (o['roleRef'] ?? {}) as Labels;
    return [r['apiGroup'], r['kind'], r['name']];
  };
  if (!isDeepStrictEqual(ref(existing), ref(expected))) return 'recreate';
  const binding = withDefaultMetadata(existing, expected);
  const subjects = (existing['subjects'] as Subject[] | undefined) ?? [];
  const lacking = ((expected['subjects'] as Subject[] | undefined) ?? []).filter((s) => !subjects.some((h) => sameSubject(h, s)));
  if (lacking.length > 0) binding['subjects'] = [...subjects, ...lacking];
  return isDeepStrictEqual(binding, existing) ? undefined : binding;
}

type Spec = NonNullable<ReturnType<ApiContext['registry']['find']>>;

/** One default object: created when missing, updated with what it lacks, a binding of another role recreated. */
async function reconcileObject(ctx: ApiContext, spec: Spec, resource: string, template: KubeObject): Promise<void> {
  const name = template.metadata!.name!;
  const key = ctx.store.key(spec.storagePath, undefined, name);
  const q = { group: spec.group, resource };
  const create = async (): Promise<void> => {
    const obj = structuredClone(template);
    prepareCreate(spec, obj, undefined, ctx.now());
    spec.defaults(obj, undefined);
    await ctx.store.create(key, obj, q).catch((err: unknown) => {
      if (!(err instanceof StatusError && err.reason === 'AlreadyExists')) throw err;
    });
  };
  const current = await ctx.store.get(key);
  if (!current) {
    await create();
    return ctx.options.log('info', `created ${resource}.rbac.authorization.k8s.io/${name}`);
  }
  const defaults = structuredClone(template);
  spec.defaults(defaults, undefined);
  if (resource === 'clusterroles') {
    const result = reconcileClusterRole(current.obj, defaults);
    if (!result) return;
    await ctx.store.guaranteedUpdate(key, q, name, (latest) => reconcileClusterRole(latest, defaults)?.role ?? latest, current);
    return ctx.options.log('info', `updated clusterroles.rbac.authorization.k8s.io/${name}`, { additions: result.added.map(compactString) });
  }
  const result = reconcileClusterRoleBinding(current.obj, defaults);
  if (result === 'recreate') {
    await ctx.store.delete(key, q, name, () => undefined, current);
    await create();
    return ctx.options.log('info', `recreated clusterrolebindings.rbac.authorization.k8s.io/${name}`);
  }
  if (!result) return;
  await ctx.store.guaranteedUpdate(key, q, name, (latest) => {
    const next = reconcileClusterRoleBinding(latest, defaults);
    return next && next !== 'recreate' ? next : latest;
  }, current);
  ctx.options.log('info', `updated clusterrolebindings.rbac.authorization.k8s.io/${name}`);
}

/** Reconciles every default ClusterRole, then every default ClusterRoleBinding. */
export async function reconcileBootstrapPolicy(ctx: ApiContext): Promise<void> {
  const sets: [string, readonly KubeObject[]][] = [
    ['clusterroles', BOOTSTRAP_CLUSTER_ROLES],
    ['clusterrolebindings', BOOTSTRAP_CLUSTER_ROLE_BINDINGS],
  ];
  for (const [resource, objects] of sets) {
    const spec = ctx.registry.find('rbac.authorization.k8s.io', 'v1', resource);
    // Each object on its own, all at once: a start does not wait for fifty writes in a row.
    if (spec) await Promise.all(objects.map((template) => reconcileObject(ctx, spec, resource, template)));
  }
}
