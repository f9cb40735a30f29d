// core/v1 Service and Endpoints.
import { atomicList, bool, componentName, int32, intOrString, kindSchema, list, map, obj, oneOf, ref, str } from '../../schema/dsl.js';
import type { SchemaNode } from '../../schema/types.js';

const core = componentName.core;
const gv = (kind: string) => ({ group: '', version: 'v1', kind });

export const serviceSchemas: Record<string, SchemaNode> = {
  [core('Service')]: kindSchema(gv('Service'), 'Service is a named abstraction of software service (for example, mysql) consisting of local port (for example 3306) that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy.', {
    spec: ref(core('ServiceSpec'), 'Spec defines the behavior of a service.'),
    status: ref(core('ServiceStatus'), 'Most recently observed status of the service. Populated by the system. Read-only.'),
  }),
  [core('ServiceSpec')]: obj(
    {
      ports: list(ref(core('ServicePort')), {
        description: 'The list of ports that are exposed by this service.',
        mergeKey: 'port',
        strategy: 'merge',
        listType: 'map',
        mapKeys: ['port', 'protocol'],
      }),
      selector: map(str(), 'Route service traffic to pods with label keys and values matching this selector.'),
      clusterIP: str('The IP address of the service, usually assigned randomly; "None" makes a headless service. Cannot be updated once set.'),
      clusterIPs: atomicList(str(), 'IP addresses assigned to this service; the first equals clusterIP.'),
      type: oneOf(['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'], 'How the Service is exposed. Defaults to ClusterIP.'),
      externalIPs: atomicList(str(), 'IP addresses for which nodes in the cluster will also accept traffic for this service.'),
      sessionAffinity: oneOf(['ClientIP', 'None'], 'Enable client IP based session affinity. Must be ClientIP or None. Defaults to None.'),
      loadBalancerIP: str('Deprecated: only applies to Service Type LoadBalancer.'),
      loadBalancerSourceRanges: atomicList(str(), 'Client IPs allowed through a cloud load balancer.'),
      externalName: str('The external reference discovery returns as a CNAME record; requires type ExternalName.'),
      externalTrafficPolicy: oneOf(['Cluster', 'Local'], 'How nodes distribute service traffic received on an externally-facing address.'),
      healthCheckNodePort: int32('The healthcheck nodePort for the service.'),
      publishNotReadyAddresses: bool('Publish endpoints of pods that are not ready.'),
      sessionAffinityConfig: obj(
        { clientIP: obj({ timeoutSeconds: int32('Seconds of ClientIP session sticky time (0 < x <= 86400). Defaults to 10800.') }) },
        { description: 'The configurations of session affinity.' },
      ),
      ipFamilies: atomicList(oneOf(['IPv4', 'IPv6']), 'IP families (IPv4, IPv6) assigned to this service.'),
      ipFamilyPolicy: oneOf(['PreferDualStack', 'RequireDualStack', 'SingleStack'], 'The dual-stack-ness requested or required by this Service.'),
      allocateLoadBalancerNodePorts: bool('Whether NodePorts are allocated for a LoadBalancer service. Defaults to true.'),
      loadBalancerClass: str('The class of the load balancer implementation this Service belongs to.'),
      internalTrafficPolicy: oneOf(['Cluster', 'Local'], 'How nodes distribute service traffic they receive on the ClusterIP.'),
      trafficDistribution: str('How traffic is distributed to service endpoints.'),
    },
    { description: 'ServiceSpec describes the attributes that a user creates on a service.' },
  ),
  [core('ServicePort')]: obj(
    {
      name: str('The name of this port within the service, a DNS_LABEL; required when there are several ports.'),
      protocol: { ...oneOf(['SCTP', 'TCP', 'UDP'], 'The IP protocol for this port. Defaults to "TCP".'), default: 'TCP' },
      appProtocol: str('The application protocol for this port.'),
      port: int32('The port that will be exposed by this service.'),
      targetPort: intOrString("Number or name of the port to access on the pods targeted by the service. Defaults to the value of 'port'."),
      nodePort: int32('The port on each node on which this service is exposed when type is NodePort or LoadBalancer.'),
    },
    { description: "ServicePort contains information on service's port.", required: ['port'] },
  ),
  [core('ServiceStatus')]: obj(
    {
      loadBalancer: obj(
        {
          ingress: atomicList(
            obj({
              ip: str('IP for load-balancer ingress points.'),
              hostname: str('Hostname for load-balancer ingress points.'),
              ipMode: str('How the load-balancer IP behaves.'),
              ports: atomicList(obj({ port: int32('Port number.'), protocol: str('Protocol.'), error: str('Error of the port.') }, { required: ['port', 'protocol'] }), 'Records of service ports.'),
            }),
            'A list containing ingress points for the load-balancer.',
          ),
        },
        { description: 'The current status of the load-balancer, if one is present.' },
      ),
      conditions: list(ref(componentName.meta('Condition')), { description: 'Current service state.', mergeKey: 'type', strategy: 'merge', listType: 'map', mapKeys: ['type'] }),
    },
    { description: 'ServiceStatus represents the current status of a service.' },
  ),
  [core('Endpoints')]: kindSchema(gv('Endpoints'), 'Endpoints is a collection of endpoints that implement the actual service.', {
    subsets: atomicList(ref(core('EndpointSubset')), 'The set of all endpoints is the union of all subsets.'),
  }),
  [core('EndpointSubset')]: obj(
    {
      addresses: atomicList(ref(core('EndpointAddress')), 'IP addresses which offer the related ports that are marked as ready.'),
      notReadyAddresses: atomicList(ref(core('EndpointAddress')), 'IP addresses which offer the related ports but are not currently marked as ready.'),
      ports: atomicList(
        obj({ name: str('The name of this port.'), port: int32('The port number of the endpoint.'), protocol: oneOf(['SCTP', 'TCP', 'UDP'], 'The IP protocol for this port.'), appProtocol: str('The application protocol for this port.') }, { required: ['port'] }),
        'Port numbers available on the related IP addresses.',
      ),
    },
    { description: 'A group of addresses with a common set of ports.' },
  ),
  [core('EndpointAddress')]: obj(
    {
      ip: str('The IP of this endpoint.'),
      hostname: str('The Hostname of this endpoint.'),
      nodeName: str('Node hosting this endpoint.'),
      targetRef: ref(core('ObjectReference'), 'Reference to the object providing the endpoint.'),
    },
    { description: 'EndpointAddress is a tuple that describes single IP address.', required: ['ip'], extra: { 'x-kubernetes-map-type': 'atomic' } },
  ),
};
