// The gate's own resources, answered without storage as kube-apiserver's registry answers them:
// SelfSubjectReview (`kubectl auth whoami`), SelfSubjectAccessReview and SubjectAccessReview
// (`kubectl auth can-i`), SelfSubjectRulesReview (`can-i --list`) and TokenRequest (`kubectl create token`).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, conflict, notFound } from '../errors/status.js';
import type { ResourceRequest } from '../http/request-info.js';
import { decodeObjectBody, readBody } from '../http/request-body.js';
import { writeJson } from '../http/respond.js';
import type { ServiceAccountTokens } from '../authn/service-account-tokens.js';
import type { UserInfo } from '../authn/user-info.js';
import { nonResourceAttributes, resourceAttributes, type Attributes, type Authorizer } from './attributes.js';
import type { RbacAuthorizer } from './rbac-authorizer.js';
import { decodeKubernetesProtobuf, isKubernetesProtobuf } from '../protobuf/decode.js';

export interface ReviewContext {
  readonly authorizer: Authorizer;
  readonly rbac?: RbacAuthorizer;
  readonly serviceAccounts?: ServiceAccountTokens;
  readonly serviceAccountUid: (namespace: string, name: string) => Promise<string | undefined>;
  /** A pod's uid and ServiceAccount, for tokens bound to it. */
  readonly pod: (namespace: string, name: string) => Promise<{ uid: string; serviceAccountName: string } | undefined>;
  readonly now: () => Date;
}

type Json = Record<string, unknown>;

function userJson(user: UserInfo): Json {
  return { username: user.username, ...(user.uid ? { uid: user.uid } : {}), groups: user.groups, ...(user.extra ? { extra: user.extra } : {}) };
}

function attributesFromSpec(user: UserInfo, spec: Json): Attributes {
  const r = spec['resourceAttributes'] as Record<string, string> | undefined;
  const n = spec['nonResourceAttributes'] as Record<string, string> | undefined;
  if (r) return resourceAttributes(user, { verb: r['verb'] ?? '', namespace: r['namespace'] ?? '', group: r['group'] ?? '', version: r['version'] ?? '', resource: r['resource'] ?? '', subresource: r['subresource'] ?? '', name: r['name'] ?? '' });
  if (n) return nonResourceAttributes(user, n['verb'] ?? '', n['path'] ?? '');
  throw badRequest('exactly one of nonResourceAttributes or resourceAttributes must be specified');
}

async function accessStatus(ctx: ReviewContext, a: Attributes): Promise<Json> {
  const result = await ctx.authorizer.authorize(a);
  return { allowed: result.decision === 'allow', ...(result.decision === 'deny' ? { denied: true } : {}), ...(result.reason ? { reason: result.reason } : {}) };
}

function rulesStatus(ctx: ReviewContext, user: UserInfo, namespace: string): Json {
  if (!ctx.rbac) return { resourceRules: [], nonResourceRules: [], incomplete: true };
  const rules = ctx.rbac.rulesFor(user, namespace);
  const resourceRules = rules.filter((r) => (r.nonResourceURLs ?? []).length === 0).map((r) => ({ verbs: r.verbs, ...(r.apiGroups ? { apiGroups: r.apiGroups } : {}), ...(r.resources ? { resources: r.resources } : {}), ...(r.resourceNames ? { resourceNames: r.resourceNames } : {}) }));
  const nonResourceRules = rules.filter((r) => (r.nonResourceURLs ?? []).length > 0).map((r) => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs }));
  return { resourceRules, nonResourceRules, incomplete: false };
}

const MAX_TOKEN_SECONDS = 48 * 3600;
const MIN_TOKEN_SECONDS = 600;

async function tokenRequest(ctx: ReviewContext, request: ResourceRequest, body: Json): Promise<Json> {
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
async function boundPod(ctx: ReviewContext, namespace: string, serviceAccount: string, ref: Json | null | undefined): Promise<{ name: string; uid: string } | undefined> {
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

function isReview(request: ResourceRequest, group: string, resource: string): boolean {
  return request.verb === 'create' && request.group === group && request.resource === resource && request.subresource === undefined;
}

/** Answers the request when it is one of these resources; false otherwise. */
export async function serveReview(ctx: ReviewContext, user: UserInfo, request: ResourceRequest, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const isToken = request.verb === 'create' && request.group === '' && request.resource === 'serviceaccounts' && request.subresource === 'token';
  const kinds: [string, string, string][] = [
    ['authentication.k8s.io', 'selfsubjectreviews', 'SelfSubjectReview'],
    ['authorization.k8s.io', 'selfsubjectaccessreviews', 'SelfSubjectAccessReview'],
    ['authorization.k8s.io', 'selfsubjectrulesreviews', 'SelfSubjectRulesReview'],
    ['authorization.k8s.io', 'subjectaccessreviews', 'SubjectAccessReview'],
  ];
  const kind = kinds.find(([g, r]) => isReview(request, g, r));
  if (!kind && !isToken) return false;
  const raw = await readBody(req);
  const body = isKubernetesProtobuf(raw) ? decodeKubernetesProtobuf(raw) : decodeObjectBody(raw, req.headers['content-type'] ?? 'application/json');
  if (isToken) {
    writeJson(res, 201, await tokenRequest(ctx, request, body));
    return true;
  }
  const [group, resource, kindName] = kind!;
  const spec = (body['spec'] as Json | undefined) ?? {};
  let status: Json;
  if (resource === 'selfsubjectreviews') status = { userInfo: userJson(user) };
  else if (resource === 'selfsubjectaccessreviews') status = await accessStatus(ctx, attributesFromSpec(user, spec));
  else if (resource === 'selfsubjectrulesreviews') status = rulesStatus(ctx, user, (spec['namespace'] as string | undefined) ?? '');
  else {
    const subject: UserInfo = { username: (spec['user'] as string | undefined) ?? '', groups: (spec['groups'] as string[] | undefined) ?? [], ...(spec['uid'] ? { uid: spec['uid'] as string } : {}) };
    status = await accessStatus(ctx, attributesFromSpec(subject, spec));
  }
  writeJson(res, 201, { kind: kindName, apiVersion: `${group}/${request.version}`, metadata: { creationTimestamp: null }, spec: resource === 'selfsubjectreviews' ? undefined : spec, status });
  return true;
}
