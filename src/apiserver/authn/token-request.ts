// TokenRequest (`kubectl create token <sa>`), serviceaccounts/<name>/token: a ServiceAccount token
// signed for the audiences and duration asked (10 minutes at least, 48 hours at most), optionally bound
// to a Pod running as that account.

import { badRequest, conflict, notFound } from '../errors/status.js';
import type { ResourceRequest } from '../http/request-info.js';
import type { ServiceAccountTokens } from './service-account-tokens.js';

export interface TokenRequestContext {
  readonly serviceAccounts?: ServiceAccountTokens;
  readonly serviceAccountUid: (namespace: string, name: string) => Promise<string | undefined>;
  /** A pod's uid and ServiceAccount, for tokens bound to it. */
  readonly pod: (namespace: string, name: string) => Promise<{ uid: string; serviceAccountName: string } | undefined>;
  readonly now: () => Date;
}

type Json = Record<string, unknown>;

const MAX_TOKEN_SECONDS = 48 * 3600;
const MIN_TOKEN_SECONDS = 600;

export async function tokenRequest(ctx: TokenRequestContext, request: ResourceRequest, body: Json): Promise<Json> {
  const namespace = request.namespace ?? '';
  const name = request.name ?? '';
  if (!ctx.serviceAccounts?.canIssue) throw notFound({ group: '', resource: 'serviceaccounts/token' }, name);
  const uid = await ctx.serviceAccountUid(namespace, name);
  if (uid === undefined) throw notFound({ group: '', resource: 'serviceaccounts' }, name);
  const spec = (body['spec'] as Json | undefined) ?? {};
  const seconds = (spec['expirationSeconds'] as number | undefined) ?? 3600;
  if (seconds < MIN_TOKEN_SECONDS) throw badRequest(`spec.expirationSeconds: Invalid value: ${seconds}: may not specify a duration less than 10 minutes`);
  const audiences = (spec['audiences'] as string[] | undefined) ?? [];
  const bound = await boundPod(ctx, namespace, name, spec['boundObjectRef'] as Json | null | undefined);
  const issued = await ctx.serviceAccounts.issue({
    namespace,
    serviceAccount: { name, uid },
    audiences: audiences.length > 0 ? audiences : ctx.serviceAccounts.defaultAudiences,
    expirationSeconds: Math.min(seconds, MAX_TOKEN_SECONDS),
    now: ctx.now(),
    ...(bound ? { pod: bound } : {}),
  });
  return {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name, namespace, creationTimestamp: ctx.now().toISOString().replace(/\.\d+Z$/, 'Z') },
    spec: { audiences: audiences.length > 0 ? audiences : ctx.serviceAccounts.defaultAudiences, expirationSeconds: seconds, boundObjectRef: bound ? { ...(spec['boundObjectRef'] as Json), uid: bound.uid } : null },
    status: { token: issued.token, expirationTimestamp: issued.expiration.toISOString().replace(/\.\d+Z$/, 'Z') },
  };
}

/**
 * TokenREST's boundObjectRef: a Pod of the namespace that runs as this ServiceAccount (its uid, if
 * given, must be the pod's); the token then names the pod and dies with it. Secrets and Nodes, which
 * kube also binds to, are refused here.
 */
async function boundPod(ctx: TokenRequestContext, namespace: string, serviceAccount: string, ref: Json | null | undefined): Promise<{ name: string; uid: string } | undefined> {
  if (!ref) return undefined;
  const apiVersion = typeof ref['apiVersion'] === 'string' ? ref['apiVersion'] : '';
  const kind = typeof ref['kind'] === 'string' ? ref['kind'] : '';
  const name = typeof ref['name'] === 'string' ? ref['name'] : '';
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
  if (group !== '' || kind !== 'Pod') throw badRequest(`cannot bind token to object of type ${apiVersion.includes('/') ? apiVersion : `/${apiVersion}`}, Kind=${kind}`);
  const pod = await ctx.pod(namespace, name);
  if (!pod) throw notFound({ group: '', resource: 'pods' }, name);
  if (typeof ref['uid'] === 'string' && ref['uid'] !== '' && ref['uid'] !== pod.uid) throw conflict({ group: '', resource: 'Pod' }, name, `the UID in the bound object reference (${ref['uid']}) does not match the UID in record. The object might have been deleted and then recreated`);
  if (pod.serviceAccountName !== serviceAccount) throw badRequest(`cannot bind token for serviceaccount "${serviceAccount}" to pod running with different serviceaccount name.`);
  return { name, uid: pod.uid };
}
