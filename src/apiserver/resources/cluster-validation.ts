// Validation of Leases, EndpointSlices, events.k8s.io Events and RBAC kinds, with kube's messages.
import { child, immutable, index, invalid, notSupported, RawValue, required } from '../schema/field-errors.js';
import { dns1123Subdomain, pathSegmentName } from '../schema/name-rules.js';
import { validateObjectMeta } from '../schema/object-meta-validation.js';
import type { FieldCause, KubeObject } from '../schema/types.js';
import { recordAt, recordsAt, stringAt, type Json } from './json-access.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

export function validateLease(lease: KubeObject): FieldCause[] {
  const causes = validateObjectMeta(lease, true, dns1123Subdomain);
  const spec = recordAt(lease, 'spec') ?? {};
  const duration = spec.leaseDurationSeconds;
  if (typeof duration === 'number' && duration <= 0) causes.push(invalid('spec.leaseDurationSeconds', duration, 'must be greater than 0'));
  const transitions = spec.leaseTransitions;
  if (typeof transitions === 'number' && transitions < 0) causes.push(invalid('spec.leaseTransitions', transitions, 'must be greater than or equal to 0'));
  return causes;
}

const ADDRESS_TYPES = ['IPv4', 'IPv6', 'FQDN'];

export function validateEndpointSlice(slice: KubeObject, old: KubeObject | undefined): FieldCause[] {
  const causes = validateObjectMeta(slice, true, dns1123Subdomain);
  const addressType = stringAt(slice, 'addressType') ?? '';
  if (!addressType) causes.push(required('addressType'));
  else if (!ADDRESS_TYPES.includes(addressType)) causes.push(notSupported('addressType', addressType, ADDRESS_TYPES));
  recordsAt(slice, 'endpoints').forEach((endpoint, i) => {
    const addresses = Array.isArray(endpoint.addresses) ? endpoint.addresses : [];
    if (addresses.length === 0) causes.push(required(child(index('endpoints', i), 'addresses'), 'must contain at least 1 address'));
  });
  if (old && stringAt(old, 'addressType') !== addressType) causes.push(immutable('addressType', addressType));
  return causes;
}

export function validateEventsV1(event: KubeObject): FieldCause[] {
  const causes = validateObjectMeta(event, true, dns1123Subdomain);
  for (const field of ['eventTime', 'reportingController', 'reportingInstance', 'action', 'reason']) {
    if (!event[field]) causes.push(required(field));
  }
  const type = stringAt(event, 'type') ?? '';
  if (type !== 'Normal' && type !== 'Warning') causes.push(notSupported('type', type, ['Normal', 'Warning']));
  const note = stringAt(event, 'note') ?? '';
  if (note.length > 1024) causes.push({ reason: 'FieldValueTooLong', message: 'Too long: may not be more than 1024 bytes', field: 'note' });
  return causes;
}

function validateRules(obj: KubeObject, namespaced: boolean, causes: FieldCause[]): void {
  recordsAt(obj, 'rules').forEach((rule, i) => {
    const at = index('rules', i);
    const verbs = Array.isArray(rule.verbs) ? rule.verbs : [];
    if (verbs.length === 0) causes.push(required(child(at, 'verbs'), 'verbs must contain at least one value'));
    const nonResource = Array.isArray(rule.nonResourceURLs) && rule.nonResourceURLs.length > 0;
    const resources = Array.isArray(rule.resources) && rule.resources.length > 0;
    const groups = Array.isArray(rule.apiGroups) && rule.apiGroups.length > 0;
    if (nonResource && namespaced) causes.push(invalid(child(at, 'nonResourceURLs'), new RawValue(`[]string{${(rule.nonResourceURLs as unknown[]).map((u) => JSON.stringify(u)).join(', ')}}`), 'namespaced rules cannot apply to non-resource URLs'));
    if (nonResource && (resources || groups)) causes.push(invalid(child(at, 'nonResourceURLs'), new RawValue('[]string{...}'), 'rules cannot apply to both regular resources and non-resource URLs'));
    if (!nonResource) {
      if (!groups) causes.push(required(child(at, 'apiGroups'), 'resource rules must supply at least one api group'));
      if (!resources) causes.push(required(child(at, 'resources'), 'resource rules must supply at least one resource'));
    }
  });
}

export const roleValidator = (namespaced: boolean) => (role: KubeObject): FieldCause[] => {
  const causes = validateObjectMeta(role, namespaced, pathSegmentName);
  validateRules(role, namespaced, causes);
  return causes;
};

function goRoleRef(roleRef: Json | undefined): RawValue {
  const text = (k: string) => JSON.stringify(stringAt(roleRef, k) ?? '');
  return new RawValue(`rbac.RoleRef{APIGroup:${text('apiGroup')}, Kind:${text('kind')}, Name:${text('name')}}`);
}

export const bindingValidator = (clusterScoped: boolean) => (binding: KubeObject, old: KubeObject | undefined): FieldCause[] => {
  const causes = validateObjectMeta(binding, !clusterScoped, pathSegmentName);
  const roleRef = recordAt(binding, 'roleRef');
  const group = stringAt(roleRef, 'apiGroup') ?? '';
  if (group !== RBAC_GROUP) causes.push(notSupported('roleRef.apiGroup', group, [RBAC_GROUP]));
  const kinds = clusterScoped ? ['ClusterRole'] : ['Role', 'ClusterRole'];
  const kind = stringAt(roleRef, 'kind') ?? '';
  if (!kinds.includes(kind)) causes.push(notSupported('roleRef.kind', kind, kinds));
  const name = stringAt(roleRef, 'name') ?? '';
  if (!name) causes.push(required('roleRef.name'));
  else for (const message of pathSegmentName(name)) causes.push(invalid('roleRef.name', name, message));
  recordsAt(binding, 'subjects').forEach((subject, i) => {
    const at = index('subjects', i);
    const subjectKind = stringAt(subject, 'kind') ?? '';
    if (!stringAt(subject, 'name')) causes.push(required(child(at, 'name')));
    if (!['ServiceAccount', 'User', 'Group'].includes(subjectKind)) causes.push(notSupported(child(at, 'kind'), subjectKind, ['ServiceAccount', 'User', 'Group']));
    if (subjectKind === 'ServiceAccount') {
      if (stringAt(subject, 'apiGroup')) causes.push(notSupported(child(at, 'apiGroup'), subject.apiGroup, ['']));
      if (clusterScoped && !stringAt(subject, 'namespace')) causes.push(required(child(at, 'namespace')));
    } else if ((subjectKind === 'User' || subjectKind === 'Group') && stringAt(subject, 'apiGroup') !== RBAC_GROUP) {
      causes.push(notSupported(child(at, 'apiGroup'), subject.apiGroup ?? '', [RBAC_GROUP]));
    }
  });
  if (old && JSON.stringify(recordAt(old, 'roleRef')) !== JSON.stringify(roleRef)) causes.push(invalid('roleRef', goRoleRef(roleRef), 'cannot change roleRef'));
  return causes;
};
