// Field selector values per kind, as the registries' ToSelectableFields compute them: Go zero values
// for unset fields ('' for strings, 'false', '0'), so `spec.nodeName=` matches unscheduled pods.
import type { KubeObject, ResourceSpec } from '../schema/types.js';

type Getters = ResourceSpec['fieldSelectors'];

function at(obj: KubeObject, path: string): unknown {
  let value: unknown = obj;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const text = (path: string) => (obj: KubeObject) => {
  const value = at(obj, path);
  return value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
};
const flag = (path: string) => (obj: KubeObject) => String(at(obj, path) === true);
const count = (path: string) => (obj: KubeObject) => String(typeof at(obj, path) === 'number' ? at(obj, path) : 0);

export const podFields: Getters = {
  'spec.nodeName': text('spec.nodeName'),
  'spec.restartPolicy': text('spec.restartPolicy'),
  'spec.schedulerName': text('spec.schedulerName'),
  'spec.serviceAccountName': text('spec.serviceAccountName'),
  'spec.hostNetwork': flag('spec.hostNetwork'),
  'status.phase': text('status.phase'),
  // The registry indexes the first of status.podIPs, which mirrors status.podIP.
  'status.podIP': text('status.podIP'),
  'status.nominatedNodeName': text('status.nominatedNodeName'),
};

const involvedObjectFields = ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'];

export const coreEventFields: Getters = {
  ...Object.fromEntries(involvedObjectFields.map((f) => [`involvedObject.${f}`, text(`involvedObject.${f}`)])),
  reason: text('reason'),
  reportingComponent: text('reportingComponent'),
  source: text('source.component'),
  type: text('type'),
};

/** events.k8s.io/v1 selects with the core names; its fields carry other names (regarding, deprecatedSource). */
export const eventsV1Fields: Getters = {
  ...Object.fromEntries(involvedObjectFields.map((f) => [`involvedObject.${f}`, text(`regarding.${f}`)])),
  reason: text('reason'),
  reportingComponent: text('reportingController'),
  source: text('deprecatedSource.component'),
  type: text('type'),
};

export const nodeFields: Getters = { 'spec.unschedulable': flag('spec.unschedulable') };
export const namespaceFields: Getters = { 'status.phase': text('status.phase') };
export const secretFields: Getters = { type: text('type') };
export const serviceFields: Getters = { 'spec.clusterIP': text('spec.clusterIP'), 'spec.type': text('spec.type') };
export const jobFields: Getters = { 'status.successful': count('status.succeeded') };
export const replicaSetFields: Getters = { 'status.replicas': count('status.replicas') };
