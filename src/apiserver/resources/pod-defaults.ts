// Pod defaulting as kube-apiserver applies it: core/v1 SetDefaults_* for PodSpec (also in every pod
// template), and for Pods themselves SetDefaults_Pod plus what the default admission plugins add
// (ServiceAccount's serviceAccountName, Priority's priority and preemptionPolicy).
import type { KubeObject } from '../schema/types.js';
import { isRecord, objectAt, recordAt, recordsAt, setDefault, stringAt, type Json } from './json-access.js';
import { parseQuantity } from '../../shared/quantity.js';

/** Always for `:latest` or untagged images; IfNotPresent for other tags and digests. */
export function defaultPullPolicy(image: string | undefined): string {
  if (!image) return 'Always';
  if (image.includes('@')) return 'IfNotPresent';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(probe: Json | undefined): void {
  if (!probe) return;
  setDefault(probe, 'timeoutSeconds', 1);
  setDefault(probe, 'periodSeconds', 10);
  setDefault(probe, 'successThreshold', 1);
  setDefault(probe, 'failureThreshold', 3);
  defaultHandler(probe);
}

function defaultHandler(handler: Json | undefined): void {
  const httpGet = recordAt(handler, 'httpGet');
  if (httpGet) {
    setDefault(httpGet, 'path', '/');
    setDefault(httpGet, 'scheme', 'HTTP');
  }
}

function defaultContainer(container: Json): void {
  setDefault(container, 'imagePullPolicy', defaultPullPolicy(stringAt(container, 'image')));
  setDefault(container, 'terminationMessagePath', '/dev/termination-log');
  setDefault(container, 'terminationMessagePolicy', 'File');
  for (const port of recordsAt(container, 'ports')) setDefault(port, 'protocol', 'TCP');
  for (const env of recordsAt(container, 'env')) {
    const fieldRef = recordAt(recordAt(env, 'valueFrom'), 'fieldRef');
    if (fieldRef) setDefault(fieldRef, 'apiVersion', 'v1');
  }
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(recordAt(container, probe));
  const lifecycle = recordAt(container, 'lifecycle');
  defaultHandler(recordAt(lifecycle, 'postStart'));
  defaultHandler(recordAt(lifecycle, 'preStop'));
}

const VOLUME_SOURCES = ['emptyDir', 'hostPath', 'configMap', 'secret', 'persistentVolumeClaim', 'downwardAPI', 'projected', 'nfs'];
const DEFAULT_MODE = 0o644;

function defaultVolume(volume: Json): void {
  const sources = Object.keys(volume).filter((k) => k !== 'name');
  if (sources.length === 0) volume.emptyDir = {};
  else if (!sources.some((k) => VOLUME_SOURCES.includes(k))) return;
  for (const source of ['configMap', 'secret', 'downwardAPI', 'projected']) {
    const node = recordAt(volume, source);
    if (node) setDefault(node, 'defaultMode', DEFAULT_MODE);
  }
  const hostPath = recordAt(volume, 'hostPath');
  if (hostPath) setDefault(hostPath, 'type', '');
}

/** SetDefaults_PodSpec and the container, volume and probe defaulters: applies to pods and templates. */
export function defaultPodSpec(spec: Json): void {
  // The v1 conversion: serviceAccount is the deprecated mirror of serviceAccountName.
  const account = stringAt(spec, 'serviceAccountName') || stringAt(spec, 'serviceAccount');
  if (account) {
    spec.serviceAccountName = account;
    spec.serviceAccount = account;
  }
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'restartPolicy', 'Always');
  if (!isRecord(spec.securityContext)) spec.securityContext = {};
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'schedulerName', 'default-scheduler');
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) recordsAt(spec, list).forEach(defaultContainer);
  recordsAt(spec, 'volumes').forEach(defaultVolume);
}

/** A pod template's spec, as every workload kind defaults it. */
export function defaultTemplate(spec: Json | undefined): void {
  const template = recordAt(spec, 'template');
  if (template) defaultPodSpec(objectAt(template, 'spec'));
}

function qosClass(spec: Json): string {
  const containers = [...recordsAt(spec, 'initContainers'), ...recordsAt(spec, 'containers')];
  let anySet = false;
  let guaranteed = true;
  for (const container of containers) {
    const requests = recordAt(recordAt(container, 'resources'), 'requests') ?? {};
    const limits = recordAt(recordAt(container, 'resources'), 'limits') ?? {};
    if (Object.keys(requests).length || Object.keys(limits).length) anySet = true;
    for (const resource of ['cpu', 'memory']) {
      if (limits[resource] === undefined || (requests[resource] !== undefined && parseQuantity(requests[resource]) !== parseQuantity(limits[resource]))) guaranteed = false;
    }
  }
  if (!anySet) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** The two built-in PriorityClasses; others would need PriorityClass objects, which are not served. */
const SYSTEM_PRIORITIES: Record<string, number> = { 'system-node-critical': 2000001000, 'system-cluster-critical': 2000000000 };

export function defaultPod(pod: KubeObject, old: KubeObject | undefined): void {
  const spec = objectAt(pod as Json, 'spec');
  defaultPodSpec(spec);
  setDefault(spec, 'enableServiceLinks', true);
  // On the host's network a container port is also a host port.
  if (spec.hostNetwork === true) {
    for (const container of [...recordsAt(spec, 'initContainers'), ...recordsAt(spec, 'containers')]) {
      for (const port of recordsAt(container, 'ports')) if (!port.hostPort) port.hostPort = port.containerPort;
    }
  }
  // Requests default to limits, per resource (SetDefaults_Pod).
  for (const container of [...recordsAt(spec, 'initContainers'), ...recordsAt(spec, 'containers')]) {
    const limits = recordAt(recordAt(container, 'resources'), 'limits');
    if (!limits || Object.keys(limits).length === 0) continue;
    const requests = objectAt(objectAt(container, 'resources'), 'requests');
    for (const [resource, value] of Object.entries(limits)) if (requests[resource] === undefined) requests[resource] = value;
  }
  if (old) return;
  // Admission on create: ServiceAccount and Priority plugins.
  const account = stringAt(spec, 'serviceAccountName') || 'default';
  spec.serviceAccountName = account;
  spec.serviceAccount = account;
  setDefault(spec, 'priority', SYSTEM_PRIORITIES[stringAt(spec, 'priorityClassName') ?? ''] ?? 0);
  setDefault(spec, 'preemptionPolicy', 'PreemptLowerPriority');
  // The pod strategy's PrepareForCreate: a new pod is Pending with its QoS class.
  pod.status = { phase: 'Pending', qosClass: qosClass(spec) };
}
