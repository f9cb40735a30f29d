// The admission call the create and update handlers make: the request's identity and scope, and the
// object about to be stored.

import type { Scope } from '../handlers/scope.js';
import { isDryRun } from '../handlers/scope.js';
import { userOf } from '../authz/request-gate.js';
import { addAuditAnnotation } from '../audit/audit-annotations.js';
import type { KubeObject } from '../schema/types.js';

/** Runs the context's admission chain, if any, on `obj` (mutated in place); plugins' warnings go to `warnings`. */
export async function admitToChain(scope: Scope, obj: KubeObject, old?: KubeObject, warnings?: string[]): Promise<void> {
  const chain = scope.ctx.admission;
  if (!chain) return;
  await chain.admit({
    ctx: scope.ctx,
    user: userOf(scope.req),
    operation: old ? 'UPDATE' : 'CREATE',
    group: scope.spec.group,
    version: scope.spec.version,
    kind: scope.spec.kind,
    resource: scope.spec.plural,
    storagePath: scope.spec.storagePath,
    subresource: scope.request.subresource ?? '',
    namespace: scope.request.namespace ?? obj.metadata?.namespace ?? '',
    name: obj.metadata?.name ?? scope.request.name ?? '',
    obj,
    ...(old ? { old } : {}),
    dryRun: isDryRun(scope.query),
    ...(warnings ? { warnings } : {}),
    annotate: (key, value) => addAuditAnnotation(scope.req, key, value),
  });
}
