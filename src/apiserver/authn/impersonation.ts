// Impersonation (Impersonate-User, Impersonate-Group, Impersonate-Uid, Impersonate-Extra-*): the
// requester must be allowed the `impersonate` verb on each users/groups/serviceaccounts/uids/userextras
// it asks for, as kube-apiserver's WithImpersonation filter checks; then the request acts as that user.

import type { IncomingMessage } from 'node:http';
import { badRequest } from '../errors/status.js';
import { forbiddenError, resourceAttributes, type Attributes } from '../authz/attributes.js';
import { ALL_AUTHENTICATED, ANONYMOUS_USER, type UserInfo } from './user-info.js';

const SA_PREFIX = 'system:serviceaccount:';

function headerValues(req: IncomingMessage, name: string): string[] {
  const value = req.headers[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

/** What each impersonated attribute needs the requester to be allowed. */
export function impersonationChecks(requester: UserInfo, target: { user: string; groups: string[]; uid?: string; extra: Record<string, string[]> }): Attributes[] {
  const checks: Attributes[] = [];
  if (target.user.startsWith(SA_PREFIX)) {
    const [namespace = '', name = ''] = target.user.slice(SA_PREFIX.length).split(':');
    checks.push(resourceAttributes(requester, { verb: 'impersonate', resource: 'serviceaccounts', namespace, name }));
  } else checks.push(resourceAttributes(requester, { verb: 'impersonate', resource: 'users', name: target.user }));
  for (const g of target.groups) checks.push(resourceAttributes(requester, { verb: 'impersonate', resource: 'groups', name: g }));
  if (target.uid !== undefined) checks.push(resourceAttributes(requester, { verb: 'impersonate', group: 'authentication.k8s.io', resource: 'uids', name: target.uid }));
  for (const [key, values] of Object.entries(target.extra)) {
    for (const v of values) checks.push(resourceAttributes(requester, { verb: 'impersonate', group: 'authentication.k8s.io', resource: 'userextras', subresource: key, name: v }));
  }
  return checks;
}

/** The user a request acts as: the requester, or whom it impersonates once every check passes. */
export async function impersonate(req: IncomingMessage, requester: UserInfo, allowed: (a: Attributes) => Promise<boolean>): Promise<UserInfo> {
  const user = headerValues(req, 'impersonate-user')[0];
  const groups = headerValues(req, 'impersonate-group');
  const uid = headerValues(req, 'impersonate-uid')[0];
  const extra: Record<string, string[]> = {};
  for (const header of Object.keys(req.headers)) {
    if (header.startsWith('impersonate-extra-')) extra[decodeURIComponent(header.slice('impersonate-extra-'.length))] = headerValues(req, header);
  }
  if (user === undefined) {
    if (groups.length > 0 || uid !== undefined || Object.keys(extra).length > 0) throw badRequest('requested impersonation without a user: Impersonate-User is required with Impersonate-Group, Impersonate-Uid and Impersonate-Extra');
    return requester;
  }
  const target = { user, groups, ...(uid !== undefined ? { uid } : {}), extra };
  for (const check of impersonationChecks(requester, target)) {
    if (!(await allowed(check))) throw forbiddenError(check, '');
  }
  const allGroups = [...groups];
  if (user.startsWith(SA_PREFIX) && groups.length === 0) {
    const namespace = user.slice(SA_PREFIX.length).split(':')[0] ?? '';
    allGroups.push('system:serviceaccounts', `system:serviceaccounts:${namespace}`);
  }
  if (user !== ANONYMOUS_USER && !allGroups.includes(ALL_AUTHENTICATED)) allGroups.push(ALL_AUTHENTICATED);
  return { username: user, groups: allGroups, ...(uid !== undefined ? { uid } : {}), ...(Object.keys(extra).length > 0 ? { extra } : {}) };
}
