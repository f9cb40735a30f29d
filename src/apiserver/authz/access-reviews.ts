// The access reviews (pkg/registry/authorization): SubjectAccessReview, LocalSubjectAccessReview and
// SelfSubjectAccessReview ask the authorizer about a user (the spec's, or the requester's), each
// validated as kube's authorization validation does; SelfSubjectRulesReview lists the requester's rules
// as the union of the modes' rule resolvers does.

import { badRequest, StatusError } from '../errors/status.js';
import { invalid, RawValue } from '../schema/field-errors.js';
import type { FieldCause } from '../schema/types.js';
import type { UserInfo } from '../authn/user-info.js';
import { nonResourceAttributes, resourceAttributes, type Attributes, type Authorizer } from './attributes.js';
import type { UnionAuthorizer } from './authorizers.js';
import type { Json } from './review-shapes.js';

const GROUP = 'authorization.k8s.io';

/** NewInvalid over the internal object, whose kind the decoder left empty: `.authorization.k8s.io "" is invalid: ...`. */
function invalidReview(causes: readonly FieldCause[]): StatusError {
  const each = causes.map((c) => `${c.field}: ${c.message}`);
  const summary = each.length === 1 ? each[0]! : `[${each.join(', ')}]`;
  return new StatusError(422, 'Invalid', `.${GROUP} "" is invalid: ${summary}`, { group: GROUP, causes: causes.map((c) => ({ ...c })) });
}

/** spec.nonResourceAttributes as field.Invalid prints the pointer: "null" when nil, else Go's %#v of the struct it points to. */
function nonResourceValue(n: unknown): unknown {
  if (n === undefined) return 'null';
  const { path = '', verb = '' } = n as Record<string, string>;
  return new RawValue(`authorization.NonResourceAttributes{Path:${JSON.stringify(path)}, Verb:${JSON.stringify(verb)}}`);
}

function attributeCauses(spec: Json, self: boolean): FieldCause[] {
  const causes: FieldCause[] = [];
  const r = spec['resourceAttributes'];
  const n = spec['nonResourceAttributes'];
  if (r && n) causes.push(invalid('spec.nonResourceAttributes', nonResourceValue(n), 'cannot be specified in combination with resourceAttributes'));
  if (!r && !n) causes.push(invalid('spec.resourceAttributes', nonResourceValue(n), 'exactly one of nonResourceAttributes or resourceAttributes must be specified'));
  if (!self && !spec['user'] && !spec['groups']) causes.push(invalid('spec.user', spec['user'] ?? '', 'at least one of user or group must be specified'));
  return causes;
}

/** ObjectMeta with nothing set but what the decoder and field manager put there. */
function metaIsEmpty(metadata: Json, except: string[] = []): boolean {
  return Object.entries(metadata).every(([k, v]) => v === null || v === undefined || k === 'managedFields' || k === 'creationTimestamp' || except.includes(k));
}

/** The review's validation (ValidateSubjectAccessReview and its Self and Local forms). */
export function validateAccessReview(kind: string, metadata: Json, spec: Json): void {
  const causes = attributeCauses(spec, kind === 'SelfSubjectAccessReview');
  if (kind === 'LocalSubjectAccessReview') {
    if (!metaIsEmpty(metadata, ['namespace'])) causes.push(invalid('metadata', JSON.stringify(metadata), 'must be empty except for namespace'));
    const r = spec['resourceAttributes'] as Json | undefined;
    if (r && (r['namespace'] ?? '') !== (metadata['namespace'] ?? '')) causes.push(invalid('spec.resourceAttributes.namespace', r['namespace'] ?? '', 'must match metadata.namespace'));
    if (spec['nonResourceAttributes']) causes.push(invalid('spec.nonResourceAttributes', nonResourceValue(spec['nonResourceAttributes']), 'disallowed on this kind of request'));
  } else if (!metaIsEmpty(metadata)) causes.push(invalid('metadata', JSON.stringify(metadata), 'must be empty'));
  if (causes.length > 0) throw invalidReview(causes);
}

/** authorizationutil.AuthorizationAttributesFrom: the spec's user (or the requester, for the Self kind) and attributes. */
function attributesOf(user: UserInfo, spec: Json): Attributes {
  const r = spec['resourceAttributes'] as Record<string, string> | undefined;
  if (r) return resourceAttributes(user, { verb: r['verb'] ?? '', namespace: r['namespace'] ?? '', group: r['group'] ?? '', version: r['version'] ?? '', resource: r['resource'] ?? '', subresource: r['subresource'] ?? '', name: r['name'] ?? '' });
  const n = (spec['nonResourceAttributes'] ?? {}) as Record<string, string>;
  return nonResourceAttributes(user, n['verb'] ?? '', n['path'] ?? '');
}

export function specUser(spec: Json): UserInfo {
  return {
    username: (spec['user'] as string | undefined) ?? '',
    groups: (spec['groups'] as string[] | undefined) ?? [],
    ...(spec['uid'] ? { uid: spec['uid'] as string } : {}),
    ...(spec['extra'] ? { extra: spec['extra'] as Record<string, string[]> } : {}),
  };
}

/** SubjectAccessReviewStatus: allowed always; denied, reason and evaluationError when set. */
export async function accessStatus(authorizer: Authorizer, user: UserInfo, spec: Json): Promise<Json> {
  const result = await authorizer.authorize(attributesOf(user, spec));
  return { allowed: result.decision === 'allow', ...(result.decision === 'deny' ? { denied: true } : {}), ...(result.reason ? { reason: result.reason } : {}) };
}

/** SubjectRulesReviewStatus for the requester in the spec's namespace (a 400 without one, as upstream). */
export function rulesStatus(authorizer: UnionAuthorizer, user: UserInfo, spec: Json): Json {
  const namespace = (spec['namespace'] as string | undefined) ?? '';
  if (namespace === '') throw badRequest('no namespace on request');
  const rules = authorizer.rulesFor(user, namespace);
  const [first, ...more] = rules.errors;
  const evaluationError = first === undefined ? undefined : more.length === 0 ? first : `[${rules.errors.join(', ')}]`;
  return { resourceRules: rules.resourceRules, nonResourceRules: rules.nonResourceRules, incomplete: rules.incomplete, ...(evaluationError ? { evaluationError } : {}) };
}
