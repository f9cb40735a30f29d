// Pod and pod-template validation with kube-apiserver's messages (pkg/apis/core/validation).
import { child, duplicate, forbidden, index, invalid, notSupported, required } from '../schema/field-errors.js';
import { dns1123Label, dns1123Subdomain, envVarName, ianaServiceName, portNumber } from '../schema/name-rules.js';
import { validateLabels, validateObjectMeta } from '../schema/object-meta-validation.js';
import type { FieldCause, KubeObject } from '../schema/types.js';
import { isRecord, recordAt, recordsAt, stringAt, type Json } from './json-access.js';
import { parseQuantity } from '../../shared/quantity.js';
import { validateScheduling } from './scheduling-validation.js';

const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];

/** A quantity as written: a string, or a plain number. */
const quantityText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

function supported(causes: FieldCause[], path: string, value: unknown, values: readonly string[]): void {
  if (value === undefined || value === '') causes.push(required(path));
  else if (typeof value !== 'string' || !values.includes(value)) causes.push(notSupported(path, value, values));
}

function validateResources(resources: Json | undefined, path: string, causes: FieldCause[]): void {
  const limits = recordAt(resources, 'limits') ?? {};
  const requests = recordAt(resources, 'requests') ?? {};
  for (const [group, values] of [['limits', limits], ['requests', requests]] as const) {
    for (const [name, value] of Object.entries(values)) {
      const amount = parseQuantity(value);
      const field = `${child(path, group)}[${name}]`;
      if (amount === undefined) causes.push(invalid(field, value, 'must be a valid quantity'));
      else if (amount < 0) causes.push(invalid(field, value, 'must be greater than or equal to 0'));
    }
  }
  for (const [name, value] of Object.entries(requests)) {
    const limit = limits[name];
    if (limit === undefined) continue;
    const request = parseQuantity(value);
    const max = parseQuantity(limit);
    if (request !== undefined && max !== undefined && request > max) {
      causes.push(invalid(`${child(path, 'requests')}[${name}]`, quantityText(value), `must be less than or equal to ${name} limit of ${quantityText(limit)}`));
    }
  }
}

function validateContainer(container: Json, path: string, volumes: Set<string>, forPod: boolean, causes: FieldCause[]): void {
  const name = stringAt(container, 'name');
  if (!name) causes.push(required(child(path, 'name')));
  else for (const message of dns1123Label(name)) causes.push(invalid(child(path, 'name'), name, message));
  if (forPod && !stringAt(container, 'image')) causes.push(required(child(path, 'image')));
  supported(causes, child(path, 'imagePullPolicy'), container.imagePullPolicy, PULL_POLICIES);
  supported(causes, child(path, 'terminationMessagePolicy'), container.terminationMessagePolicy, TERMINATION_MESSAGE_POLICIES);
  recordsAt(container, 'ports').forEach((port, i) => {
    const at = index(child(path, 'ports'), i);
    const containerPort = port.containerPort;
    if (containerPort === undefined || containerPort === 0) causes.push(required(child(at, 'containerPort')));
    else for (const message of portNumber(Number(containerPort))) causes.push(invalid(child(at, 'containerPort'), containerPort, message));
    if (port.hostPort !== undefined && port.hostPort !== 0) {
      for (const message of portNumber(Number(port.hostPort))) causes.push(invalid(child(at, 'hostPort'), port.hostPort, message));
    }
    supported(causes, child(at, 'protocol'), port.protocol, PROTOCOLS);
    const portName = stringAt(port, 'name');
    if (portName) for (const message of ianaServiceName(portName)) causes.push(invalid(child(at, 'name'), portName, message));
  });
  recordsAt(container, 'env').forEach((env, i) => {
    const at = child(index(child(path, 'env'), i), 'name');
    const envName = stringAt(env, 'name');
    if (!envName) causes.push(required(at));
    else for (const message of envVarName(envName)) causes.push(invalid(at, envName, message));
  });
  const mountPaths = new Set<string>();
  recordsAt(container, 'volumeMounts').forEach((mount, i) => {
    const at = index(child(path, 'volumeMounts'), i);
    const volume = stringAt(mount, 'name');
    if (!volume) causes.push(required(child(at, 'name')));
    else if (!volumes.has(volume)) causes.push({ reason: 'FieldValueNotFound', message: `Not found: ${JSON.stringify(volume)}`, field: child(at, 'name') });
    const mountPath = stringAt(mount, 'mountPath');
    if (!mountPath) causes.push(required(child(at, 'mountPath')));
    else if (mountPaths.has(mountPath)) causes.push(invalid(child(at, 'mountPath'), mountPath, 'must be unique'));
    else mountPaths.add(mountPath);
  });
  validateResources(recordAt(container, 'resources'), child(path, 'resources'), causes);
}

