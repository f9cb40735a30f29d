// The ValidatingAdmissionPolicy status controller (pkg/controller/validatingadmissionpolicystatus):
// each policy whose generation its status has not observed is type checked, and the result applied to
// its status subresource by the manager `validatingadmissionpolicy-status`, forcing: observedGeneration
// and typeChecking.expressionWarnings. Upstream it runs in kube-controller-manager; here the apiserver
// runs it beside the admission plugin, with the schemas it serves.

import { errorText } from '../../etcd-errors.js';
import { typeCheckPolicy, type KindSchemas, type TypedKind } from '../cel/type-checking.js';
import type { ApiContext } from '../context.js';
import { serverSideApply } from '../patch/index.js';
import type { ResourceRegistry } from '../registry/resource-registry.js';
import { ignoredFields } from '../registry/field-managers.js';
import { schemaResolver } from '../schema/resolver.js';
import type { KubeObject, ResourceSpec, SchemaNode } from '../schema/types.js';
import type { WatchSink } from '../watch/cache-watcher.js';

const POLICIES = { group: 'admissionregistration.k8s.io', resource: 'validatingadmissionpolicies' };
const MANAGER = 'validatingadmissionpolicy-status';

/** The built-in kinds' schemas as the type checker sees them; custom resources are left out, as upstream. */
export function kindSchemas(registry: ResourceRegistry, components: Record<string, SchemaNode>): KindSchemas {
  const typed = (spec: ResourceSpec | undefined): TypedKind | undefined => {
    const schema = spec && !registry.isCustom(spec) ? components[spec.schemaName] : undefined;
    return spec && schema ? { group: spec.group, version: spec.version, kind: spec.kind, schema } : undefined;
  };
  return {
    byResource: (group, version, resource) => typed(registry.find(group, version, resource)),
    byKind: (apiVersion, kind) => {
      const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
      return typed(registry.inGroupVersion(group!, version!).find((s) => s.kind === kind));
    },
    resolve: schemaResolver(components),
  };
}

const generationOf = (policy: KubeObject): number => policy.metadata?.generation ?? 0;
const observedOf = (policy: KubeObject): number => ((policy['status'] as { observedGeneration?: number } | undefined)?.observedGeneration ?? 0);

export class PolicyTypeChecking {
  constructor(private readonly ctx: ApiContext) {}

  async start(): Promise<void> {
    const spec = this.ctx.registry.find(POLICIES.group, 'v1', POLICIES.resource);
    if (!spec) return;
    const prefix = this.ctx.store.listPrefix(spec.storagePath);
    const cacher = this.ctx.cachers.cacher(prefix);
    await cacher.ready();
    const failed = (policy: KubeObject | undefined) => (err: unknown) => this.ctx.options.log('warn', 'type checking a ValidatingAdmissionPolicy failed', { name: policy?.metadata?.name, error: errorText(err) });
    const sink: WatchSink = {
      send: (type, obj) => {
        if (type === 'ADDED' || type === 'MODIFIED') void this.reconcile(spec, obj).catch(failed(obj));
      },
      // The cache relisted: watch again from its current state.
      end: () => void this.start().catch(failed(undefined)),
    };
    cacher.watch({ from: 'now' }, { keyPrefix: prefix, matches: () => true, allowBookmarks: false, bookmark: () => ({}) }, sink);
    // Those stored before this start are checked too (a watch from now does not list them).
    for (const policy of (await this.ctx.store.listPage(prefix, { limit: 0, matches: () => true })).items) await this.reconcile(spec, policy).catch(failed(policy));
  }

  private async reconcile(spec: ResourceSpec, policy: KubeObject): Promise<void> {
    if (policy.metadata?.deletionTimestamp || generationOf(policy) <= observedOf(policy)) return;
    const name = policy.metadata?.name ?? '';
    const kinds = kindSchemas(this.ctx.registry, this.ctx.components);
    await this.ctx.store.guaranteedUpdate(this.ctx.store.key(spec.storagePath, undefined, name), POLICIES, name, (live) => {
      if (generationOf(live) <= observedOf(live)) return live;
      const warnings = typeCheckPolicy((live['spec'] as Record<string, unknown> | undefined) ?? {}, kinds);
      const applied: KubeObject = {
        apiVersion: `${spec.group}/${spec.version}`,
        kind: spec.kind,
        metadata: { name },
        status: { observedGeneration: generationOf(live), typeChecking: warnings.length > 0 ? { expressionWarnings: warnings } : {} },
      };
      const { object } = serverSideApply({ live, applied, manager: MANAGER, force: true, schemaName: spec.schemaName, components: this.ctx.components, now: this.ctx.now(), subresource: 'status', ignoredFields: ignoredFields(spec, 'status') });
      // The typed status keeps the empty typeChecking the apply names (a pointer to an empty struct upstream).
      const status = (object['status'] ??= {}) as Record<string, unknown>;
      status['typeChecking'] ??= {};
      return object;
    });
  }
}
