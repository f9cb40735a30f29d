// The gate's own resources, answered without storage as kube-apiserver's registry answers them:
// SelfSubjectReview (`kubectl auth whoami`), TokenReview, SubjectAccessReview, LocalSubjectAccessReview
// and SelfSubjectAccessReview (`kubectl auth can-i`), SelfSubjectRulesReview (`can-i --list`) and
// TokenRequest (`kubectl create token`). A review is decoded as the typed decoder would (unknown fields
// refused or dropped as fieldValidation says), and the reviews that answer with the object they were
// given carry the managedFields kube's create handler records on it.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestAuthenticator } from '../authn/authenticator.js';
import { tokenRequest, type TokenRequestContext } from '../authn/token-request.js';
import type { UserInfo } from '../authn/user-info.js';
import { badRequest, methodNotAllowed, pathNotFound } from '../errors/status.js';
import { warningHeaders } from '../handlers/output.js';
import type { ResourceRequest } from '../http/request-info.js';
import { decodeObjectBody, readBody } from '../http/request-body.js';
import { writeJson } from '../http/respond.js';
import { managerOrUserAgent, trackManagedFields } from '../patch/index.js';
import { decodeKubernetesProtobuf, isKubernetesProtobuf } from '../protobuf/decode.js';
import { cannotBeHandled, fieldValidationParam } from '../registry/admission.js';
import type { KubeObject, ResourceSpec } from '../schema/types.js';
import { accessStatus, rulesStatus, specUser, validateAccessReview } from './access-reviews.js';
import type { UnionAuthorizer } from './authorizers.js';
import { reviewResource } from './review-resources.js';
import { decodeSpec, unknownTopLevel, type Json } from './review-shapes.js';

export interface ReviewContext extends TokenRequestContext {
  readonly authorizer: UnionAuthorizer;
  readonly authenticator: RequestAuthenticator;
}

const timestamp = (at: Date): string => at.toISOString().replace(/\.\d+Z$/, 'Z');
/** A Go ObjectMeta with nothing set: its zero creationTimestamp is written as null. */
const ZERO_META = { creationTimestamp: null } as unknown as KubeObject['metadata'];

function userInfoJson(user: UserInfo): Json {
  const extra = user.extra && Object.keys(user.extra).length > 0 ? { extra: user.extra } : {};
  return { ...(user.username ? { username: user.username } : {}), ...(user.uid ? { uid: user.uid } : {}), ...(user.groups.length > 0 ? { groups: user.groups } : {}), ...extra };
}

/** The request's object: JSON, YAML or the Kubernetes protobuf typed commands send. */
async function readObject(req: IncomingMessage): Promise<Json> {
  const raw = await readBody(req);
  return isKubernetesProtobuf(raw) ? decodeKubernetesProtobuf(raw) : decodeObjectBody(raw, req.headers['content-type'] ?? 'application/json');
}

/** The typed object the handler hands the review's REST: metadata as sent (namespace per the URL), the spec as decoded. */
function typedReview(spec: ResourceSpec, request: ResourceRequest, body: Json, unknown: string[]): KubeObject {
  const metadata = { ...((body['metadata'] as Json | null | undefined) ?? {}) };
  // rest.EnsureObjectNamespaceMatchesRequestNamespace.
  const namespace = request.namespace ?? '';
  if (metadata['namespace'] && namespace && metadata['namespace'] !== namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  if (namespace) metadata['namespace'] = namespace;
  else delete metadata['namespace'];
  return {
    kind: spec.kind,
    apiVersion: `${spec.group}/${spec.version}`,
    metadata: { ...ZERO_META, ...metadata },
    ...(spec.kind === 'SelfSubjectReview' ? {} : { spec: decodeSpec(spec.kind, body, unknown) }),
  };
}

/** The status the review's REST fills in; a review whose answer is a new object returns it whole. */
async function answer(ctx: ReviewContext, kind: string, user: UserInfo, review: KubeObject): Promise<{ status: Json } | { object: KubeObject }> {
  const spec = (review['spec'] ?? {}) as Json;
  const metadata = (review.metadata ?? {}) as Json;
  switch (kind) {
    case 'SelfSubjectReview':
      return { object: { kind, apiVersion: review.apiVersion, metadata: { creationTimestamp: timestamp(ctx.now()) }, status: { userInfo: userInfoJson(user) } } };
    case 'SelfSubjectRulesReview':
      return { object: { kind, apiVersion: review.apiVersion, metadata: ZERO_META, spec: {}, status: rulesStatus(ctx.authorizer, user, spec) } };
    case 'TokenReview': {
      if (!spec['token']) throw badRequest('token is required for TokenReview in authentication');
      const result = await ctx.authenticator.reviewToken(spec['token'] as string, (spec['audiences'] as string[] | undefined) ?? []);
      return {
        status: {
          ...(result.user ? { authenticated: true } : {}),
          user: result.user ? userInfoJson(result.user) : {},
          ...(result.audiences && result.audiences.length > 0 ? { audiences: result.audiences } : {}),
          ...(result.error ? { error: result.error } : {}),
        },
      };
    }
    default:
      validateAccessReview(kind, metadata, spec);
      return { status: await accessStatus(ctx.authorizer, kind === 'SelfSubjectAccessReview' ? user : specUser(spec), spec) };
  }
}

async function review(ctx: ReviewContext, spec: ResourceSpec, user: UserInfo, request: ResourceRequest, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const query = new URL(req.url ?? '/', 'https://apiserver').searchParams;
  const mode = fieldValidationParam(query.get('fieldValidation'));
  const body = await readObject(req);
  const unknown = unknownTopLevel(spec.kind, body);
  const typed = typedReview(spec, request, body, unknown);
  if (unknown.length > 0 && mode === 'Strict') throw cannotBeHandled(spec, `strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`);
  const warnings = mode === 'Warn' ? unknown.map((f) => `unknown field "${f}"`) : [];
  const result = await answer(ctx, spec.kind, user, typed);
  if ('object' in result) return writeJson(res, 201, result.object, warningHeaders(warnings));
  const tracked = trackManagedFields({
    old: { kind: typed.kind, apiVersion: typed.apiVersion, metadata: ZERO_META, spec: {} },
    updated: typed,
    manager: managerOrUserAgent(query.get('fieldManager') ?? undefined, req.headers['user-agent']),
    operation: 'Update',
    schemaName: undefined,
    components: {},
    now: ctx.now(),
  });
  writeJson(res, 201, { ...tracked, status: result.status }, warningHeaders(warnings));
}

/** Answers the request when it is one of these resources; false otherwise. */
export async function serveReview(ctx: ReviewContext, user: UserInfo, request: ResourceRequest, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (request.verb === 'create' && request.group === '' && request.resource === 'serviceaccounts' && request.subresource === 'token') {
    writeJson(res, 201, await tokenRequest(ctx, request, await readObject(req)));
    return true;
  }
  const spec = reviewResource(request.group, request.version, request.resource);
  if (!spec) return false;
  // The one route kube registers: POST to the collection, in a namespace for the namespaced kind only.
  if (request.name !== undefined || request.subresource !== undefined || spec.namespaced !== (request.namespace !== undefined)) throw pathNotFound();
  if (request.verb !== 'create') throw methodNotAllowed(req.method ?? '');
  await review(ctx, spec, user, request, req, res);
  return true;
}
