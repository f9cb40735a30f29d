// core/v1 scheduling constraints of a pod: affinity, tolerations, topology spread.
import { anyJson, atomicList, bool, componentName, int32, int64, labelSelector, obj, oneOf, ref, str } from '../../schema/dsl.js';
import type { SchemaNode } from '../../schema/types.js';

const core = componentName.core;

const affinityTerms = (kind: 'affinity' | 'anti-affinity') => ({
  requiredDuringSchedulingIgnoredDuringExecution: atomicList(
    ref(core('PodAffinityTerm')),
    `Pods must${kind === 'affinity' ? '' : ' not'} be co-located with the pods these terms select, or the pod is not scheduled onto the node.`,
  ),
  preferredDuringSchedulingIgnoredDuringExecution: atomicList(
    ref(core('WeightedPodAffinityTerm')),
    `The scheduler prefers nodes that satisfy these ${kind} terms, summing their weights.`,
  ),
});

export const schedulingSchemas: Record<string, SchemaNode> = {
  [core('Affinity')]: obj(
    {
      nodeAffinity: ref(core('NodeAffinity'), 'Node affinity scheduling rules for the pod.'),
      podAffinity: ref(core('PodAffinity'), 'Rules to co-locate this pod with other pods (same node, zone, ...).'),
      podAntiAffinity: ref(core('PodAntiAffinity'), 'Rules to keep this pod away from other pods (same node, zone, ...).'),
    },
    { description: 'Affinity is a group of affinity scheduling rules.' },
  ),
  [core('NodeAffinity')]: obj(
    {
      requiredDuringSchedulingIgnoredDuringExecution: ref(core('NodeSelector'), 'The pod is not scheduled onto a node that does not meet these requirements.'),
      preferredDuringSchedulingIgnoredDuringExecution: atomicList(ref(core('PreferredSchedulingTerm')), 'The scheduler prefers nodes that satisfy these terms, summing their weights.'),
    },
    { description: 'Node affinity is a group of node affinity scheduling rules.' },
  ),
  [core('NodeSelector')]: obj(
    { nodeSelectorTerms: atomicList(ref(core('NodeSelectorTerm')), 'A list of node selector terms, ORed.') },
    { description: 'A node selector: the union of its terms.', required: ['nodeSelectorTerms'], extra: { 'x-kubernetes-map-type': 'atomic' } },
  ),
  [core('NodeSelectorTerm')]: obj(
    {
      matchExpressions: atomicList(ref(core('NodeSelectorRequirement')), "Requirements on the node's labels."),
      matchFields: atomicList(ref(core('NodeSelectorRequirement')), "Requirements on the node's fields."),
    },
    { description: 'Node selector requirements, ANDed. A null or empty term matches no objects.', extra: { 'x-kubernetes-map-type': 'atomic' } },
  ),
  [core('NodeSelectorRequirement')]: obj(
    {
      key: str('The label key that the selector applies to.'),
      operator: oneOf(['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn'], "The key's relationship to the values."),
      values: atomicList(str(), 'Values for In and NotIn; one integer for Gt and Lt; empty for Exists and DoesNotExist.'),
    },
    { description: 'A selector that contains values, a key, and an operator.', required: ['key', 'operator'] },
  ),
  [core('PreferredSchedulingTerm')]: obj(
    { weight: int32('Weight associated with matching the term, in the range 1-100.'), preference: ref(core('NodeSelectorTerm'), 'A node selector term.') },
    { description: 'A weighted node selector term.', required: ['weight', 'preference'] },
  ),
  [core('PodAffinity')]: obj(affinityTerms('affinity'), { description: 'Pod affinity is a group of inter pod affinity scheduling rules.' }),
  [core('PodAntiAffinity')]: obj(affinityTerms('anti-affinity'), { description: 'Pod anti affinity is a group of inter pod anti affinity scheduling rules.' }),
  [core('PodAffinityTerm')]: obj(
    {
      labelSelector: labelSelector('A label query over a set of pods.'),
      namespaces: atomicList(str(), "Namespaces the term applies to; null or empty means this pod's namespace."),
      topologyKey: str('The node label whose equal values define co-location. Empty is not allowed.'),
      namespaceSelector: labelSelector('A label query over namespaces the term applies to, added to namespaces.'),
      matchLabelKeys: atomicList(str(), "Label keys whose values, taken from the incoming pod, are ANDed with labelSelector."),
      mismatchLabelKeys: atomicList(str(), "Label keys whose values, taken from the incoming pod, are excluded through labelSelector."),
    },
    { description: 'Pods (matching labelSelector in namespaces) this pod should be co-located with or kept away from.', required: ['topologyKey'] },
  ),
  [core('WeightedPodAffinityTerm')]: obj(
    { weight: int32('Weight associated with matching the term, in the range 1-100.'), podAffinityTerm: ref(core('PodAffinityTerm'), 'A pod affinity term.') },
    { description: 'The weights of all matched terms are added per node to find the most preferred ones.', required: ['weight', 'podAffinityTerm'] },
  ),
  [core('Toleration')]: obj(
    {
      key: str('The taint key the toleration applies to; empty matches all keys (with operator Exists).'),
      operator: oneOf(['Equal', 'Exists'], "A key's relationship to the value. Defaults to Equal."),
      value: str('The taint value the toleration matches; empty with operator Exists.'),
      effect: oneOf(['NoExecute', 'NoSchedule', 'PreferNoSchedule'], 'The taint effect to match; empty matches all effects.'),
      tolerationSeconds: int64('How long a NoExecute taint is tolerated before eviction; unset means forever.'),
    },
    { description: 'The pod this Toleration is attached to tolerates any taint that matches the triple <key,value,effect>.' },
  ),
  [core('TopologySpreadConstraint')]: obj(
    {
      maxSkew: int32('The degree to which pods may be unevenly distributed.'),
      topologyKey: str('The key of node labels; nodes with the same value are in the same topology.'),
      whenUnsatisfiable: oneOf(['DoNotSchedule', 'ScheduleAnyway'], 'What to do with a pod that does not satisfy the spread constraint.'),
      labelSelector: labelSelector('Finds matching pods, counted to determine the number of pods in their topology domain.'),
      minDomains: int32('The minimum number of eligible domains.'),
      nodeAffinityPolicy: oneOf(['Honor', 'Ignore'], "How the pod's nodeAffinity/nodeSelector is treated when calculating the skew."),
      nodeTaintsPolicy: oneOf(['Honor', 'Ignore'], 'How node taints are treated when calculating the skew.'),
      matchLabelKeys: atomicList(str(), 'Pod label keys to select the pods over which spreading is calculated.'),
    },
    { description: 'How to spread matching pods among the given topology.', required: ['maxSkew', 'topologyKey', 'whenUnsatisfiable'] },
  ),
  [core('Taint')]: obj(
    {
      key: str('The taint key to be applied to a node.'),
      value: str('The taint value corresponding to the taint key.'),
      effect: oneOf(['NoExecute', 'NoSchedule', 'PreferNoSchedule'], 'The effect of the taint on pods that do not tolerate it.'),
      timeAdded: ref(componentName.meta('Time'), 'When the taint was added; only for NoExecute taints.'),
    },
    { description: 'The node this Taint is attached to has the "effect" on any pod that does not tolerate the Taint.', required: ['key', 'effect'] },
  ),
  [core('PodDNSConfig')]: obj(
    {
      nameservers: atomicList(str(), 'DNS name server IP addresses, appended to those from DNSPolicy.'),
      searches: atomicList(str(), 'DNS search domains for host-name lookup.'),
      options: atomicList(obj({ name: str('Required.'), value: str('The option value.') }), 'DNS resolver options.'),
    },
    { description: 'DNS parameters of a pod in addition to those generated from DNSPolicy.' },
  ),
  [core('PodSecurityContext')]: obj(
    {
      seLinuxOptions: ref(core('SELinuxOptions'), 'The SELinux context to be applied to all containers.'),
      runAsUser: int64('The UID to run the entrypoint of the container process.'),
      runAsGroup: int64('The GID to run the entrypoint of the container process.'),
      runAsNonRoot: bool('Containers must run as a non-root user.'),
      supplementalGroups: atomicList(int64(), 'Groups added to the first process in each container.'),
      fsGroup: int64('A supplemental group applied to all containers, owning supporting volumes.'),
      sysctls: atomicList(obj({ name: str('Name of a property to set.'), value: str('Value of a property to set.') }, { required: ['name', 'value'] }), 'Namespaced sysctls used for the pod.'),
      fsGroupChangePolicy: str('How ownership and permission of a volume are changed before being exposed inside the pod.'),
      seccompProfile: ref(core('SeccompProfile'), 'The seccomp options used by the containers in this pod.'),
      supplementalGroupsPolicy: str('How supplemental groups of the first container processes are calculated: Merge or Strict.'),
      appArmorProfile: anyJson('The AppArmor options used by the containers in this pod.'),
      seLinuxChangePolicy: str('How the container\'s SELinux label is applied to the volumes the pod uses.'),
      windowsOptions: anyJson('The Windows-specific options applied to all containers.'),
    },
    { description: 'Pod-level security attributes and common container settings.' },
  ),
  [core('HostAlias')]: obj(
    { ip: str('IP address of the host file entry.'), hostnames: atomicList(str(), 'Hostnames for the above IP address.') },
    { description: "An entry for the pod's hosts file.", required: ['ip'] },
  ),
  [core('LocalObjectReference')]: obj(
    { name: str('Name of the referent.', { default: '' }) },
    { description: 'Enough information to locate the referenced object inside the same namespace.', extra: { 'x-kubernetes-map-type': 'atomic' } },
  ),
};
