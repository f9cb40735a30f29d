// kube-system/extension-apiserver-authentication, as kube-apiserver's cluster authentication trust
// controller writes it at start: the client CA and the front-proxy settings, so that extension
// apiservers (metrics-server and the like) know whom to trust. CA bundles keep the certificates already
// there and gain the new ones (a rotated CA stays trusted until the old certificates expire); the
// header lists are JSON arrays.

import { X509Certificate } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { RequestHeaderOptions } from '../authz/gate-config.js';
import type { ApiContext } from '../context.js';
import { StatusError } from '../errors/status.js';
import { prepareCreate } from '../registry/object-meta.js';
import type { KubeObject } from '../schema/types.js';

export const AUTHENTICATION_CONFIGMAP = 'extension-apiserver-authentication';
const NAMESPACE = 'kube-system';

export interface AuthenticationInfo {
  readonly clientCa?: string;
  /** The --requestheader-* flags, with the CA bundle's text. */
  readonly requestHeader?: Omit<RequestHeaderOptions, 'clientCaFile'> & { readonly clientCa: string };
}

function certificates(pem: string | undefined): X509Certificate[] {
  return (pem?.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((block) => new X509Certificate(block));
}

/** The bundle already published followed by the certificates it lacks, each as Go's pem.Encode writes it. */
export function combinedBundle(existing: string | undefined, added: string): string {
  const all: X509Certificate[] = [];
  for (const cert of [...certificates(existing), ...certificates(added)]) {
    if (!all.some((c) => c.fingerprint256 === cert.fingerprint256)) all.push(cert);
  }
  return all.map((c) => c.toString()).join('');
}

/** The keys kube-apiserver writes, over what the ConfigMap holds. */
export function authenticationData(existing: Readonly<Record<string, string>>, info: AuthenticationInfo): Record<string, string> {
  const data = { ...existing };
  if (info.clientCa) data['client-ca-file'] = combinedBundle(existing['client-ca-file'], info.clientCa);
  const rh = info.requestHeader;
  if (rh) {
    data['requestheader-username-headers'] = JSON.stringify(rh.usernameHeaders);
    data['requestheader-group-headers'] = JSON.stringify(rh.groupHeaders);
    data['requestheader-extra-headers-prefix'] = JSON.stringify(rh.extraHeadersPrefixes);
    data['requestheader-client-ca-file'] = combinedBundle(existing['requestheader-client-ca-file'], rh.clientCa);
    data['requestheader-allowed-names'] = JSON.stringify(rh.allowedNames);
  }
  return data;
}

/** Creates or updates the ConfigMap; nothing is written when it already says it all. */
export async function publishAuthenticationInfo(ctx: ApiContext, info: AuthenticationInfo): Promise<void> {
  const spec = ctx.registry.find('', 'v1', 'configmaps');
  if (!spec || (!info.clientCa && !info.requestHeader)) return;
  const key = ctx.store.key(spec.storagePath, NAMESPACE, AUTHENTICATION_CONFIGMAP);
  const q = { group: '', resource: 'configmaps' };
  const withData = (obj: KubeObject): KubeObject => {
    const current = (obj['data'] as Record<string, string> | undefined) ?? {};
    const data = authenticationData(current, info);
    return isDeepStrictEqual(data, current) ? obj : { ...obj, data };
  };
  const current = await ctx.store.get(key);
  if (current) {
    if (withData(current.obj) !== current.obj) await ctx.store.guaranteedUpdate(key, q, AUTHENTICATION_CONFIGMAP, withData, current);
    return;
  }
  const obj: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: AUTHENTICATION_CONFIGMAP, namespace: NAMESPACE }, data: authenticationData({}, info) };
  prepareCreate(spec, obj, NAMESPACE, ctx.now());
  spec.defaults(obj, undefined);
  await ctx.store.create(key, obj, q).catch((err: unknown) => {
    // Another apiserver wrote it first; its next start merges.
    if (!(err instanceof StatusError && err.reason === 'AlreadyExists')) throw err;
  });
}
