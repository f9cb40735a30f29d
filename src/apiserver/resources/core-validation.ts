// Validation of the core/v1 kinds other than pods (pkg/apis/core/validation), with kube's messages.
import { child, duplicate, forbidden, immutable, index, invalid, key, notSupported, required, RawValue, tooLong } from '../schema/field-errors.js';
import { configMapKey, dns1035Label, dns1123Label, dns1123Subdomain, ianaServiceName, portNumber, qualifiedName } from '../schema/name-rules.js';
import { validateObjectMeta } from '../schema/object-meta-validation.js';
import type { FieldCause, KubeObject } from '../schema/types.js';
import { jsonEqual, recordAt, recordsAt, stringAt } from './json-access.js';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const MAX_DATA_BYTES = 1024 * 1024;

export const validateNamespace = (ns: KubeObject) => validateObjectMeta(ns, false, dns1123Label);
export const validateServiceAccount = (sa: KubeObject) => validateObjectMeta(sa, true, dns1123Subdomain);
export const validateResourceQuota = (quota: KubeObject) => validateObjectMeta(quota, true, dns1123Subdomain);
export const validateLimitRange = (range: KubeObject) => validateObjectMeta(range, true, dns1123Subdomain);
export const validateEndpoints = (endpoints: KubeObject) => validateObjectMeta(endpoints, true, dns1123Subdomain);

function validatePortName(name: string, path: string, causes: FieldCause[]): void {
  for (const message of ianaServiceName(name)) causes.push(invalid(path, name, message));
}

export function validateService(service: KubeObject, old: KubeObject | undefined): FieldCause[] {
  const causes = validateObjectMeta(service, true, dns1035Label);
  const spec = recordAt(service, 'spec') ?? {};
  const type = stringAt(spec, 'type') ?? '';
  const ports = recordsAt(spec, 'ports');
  if (!['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'].includes(type)) causes.push(notSupported('spec.type', type, ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort']));
  const affinity = stringAt(spec, 'sessionAffinity') ?? '';
  if (affinity !== 'None' && affinity !== 'ClientIP') causes.push(notSupported('spec.sessionAffinity', affinity, ['ClientIP', 'None']));
  if (type === 'ExternalName') {
    const externalName = stringAt(spec, 'externalName');
    if (!externalName) causes.push(required('spec.externalName'));
    else for (const message of dns1123Subdomain(externalName.replace(/\.$/, ''))) causes.push(invalid('spec.externalName', externalName, message));
  } else if (ports.length === 0 && spec.clusterIP !== 'None') {
    causes.push(required('spec.ports'));
  }
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const at = index('spec.ports', i);
    const name = stringAt(port, 'name') ?? '';
    if (ports.length > 1 && !name) causes.push(required(child(at, 'name')));
    else if (name) {
      for (const message of dns1123Label(name)) causes.push(invalid(child(at, 'name'), name, message));
      if (names.has(name)) causes.push(duplicate(child(at, 'name'), name));
      names.add(name);
    }
    for (const message of portNumber(Number(port.port ?? 0))) causes.push(invalid(child(at, 'port'), port.port ?? 0, message));
    const protocol = stringAt(port, 'protocol') ?? '';
    if (!PROTOCOLS.includes(protocol)) causes.push(protocol ? notSupported(child(at, 'protocol'), protocol, PROTOCOLS) : required(child(at, 'protocol')));
    const target = port.targetPort;
    if (typeof target === 'number') for (const message of portNumber(target)) causes.push(invalid(child(at, 'targetPort'), target, message));
    else if (typeof target === 'string') validatePortName(target, child(at, 'targetPort'), causes);
    if (port.nodePort !== undefined && type !== 'NodePort' && type !== 'LoadBalancer') {
      causes.push(forbidden(child(at, 'nodePort'), 'may not be used when `type` is \'ClusterIP\''));
    }
  });
  if (old) {
    const oldIP = stringAt(recordAt(old, 'spec'), 'clusterIP');
    const newIP = stringAt(spec, 'clusterIP');
    if (oldIP && newIP && oldIP !== newIP && type !== 'ExternalName' && stringAt(recordAt(old, 'spec'), 'type') !== 'ExternalName') {
      causes.push(invalid('spec.clusterIPs[0]', new RawValue(`[]string{${JSON.stringify(newIP)}}`), 'may not change once set'));
    }
  }
  return causes;
}

