// The params a binding gives its policy (admission/plugin/policy/generic CollectParams): none when the
// policy has no paramKind or the binding no paramRef (the policy runs once with params null), else the
// named object or those the selector picks, from the request's namespace unless paramRef names one.

import { stringAt } from '../resources/json-access.js';
import { selectorMatches } from '../resources/label-selector.js';
import type { KubeObject } from '../schema/types.js';
import type { AdmissionRequest } from './admission-chain.js';

type Json = Record<string, unknown>;

export type Params = { readonly params: readonly (Json | null)[] } | { readonly error: string };

function groupVersion(apiVersion: string): [string, string] {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
}

export async function collectParams(r: AdmissionRequest, paramKind: Json | undefined, paramRef: Json | undefined): Promise<Params> {
  if (!paramKind || !paramRef) return { params: [null] };
  const apiVersion = stringAt(paramKind, 'apiVersion') ?? '';
  const kind = stringAt(paramKind, 'kind') ?? '';
  const [group, version] = groupVersion(apiVersion);
  const spec = r.ctx.registry.inGroupVersion(group, version).find((s) => s.kind === kind);
  if (!spec) return { error: `paramKind kind \`&ParamKind{APIVersion:${apiVersion},Kind:${kind},}\` not known` };
  const refNamespace = stringAt(paramRef, 'namespace') ?? '';
  if (!spec.namespaced && refNamespace !== '') return { error: 'paramRef.namespace must not be provided for a cluster-scoped `paramKind`' };
  const namespace = spec.namespaced ? refNamespace || r.namespace : undefined;
  if (namespace === '') return { error: 'cannot use namespaced paramRef in policy binding that matches cluster-scoped resources' };
  const cacher = r.ctx.cachers.cacher(r.ctx.store.listPrefix(spec.storagePath));
  await cacher.ready();
  const name = stringAt(paramRef, 'name') ?? '';
  let found: KubeObject[];
  if (name !== '') {
    const one = cacher.get(r.ctx.store.key(spec.storagePath, namespace, name));
    found = one ? [one] : [];
  } else {
    found = cacher.list(r.ctx.store.listPrefix(spec.storagePath, namespace)).filter((o) => selectorMatches((paramRef['selector'] ?? {}) as Json, (o.metadata?.labels ?? {}) as Record<string, unknown>));
  }
  if (found.length === 0 && paramRef['parameterNotFoundAction'] === 'Deny') return { error: 'no params found for policy binding with `Deny` parameterNotFoundAction' };
  // Params carry their type, as kube's wrappedParam makes sure.
  return { params: found.map((o) => ({ apiVersion, kind, ...o })) };
}
