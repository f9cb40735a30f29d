// What an authorizer decides on (k8s.io/apiserver/pkg/authorization/authorizer.Attributes), and the
// Forbidden Status kube-apiserver answers with when no authorizer allows it.

import { StatusError } from '../errors/status.js';
import type { UserInfo } from '../authn/user-info.js';

export interface Attributes {
  readonly user: UserInfo;
  readonly verb: string;
  readonly resourceRequest: boolean;
  readonly path: string;
  readonly namespace: string;
  readonly apiGroup: string;
  readonly apiVersion: string;
  readonly resource: string;
  readonly subresource: string;
  readonly name: string;
}

export type Decision = 'allow' | 'deny' | 'no-opinion';

export interface AuthorizerResult {
  readonly decision: Decision;
  readonly reason: string;
}

export interface Authorizer {
  authorize(attrs: Attributes): Promise<AuthorizerResult> | AuthorizerResult;
}

export function resourceAttributes(user: UserInfo, r: { verb: string; namespace?: string; group?: string; version?: string; resource: string; subresource?: string; name?: string }, path = ''): Attributes {
  return { user, verb: r.verb, resourceRequest: true, path, namespace: r.namespace ?? '', apiGroup: r.group ?? '', apiVersion: r.version ?? '', resource: r.resource, subresource: r.subresource ?? '', name: r.name ?? '' };
}

export function nonResourceAttributes(user: UserInfo, verb: string, path: string): Attributes {
  return { user, verb, resourceRequest: false, path, namespace: '', apiGroup: '', apiVersion: '', resource: '', subresource: '', name: '' };
}

/** responsewriters.forbiddenMessage: who cannot do what, where. */
export function forbiddenMessage(a: Attributes): string {
  if (!a.resourceRequest) return `User "${a.user.username}" cannot ${a.verb} path "${a.path}"`;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const where = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return `User "${a.user.username}" cannot ${a.verb} resource "${resource}" in API group "${a.apiGroup}" ${where}`;
}

/** errors.NewForbidden over the group and resource (subresource left out), with the authorizer's reason appended. */
export function forbiddenError(a: Attributes, reason: string): StatusError {
  const why = reason ? `${forbiddenMessage(a)}: ${reason}` : forbiddenMessage(a);
  if (!a.resourceRequest || a.resource === '') return new StatusError(403, 'Forbidden', `forbidden: ${why}`, {});
  const qualified = a.apiGroup ? `${a.resource}.${a.apiGroup}` : a.resource;
  const message = a.name ? `${qualified} "${a.name}" is forbidden: ${why}` : `${qualified} is forbidden: ${why}`;
  return new StatusError(403, 'Forbidden', message, { ...(a.name ? { name: a.name } : {}), ...(a.apiGroup ? { group: a.apiGroup } : {}), kind: a.resource });
}