function validateDataKeys(obj: KubeObject, causes: FieldCause[]): number {
  let size = 0;
  const binary = recordAt(obj, 'binaryData') ?? {};
  for (const field of ['data', 'binaryData']) {
    for (const [k, v] of Object.entries(recordAt(obj, field) ?? {})) {
      for (const message of configMapKey(k)) causes.push(invalid(key(field, k), k, message));
      if (field === 'data' && Object.hasOwn(binary, k)) causes.push(invalid(key('data', k), k, 'duplicate of key present in binaryData'));
      size += k.length + String(v).length;
    }
  }
  return size;
}

function immutableData(obj: KubeObject, old: KubeObject | undefined, fields: readonly string[], causes: FieldCause[]): void {
  if (!old || old.immutable !== true) return;
  const message = 'field is immutable when `immutable` is set';
  if (obj.immutable !== true) causes.push(forbidden('immutable', message));
  for (const field of fields) if (!jsonEqual(obj[field], old[field])) causes.push(forbidden(field, message));
}

export function validateConfigMap(configMap: KubeObject, old: KubeObject | undefined): FieldCause[] {
  const causes = validateObjectMeta(configMap, true, dns1123Subdomain);
  if (validateDataKeys(configMap, causes) > MAX_DATA_BYTES) causes.push({ reason: 'FieldValueTooLong', message: `Too long: must have at most ${MAX_DATA_BYTES} bytes`, field: '' });
  immutableData(configMap, old, ['data', 'binaryData'], causes);
  return causes;
}

const SECRET_REQUIRED_KEYS: Record<string, readonly string[]> = {
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
};

export function validateSecret(secret: KubeObject, old: KubeObject | undefined): FieldCause[] {
  const causes = validateObjectMeta(secret, true, dns1123Subdomain);
  if (validateDataKeys(secret, causes) > MAX_DATA_BYTES) causes.push(tooLong('data', MAX_DATA_BYTES));
  const type = stringAt(secret, 'type') ?? 'Opaque';
  const data = recordAt(secret, 'data') ?? {};
  for (const required_ of SECRET_REQUIRED_KEYS[type] ?? []) if (data[required_] === undefined) causes.push(required(key('data', required_)));
  if (type === 'kubernetes.io/service-account-token' && !secret.metadata?.annotations?.['kubernetes.io/service-account.name']) {
    causes.push(required("metadata.annotations[kubernetes.io/service-account.name]"));
  }
  if (old && (stringAt(old, 'type') ?? 'Opaque') !== type) causes.push(immutable('type', type));
  immutableData(secret, old, ['data'], causes);
  return causes;
}

export function validateNode(node: KubeObject, old: KubeObject | undefined): FieldCause[] {
  const causes = validateObjectMeta(node, false, dns1123Subdomain);
  const spec = recordAt(node, 'spec') ?? {};
  const seen = new Set<string>();
  recordsAt(spec, 'taints').forEach((taint, i) => {
    const at = index('spec.taints', i);
    const taintKey = stringAt(taint, 'key') ?? '';
    for (const message of qualifiedName(taintKey)) causes.push(invalid(child(at, 'key'), taintKey, message));
    const effect = stringAt(taint, 'effect') ?? '';
    if (!effect) causes.push(required(child(at, 'effect')));
    else if (!TAINT_EFFECTS.includes(effect)) causes.push(notSupported(child(at, 'effect'), effect, TAINT_EFFECTS));
    const id = `${taintKey}:${effect}`;
    if (seen.has(id)) causes.push(duplicate(at, new RawValue(`core.Taint{Key:${JSON.stringify(taintKey)}, Value:${JSON.stringify(taint.value ?? '')}, Effect:${JSON.stringify(effect)}, TimeAdded:<nil>}`)));
    seen.add(id);
  });
  const oldCidr = stringAt(recordAt(old, 'spec'), 'podCIDR');
  if (old && oldCidr && stringAt(spec, 'podCIDR') !== oldCidr) causes.push(forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
  return causes;
}

export function validateCoreEvent(event: KubeObject): FieldCause[] {
  const causes = validateObjectMeta(event, true, dns1123Subdomain);
  const involved = recordAt(event, 'involvedObject') ?? {};
  const namespace = stringAt(involved, 'namespace');
  if (namespace && namespace !== event.metadata?.namespace) causes.push(invalid('involvedObject.namespace', namespace, 'does not match event.namespace'));
  const type = stringAt(event, 'type');
  if (type && type !== 'Normal' && type !== 'Warning') causes.push(notSupported('type', type, ['Normal', 'Warning']));
  return causes;
}