/** ValidatePodSpec; `forPod` adds the checks that apply to pods only (container images). */
export function validatePodSpec(spec: Json | undefined, path: string, forPod: boolean): FieldCause[] {
  const causes: FieldCause[] = [];
  if (!spec) return [required(path)];
  const volumes = new Set<string>();
  recordsAt(spec, 'volumes').forEach((volume, i) => {
    const volumePath = index(child(path, 'volumes'), i);
    const at = child(volumePath, 'name');
    const name = stringAt(volume, 'name');
    // Exactly one volume source (templates are defaulted to emptyDir when they name none).
    const sources = Object.keys(volume).filter((k) => k !== 'name');
    if (sources.length === 0) causes.push(required(volumePath, 'must specify a volume type'));
    else if (sources.length > 1) causes.push(forbidden(child(volumePath, sources[1]!), 'may not specify more than 1 volume type'));
    if (!name) causes.push(required(at));
    else if (volumes.has(name)) causes.push(duplicate(at, name));
    else {
      for (const message of dns1123Label(name)) causes.push(invalid(at, name, message));
      volumes.add(name);
    }
  });
  const containerNames = new Set<string>();
  for (const list of ['initContainers', 'containers']) {
    const containers = recordsAt(spec, list);
    if (list === 'containers' && containers.length === 0) causes.push(required(child(path, 'containers')));
    containers.forEach((container, i) => {
      const at = index(child(path, list), i);
      validateContainer(container, at, volumes, forPod, causes);
      const name = stringAt(container, 'name');
      if (name && containerNames.has(name)) causes.push(duplicate(child(at, 'name'), name));
      if (name) containerNames.add(name);
    });
  }
  supported(causes, child(path, 'restartPolicy'), spec.restartPolicy, RESTART_POLICIES);
  supported(causes, child(path, 'dnsPolicy'), spec.dnsPolicy, DNS_POLICIES);
  causes.push(...validateLabels(spec.nodeSelector, child(path, 'nodeSelector')));
  for (const field of ['serviceAccountName', 'nodeName', 'priorityClassName']) {
    const value = stringAt(spec, field);
    if (value) for (const message of dns1123Subdomain(value)) causes.push(invalid(child(path, field), value, message));
  }
  for (const field of ['hostname', 'subdomain']) {
    const value = stringAt(spec, field);
    if (value) for (const message of dns1123Label(value)) causes.push(invalid(child(path, field), value, message));
  }
  const deadline = spec.activeDeadlineSeconds;
  if (typeof deadline === 'number' && deadline <= 0) causes.push(invalid(child(path, 'activeDeadlineSeconds'), deadline, 'must be between 1 and 2147483647, inclusive'));
  causes.push(...validateScheduling(spec, path));
  return causes;
}

export function validatePodTemplate(template: Json | undefined, path: string): FieldCause[] {
  if (!template) return [required(path)];
  return [
    ...validateLabels(recordAt(recordAt(template, 'metadata'), 'labels'), child(child(path, 'metadata'), 'labels')),
    ...validatePodSpec(recordAt(template, 'spec'), child(path, 'spec'), false),
  ];
}

const POD_UPDATE_MESSAGE =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** The spec with the fields a pod update may change taken out. */
function frozenPart(spec: Json | undefined): string {
  const copy = structuredClone(spec ?? {});
  for (const list of ['containers', 'initContainers']) for (const container of recordsAt(copy, list)) delete container.image;
  delete copy.activeDeadlineSeconds;
  delete copy.tolerations;
  delete copy.terminationGracePeriodSeconds;
  return JSON.stringify(copy, Object.keys(flatKeys(copy)).sort());
}

function flatKeys(value: unknown, into: Record<string, true> = {}): Record<string, true> {
  if (Array.isArray(value)) value.forEach((v) => flatKeys(v, into));
  else if (isRecord(value)) for (const [k, v] of Object.entries(value)) {
    into[k] = true;
    flatKeys(v, into);
  }
  return into;
}

export function validatePod(pod: KubeObject, old: KubeObject | undefined): FieldCause[] {
  const causes = [...validateObjectMeta(pod, true, dns1123Subdomain), ...validatePodSpec(recordAt(pod, 'spec'), 'spec', true)];
  // A status write carries the stored spec itself: nothing in it can have changed.
  if (old && pod.spec !== old.spec && frozenPart(recordAt(pod, 'spec')) !== frozenPart(recordAt(old, 'spec'))) causes.push(forbidden('spec', POD_UPDATE_MESSAGE));
  return causes;
}
