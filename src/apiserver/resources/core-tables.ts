// Tables of the other core/v1 kinds as kube's printers compute them.
import type { KubeObject } from '../schema/types.js';
import { ageOf, AGE_COLUMN, column, NAME_COLUMN, nameOf, type TableDefinition } from './define.js';
import { isRecord, numberAt, recordAt, recordsAt, stringAt, type Json } from './json-access.js';

const wide = { priority: 1 };

export const namespaceTable: TableDefinition = {
  columns: [NAME_COLUMN, column('Status', 'The status of the namespace'), AGE_COLUMN],
  row: (obj, now) => [nameOf(obj), stringAt(recordAt(obj, 'status'), 'phase') ?? '', ageOf(obj, now)],
};

function nodeRoles(node: KubeObject): string {
  const roles = new Set<string>();
  for (const [label, value] of Object.entries(node.metadata?.labels ?? {})) {
    if (label.startsWith('node-role.kubernetes.io/')) {
      const role = label.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (label === 'kubernetes.io/role' && value) roles.add(value);
  }
  return [...roles].sort().join(',') || '<none>';
}

function nodeStatus(node: KubeObject): string {
  const ready = recordsAt(recordAt(node, 'status'), 'conditions').find((c) => c.type === 'Ready');
  const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (recordAt(node, 'spec')?.unschedulable === true) status.push('SchedulingDisabled');
  return status.join(',');
}

const nodeAddress = (node: KubeObject, type: string) =>
  stringAt(recordsAt(recordAt(node, 'status'), 'addresses').find((a) => a.type === type), 'address') ?? '<none>';

export const nodeTable: TableDefinition = {
  columns: [
    NAME_COLUMN,
    column('Status', 'The status of the node'),
    column('Roles', 'The roles of the node'),
    AGE_COLUMN,
    column('Version', 'Kubelet Version reported by the node.'),
    column('Internal-IP', "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP).", wide),
    column('External-IP', "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP).", wide),
    column('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', wide),
    column('Kernel-Version', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", wide),
    column('Container-Runtime', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', wide),
  ],
  row: (obj, now) => {
    const info = recordAt(recordAt(obj, 'status'), 'nodeInfo');
    return [
      nameOf(obj),
      nodeStatus(obj),
      nodeRoles(obj),
      ageOf(obj, now),
      stringAt(info, 'kubeletVersion') ?? '',
      nodeAddress(obj, 'InternalIP'),
      nodeAddress(obj, 'ExternalIP'),
      stringAt(info, 'osImage') || '<unknown>',
      stringAt(info, 'kernelVersion') || '<unknown>',
      stringAt(info, 'containerRuntimeVersion') || '<unknown>',
    ];
  },
};

const stringsAt = (parent: unknown, key: string) => (isRecord(parent) && Array.isArray(parent[key]) ? (parent[key] as unknown[]).map(String) : []);

function serviceExternalIP(spec: Json | undefined, status: Json | undefined): string {
  const externalIPs = stringsAt(spec, 'externalIPs');
  switch (stringAt(spec, 'type')) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      // A sorted set of each ingress point's IP, else its hostname.
      const ingress = [...new Set(recordsAt(recordAt(status, 'loadBalancer'), 'ingress').map((i) => stringAt(i, 'ip') || stringAt(i, 'hostname') || ''))]
        .filter(Boolean)
        .sort();
      const all = [...ingress, ...externalIPs];
      return all.length ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return stringAt(spec, 'externalName') ?? '';
    default:
      return '<unknown>';
  }
}

function servicePorts(spec: Json | undefined): string {
  const ports = recordsAt(spec, 'ports').map((p) => {
    const nodePort = numberAt(p, 'nodePort') ?? 0;
    const protocol = stringAt(p, 'protocol') ?? '';
    return nodePort > 0 ? `${numberAt(p, 'port') ?? 0}:${nodePort}/${protocol}` : `${numberAt(p, 'port') ?? 0}/${protocol}`;
  });
  return ports.length ? ports.join(',') : '<none>';
}

/** labels.FormatLabels: sorted k=v pairs, '<none>' when empty. */
export function formatLabels(labels: unknown): string {
  if (!isRecord(labels) || Object.keys(labels).length === 0) return '<none>';
  return Object.keys(labels).sort().map((k) => `${k}=${String(labels[k])}`).join(',');
}

export const serviceTable: TableDefinition = {
  columns: [
    NAME_COLUMN,
    column('Type', 'The type of the service'),
    column('Cluster-IP', 'The cluster ip of the service'),
    column('External-IP', 'The external ip of the service'),
    column('Port(s)', 'The ports of the service'),
    AGE_COLUMN,
    column('Selector', 'Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/', wide),
  ],
  row: (obj, now) => {
    const spec = recordAt(obj, 'spec');
    return [
      nameOf(obj),
      stringAt(spec, 'type') ?? '',
      stringsAt(spec, 'clusterIPs')[0] ?? '<none>',
      serviceExternalIP(spec, recordAt(obj, 'status')),
      servicePorts(spec),
      ageOf(obj, now),
      formatLabels(recordAt(spec, 'selector')),
    ];
  },
};

/** "a,b,c + N more..." over the first three entries, as the endpoint printers shorten lists. */
export function firstThree(list: string[], empty: string): string {
  if (list.length > 3) return `${list.slice(0, 3).join(',')} + ${list.length - 3} more...`;
  return list.length ? list.join(',') : empty;
}

function endpointsCell(endpoints: KubeObject): string {
  const subsets = recordsAt(endpoints, 'subsets');
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  for (const subset of subsets) {
    const ips = recordsAt(subset, 'addresses').map((a) => stringAt(a, 'ip') ?? '');
    const ports = recordsAt(subset, 'ports');
    if (ports.length === 0) list.push(...ips);
    for (const port of ports) for (const ip of ips) list.push(ip.includes(':') ? `[${ip}]:${numberAt(port, 'port') ?? 0}` : `${ip}:${numberAt(port, 'port') ?? 0}`);
  }
  return firstThree(list, '');
}

export const endpointsTable: TableDefinition = {
  columns: [NAME_COLUMN, column('Endpoints', 'Endpoints of the service'), AGE_COLUMN],
  row: (obj, now) => [nameOf(obj), endpointsCell(obj), ageOf(obj, now)],
};

const size = (value: unknown) => (isRecord(value) ? Object.keys(value).length : 0);
/** A quantity as written: a string, or a plain number. */
const quantityText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

export const configMapTable: TableDefinition = {
  columns: [NAME_COLUMN, column('Data', 'Data contains the configuration data. Each key must consist of alphanumeric characters, \'-\', \'_\' or \'.\'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.'), AGE_COLUMN],
  row: (obj, now) => [nameOf(obj), size(obj.data) + size(obj.binaryData), ageOf(obj, now)],
};

export const secretTable: TableDefinition = {
  columns: [NAME_COLUMN, column('Type', 'The type of the secret'), column('Data', 'Data contains the secret data. Each key must consist of alphanumeric characters, \'-\', \'_\' or \'.\'.'), AGE_COLUMN],
  row: (obj, now) => [nameOf(obj), stringAt(obj, 'type') ?? '', size(obj.data), ageOf(obj, now)],
};

export const serviceAccountTable: TableDefinition = {
  columns: [NAME_COLUMN, column('Secrets', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'), AGE_COLUMN],
  row: (obj, now) => [nameOf(obj), recordsAt(obj, 'secrets').length, ageOf(obj, now)],
};

export const resourceQuotaTable: TableDefinition = {
  columns: [NAME_COLUMN, AGE_COLUMN, column('Request', 'Request represents a minimum amount of cpu/memory that a container may consume.'), column('Limit', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.')],
  row: (obj, now) => {
    const status = recordAt(obj, 'status');
    const hard = recordAt(status, 'hard') ?? {};
    const used = recordAt(status, 'used') ?? {};
    const requests: string[] = [];
    const limits: string[] = [];
    for (const resource of Object.keys(hard).sort()) {
      const cell = `${resource}: ${quantityText(used[resource] ?? '0')}/${quantityText(hard[resource])}`;
      (resource.split('.')[0] === 'limits' && resource.includes('.') ? limits : requests).push(cell);
    }
    return [nameOf(obj), ageOf(obj, now), requests.join(', '), limits.join(', ')];
  },
};
