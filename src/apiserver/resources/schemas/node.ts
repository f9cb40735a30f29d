// core/v1 Node and Namespace: the cluster-scoped core kinds.
import { anyJson, atomicList, bool, componentName, int32, int64, keyedList, kindSchema, list, map, obj, oneOf, quantity, ref, str, time } from '../../schema/dsl.js';
import type { SchemaNode } from '../../schema/types.js';

const core = componentName.core;
const gv = (kind: string) => ({ group: '', version: 'v1', kind });

export const nodeSchemas: Record<string, SchemaNode> = {
  [core('Node')]: kindSchema(gv('Node'), 'Node is a worker node in Kubernetes. Each node has a unique identifier in the cache (i.e. in etcd).', {
    spec: ref(core('NodeSpec'), 'Spec defines the behavior of a node.'),
    status: ref(core('NodeStatus'), 'Most recently observed status of the node. Populated by the system. Read-only.'),
  }),
  [core('NodeSpec')]: obj(
    {
      podCIDR: str('The pod IP range assigned to the node.'),
      podCIDRs: list(str(), { description: 'The IP ranges assigned to the node for use by pods on it.', strategy: 'merge', listType: 'set' }),
      providerID: str('ID of the node assigned by the cloud provider, as <ProviderName>://<ProviderSpecificNodeID>.'),
      unschedulable: bool('Controls node schedulability of new pods. By default, the node is schedulable.'),
      taints: atomicList(ref(core('Taint')), "The node's taints."),
      externalID: str('Deprecated. Not all kubelets set this field.'),
      configSource: anyJson('Deprecated: previously used to specify the source of the node\'s configuration.'),
    },
    { description: 'NodeSpec describes the attributes that a node is created with.' },
  ),
  [core('NodeStatus')]: obj(
    {
      capacity: map(quantity(), 'The total resources of the node.'),
      allocatable: map(quantity(), 'The resources of the node available for scheduling. Defaults to capacity.'),
      phase: str('Deprecated: NodePhase is the recently observed lifecycle phase of the node.'),
      conditions: keyedList(ref(core('NodeCondition')), 'type', 'Conditions is an array of current observed node conditions.'),
      addresses: keyedList(ref(core('NodeAddress')), 'type', 'Addresses reachable to the node: Hostname, InternalIP, ExternalIP, ...'),
      daemonEndpoints: obj(
        { kubeletEndpoint: obj({ Port: int32('Port number of the given endpoint.') }, { description: 'Endpoint on which the kubelet is listening.', required: ['Port'] }) },
        { description: 'Endpoints of daemons running on the node.' },
      ),
      nodeInfo: ref(core('NodeSystemInfo'), 'General information about the node, such as its kernel and kubelet version.'),
      images: atomicList(obj({ names: atomicList(str(), 'Names by which this image is known.'), sizeBytes: int64('The size of the image in bytes.') }), 'Container images on this node.'),
      volumesInUse: atomicList(str(), 'Attachable volumes in use (mounted) by the node.'),
      volumesAttached: atomicList(obj({ name: str('Name of the attached volume.'), devicePath: str('Where the volume should be available.') }, { required: ['name', 'devicePath'] }), 'Volumes attached to the node.'),
      config: anyJson('Status of the config assigned to the node via the dynamic Kubelet config feature.'),
      runtimeHandlers: atomicList(anyJson('A runtime handler and its features.'), 'The available runtime handlers.'),
      features: obj({ supplementalGroupsPolicy: bool('Whether the node honors the pod\'s supplementalGroupsPolicy.') }, { description: 'Features implemented by the CRI implementation.' }),
    },
    { description: 'NodeStatus is information about the current status of a node.' },
  ),
  [core('NodeCondition')]: obj(
    {
      type: str('Type of node condition: Ready, MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable.'),
      status: str('Status of the condition: True, False or Unknown.'),
      lastHeartbeatTime: time('Last time we got an update on a given condition.'),
      lastTransitionTime: time('Last time the condition transitioned from one status to another.'),
      reason: str("(brief) reason for the condition's last transition."),
      message: str('Human readable message indicating details about last transition.'),
    },
    { description: 'NodeCondition contains condition information for a node.', required: ['type', 'status'] },
  ),
  [core('NodeAddress')]: obj(
    { type: str('Node address type: Hostname, ExternalIP or InternalIP.'), address: str('The node address.') },
    { description: "NodeAddress contains information for the node's address.", required: ['type', 'address'] },
  ),
  [core('NodeSystemInfo')]: obj(
    {
      machineID: str('MachineID reported by the node.'),
      systemUUID: str('SystemUUID reported by the node.'),
      bootID: str('Boot ID reported by the node.'),
      kernelVersion: str("Kernel Version reported by the node from 'uname -r'."),
      osImage: str('OS Image reported by the node from /etc/os-release.'),
      containerRuntimeVersion: str('ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).'),
      kubeletVersion: str('Kubelet Version reported by the node.'),
      kubeProxyVersion: str('Deprecated: KubeProxy Version reported by the node.'),
      operatingSystem: str('The Operating System reported by the node.'),
      architecture: str('The Architecture reported by the node.'),
    },
    {
      description: 'A set of ids/uuids to uniquely identify the node.',
      required: ['machineID', 'systemUUID', 'bootID', 'kernelVersion', 'osImage', 'containerRuntimeVersion', 'kubeletVersion', 'kubeProxyVersion', 'operatingSystem', 'architecture'],
    },
  ),
  [core('Namespace')]: kindSchema(gv('Namespace'), 'Namespace provides a scope for Names. Use of multiple namespaces is optional.', {
    spec: obj({ finalizers: atomicList(str(), 'An opaque list of values that must be empty to permanently remove the namespace.') }, { description: 'Spec defines the behavior of the Namespace.' }),
    status: obj(
      {
        phase: oneOf(['Active', 'Terminating'], 'The current lifecycle phase of the namespace.'),
        conditions: keyedList(
          obj(
            { type: str('Type of namespace controller condition.'), status: str('Status of the condition: True, False or Unknown.'), lastTransitionTime: time('Last time the condition transitioned.'), reason: str('Unique, one-word, CamelCase reason.'), message: str('Human-readable message.') },
            { required: ['type', 'status'] },
          ),
          'type',
          'The latest available observations of the namespace\'s current state.',
        ),
      },
      { description: 'Status describes the current status of a Namespace.' },
    ),
  }),
};
